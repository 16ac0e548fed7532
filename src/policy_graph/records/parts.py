"""A big records file (a national export) split into parts that can be read apart.

One process composes a 58 MB file's YAML in close to a minute and holds its nodes
all at once; in parts of a few MB, a process per core reads it, each holding one part.
A part is a records file of its own: reading it (``read_part``) gives exactly the
records and problems that its items give when the whole file is read, with the same
file name, lines, fields and messages; ``joined`` puts the parts' results together.

Parts are cut only where that is sure to hold, at the start of a record of a list
(a line ``- …`` at the list's indentation). A part's text begins with as many blank
lines as stand before its first record, the last of them replaced by the section's
key (``policies:``): so YAML reads every line at its own number, with no arithmetic.

Safety, in two steps. ``split`` reads the layout from the text alone and declines
(None) a file it cannot cut plainly: anything at the left margin but a section's key
or a record, a section named twice, a section that is no block list (a flow list
``[…]``), line breaks other than ``\\n`` and ``\\r\\n``, a tab before the first
character of a line. Lines that look like the start of a record may still stand inside
a quoted text or a flow list spread over lines (YAML allows ``- x`` there); the part
before such a cut then ends inside it, which YAML refuses. So ``read_part`` declines
(None) a part that YAML refuses, or that holds anchors, aliases or tags, or whose
sections and records do not start on the lines ``split`` saw: then the caller reads
the whole file as always, and its problems are reported as always. Inside a block
text (``|``, ``>``) or a plain text over several lines, a line at the list's own
indentation always ends the text, so a cut there is a record's start.

Problems about the file as a whole come out once: a section named twice is declined
by ``split``, an empty file is never split (too small), an unknown section is reported
by the part where its key stands, and no part is cut inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..errors import Problem
from .format import SECTION_BY_NAME
from .model import Records
from .one_file import read_document
from .readers import without_cycle_collection
from .yaml_loader import LineMapping, LineSequence, Unreadable, load_yaml

# About how many characters a part holds: a 58 MB export makes some 25 parts, work
# for every core; composing YAML takes some 30 bytes of nodes a character, so a worker
# holds some 60 MB of them at a time (the whole file, 1.8 GB).
PART_CHARS = 2 * 2**20


@dataclass(frozen=True)
class Section:
    """A section as a part must read it: its name, the line of its key, and the
    first line of each of its records in the part (None: not checked, as for an
    unknown section, whose records are never read)."""

    name: str
    line: int
    records: tuple[int, ...] | None


@dataclass(frozen=True)
class Part:
    """Lines ``first_line`` on of a records file (``body``), readable on their own.

    A part that starts inside a section (every part but the first) is read under
    that section's key (``within``: its name), written on the line before its first
    record (the key's own line is ``within_line``); ``sections`` are what reading it
    must find, that key first."""

    body: str
    first_line: int
    within: str | None
    within_line: int
    sections: tuple[Section, ...]

    @property
    def text(self) -> str:
        """The part as a records file: its lines at their own numbers."""
        if self.within is None:
            return self.body
        return "\n" * (self.first_line - 2) + f"{self.within}:\n" + self.body


def split(text: str, part_chars: int = PART_CHARS) -> list[Part] | None:
    """A records file's text in parts of about ``part_chars`` characters, each cut at
    the start of a record; None when the file is no larger than one part, or when its
    layout is not one that can be cut plainly (then read it whole)."""
    if len(text) <= part_chars or not _plain_lines(text):
        return None
    sections = _sections(text)
    if sections is None:
        return None
    cuts = _cuts(sections, part_chars)
    if not cuts:
        return None
    return _parts(text, sections, cuts)


def read_part(part: Part, shown: str) -> tuple[Records, list[Problem]] | None:
    """The records and problems of one part, as reading the whole file (named
    ``shown`` in problems) gives them for its lines; None when the part is not what
    ``split`` saw (see the module's docstring): then read the whole file instead."""
    with without_cycle_collection():  # as reading records always is (see there)
        try:
            document = load_yaml(part.text)
        except Unreadable:
            return None
        if not _as_split(document, part):
            return None
        records, problems = Records(), []
        read_document(document, shown, records, problems)
    if part.within is not None:
        # A record that is no mapping is blamed on its section's key: its own line.
        key_line, own_line = part.first_line - 1, part.within_line
        problems = [replace(p, line=own_line) if p.line == key_line else p for p in problems]
    return records, problems


def joined(
    results: Iterable[tuple[Records, list[Problem]] | None],
) -> tuple[Records, list[Problem]] | None:
    """The parts' results in file order as one file's (``Records.files`` is 1); None
    when any part was declined (then read the whole file)."""
    results = list(results)  # such as a pool's map, read once
    if any(result is None for result in results):
        return None
    records, problems = Records(files=1), []
    for part_records, part_problems in results:
        records.extend(part_records)
        problems += part_problems
    return records, problems


def read_parts(
    text: str, shown: str, part_chars: int = PART_CHARS
) -> tuple[Records, list[Problem]] | None:
    """A records file read part by part in this process (see ``split``); None when it is
    not split or a part is declined: then read it whole."""
    parts = split(text, part_chars)
    if parts is None:
        return None
    results = []
    for part in parts:
        result = read_part(part, shown)
        if result is None:  # no use reading the rest
            return None
        results.append(result)
    return joined(results)


# --- the layout, read from the text ----------------------------------------------

# Line breaks YAML knows besides '\n' ('\r' alone, NEL, LS, PS): lines would not be
# counted as YAML counts them. A tab before a line's first character: indentation that
# YAML refuses or reads otherwise than the spaces seen here.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_TAB_INDENT = re.compile(r"^ *\t", re.M)


def _plain_lines(text: str) -> bool:
    # Most files hold none of these characters: a glance at the text each, far quicker
    # than a search by pattern (0.7 s for 10 MB).
    if any(c in text for c in "\r\x85\u2028\u2029") and _ODD_BREAK.search(text):
        return False
    return "\t" not in text or not _TAB_INDENT.search(text)


# A line at the left margin, but a comment, after the first: a section's key, or a
# record of a list written at the left margin. (Patterns here start with '\n', which
# the regular expression engine looks for as fast as str.find: '^' in MULTILINE mode
# is tried at every character.)
_AT_MARGIN = re.compile(r"\n([^ #\r\n][^\n]*)")
# A section's key with nothing after it but a comment; or an empty flow list.
_KEY = re.compile(r"\ufeff?([A-Za-z_][A-Za-z0-9_-]*):(?: +(\[\])?)?(?: +#[^\n]*)? *\r?")
# The start of a record: '-' then a space or the end of the line.
_DASH = re.compile(r"-(?: [^\n]*)?\r?")
# Blank and comment lines (to the next key).
_BLANKS = re.compile(r"(?:[ ]*(?:#[^\n]*)?\r?(?:\n|\Z))*")
# Blank and comment lines, then the first line of a section's value (its indentation).
_TO_VALUE = re.compile(r"(?:[ ]*(?:#[^\n]*)?\r?\n)*( *)(\S?)")


@dataclass
class _Layout:
    """A section of the file as its text shows it: its name, where its key stands,
    where its records start (their offsets) and whether records may be cut there."""

    name: str
    key_at: int
    key_line: int = 0
    records: list[int] | None = None  # None: no block list under the key
    cut: bool = True  # a known section (an unknown one is read whole, in one part)


def _sections(text: str) -> list[_Layout] | None:
    """The sections of the file and their records, or None where the layout is not
    plain (see the module's docstring)."""
    sections: list[_Layout] = []
    at_margin: list[int] = []  # records at the left margin, in the section before
    for start, line in _margin_lines(text):
        key = None if line[:1] == "-" else _KEY.fullmatch(line)
        if key is None:
            if not sections or not _DASH.fullmatch(line):
                return None  # a document marker, a directive, a flow mapping, a text …
            at_margin.append(start)
            continue
        if sections and not _close(sections[-1], text, at_margin, start):
            return None
        at_margin = []
        name, empty = key[1], key[2] is not None
        sections.append(
            _Layout(name, start, records=[] if empty else None, cut=name in SECTION_BY_NAME)
        )
    if not sections or not _close(sections[-1], text, at_margin, len(text)):
        return None
    if len({s.name for s in sections}) != len(sections):
        return None  # a section named twice: reported once, reading the whole file
    _number_lines(text, sections)
    return sections


def _margin_lines(text: str) -> Iterator[tuple[int, str]]:
    """The offset and text of each line at the left margin that is not a comment."""
    first = text[: text.find("\n") if "\n" in text else len(text)]
    if first.lstrip("\ufeff")[:1] not in ("", " ", "#", "\r"):
        yield 0, first
    for line in _AT_MARGIN.finditer(text):
        yield line.start(1), line[1]


def _close(section: _Layout, text: str, at_margin: list[int], end: int) -> bool:
    """Find the records of ``section`` (from its key to ``end``); False when they are
    not plain: no block list, or records at two indentations."""
    after_key = text.find("\n", section.key_at, end)
    if section.records is not None:  # 'name: []': nothing may follow until the next key
        return after_key == -1 or bool(_BLANKS.fullmatch(text, after_key + 1, end))
    value = _TO_VALUE.match(text, after_key + 1) if after_key != -1 else None
    if value is None or value.start(2) >= end or value[2] != "-":
        return not section.cut  # a known section needs records; an unknown one is not read
    indent = len(value[1])
    if indent == 0:
        section.records = at_margin
        return True
    if at_margin:
        return False
    dash = re.compile(rf"\n {{{indent}}}-(?=[ \r\n]|\Z)")
    section.records = [m.start() + 1 for m in dash.finditer(text, after_key, end)]
    return True


def _number_lines(text: str, sections: list[_Layout]) -> None:
    """Each section's key line; records become (offset, line) pairs."""
    line, at = 1, 0
    for section in sections:
        line += text.count("\n", at, section.key_at)
        at = section.key_at
        section.key_line = line
        numbered = []
        for start in section.records or ():
            line += text.count("\n", at, start)
            at = start
            numbered.append((start, line))
        section.records = numbered


def _cuts(sections: list[_Layout], part_chars: int) -> list[tuple[int, int, _Layout]]:
    """Where parts start, after the first: (offset, line, section) of a record of a known
    section, about ``part_chars`` after the last start."""
    cuts, last = [], 0
    for section in sections:
        if not section.cut:
            continue
        # Never at a section's first record: its key would stand in the part before,
        # with no records under it.
        for start, line in section.records[1:]:
            if start - last >= part_chars:
                cuts.append((start, line, section))
                last = start
    return cuts


def _parts(text: str, sections: list[_Layout], cuts) -> list[Part]:
    starts = [(0, 1, None), *cuts]
    ends = [start for start, _line, _section in cuts] + [len(text)]
    parts = []
    for (start, first_line, within), end in zip(starts, ends, strict=True):
        inside = [_expected(s, start, end) for s in sections if start <= s.key_at < end]
        if within is None:
            parts.append(Part(text[start:end], first_line, None, 0, tuple(inside)))
            continue
        inside.insert(0, _expected(within, start, end, key_line=first_line - 1))
        parts.append(Part(text[start:end], first_line, within.name, within.key_line, tuple(inside)))
    return parts


def _expected(section: _Layout, start: int, end: int, key_line: int = 0) -> Section:
    records = None
    if section.cut:
        first = bisect_left(section.records, (start,))
        last = bisect_left(section.records, (end,), first)
        records = tuple(line for _at, line in section.records[first:last])
    return Section(section.name, key_line or section.key_line, records)


# --- checking a part against the layout ---------------------------------------------


def _as_split(document: Any, part: Part) -> bool:
    """Whether YAML read the part as ``split`` saw it: the same sections, with their keys
    and records on the same lines."""
    if not isinstance(document, LineMapping) or document.duplicates:
        return False
    found = list(document.items())
    if [name for name, _ in found] != [s.name for s in part.sections]:
        return False
    for (name, value), section in zip(found, part.sections, strict=True):
        if document.key_lines[name] != section.line:
            return False
        if section.records is not None and not (
            isinstance(value, LineSequence) and tuple(value.item_lines) == section.records
        ):
            return False
    return True
