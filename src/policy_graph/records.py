"""Curated YAML records → checked, frozen dataclasses (the first stage).

Every record remembers its file and lines, so that every problem can be reported
as ``file:line: record: field: message``. All problems of a run are collected and
raised together as one :class:`~policy_graph.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import gc
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .record_format import (
    SECTION_BY_NAME,
    UNIT,
    Field,
    InvalidValue,
    LongNumber,
    Section,
    Text,
    describe,
    did_you_mean,
    excerpt,
    parse_slug,
)
from .sandbox import die_with

# Concept kind (also the first segment of its IRI) → its name in messages.
CONCEPT_WORDS = {
    "technology": "technology",
    "target-group": "target group",
    "domain": "domain",
    "organisation-type": "organisation type",
}
# The sections that declare them, in the same order.
CONCEPT_SECTIONS = ("technologies", "target_groups", "domains", "organisation_types")


# --- the records ------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a record stands: its file, its first line, the line of each field."""

    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Concept:
    """A SKOS concept: a technology, target group, policy domain or organisation type."""

    kind: str
    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    definition: Text | None
    broader: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Unit:
    """A department or agency of a government (an ``org:OrganizationalUnit``), possibly
    inside another unit of it (``part_of``: a 팀 in a 정책관)."""

    government: str
    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    unit_type: str
    part_of: str | None
    origin: Origin


@dataclass(frozen=True)
class Government:
    """A city, county or district government and its units (every one, however deep)."""

    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    kind: str
    part_of: str | None
    units: tuple[Unit, ...]
    origin: Origin


@dataclass(frozen=True)
class Organisation:
    """Any other organisation: a partner institution or a publisher."""

    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    kind: str
    origin: Origin


@dataclass(frozen=True)
class Source:
    """A document that states policies (a news article, a press release …)."""

    id: str
    type: str
    title: str | None
    title_en: str | None
    publisher: str
    issued: dt.date
    author: str | None
    url: str | None
    origin: Origin


@dataclass(frozen=True)
class Programme:
    """A programme of a government that groups policies, or a strand of one (``part_of``)."""

    government: str
    id: str
    title: Text
    description: Text | None
    part_of: str | None
    budget_krw: Decimal | None
    planned_end: int | None
    timeline: str | None
    quotes: tuple[str, ...]
    sources: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Policy:
    """One AI policy or project of one government."""

    government: str
    id: str
    title: Text
    description: Text
    lead_department: str | None
    programme: str | None
    technologies: tuple[str, ...]
    target_groups: tuple[str, ...]
    partners: tuple[str, ...]
    domains: tuple[str, ...]
    budget_krw: Decimal | None
    planned_end: int | None
    timeline: str | None
    quotes: tuple[str, ...]
    sources: tuple[str, ...]
    origin: Origin


@dataclass
class Records:
    """Every record of a records folder, in file order."""

    governments: list[Government] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    files: int = field(default=0, compare=False)  # how many files they were read from

    def extend(self, other: Records) -> None:
        """Append ``other``'s records after ours, kind by kind (every list field)."""
        for kind in fields(self):
            if kind.default_factory is list:
                getattr(self, kind.name).extend(getattr(other, kind.name))

    def concepts_of(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts if c.kind == kind]

    @property
    def units(self) -> list[Unit]:
        return [u for g in self.governments for u in g.units]

    def of_government(self, government: str) -> Records:
        """One government's records, with every shared one (vocabularies, organisations,
        sources): a whole graph of its own, for SHACL city by city."""
        return Records(
            governments=[g for g in self.governments if g.id == government],
            organisations=self.organisations,
            sources=self.sources,
            concepts=self.concepts,
            programmes=[p for p in self.programmes if p.government == government],
            policies=[p for p in self.policies if p.government == government],
        )


# --- reading a records file: bounded, and nothing skipped in silence ----------------

# Bounds far beyond what records need, so that a mistaken or hostile file is refused in
# one line instead of taking all memory or time: the bytes of one file, and how deep
# lists and mappings nest (a unit inside a unit takes two levels).
MAX_FILE_BYTES = 64 * 2**20
MAX_DEPTH = 40
_TOO_DEEP = f"lists and mappings nested more than {MAX_DEPTH} deep: records never need so many"

# Opening never waits: a FIFO named like a records file is opened without waiting
# for a writer, then refused by its kind, unread.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

_NOT_FILES = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class _Unreadable(Exception):  # noqa: N818 - a signal inside this module, never raised out
    """A records file that cannot be read as records: why, in one line, and where.

    ``sections`` are the sections it names (what other records may be missing
    because of it); None when unknown, as for a file whose bytes could not be read."""

    def __init__(self, message: str, line: int = 0, sections: frozenset[str] | None = None):
        super().__init__(message)
        self.message, self.line, self.sections = message, line, sections


def _read_text(path: Path, data: bytes | None = None) -> str:
    """A records file's text (of ``data``, its bytes when already read), or
    _Unreadable: not a regular file, gone, unreadable, too large or not UTF-8."""
    if data is None:
        data = _read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error) from None


def _read_bytes(path: Path) -> bytes:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _Unreadable(_why_not_opened(path, error)) from None
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind != stat.S_IFREG:
            what = _NOT_FILES.get(kind, "not a regular file")
            raise _Unreadable(
                f"{what}, not a records file: records files are regular files (rename it, "
                "or move it out of the records folder)",
                sections=frozenset(),
            )
        with open(fd, "rb", closefd=False) as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _Unreadable(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise _Unreadable(
            f"larger than the {MAX_FILE_BYTES // 2**20} MB a records file may hold: "
            "split it into several files"
        )
    return data


def _why_not_opened(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symbolic link in a loop (it leads back to itself): point it at a file"
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        target = excerpt(os.readlink(path))
        return f"a symbolic link to {target}, which does not exist: point it at a file"
    if isinstance(error, FileNotFoundError):
        return "no longer exists: it was removed while records were read"
    if isinstance(error, PermissionError):
        return "cannot read: permission denied"
    return f"cannot read: {error.strerror or error}"


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> _Unreadable:
    """Where the first byte that is not UTF-8 stands, by line and column."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
    return _Unreadable(
        f"byte 0x{data[error.start]:02x} at column {column} is not UTF-8 text: "
        "save the file as UTF-8",
        data.count(b"\n", 0, error.start) + 1,
        _sections_named(data.decode("utf-8", "replace")),
    )


def _sections_named(text: str) -> frozenset[str] | None:
    """The sections a file names at the start of a line, read as text (its YAML may be
    broken); None when it names none we know."""
    names = frozenset(_TOP_LEVEL_KEY.findall(text)) & SECTION_BY_NAME.keys()
    return names or None


_TOP_LEVEL_KEY = re.compile(r"^([a-z_]+)[ \t]*:", re.M)


def _load_yaml(text: str) -> Any:
    """The document of a records file's text, or _Unreadable with the line to blame."""
    try:
        _refuse_yaml_extras(text)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a safe loader)
    except _Unreadable as error:
        error.sections = _sections_named(text)
        raise
    except yaml.MarkedYAMLError as error:
        line, message = _yaml_error_in_words(error, text)
    except yaml.reader.ReaderError as error:
        line, message = _unprintable(error, text)
    except yaml.YAMLError as error:
        line, message = 0, f"cannot read YAML: {' '.join(str(error).split())}"
    except RecursionError:  # PyYAML's own parser, where libyaml is missing
        line, message = 0, _TOO_DEEP
    raise _Unreadable(message, line, _sections_named(text))


def _refuse_yaml_extras(text: str) -> None:
    """Refuse anchors, aliases, tags and merge keys before anything is built. Records
    need none of them, and with aliases a few lines stand for a structure too large for
    memory (the "billion laughs"). Their tokens give their lines; most files, which
    cannot hold any, are let through by a glance at the text."""
    if not _may_hold_extras(text):
        return
    after_key = False
    for token in yaml.scan(text, Loader=_BaseLoader):
        message = _extra_in_words(token, after_key)
        if message:
            raise _Unreadable(message, token.start_mark.line + 1)
        after_key = isinstance(token, yaml.KeyToken)


# What may stand before an anchor (&), alias (*) or tag (!), besides white space: a
# flow indicator, ':', '?', '-' or a byte order mark; never a letter (R&D, 지원!).
_BEFORE_A_NODE = "[{,:?-\ufeff"


def _may_hold_extras(text: str) -> bool:
    """Whether ``text`` may hold an anchor, alias, tag or merge key: where a mark
    stands at the start of a text or after what may precede a node. A few searches of
    the text, far quicker than scanning its tokens."""
    if "<<" in text:
        return True
    for mark in "&*!":
        at = text.find(mark)
        while at != -1:
            before = text[at - 1 : at]
            if not before or before.isspace() or before in _BEFORE_A_NODE:
                return True
            at = text.find(mark, at + 1)
    return False


def _extra_in_words(token: yaml.Token, after_key: bool) -> str | None:
    if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
        mark = "&" if isinstance(token, yaml.AnchorToken) else "*"
        what = "an anchor" if mark == "&" else "an alias"
        return (
            f"{what} '{mark}{excerpt(token.value)}': records files take no YAML anchors "
            "or aliases: write each value out in full"
        )
    if isinstance(token, yaml.TagToken):
        handle, suffix = token.value
        return (
            f"a YAML tag '{excerpt((handle or '') + suffix)}': records files take no tags: "
            "write the value alone (a text in quotes if it is one)"
        )
    if after_key and isinstance(token, yaml.ScalarToken) and token.plain and token.value == "<<":
        return "a merge key '<<': records files take no merge keys: write each field out"
    return None


def _unprintable(error: yaml.reader.ReaderError, text: str) -> tuple[int, str]:
    """A character YAML does not allow (a control character), by line and column: the
    first of its kind is the one the reader stopped at."""
    character = chr(error.character) if isinstance(error.character, int) else error.character
    at = text.find(character)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    what = "a control character" if unicodedata.category(character) == "Cc" else "a character"
    code = f"U+{ord(character):04X}"
    return line, f"{what} ({code}) at column {column}, which YAML does not allow: delete it"


class _Mapping(dict):
    """A YAML mapping that remembers its line, its keys' lines and duplicate keys."""

    line = 0
    holds_duplicates = False  # whether it or a mapping inside it has duplicate keys

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int, int]] = []


# libyaml's parser where PyYAML has it (about ten times faster); the constructor,
# which keeps lines, finds duplicate keys and bounds nesting, is ours either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Numbers of more digits than this are kept as their text (LongNumber): far more than
# any field needs, far fewer than Python's limit of 4,300 digits for int().
_MAX_DIGITS = 100


# The longest text that is interned (ids are at most MAX_ID_CHARS = 100).
_INTERNED_CHARS = 100
_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "map", "seq"))
# Keys whose tags make flatten_mapping do something: merge keys (refused before
# loading) and '=' (PyYAML's value key, read as a text).
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class _LineLoader(_BaseLoader):
    depth = 0  # how deep the mapping or sequence being built is
    special_keys = False  # whether a scalar resolved to one of _SPECIAL_KEYS

    # The hooks below run for every value of every file: they stay lean. Most values
    # are texts and ids, which skip PyYAML's general machinery (half of the time of
    # reading records went to it).

    # The composer asks the resolver to descend and ascend around every node, for path
    # resolvers, which records never register (see ``shortcut``): two Python calls per
    # node that return at once, a sixth of composing a large file. C callables that
    # ignore their arguments stand in for them.
    descend_resolver = slice  # (parent, index) → a slice, dropped
    ascend_resolver = tuple  # () → the empty tuple, dropped

    def __init__(self, stream) -> None:
        super().__init__(stream)
        # The first characters for which an implicit resolver may claim a plain
        # scalar (digits, 'n' for null, 't' for true …); None: any (then no shortcut).
        self.claimable = set(self.yaml_implicit_resolvers)
        self.shortcut = None not in self.claimable and not self.yaml_path_resolvers
        self.building: list[_Mapping] = []  # the mappings being built, outermost first

    def resolve(self, kind, value, implicit):  # noqa: D102 (PyYAML's hook)
        # What PyYAML's resolve would find, in one test or two: a quoted scalar, or a
        # plain one that no resolver can claim by its first character, is a text; a
        # mapping's or sequence's tag is its kind's (no path resolvers).
        if self.shortcut:
            if kind is yaml.ScalarNode:
                if not implicit[0] or (value and value[0] not in self.claimable):
                    return _STR
            elif kind is yaml.MappingNode:
                return _MAP
            else:
                return _SEQ
        tag = super().resolve(kind, value, implicit)
        if tag in _SPECIAL_KEYS:
            self.special_keys = True
        return tag

    def construct_document(self, node):  # noqa: D102 (PyYAML's hook)
        # Records need no aliases, anchors or tags (refused before loading), so
        # PyYAML's bookkeeping of constructed objects and generators is not needed.
        return self.value_of(node)

    def value_of(self, node):
        """The Python value of ``node``: texts at once, mappings and sequences by our
        hooks, other scalars (numbers, dates, null) by PyYAML's constructors."""
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            # Field names and ids (of governments, concepts, sources) repeat on every
            # record: one object each, so that records take less memory and less time
            # to pass between processes (pickle writes an object once).
            text = node.value
            return sys.intern(text) if len(text) <= _INTERNED_CHARS else text
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node)
        return self.construct_object(node, deep=True)

    def construct_mapping(self, node, deep=False):  # noqa: D102 (PyYAML's hook)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unreadable(_TOO_DEEP, node.start_mark.line + 1)
        if self.special_keys:
            self.flatten_mapping(node)
        mapping = _Mapping()
        mapping.line = node.start_mark.line + 1
        key_lines, value_of = mapping.key_lines, self.value_of
        self.building.append(mapping)
        for key_node, value_node in node.value:
            key = value_of(key_node)
            line = key_node.start_mark.line + 1
            if isinstance(key, (list, dict)):
                kind = "a list" if isinstance(key, list) else "a mapping"
                raise _Unreadable(f"{kind} where a field name belongs: write a name", line)
            if key in key_lines:
                mapping.duplicates.append((key, line, key_lines[key]))
                for holder in self.building:  # so that records without any skip the search
                    holder.holds_duplicates = True
                continue
            mapping[key] = value_of(value_node)
            key_lines[key] = line
        self.building.pop()
        self.depth -= 1
        return mapping

    def construct_sequence(self, node, deep=False):  # noqa: D102 (PyYAML's hook)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unreadable(_TOO_DEEP, node.start_mark.line + 1)
        value_of = self.value_of
        sequence = _Sequence([value_of(child) for child in node.value])
        sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
        self.depth -= 1
        return sequence

    def construct_yaml_int(self, node):  # noqa: D102 (PyYAML's hook)
        if len(node.value) > _MAX_DIGITS and sum(c.isdigit() for c in node.value) > _MAX_DIGITS:
            return LongNumber(node.value)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):  # noqa: D102 (PyYAML's hook)
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2021-02-30: the field's check says what is wrong with it
            return node.value


class _Sequence(list):
    """A YAML sequence that remembers the line of each item (a quote's own line)."""

    item_lines: list[int] = []


for _tag, _construct in {
    "map": _LineLoader.construct_mapping,
    "seq": _LineLoader.construct_sequence,
    "int": _LineLoader.construct_yaml_int,
    "timestamp": _LineLoader.construct_yaml_timestamp,
}.items():
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)


def _yaml_error_in_words(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line of a YAML syntax error and what it means for someone writing records,
    in plain words (an unclosed quote or list: the line where it opens)."""
    marks = [m for m in (error.problem_mark, error.context_mark) if m]
    written = text.splitlines()
    if marks and min(m.line for m in marks) >= len(written):
        last = max((n for n, t in enumerate(written, 1) if t.strip()), default=1)
        return last, "the file ends inside an unfinished value: was it cut short?"
    # A mark may stand past the last line (a file cut short inside a list): pad.
    lines = written + [""] * max((m.line + 1 for m in marks), default=0)
    mark, context = error.problem_mark, error.context_mark
    line = mark.line + 1 if mark else 0
    from_line = context.line + 1 if context else line
    problem, about = error.problem or "", error.context or ""
    if "tab character" in problem or (
        "cannot start any token" in problem and "\t" in "".join(lines[from_line - 1 : line])
    ):
        return line, "a tab indents this line: indent with spaces only"
    if "quoted scalar" in about:
        opening = lines[from_line - 1][context.column : context.column + 1] if context else ""
        quote = opening if opening in ("'", '"') else '"'
        return from_line, f"this quoted text is never closed: end it with {quote}"
    if "flow" in about and lines[from_line - 1].count('"') % 2:
        return from_line, 'a quoted text on this line is never closed: end it with "'
    if "flow sequence" in about:
        return from_line, "a list opened with '[' here is never closed with ']'"
    if "flow mapping" in about:
        return from_line, "a '{' opened here is never closed with '}'"
    return line, _layout_error_in_words(problem, about, from_line)


def _layout_error_in_words(problem: str, about: str, from_line: int) -> str:
    if "nesting depth" in problem:  # libyaml's own bound (1,000), past ours
        return _TOO_DEEP
    if "block mapping" in about and "expected key" in problem:
        return (
            f"this line is indented differently from the fields above it (from line "
            f"{from_line}): indent each field of a record as far as the others"
        )
    if "block collection" in about or "expected '-'" in problem:
        return (
            f"this line does not fit the list above it (from line {from_line}): "
            "start each record of a list with '- ' at the same indentation"
        )
    if "mapping values are not allowed" in problem:
        return (
            "a ': ' where no field can start: indent this field as far as the ones "
            "above it, or put a text that holds ': ' in quotes"
        )
    where = f"{about} (from line {from_line}): " if about else ""
    return f"malformed YAML: {where}{problem}"


def _duplicate_keys(node: Any, path: str = "") -> Iterator[tuple[str, int, int]]:
    """Keys given twice in a record, at any depth but in the units inside it (which
    are records of their own)."""
    if isinstance(node, _Mapping):
        for key, line, first in node.duplicates:
            yield f"{path}{key}", line, first
        for key, value in node.items():
            if key != "units":
                yield from _duplicate_keys(value, f"{path}{key}.")
    elif isinstance(node, list):
        for item in node:
            yield from _duplicate_keys(item, path)


# --- reading one record, by the declaration of its section ------------------------


class _Fields:
    """Reads the fields of one record, collecting problems instead of stopping."""

    def __init__(self, problems: list[Problem], file: str, mapping: _Mapping, section: Section):
        self.problems, self.file, self.mapping, self.section = problems, file, mapping, section
        self.misplaced: set[str] = set()  # fields found indented under another field
        raw_id = mapping.get("id")
        self.id = _id_or_nothing(raw_id)
        self.record = f"{section.record} {self.id or excerpt(str(raw_id or '(no id)'))}"
        lines = {str(k): v for k, v in mapping.key_lines.items()}
        for key, value in mapping.items():
            for number, line in enumerate(getattr(value, "item_lines", ()), 1):
                lines[sys.intern(f"{key}.{number}")] = line  # as field names are
        self.origin = Origin(file, mapping.line, lines)
        for key, line, first in _duplicate_keys(mapping) if mapping.holds_duplicates else ():
            self.problem(excerpt(key), f"duplicate key (first at line {first})", line)

    def _line(self, key: Any) -> int:
        return self.mapping.key_lines.get(key, self.origin.line)

    def problem(self, name: str, message: str, line: int | None = None) -> None:
        line = line or self.origin.line_of(name.split(".")[0])
        self.problems.append(Problem(self.file, line, self.record, name, message))

    def values(self, read_nested: Callable[[Field, Any], Any]) -> dict[str, Any]:
        """Every declared field's value (its type's empty value where left out or
        wrong), then a problem for each field that is not declared, and for each
        required one left out (unless it was found indented under another field)."""
        values = {f.key: self._take(f, read_nested) for f in self.section.fields}
        for name in self.mapping:
            if str(name) not in self.section.by_name:
                known = [f.name for f in self.section.fields]
                hint = did_you_mean(str(name), known)
                self.problem(excerpt(str(name)), f"unknown field{hint}", self._line(name))
        for declared in self.section.fields:
            name = declared.name
            if name not in self.mapping and name not in self.misplaced:
                if declared.required_in(self.mapping):
                    needed = "" if declared.required else f" (with '{declared.required_with}')"
                    self.problem(name, f"missing required field{needed}", self.origin.line)
        return values

    def _take(self, field: Field, read_nested: Callable[[Field, Any], Any]) -> Any:
        if field.name not in self.mapping:
            return field.type.empty
        value = self.mapping[field.name]
        try:
            if field.type.parse is None:
                return read_nested(field, value)
            return field.type.parse(value)
        except InvalidValue as error:
            self.problem(field.name, str(error), error.line)
            if error.misplaced:
                self.misplaced.add(error.misplaced)
            return field.type.empty


def _id_or_nothing(value: Any) -> str:
    """A record's id, or '' when its id is missing or wrong (the id field says why)."""
    try:
        return parse_slug(value)
    except InvalidValue:
        return ""


@dataclass(frozen=True)
class _UnreadFile:
    """A records file that could not be read: its problem, and the sections it names
    (None: it may have held records of any section)."""

    problem: Problem
    sections: frozenset[str] | None


# Nothing but blanks and comments (possessive: a long comment fails fast, not slowly).
_BLANK = re.compile(r"(?:\s++|#[^\n]*+)*+")


def _read_file(
    path: Path,
    records: Records,
    problems: list[Problem],
    unread: list[_UnreadFile],
    data: bytes | None = None,
) -> bool:
    """Read the records of one file (of ``data``, its bytes when already read) into
    ``records``; False when it could not be read."""
    shown = _shown(path)
    try:
        text = _read_text(path, data)
        document = _load_yaml(text)
    except _Unreadable as error:
        problem = Problem(shown, error.line, message=error.message)
        problems.append(problem)
        if error.sections != frozenset():  # it may have held records that others name
            unread.append(_UnreadFile(problem, error.sections))
        return False
    if document is None and _BLANK.fullmatch(text):
        problems.append(Problem(shown, message="empty records file: write records or delete it"))
    else:
        _read_document(document, shown, records, problems)
    if REVIEW_MARK in text:
        problems += _review_marks(text, shown)
    return True


# What `policy-graph draft` writes beside each of its guesses (see draft.py): a comment
# of its own, at a line's start or after white space (its header names it in backquotes).
REVIEW_MARK = "# draft:"
_REVIEW_MARKED = re.compile(r"(?:^|\s)# draft:")


def _review_marks(text: str, shown: str) -> list[Problem]:
    """A warning while a file holds review marks: how many, and the line of the first."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if _REVIEW_MARKED.search(line)]
    if not lines:
        return []
    count = f"{len(lines)} review mark{'s' if len(lines) != 1 else ''}"
    message = f"{count} ({REVIEW_MARK}) left: review each guess, then delete its mark"
    return [Problem(shown, lines[0], message=message, warning=True)]


def _read_document(document: Any, shown: str, records: Records, problems: list[Problem]) -> None:
    if not isinstance(document, _Mapping):
        problems.append(
            Problem(shown, 1, message="expected sections such as 'policies:' at the top level")
        )
        return
    for key, line, first in document.duplicates:
        problems.append(
            Problem(
                shown,
                line,
                field=excerpt(str(key)),
                message=f"duplicate section (first at line {first})",
            )
        )
    for name, items in document.items():
        line = document.key_lines[name]
        section = SECTION_BY_NAME.get(name)
        if section is None:
            hint = did_you_mean(str(name), SECTION_BY_NAME)
            problems.append(
                Problem(shown, line, field=excerpt(str(name)), message=f"unknown section{hint}")
            )
            continue
        if not isinstance(items, list):
            problems.append(Problem(shown, line, field=name, message="expected a list of records"))
            continue
        for item in items:
            if not isinstance(item, _Mapping):
                message = f"expected a record, got {describe(item)}"
                problems.append(Problem(shown, line, field=name, message=message))
                continue
            reader = _Fields(problems, shown, item, section)
            record = _RECORD_MAKERS[name](reader)
            if reader.id:
                _add(records, record)


def _add(records: Records, record) -> None:
    kind = {
        Government: records.governments,
        Organisation: records.organisations,
        Source: records.sources,
        Concept: records.concepts,
        Programme: records.programmes,
        Policy: records.policies,
    }[type(record)]
    kind.append(record)


def _no_nesting(field: Field, value: Any) -> Any:  # pragma: no cover - declaration error
    raise TypeError(f"field {field.name!r} has no type to read it by")


def _government(reader: _Fields) -> Government:
    government_id = reader.id
    values = reader.values(lambda _field, value: _read_units(reader, government_id, None, value))
    return Government(**values, origin=reader.origin)


def _read_units(
    parent: _Fields, government: str, part_of: str | None, value: Any
) -> tuple[Unit, ...]:
    """The units of a list, each followed by the units inside it, however deep."""
    if not isinstance(value, list):
        raise InvalidValue(f"expected a list of units, got {describe(value)}")
    units: list[Unit] = []
    for item in value:
        if not isinstance(item, _Mapping):
            parent.problem(
                "units", f"expected a unit with id, label and unit_type, got {describe(item)}"
            )
            continue
        reader = _Fields(parent.problems, parent.file, item, UNIT)
        inner: list[Unit] = []

        def read_inner(_field, value, reader=reader, inner=inner) -> tuple:
            inner.extend(_read_units(reader, government, reader.id, value))
            return ()

        values = reader.values(read_inner)
        del values["units"]
        unit = Unit(government=government, part_of=part_of, **values, origin=reader.origin)
        if reader.id:
            units.append(unit)
        units.extend(inner)
    return tuple(units)


def _concept_maker(kind: str) -> Callable[[_Fields], Concept]:
    def make(reader: _Fields) -> Concept:
        return Concept(kind=kind, **reader.values(_no_nesting), origin=reader.origin)

    return make


def _maker(cls) -> Callable[[_Fields], Any]:
    return lambda reader: cls(**reader.values(_no_nesting), origin=reader.origin)


# Section name → how a record of it is made from its fields' values.
_RECORD_MAKERS: dict[str, Callable[[_Fields], Any]] = {
    "governments": _government,
    "organisations": _maker(Organisation),
    "sources": _maker(Source),
    "technologies": _concept_maker("technology"),
    "target_groups": _concept_maker("target-group"),
    "domains": _concept_maker("domain"),
    "organisation_types": _concept_maker("organisation-type"),
    "programmes": _maker(Programme),
    "policies": _maker(Policy),
}


# --- checks across records ----------------------------------------------------


def _check_unique(problems: list[Problem], records: Records) -> None:
    def check(items, key) -> None:
        seen: dict = {}
        for item in items:
            k = key(item)
            if k in seen:
                first = seen[k]
                problems.append(
                    Problem(
                        item.origin.file,
                        item.origin.line,
                        record_name(item),
                        "id",
                        f"duplicate id (first in {first.origin.file}:{first.origin.line})",
                    )
                )
            else:
                seen[k] = item

    # Governments and other organisations share the org/<slug> IRIs.
    check([*records.governments, *records.organisations], lambda r: r.id)
    check(records.sources, lambda r: r.id)
    check(records.concepts, lambda r: (r.kind, r.id))
    check(records.units, lambda r: (r.government, r.id))
    check(records.programmes, lambda r: (r.government, r.id))
    check(records.policies, lambda r: (r.government, r.id))
    _check_same_iris(problems, records)


def _check_same_iris(problems: list[Problem], records: Records) -> None:
    """Distinct records whose IRIs would be equal: a unit's (and a policy's, a
    programme's) IRI joins its government's slug and its own, so government 'a' with
    unit 'b-c' and government 'a-b' with unit 'c' would both be …/org/a-b-c."""
    from .build import record_iri  # the IRIs the graph will have (rdflib: imported late)
    from .vocab import PGID

    named = [*records.governments, *records.organisations, *records.units]
    # Of an unknown government (reported as such), a record has no IRI to compare:
    # its would-be IRI may not even be one ('gwa ngju'), and rdflib would say so.
    governments = {government.id for government in records.governments}
    placed = [r for r in [*records.programmes, *records.policies] if r.government in governments]
    seen: dict[str, Any] = {}
    for record in [*named, *placed]:
        iri = str(record_iri(record)).removeprefix(str(PGID))
        first = seen.setdefault(iri, record)
        if first is record or _same_record(first, record):
            continue
        problems.append(
            Problem(
                record.origin.file,
                record.origin.line,
                _full_name(record),
                "id",
                f"its IRI …/id/{iri} is also that of {_full_name(first)} "
                f"({first.origin.file}:{first.origin.line}): choose another id",
            )
        )


def _same_record(first, other) -> bool:
    """Two records that the checks of duplicate ids report already."""
    if {type(first), type(other)} <= {Government, Organisation}:
        return first.id == other.id
    return type(first) is type(other) and (first.government, first.id) == (
        other.government,
        other.id,
    )


def _full_name(record) -> str:
    government = getattr(record, "government", None)
    return f"{record_name(record)} of {government}" if government else record_name(record)


class _References:
    """Checks that the ids a record names exist, suggesting the nearest known id."""

    def __init__(self, problems: list[Problem], records: Records):
        self.problems = problems
        self.unknown: dict[tuple[str, str, str], list] = {}  # (field, what, message) → records
        self.known: dict[str, dict[str, str]] = {}  # what → id → label (ko)
        self.labels: dict[str, dict[str, str]] = {}  # what → ko/en label → id
        self._add("government", records.governments)
        self._add("organisation", records.organisations)
        # A source is published by a news organisation or by a government itself.
        self._add("publisher", [*records.organisations, *records.governments])
        self._add("source", records.sources)
        for concept_kind, words in CONCEPT_WORDS.items():
            self._add(words, records.concepts_of(concept_kind))
        for government in records.governments:
            self._add(f"department of {government.id}", government.units)
        programmes: dict[str, list[Programme]] = {g.id: [] for g in records.governments}
        for programme in records.programmes:
            programmes.get(programme.government, []).append(programme)
        for government, theirs in programmes.items():
            self._add(f"programme of {government}", theirs)

    def _add(self, what: str, items) -> None:
        self.known[what] = {item.id: item.id for item in items}
        labels = self.labels[what] = {}
        for item in items:
            text = getattr(item, "label", None) or getattr(item, "title", None)
            if isinstance(text, Text):
                labels[text.ko] = labels[text.en] = item.id
            for alternatives in getattr(item, "alt_labels", {}).values():
                for alternative in alternatives:
                    labels.setdefault(alternative, item.id)

    def check(self, record, name: str, what: str, values) -> None:
        for value in (values,) if isinstance(values, str | None) else values:
            if value is None or value in self.known.get(what, {}):
                continue
            hint = did_you_mean(value, self.known.get(what, {}), self.labels.get(what))
            message = f"unknown {what} {describe(value)}{hint}"
            self.unknown.setdefault((name, what, message), []).append(record)

    def report(self, unread: list[_UnreadFile]) -> None:
        """One problem per unknown reference: where many records name the same unknown
        id, one line at the first of them, with the count and the next places. What a
        file that could not be read may hold is not reported, but counted on its line."""
        unchecked: dict[int, dict[str, int]] = {}  # unread file → what → references
        for (name, what, message), records in self.unknown.items():
            blamed = _unread_holding(what, unread)
            if blamed is not None:
                counts = unchecked.setdefault(blamed, {})
                counts[what] = counts.get(what, 0) + len(records)
                continue
            first, *others = records
            if others:
                places = ", ".join(
                    f"{r.origin.file}:{r.origin.line_of(name)} ({record_name(r)})"
                    for r in others[:3]
                )
                more = f" and {len(others) - 3} more" if len(others) > 3 else ""
                message = f"{message}; {len(others)} more records name it too: {places}{more}"
            self.problems.append(
                Problem(
                    first.origin.file,
                    first.origin.line_of(name),
                    record_name(first),
                    name,
                    message,
                )
            )
        for blamed, counts in unchecked.items():
            self._count_unchecked(unread[blamed].problem, counts)

    def _count_unchecked(self, problem: Problem, counts: dict[str, int]) -> None:
        """Add to an unread file's problem how many references it leaves unchecked."""
        total = sum(counts.values())
        words = _and(list(map(_plural, counts)))
        message = (
            f"{problem.message}; until it is read, {total} reference{'s' if total != 1 else ''} "
            f"to {words} cannot be checked"
        )
        self.problems[self.problems.index(problem)] = replace(problem, message=message)


# The kind of id a reference names (its first word: 'department' of 'department of
# gwangju') → the sections that declare such ids.
_DECLARED_IN = {
    "government": {"governments"},
    "department": {"governments"},
    "organisation": {"organisations"},
    "publisher": {"organisations", "governments"},
    "source": {"sources"},
    "programme": {"programmes"},
    **{words: {section} for words, section in zip(CONCEPT_WORDS.values(), CONCEPT_SECTIONS)},
}


def _unread_holding(what: str, unread: list[_UnreadFile]) -> int | None:
    """The first unread file that names a section declaring ``what``, else the first
    whose sections are unknown: the file whose records are missing."""
    sections = _DECLARED_IN[what.split(" of ")[0]]
    named = [i for i, file in enumerate(unread) if file.sections and file.sections & sections]
    unknown = [i for i, file in enumerate(unread) if file.sections is None]
    return next(iter(named + unknown), None)


def _plural(what: str) -> str:
    """'technology' → 'technologies', 'department of gwangju' → 'departments of gwangju'."""
    kind, of, rest = what.partition(" of ")
    kind = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
    return f"{kind}{of}{rest}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _check_references(
    problems: list[Problem], records: Records, unread: list[_UnreadFile] = ()
) -> None:
    refs = _References(problems, records)
    for government in records.governments:
        refs.check(government, "kind", "organisation type", government.kind)
        refs.check(government, "part_of", "government", government.part_of)
        for unit in government.units:
            refs.check(unit, "unit_type", "organisation type", unit.unit_type)
    for organisation in records.organisations:
        refs.check(organisation, "kind", "organisation type", organisation.kind)
    for source in records.sources:
        refs.check(source, "publisher", "publisher", source.publisher)
    for concept in records.concepts:
        refs.check(concept, "broader", CONCEPT_WORDS[concept.kind], concept.broader)
    for programme in records.programmes:
        refs.check(programme, "government", "government", programme.government)
        if programme.government in refs.known["government"]:
            refs.check(
                programme, "part_of", f"programme of {programme.government}", programme.part_of
            )
        refs.check(programme, "source", "source", programme.sources)
    for policy in records.policies:
        refs.check(policy, "government", "government", policy.government)
        if policy.government in refs.known["government"]:
            refs.check(
                policy,
                "lead_department",
                f"department of {policy.government}",
                policy.lead_department,
            )
            refs.check(policy, "programme", f"programme of {policy.government}", policy.programme)
        refs.check(policy, "technologies", "technology", policy.technologies)
        refs.check(policy, "target_groups", "target group", policy.target_groups)
        refs.check(policy, "partners", "organisation", policy.partners)
        refs.check(policy, "domains", "domain", policy.domains)
        refs.check(policy, "source", "source", policy.sources)
    refs.report(list(unread))


def _check_hierarchies(problems: list[Problem], records: Records) -> None:
    """A concept may not be broader than itself, however far up the chain."""
    concepts = {(c.kind, c.id): c for c in records.concepts}
    reported: set[frozenset] = set()
    for start in records.concepts:
        path = [start.id]
        stack = [(start.id, iter(start.broader))]
        while stack:
            current, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.pop()
                continue
            if parent == start.id:
                cycle = frozenset(path)
                if cycle not in reported:
                    reported.add(cycle)
                    chain = " → ".join([*path, start.id])
                    problems.append(
                        Problem(
                            start.origin.file,
                            start.origin.line_of("broader"),
                            record_name(start),
                            "broader",
                            f"cycle in the {CONCEPT_WORDS[start.kind]} hierarchy: {chain}",
                        )
                    )
                continue
            node = concepts.get((start.kind, parent))
            if node is not None and parent not in path:
                path.append(parent)
                stack.append((parent, iter(node.broader)))


def _check_part_of_chains(problems: list[Problem], records: Records) -> None:
    """A programme (strand) or government may not be part of itself, however far up."""
    for items in (records.programmes, records.governments):
        by_key = {(getattr(r, "government", None), r.id): r for r in items}
        for start in items:
            chain, current = [start.id], start
            while current.part_of is not None:
                current = by_key.get((getattr(start, "government", None), current.part_of))
                if current is None:
                    break
                chain.append(current.id)
                if current.id == start.id:
                    if min(chain[:-1]) == start.id:  # one line per cycle
                        problems.append(
                            Problem(
                                start.origin.file,
                                start.origin.line_of("part_of"),
                                record_name(start),
                                "part_of",
                                f"cycle: {' → '.join(chain)}",
                            )
                        )
                    break
                if len(chain) > len(items):
                    break


# --- the public entry point ---------------------------------------------------


def record_name(record) -> str:
    """How messages name a record: its kind and id ('policy smart-factory', 'technology ai')."""
    if isinstance(record, Concept):
        kind = CONCEPT_WORDS[record.kind]
    else:
        kind = type(record).__name__.lower()
    return f"{kind} {record.id}"


def record_files(data_dir: Path) -> list[Path]:
    """The YAML files of a records folder, in a stable order (what is named like one but
    is no regular file, such as a FIFO, is left out: reading reports it)."""
    return [path for path in _record_paths(data_dir, []) if path.is_file()]


_SUFFIXES = (".yaml", ".yml")


def _record_paths(data_dir: Path, problems: list[Problem]) -> list[Path]:
    """Everything under ``data_dir`` named like a records file, whatever it is (reading
    refuses what is not a regular file, by name), in a stable order; a folder that
    cannot be listed is a problem."""

    def unlisted(error: OSError) -> None:
        where = _shown(Path(error.filename)) if error.filename else str(data_dir)
        problems.append(Problem(where, message=f"cannot list this folder: {error.strerror}"))

    found = []
    for folder, folders, files in os.walk(data_dir, onerror=unlisted):
        names = [*folders, *files]
        found += [Path(folder, n) for n in names if os.path.splitext(n)[1] in _SUFFIXES]
    return sorted(found)


def load_records(data_dir: Path | str, report=None) -> Records:
    """Load and check every record under ``data_dir``; raise InputError listing all problems.

    ``report(step, done, total)`` hears of each file read (see :mod:`policy_graph.progress`)."""
    records, problems = read_records(data_dir, report)
    if problems:
        raise InputError(problems)
    return records


def read_records(data_dir: Path | str, report=None) -> tuple[Records, list[Problem]]:
    """Every record under ``data_dir`` that could be read (a record with a wrong field
    is kept with that field empty), and every problem found: so that later checks
    (quotes) still report on records with problems. ``Records.files`` is how many
    files were read."""
    data_dir = Path(data_dir)
    paths, problems = files_to_read(data_dir)
    with without_cycle_collection():
        records, file_problems, unread = _read_files(paths, report)
        problems += file_problems
        check_together(problems, records, unread)
    if not records.policies and not problems:
        problems.append(no_policies(data_dir, records))
    return records, problems


def files_to_read(data_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The records files of ``data_dir`` (anything named like one, in a stable order)
    and the problems of listing them; InputError when there is nothing to read."""
    if not data_dir.is_dir():
        raise InputError([Problem(str(data_dir), message="no such records folder")])
    _shown_folder.cache_clear()  # folders may have moved since the last reading
    problems: list[Problem] = []
    paths = _record_paths(data_dir, problems)
    if not paths:  # and where folders could not be listed, they say so
        no_records = Problem(str(data_dir), message="no records (*.yaml) in this folder")
        raise InputError(problems or [no_records])
    return paths, problems


def check_together(problems: list[Problem], records: Records, unread: list[_UnreadFile]) -> None:
    """Add to ``problems`` (those of reading each file) the problems that only the
    records of every file together show: ids declared twice, references to nothing,
    cycles (``unread``: the files that could not be read, which may hold what others
    name: their problems say how many references they leave unchecked)."""
    _check_unique(problems, records)
    _check_references(problems, records, unread)
    _check_hierarchies(problems, records)
    _check_part_of_chains(problems, records)


def no_policies(data_dir: Path, records: Records) -> Problem:
    """The problem of a records folder whose files, all read, hold no policy."""
    read = f"{records.files} record file{'s' if records.files != 1 else ''} read"
    return Problem(str(data_dir), message=f"no policies in these records ({read})")


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: reading records (or indexing them by IRI,
    see validate.py) makes millions of objects, none in a cycle (reference counting
    frees them all), and as they pile up the collector walks all of them again and
    again: 8 s of 44 at 1M triples, for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Past this many files, YAML is read by a process per core (libyaml and the checks
# of fields are CPU-bound: 12 s for the 3,600 files of a 1M-triple corpus on one core).
PARALLEL_FROM_FILES = 200
_CHUNK = 50

# What reading a chunk of files gives: its records (``files``: how many were read),
# problems, files that could not be read, and how many files it was given.
_Chunk = tuple[Records, list[Problem], list[_UnreadFile], int]


def _read_files(files: list[Path], report=None) -> tuple[Records, list[Problem], list[_UnreadFile]]:
    """The records and problems of ``files``, in file order, whatever reads them."""
    return _gather(map_in_chunks(_read_chunk, files), len(files), report)


def map_in_chunks(
    function: Callable[[list], Any],
    files: list,
    size: int | None = None,
    parallel_from: int | None = None,
) -> Iterator[Any]:
    """``function`` of each chunk of ``files`` (``size`` items: by default a few dozen),
    in order: by a process per core when there are many (``parallel_from``: by default
    PARALLEL_FROM_FILES; ``function`` must then be picklable), else here."""
    size = size or _CHUNK
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    workers = min(os.cpu_count() or 1, len(chunks))
    if len(files) < (parallel_from or PARALLEL_FROM_FILES) or workers < 2:
        yield from map(function, chunks)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=die_with, initargs=(os.getpid(),)) as pool:
        yield from pool.map(function, chunks)


def _read_chunk(paths: list[Path]) -> _Chunk:
    records, problems, unread = Records(), [], []
    records.files = sum(_read_file(path, records, problems, unread) for path in paths)
    return records, problems, unread, len(paths)


def _gather(results, total: int, report) -> tuple[Records, list[Problem], list[_UnreadFile]]:
    records, problems, unread, done = Records(), [], [], 0
    for chunk_records, chunk_problems, chunk_unread, count in results:
        records.extend(chunk_records)
        records.files += chunk_records.files
        problems += chunk_problems
        unread += chunk_unread
        done += count
        if report:
            report("reading records", done, total)
    return records, problems, unread


def _shown(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory if inside
    it, under its own name (a symbolic link's, not its target's)."""
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was removed
        return str(path)
    folder = _shown_folder(str(path.parent), cwd)
    return str(path) if folder is None else os.path.join(folder, path.name)


@functools.lru_cache(maxsize=256)
def _shown_folder(folder: str, cwd: str) -> str | None:
    """A folder relative to ``cwd`` (both resolved; "" for cwd itself); None when it is
    outside or cannot be resolved (remembered while records are read: the files of a
    folder are many; forgotten when a new reading starts, see files_to_read)."""
    try:
        shown = str(Path(folder).resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, OSError, RuntimeError):  # outside; or a folder in a link loop
        return None
    return "" if shown == "." else shown
