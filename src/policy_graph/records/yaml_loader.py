"""Reading a records file's bytes and YAML, bounded, and nothing skipped in silence.

A file is refused in one line (:class:`Unreadable`: why, and the line to blame) when
it is no regular file, too large, not UTF-8, nested too deep, holds anchors, aliases,
tags or merge keys, or is not YAML; YAML's own errors are put in the words of
someone writing records. Mappings and sequences remember their lines and duplicate
keys (:class:`LineMapping`, :class:`LineSequence`), so that each field's problem
names its line.
"""

from __future__ import annotations

import datetime
import errno
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .format import SECTION_BY_NAME
from .values import LongNumber, WrittenFloat, WrittenInt, excerpt

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


class Unreadable(Exception):  # noqa: N818 - a signal inside records/, never raised out
    """A records file that cannot be read as records: why, in one line, and where.

    ``sections`` are the sections it names (what other records may be missing
    because of it); None when unknown, as for a file whose bytes could not be read."""

    def __init__(self, message: str, line: int = 0, sections: frozenset[str] | None = None):
        super().__init__(message)
        self.message, self.line, self.sections = message, line, sections


def read_text(path: Path, data: bytes | None = None) -> str:
    """A records file's text (of ``data``, its bytes when already read), or
    Unreadable: not a regular file, gone, unreadable, too large or not UTF-8."""
    if data is None:
        data = read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error) from None


def read_bytes(path: Path) -> bytes:
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise Unreadable(_why_not_opened(path, error)) from None
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind != stat.S_IFREG:
            what = _NOT_FILES.get(kind, "not a regular file")
            raise Unreadable(
                f"{what}, not a records file: records files are regular files (rename it, "
                "or move it out of the records folder)",
                sections=frozenset(),
            )
        with open(fd, "rb", closefd=False) as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(
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


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> Unreadable:
    """Where the first byte that is not UTF-8 stands, by line and column."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
    return Unreadable(
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


def load_yaml(text: str) -> Any:
    """The document of a records file's text, or Unreadable with the line to blame."""
    try:
        _refuse_yaml_extras(text)
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 (a safe loader)
    except Unreadable as error:
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
    raise Unreadable(message, line, _sections_named(text))


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
            raise Unreadable(message, token.start_mark.line + 1)
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


class LineMapping(dict):
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


class LineLoader(_BaseLoader):
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
        self.building: list[LineMapping] = []  # the mappings being built, outermost first

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
            raise Unreadable(_TOO_DEEP, node.start_mark.line + 1)
        if self.special_keys:
            self.flatten_mapping(node)
        mapping = LineMapping()
        mapping.line = node.start_mark.line + 1
        key_lines, value_of = mapping.key_lines, self.value_of
        self.building.append(mapping)
        for key_node, value_node in node.value:
            key = value_of(key_node)
            line = key_node.start_mark.line + 1
            if isinstance(key, (list, dict)):
                kind = "a list" if isinstance(key, list) else "a mapping"
                raise Unreadable(f"{kind} where a field name belongs: write a name", line)
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
            raise Unreadable(_TOO_DEEP, node.start_mark.line + 1)
        value_of = self.value_of
        sequence = LineSequence([value_of(child) for child in node.value])
        sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
        self.depth -= 1
        return sequence

    def construct_yaml_int(self, node):  # noqa: D102 (PyYAML's hook)
        if len(node.value) > _MAX_DIGITS and sum(c.isdigit() for c in node.value) > _MAX_DIGITS:
            return LongNumber(node.value)
        number = WrittenInt(super().construct_yaml_int(node))
        number.written = node.value  # how it was written: the fields check it
        return number

    def construct_yaml_float(self, node):  # noqa: D102 (PyYAML's hook)
        number = WrittenFloat(super().construct_yaml_float(node))
        number.written = node.value
        return number

    def construct_yaml_timestamp(self, node):  # noqa: D102 (PyYAML's hook)
        try:
            value = super().construct_yaml_timestamp(node)
        except ValueError:  # 2021-02-30: the field's check says what is wrong with it
            return node.value
        # A date and time stays as written: a date field says what is wrong with it.
        return node.value if isinstance(value, datetime.datetime) else value


class LineSequence(list):
    """A YAML sequence that remembers the line of each item (a quote's own line)."""

    item_lines: list[int] = []


for _tag, _construct in {
    "map": LineLoader.construct_mapping,
    "seq": LineLoader.construct_sequence,
    "int": LineLoader.construct_yaml_int,
    "float": LineLoader.construct_yaml_float,
    "timestamp": LineLoader.construct_yaml_timestamp,
}.items():
    LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)


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


def duplicate_keys(node: Any, path: str = "") -> Iterator[tuple[str, int, int]]:
    """Keys given twice in a record, at any depth but in the units inside it (which
    are records of their own)."""
    if isinstance(node, LineMapping):
        for key, line, first in node.duplicates:
            yield f"{path}{key}", line, first
        for key, value in node.items():
            if key != "units":
                yield from duplicate_keys(value, f"{path}{key}.")
    elif isinstance(node, list):
        for item in node:
            yield from duplicate_keys(item, path)
