"""Ways to break a records folder, and Hypothesis strategies that combine them.

Used by ``tests/test_fuzz.py``. Each mutation is a small frozen dataclass: its fields
say what it does (so that Hypothesis prints a short, replayable case, never a
megabyte of YAML), ``apply(data)`` changes a copy of ``tests/data/minimal`` in place,
and ``str()`` says in words what it did. Positions are drawn as plain integers and
taken modulo the candidates found when the mutation is applied, so that a mutation
fits whatever the mutations before it left of the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

RECORD_FILES = ("government.yaml", "organisations.yaml", "policies.yaml", "vocabularies.yaml")
# A file that `!!python/object/apply` would create if a loader ever ran its command.
PWNED = "pwned-by-yaml"

# A key of a block mapping: "    budget_krw: 2000" or "  - id: smart-factory" or "policies:".
_KEY_LINE = re.compile(rb"^( *)(- )?([A-Za-z_<][\w<]*):(?: (.*?))?\r?\n?$")
_ITEM_LINE = re.compile(rb"^( *)- ")


def _read_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"


def _pick(candidates: list, at: int):
    return candidates[at % len(candidates)] if candidates else None


def _key_lines(lines: list[bytes], inline_only: bool = False, key: str | None = None) -> list[int]:
    """Indexes of the lines that start a key (only those with a value on the line, or
    only those of one key, if asked)."""
    found = []
    for number, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if not match or (inline_only and not match.group(4)):
            continue
        if key is None or match.group(3) == key.encode():
            found.append(number)
    return found


# --- values: YAML texts on one line, made when applied --------------------------------


@dataclass(frozen=True)
class AliasBomb:
    """Nine (or fewer) levels of ``&a1 [*a0, *a0, …]``: 9**levels items once expanded."""

    levels: int = 9
    width: int = 9

    def text(self) -> str:
        parts = [f"&a0 [{', '.join(['lol'] * self.width)}]"]
        for level in range(1, self.levels):
            parts.append(f"&a{level} [{', '.join([f'*a{level - 1}'] * self.width)}]")
        return f"[{', '.join(parts)}]"

    def __str__(self) -> str:
        return f"an alias bomb ({self.levels} levels of {self.width} aliases)"


@dataclass(frozen=True)
class AliasBombMapping:
    """A record-like mapping whose fields are the levels of an alias bomb."""

    levels: int = 9

    def text(self) -> str:
        fields = ["id: bomb", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in range(1, self.levels):
            fields.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
        return "{" + ", ".join(fields) + "}"

    def __str__(self) -> str:
        return f"a mapping whose fields are an alias bomb ({self.levels} levels)"


@dataclass(frozen=True)
class Nested:
    """A value nested ``depth`` levels deep: ``[[[…x…]]]`` or ``{a: {a: …x…}}``."""

    depth: int
    kind: str = "list"

    def text(self) -> str:
        if self.kind == "list":
            return "[" * self.depth + "x" + "]" * self.depth
        return "{a: " * self.depth + "x" + "}" * self.depth

    def __str__(self) -> str:
        return f"a {self.kind} nested {self.depth} levels deep"


@dataclass(frozen=True)
class BigNumber:
    digits: int

    def text(self) -> str:
        return ("1234567890" * (self.digits // 10 + 1))[: self.digits]

    def __str__(self) -> str:
        return f"a {self.digits:,}-digit number"


@dataclass(frozen=True)
class Huge:
    """A plain text of ``size`` bytes, Latin or Korean."""

    size: int = 1 << 20
    korean: bool = False

    def text(self) -> str:
        return "가" * (self.size // 3) if self.korean else "x" * self.size

    def __str__(self) -> str:
        return f"a {self.size:,}-byte {'Korean ' if self.korean else ''}text"


@dataclass(frozen=True)
class Literal:
    """A short YAML text given as it is: a wrong type, a tag, a list as a key …"""

    yaml: str

    def text(self) -> str:
        return self.yaml

    def __str__(self) -> str:
        return repr(self.yaml)


@dataclass(frozen=True)
class ControlCharacter:
    """A text holding a control character: raw in the file (which YAML forbids), or
    written as a YAML escape in double quotes (which YAML allows)."""

    char: str
    raw: bool

    def text(self) -> str:
        if self.raw:
            return f"a{self.char}b"
        return f'"a\\u{ord(self.char):04x} b"'

    def __str__(self) -> str:
        how = "raw" if self.raw else "escaped"
        return f"a text with the control character U+{ord(self.char):04X} ({how})"


ALIAS_RECURSION = Literal("&r [*r]")
LIST_AS_KEY = Literal("{[a, b]: c}")
WRONG_TYPES = (
    "true",
    "null",
    "~",
    "2.5",
    "-1",
    "0",
    ".inf",
    ".nan",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "2021-01-19",
    "2021-01-19T10:00:00Z",
    '"2025"',
    "0o17",
    "0x1F",
    "1_000",
    # Issue 26: the forms YAML 1.1 reads as numbers, dates with times, ids with space.
    "0x4A817C800",
    "0b1010",
    "20_000_000_000",
    "+2e10",
    "-0",
    "1E+400",
    "1:30",
    "017",
    "2021-01-19 10:00:00",
    '"smart-factory "',
    '"gwangju\\t"',
    "gwangju\u00a0",
    '"x\\e]0;title\\a\\u202eevil"',
    "'200억 원'",
    "''",
    "[[a]]",
    "{ko: [a], en: {b: c}}",
)
TAGS = (
    f'!!python/object/apply:os.system ["touch {PWNED}"]',
    f"!!python/object/new:subprocess.check_output [[touch, {PWNED}]]",
    "!!python/object:builtins.dict {}",
    "!!python/name:os.system",
    "!!python/tuple [a, b]",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}, {b: 2}]",
    "!!pairs [{a: 1}, {a: 2}]",
    "!!float 1e400",
    "!!int 0x10",
    "!!str 2025",
    "!!timestamp 2001-12-14t21:59:43.10-05:00",
    "!!null ''",
    "!!map {a: b}",
    "!custom value",
    "!<tag:example.com,2024:x> value",
)
CONTROL_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\ufffe"
FIELDS = (
    "id",
    "government",
    "lead_department",
    "programme",
    "title",
    "description",
    "technologies",
    "partners",
    "budget_krw",
    "planned_end",
    "timeline",
    "quotes",
    "source",
    "label",
    "kind",
    "issued",
    "broader",
    "units",
    "colour",  # an unknown field
    "<<",  # a merge key with whatever value
)


# --- mutations of one records file -------------------------------------------------


@dataclass(frozen=True)
class InsertField:
    """A new ``key: value`` line beside a field of some record (or a section)."""

    file: str
    at: int
    key: str
    value: object

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        number = _pick(_key_lines(lines), self.at)
        if number is None:
            lines.append(f"{self.key}: {self.value.text()}\n".encode())
        else:
            indent, dash = _KEY_LINE.match(lines[number]).group(1, 2)
            width = len(indent) + len(dash or b"")
            line = f"{' ' * width}{self.key}: {self.value.text()}\n".encode()
            # After an item's first line ("- id: x"), before any other key: a sibling either way.
            lines.insert(number + 1 if dash else number, line)
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: a field {_short(self.key)!r} set to {self.value}"


@dataclass(frozen=True)
class SetValue:
    """The value of a field that has one on its line replaced (of the ``key`` field
    if given: the ``at``-th one)."""

    file: str
    at: int
    value: object
    key: str | None = None

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        number = _pick(_key_lines(lines, inline_only=True, key=self.key), self.at)
        if number is None:
            return
        match = _KEY_LINE.match(lines[number])
        start = match.group(0)[: match.start(4)]
        lines[number] = start + self.value.text().encode() + b"\n"
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: the value of {self.key or 'a field'} replaced by {self.value}"


@dataclass(frozen=True)
class InsertItem:
    """A new item ``- value`` in a list of records (a record that is no mapping …)."""

    file: str
    at: int
    value: object

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        items = [n for n, line in enumerate(lines) if _ITEM_LINE.match(line)]
        number = _pick(items, self.at)
        if number is None:
            return
        indent = _ITEM_LINE.match(lines[number]).group(1).decode()
        lines.insert(number, f"{indent}- {self.value.text()}\n".encode())
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: a record that is {self.value}"


@dataclass(frozen=True)
class MergeRecord:
    """``<<: *anchor`` in a record, the anchor being another record, one of its
    mappings (a title), or nothing at all."""

    file: str
    source: int
    target: int
    what: str = "record"  # record | mapping | undefined

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        items = [n for n in _key_lines(lines) if _KEY_LINE.match(lines[n]).group(2)]
        mappings = [n for n, line in enumerate(lines) if re.search(rb": \{.*\}\s*$", line)]
        target = _pick(items, self.target)
        if target is None:
            return
        # The anchor first: it changes no line's index (a line may hold two).
        source = _pick(items if self.what == "record" else mappings, self.source)
        if self.what == "record" and source is not None:
            # "- &merged" alone on its line anchors the whole record, not its first key.
            first = lines[source]
            dash = _ITEM_LINE.match(first).end()
            lines[source] = first[:dash] + b"&merged\n" + b" " * dash + first[dash:]
        elif self.what == "mapping" and source is not None:
            lines[source] = re.sub(rb": \{", b": &merged {", lines[source], count=1)
        indent = _ITEM_LINE.match(lines[target]).group(1).decode()
        lines.insert(target + 1, f"{indent}  <<: *merged\n".encode())
        _write_lines(path, lines)

    def __str__(self) -> str:
        what = {"record": "another record", "mapping": "a field's mapping"}.get(
            self.what, "nothing"
        )
        return f"{self.file}: a merge key '<<: *merged' in a record, anchored on {what}"


@dataclass(frozen=True)
class Truncate:
    """Half a file deleted (its second half, or its first), cut at a byte."""

    file: str
    keep_first: bool = True

    def apply(self, data: Path) -> None:
        path = data / self.file
        content = path.read_bytes()
        half = len(content) // 2
        path.write_bytes(content[:half] if self.keep_first else content[half:])

    def __str__(self) -> str:
        return f"{self.file}: its {'second' if self.keep_first else 'first'} half deleted"


@dataclass(frozen=True)
class SwapLines:
    file: str
    first: int
    second: int

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        if len(lines) < 2:
            return
        a, b = self.first % len(lines), self.second % len(lines)
        lines[a], lines[b] = lines[b], lines[a]
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: two lines swapped"


@dataclass(frozen=True)
class Reindent:
    """A line indented ``delta`` spaces more (or less), or by a tab."""

    file: str
    at: int
    delta: int = 0
    tab: bool = False

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        indented = [n for n, line in enumerate(lines) if line.startswith(b" ")]
        number = _pick(indented, self.at)
        if number is None:
            return
        line = lines[number]
        body = line.lstrip(b" ")
        width = len(line) - len(body)
        if self.tab:
            lines[number] = b"\t" + b" " * max(width - 2, 0) + body
        else:
            lines[number] = b" " * max(width + self.delta, 0) + body
        _write_lines(path, lines)

    def __str__(self) -> str:
        if self.tab:
            return f"{self.file}: a line indented with a tab"
        return f"{self.file}: a line indented {self.delta:+d} spaces"


@dataclass(frozen=True)
class UnclosedQuote:
    """A quote opened before a field's value and never closed."""

    file: str
    at: int
    quote: str = '"'

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        number = _pick(_key_lines(lines, inline_only=True), self.at)
        if number is None:
            return
        match = _KEY_LINE.match(lines[number])
        line = lines[number]
        lines[number] = line[: match.start(4)] + self.quote.encode() + line[match.start(4) :]
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: an unclosed {self.quote} before a value"


@dataclass(frozen=True)
class DuplicateKey:
    """A field written twice in its record (the copy right after it)."""

    file: str
    at: int
    key: str | None = None

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        number = _pick(_key_lines(lines, inline_only=True, key=self.key), self.at)
        if number is None:
            return
        indent, dash = _KEY_LINE.match(lines[number]).group(1, 2)
        copy = lines[number]
        if dash:
            copy = indent + b"  " + copy[len(indent) + 2 :]
        lines.insert(number + 1, copy if copy.endswith(b"\n") else copy + b"\n")
        _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: {self.key or 'a field'} given twice"


@dataclass(frozen=True)
class DeleteField:
    """A field's line deleted (of the ``key`` field if given: the ``at``-th one): a
    required field gone, such as a policy's government."""

    file: str
    at: int
    key: str | None = None

    def apply(self, data: Path) -> None:
        path = data / self.file
        lines = _read_lines(path)
        candidates = [
            n for n in _key_lines(lines, inline_only=True, key=self.key)
            if not _KEY_LINE.match(lines[n]).group(2)  # never a record's first line
        ]  # fmt: skip
        number = _pick(candidates, self.at)
        if number is not None:
            del lines[number]
            _write_lines(path, lines)

    def __str__(self) -> str:
        return f"{self.file}: {self.key or 'a field'} deleted"


@dataclass(frozen=True)
class RenameFile:
    """A records file renamed (to a name with a line break, an escape, a bidi control)."""

    file: str
    name: str

    def apply(self, data: Path) -> None:
        if (data / self.file).exists() and not (data / self.name).exists():
            (data / self.file).rename(data / self.name)

    def __str__(self) -> str:
        return f"{self.file}: renamed {self.name!r}"


@dataclass(frozen=True)
class ByteEdit:
    """Bytes flipped, inserted or deleted at a position (``at`` modulo the length)."""

    file: str
    at: int
    kind: str  # flip | insert | delete
    data: bytes = b""  # what to insert; for flip, the XOR mask in its first byte
    count: int = 1  # bytes deleted

    def apply(self, data: Path) -> None:
        path = data / self.file
        content = bytearray(path.read_bytes())
        at = self.at % (len(content) + 1)
        if self.kind == "insert":
            content[at:at] = self.data
        elif content and self.kind == "flip":
            content[at % len(content)] ^= self.data[0] or 1
        elif self.kind == "delete":
            del content[at : at + self.count]
        path.write_bytes(bytes(content))

    def __str__(self) -> str:
        if self.kind == "insert":
            return f"{self.file}: the bytes {self.data!r} inserted"
        if self.kind == "flip":
            return f"{self.file}: a byte flipped (XOR {self.data[:1].hex()})"
        return f"{self.file}: {self.count} byte(s) deleted"


@dataclass(frozen=True)
class ReplaceFile:
    """A records file replaced by an (almost) empty one."""

    file: str
    content: str = ""

    def apply(self, data: Path) -> None:
        (data / self.file).write_text(self.content, encoding="utf-8")

    def __str__(self) -> str:
        return f"{self.file}: replaced by {self.content!r}"


@dataclass(frozen=True)
class AddEntry:
    """Something in the records folder named like a records file that is not one to
    read: a dangling link, a FIFO, a link loop, a folder; or an empty file, or a
    second copy of a records file."""

    name: str
    kind: str

    def apply(self, data: Path) -> None:
        path = data / self.name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            return
        if self.kind == "dangling-symlink":
            path.symlink_to("no-such-file.yaml")
        elif self.kind == "fifo":
            os.mkfifo(path)
        elif self.kind == "symlink-loop":
            path.symlink_to(path.name)
        elif self.kind == "symlink-cycle":
            path.symlink_to(f"{path.stem}-other.yaml")
            path.with_name(f"{path.stem}-other.yaml").symlink_to(path.name)
        elif self.kind == "folder-loop":
            path.mkdir()
            (path / "loop").symlink_to("..", target_is_directory=True)
        elif self.kind == "directory":
            path.mkdir()
        elif self.kind == "empty-file":
            path.write_bytes(b"")
        elif self.kind == "copy":
            path.write_bytes((data / "policies.yaml").read_bytes())

    def __str__(self) -> str:
        return f"{self.name}: added as {self.kind.replace('-', ' ')}"


# --- strategies ---------------------------------------------------------------------

positions = st.integers(min_value=0, max_value=10_000)
record_files = st.sampled_from(RECORD_FILES)

values = st.one_of(
    st.builds(AliasBomb, levels=st.integers(4, 9)),
    st.builds(AliasBombMapping, levels=st.integers(4, 9)),
    st.builds(Nested, depth=st.integers(250, 999), kind=st.sampled_from(["list", "map"])),
    st.builds(BigNumber, digits=st.integers(4_000, 6_000)),
    st.builds(Huge, size=st.sampled_from([1 << 16, 1 << 20]), korean=st.booleans()),
    st.builds(ControlCharacter, char=st.sampled_from(CONTROL_CHARACTERS), raw=st.booleans()),
    st.sampled_from([ALIAS_RECURSION, LIST_AS_KEY]),
    st.sampled_from(WRONG_TYPES).map(Literal),
    st.sampled_from(TAGS).map(Literal),
)

INVALID_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3(", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")
EMPTY_CONTENTS = ("", "\n", "# nothing here\n", "---\n", "...\n", "null\n", "~\n", "{}\n", "[]\n")
ENTRY_KINDS = (
    "dangling-symlink",
    "fifo",
    "symlink-loop",
    "symlink-cycle",
    "folder-loop",
    "directory",
    "empty-file",
    "copy",
)

byte_edits = st.one_of(
    st.builds(
        ByteEdit,
        file=record_files,
        at=positions,
        kind=st.just("flip"),
        data=st.binary(min_size=1, max_size=1),
    ),
    st.builds(
        ByteEdit,
        file=record_files,
        at=positions,
        kind=st.just("insert"),
        data=st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(INVALID_UTF8)),
    ),
    st.builds(
        ByteEdit,
        file=record_files,
        at=positions,
        kind=st.just("delete"),
        count=st.integers(1, 64),
    ),
)

# Four kinds, drawn about equally often: odd values (the bombs, depths, keys
# and tags), a broken layout, broken bytes, odd files.
value_mutations = st.one_of(
    st.builds(InsertField, record_files, positions, st.sampled_from(FIELDS), values),
    st.builds(SetValue, record_files, positions, values),
    st.builds(InsertItem, record_files, positions, values),
    st.builds(
        MergeRecord,
        record_files,
        positions,
        positions,
        st.sampled_from(["record", "mapping", "undefined"]),
    ),
)
layout_mutations = st.one_of(
    st.builds(Truncate, record_files, st.booleans()),
    st.builds(SwapLines, record_files, positions, positions),
    st.builds(Reindent, record_files, positions, st.sampled_from([-3, -2, -1, 1, 2, 3])),
    st.builds(Reindent, record_files, positions, tab=st.just(True)),
    st.builds(UnclosedQuote, record_files, positions, st.sampled_from(['"', "'"])),
    st.builds(DuplicateKey, record_files, positions),
    st.builds(DeleteField, record_files, positions, st.sampled_from([None, "government", "id"])),
)
ODD_NAMES = ("pol\nicies.yaml", "x\x1b[31m.yaml", "x\u202eevil.yaml", "x\x07.yaml")
file_mutations = st.one_of(
    st.builds(ReplaceFile, record_files, st.sampled_from(EMPTY_CONTENTS)),
    st.builds(RenameFile, record_files, st.sampled_from(ODD_NAMES)),
    st.builds(
        AddEntry,
        st.sampled_from(["x.yaml", "sub/x.yaml", "x.yml"]),
        st.sampled_from(ENTRY_KINDS),
    ),
)
mutations = st.one_of(value_mutations, layout_mutations, byte_edits, file_mutations)

# A case: one to three mutations, applied in order.
cases = st.lists(mutations, min_size=1, max_size=3)


def describe_case(case: list) -> str:
    return "; ".join(str(mutation) for mutation in case)
