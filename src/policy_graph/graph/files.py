"""Graph files that say what they were built from, and which one a command reads.

``build`` starts each Turtle, N-Triples and TriG file with two comment lines (an XML
comment in RDF/XML; JSON-LD has no comments and records nothing)::

    # Built by policy-graph 0.1.0 from the records in ../data — do not edit; rebuild …
    # policy-graph-build: {"records": "../data", "files": 9, "records_sha256": "…", …}

The second names the records folder (relative to the file's folder, unless the two
share nothing but the root), a digest of the record files and one of policy-graph
itself (its version, ontology and shapes), and how many triples the file holds (a
file cut short at a line boundary still parses: its count tells). :func:`choose`
compares those digests, not times, to decide whether a graph file can be read, must
be rebuilt from its own records, or is used as it is with a note
(:class:`~policy_graph.errors.StaleGraphNote`).
A digest of where the file was written tells a copy moved away from its records: it is
never rebuilt from whatever records its relative folder names where it is now.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import StaleGraphNote, UsageError
from ..records.folder import RECORD_SUFFIXES, listed_files
from ..version import __version__

MARKER = "policy-graph-build: "
LOCAL_GRAPH = Path("build/policy-graph.ttl")
_HEADER_LINE = re.compile(r"^(?:# |<!-- )policy-graph-build: (\{.*\})(?: -->)?$")
_COMMENTED = ("ttl", "nt", "trig")


@dataclass(frozen=True)
class Origin:
    """What a graph is built from: a records folder (resolved) and digests of its
    record files and of policy-graph itself."""

    records: Path
    files: int
    records_sha256: str
    tool_sha256: str
    # a digest of the files' names, sizes and times, taken before their bytes: where it
    # is the same later, the bytes need not be read again to know they are the same
    stats_sha256: str = ""
    # each file's digest (policy_graph.records.digests), by its path
    file_digests: dict = field(default_factory=dict, compare=False, repr=False)
    # the folder's records files and the problems of listing them (files_to_read)
    listed: list = field(default_factory=list, compare=False, repr=False)


@dataclass(frozen=True)
class Header:
    """What a graph file says it was built from (its ``policy-graph-build`` line)."""

    records: str  # as written: relative to the file's folder, or absolute
    files: int
    records_sha256: str
    tool_sha256: str
    location_sha256: str  # a digest of where the file was written, to tell a moved copy
    triples: int | None = None  # how many it holds: a file cut short at a line holds fewer

    def records_dir(self, graph_file: Path) -> Path:
        """The records folder, as a path from the working directory."""
        return Path(os.path.normpath(graph_file.parent / self.records))

    def matches(self, origin: Origin) -> bool:
        return (self.records_sha256, self.tool_sha256) == (
            origin.records_sha256,
            origin.tool_sha256,
        )


@dataclass
class Plan:
    """How a command gets its graph: ``read`` a file, or build from ``data_dir`` and
    write the graph to ``write`` (a graph file, or a file of the cache: ``cached``)."""

    read: Path | None = None
    header: Header | None = None  # what the file to read says of itself, when it does
    data_dir: Path | None = None
    write: Path | None = None
    origin: Origin | None = None
    cached: bool = False


# --- digests and headers -----------------------------------------------------------


def origin_of(data_dir: Path) -> Origin | None:
    """The origin of a graph of ``data_dir``'s records (None when there is no such folder).
    Each file is digested once, or not at all while its stats tell it is unchanged
    (:mod:`policy_graph.records.digests`): the digests are the Origin's, with the
    listing of the folder, for reading the records."""
    if not data_dir.is_dir():
        return None
    from ..records.digests import FolderDigests

    listed = listed_files(data_dir)
    files = _named([path for path in listed[0] if path.is_file()], data_dir)
    stats = stats_of(files)
    found = FolderDigests(data_dir).digests([path for _name, path in files])
    digest = hashlib.sha256()
    for (name, _path), file_digest in zip(files, found, strict=True):
        # What cannot be read is digested as such: reading the records reports it.
        digest.update(f"{name}\0{file_digest or 'not a readable regular file'}\n".encode())
    origin = Origin(data_dir.resolve(), len(files), digest.hexdigest(), tool_digest(), stats)
    origin.file_digests.update((path, d) for (_name, path), d in zip(files, found, strict=True))
    origin.listed.extend(listed)
    return origin


def _named(paths: list[Path], data_dir: Path) -> list[tuple[str, Path]]:
    """Each file by its path within ``data_dir`` (with '/'), in the order of those names."""
    prefix = os.path.join(str(data_dir), "")
    named = [
        (str(path)[len(prefix) :] if str(path).startswith(prefix) else None, path) for path in paths
    ]
    named = [(name or path.relative_to(data_dir).as_posix(), path) for name, path in named]
    return sorted((name.replace(os.sep, "/"), path) for name, path in named)


def stats_digest(data_dir: Path) -> str:
    """A digest of the names, sizes, modification times and inodes of ``data_dir``'s
    records files (those of :func:`~policy_graph.records.folder.record_files`, in the
    order of their names): a glance that tells they are unchanged, taken before every
    query of a kept store (4,228 files: 20 ms; with a Path per file, 0.3 s). The same
    digest as :func:`stats_of` gives of those files."""
    return _digest_of(_record_stats(os.fspath(data_dir)))


def _digest_of(found) -> str:
    digest = hashlib.sha256()
    for name, status in sorted(found):
        if status is None:
            digest.update(f"{name}\0gone\n".encode())
        else:
            size, mtime, inode = status
            digest.update(f"{name}\0{size}\0{mtime}\0{inode}\n".encode())
    return digest.hexdigest()


SETTLED = 2  # seconds


@dataclass(frozen=True)
class Glance:
    """What tells at a glance that a records folder is as :func:`stats_digest` found it:
    the folders it walked (``…/``) and the files it found, by their paths within it,
    and a digest of their stats (:func:`glance_digest`). While no folder's modification
    time changed, no file was added, removed or renamed in it; while no file's stats
    changed, neither did the files: statting these paths (half the time of walking
    the folder, at 1M triples) tells what :func:`stats_digest` would. Only where every
    time was ``settled`` (SETTLED seconds before the walk): a change within the same
    tick of the clock as the one before it leaves the time as it was."""

    names: tuple[str, ...]
    digest: str
    settled: bool


def stats_and_glance(data_dir: Path) -> tuple[str, Glance]:
    """:func:`stats_digest` of ``data_dir``, and its :class:`Glance`, from one walk (each
    folder's stats taken before it is listed)."""
    folders: list[tuple[str, tuple[int, int, int] | None]] = []
    before = time.time_ns() - SETTLED * 10**9
    found = _record_stats(os.fspath(data_dir), folders)
    walked = [*folders, *found]
    settled = all(status is None or status[1] < before for _name, status in walked)
    return _digest_of(found), Glance(tuple(n for n, _ in walked), _glance_of(walked), settled)


def glance_digest(data_dir: Path, names) -> str:
    """The digest of the stats of ``names`` (paths within ``data_dir``), as a
    :class:`Glance` holds it (a stat each, relative to the folder: 13 ms for 5,843
    paths where the walk takes 27)."""
    try:
        top = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return ""
    try:
        return _glance_of((name, _stat(name, top)) for name in names)
    finally:
        os.close(top)


def _glance_of(walked) -> str:
    lines = ("-" if status is None else "{} {} {}".format(*status) for _name, status in walked)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _stat(path: str, folder: int | None = None) -> tuple[int, int, int] | None:
    try:
        status = os.stat(path, dir_fd=folder)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def stats_of(files: list[tuple[str, Path]]) -> str:
    """:func:`stats_digest` of the files ``files`` names, by their paths."""
    return _digest_of((name, _stat(os.fspath(path))) for name, path in files)


def _record_stats(top: str, folders: list | None = None) -> list[tuple[str, tuple | None]]:
    """Each records file below ``top`` by its name relative to it, with its size,
    modification time (ns) and inode (None when it went as it was read): the files of
    ``record_files``, found as its os.walk finds them (linked folders followed, each
    real folder once, the first way it is reached), by os.scandir and strings alone.
    ``folders`` gets each folder listed (``…/``), with its stats before it was."""
    found: list[tuple[str, tuple[int, int, int] | None]] = []
    read: set[str] = set()

    def walk(folder: str, relative: str, real: str) -> None:
        if real in read:
            return
        read.add(real)
        if folders is not None:
            folders.append((relative or "./", _stat(folder)))
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            return
        below = []
        for entry in listed:
            name = f"{relative}{entry.name}"
            if _is(entry.is_dir):
                linked = _is(entry.is_symlink)
                inside = os.path.realpath(entry.path) if linked else f"{real}/{entry.name}"
                below.append((entry.path, f"{name}/", inside))
            elif entry.name.endswith(RECORD_SUFFIXES) and _is(entry.is_file):
                try:
                    status = entry.stat()
                    found.append((name, (status.st_size, status.st_mtime_ns, status.st_ino)))
                except OSError:
                    found.append((name, None))
        for folder_below in below:
            walk(*folder_below)

    walk(top, "", os.path.realpath(top))
    return found


def _is(test) -> bool:
    """``test()``, False where it fails (as os.walk and Path.is_file take it)."""
    try:
        return test()
    except OSError:
        return False


def tool_digest() -> str:
    """A digest of what else makes the graph: policy-graph's version, ontology and shapes."""
    digest = hashlib.sha256(f"policy-graph {__version__}\n".encode())
    for path in (paths.ontology_file(), paths.shapes_file()):
        content = path.read_bytes() if path.is_file() else b""
        digest.update(f"{path.name}\0{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


def with_header(
    chunks: list[bytes],
    origin: Origin,
    graph_file: Path,
    fmt: str,
    relative: bool = True,
    triples: int | None = None,
) -> list[bytes]:
    """``chunks`` (of a graph serialised as ``fmt``, of ``triples`` triples: see
    :func:`.writing.graph_chunks`) with the comments that say its origin and size
    first; the records folder relative to the file's folder where that helps
    (``relative``)."""
    records = origin.records.as_posix()
    if relative:
        records = _recorded_path(origin.records, graph_file.resolve().parent)
    fields = {
        "records": records,
        "files": origin.files,
        "records_sha256": origin.records_sha256,
        "tool_sha256": origin.tool_sha256,
        "location_sha256": _location(graph_file),
    }
    if triples is not None:
        fields["triples"] = triples
    line = json.dumps(fields, ensure_ascii=False)
    human = (
        f"Built by policy-graph {__version__} from the records in {records} — "
        "do not edit; rebuild with policy-graph build"
    )
    if fmt in _COMMENTED:
        return [f"# {human}\n# {MARKER}{line}\n".encode(), *chunks]
    if fmt == "xml":
        # "--" may not appear in an XML comment: JSON writes "-" as \u002d (only strings hold it)
        comment = f"<!-- {human.replace('--', '- -')} -->\n<!-- {MARKER}"
        comment = (comment + line.replace("-", "\\u002d") + " -->\n").encode()
        [data] = chunks
        end = data.find(b"\n") + 1
        if data.startswith(b"<?xml") and end:
            return [data[:end], comment, memoryview(data)[end:]]
        return [comment, data]
    return chunks  # JSON-LD: no comments


def read_header(graph_file: Path) -> Header | None:
    """What ``graph_file`` says it was built from; None when it does not say."""
    with graph_file.open("rb") as stream:
        start = stream.read(8192)
    for raw in start.splitlines()[:4]:
        found = _HEADER_LINE.match(raw.decode("utf-8", "replace").strip())
        if found:
            try:
                fields = json.loads(found.group(1))
                return Header(
                    str(fields["records"]),
                    int(fields["files"]),
                    str(fields["records_sha256"]),
                    str(fields["tool_sha256"]),
                    str(fields["location_sha256"]),
                    int(fields["triples"]) if "triples" in fields else None,
                )
            except (ValueError, KeyError, TypeError):
                return None
    return None


def _recorded_path(records: Path, graph_dir: Path) -> str:
    """The records folder relative to the graph file's folder, unless the two share
    nothing but the root (or sit on different drives): then absolute."""
    try:
        common = Path(os.path.commonpath([records, graph_dir]))
    except ValueError:
        return records.as_posix()
    if common == Path(common.anchor):
        return records.as_posix()
    return Path(os.path.relpath(records, graph_dir)).as_posix()


def _location(graph_file: Path) -> str:
    return hashlib.sha256(str(graph_file.resolve()).encode()).hexdigest()[:16]


# --- which graph a command reads ---------------------------------------------------


def cache_file(records: Path) -> Path:
    """The cached graph of one records folder (N-Triples, named by its resolved path)."""
    name = hashlib.sha256(str(records.resolve()).encode()).hexdigest()[:32]
    return paths.cache_dir() / f"{name}.nt"


def choose(data_dir: Path | None, graph_file: Path | None, default_data: Path) -> Plan:
    """How to get the graph: ``data_dir`` is the records folder the user named (None
    when not named; then ``default_data``), ``graph_file`` the graph file (None when
    not named). Warns (StaleGraphNote) when a graph is used that may be stale; raises
    UsageError rather than replace a graph file with a graph of other records."""
    if graph_file is None:
        return _choose_derived(data_dir or default_data)
    if not graph_file.exists():
        data_dir = data_dir or default_data
        return Plan(data_dir=data_dir, write=graph_file, origin=origin_of(data_dir))
    header = read_header(graph_file)
    if header is None:
        return _foreign(graph_file, data_dir)
    return _choose_named(graph_file, header, data_dir)


def _choose_derived(data_dir: Path) -> Plan:
    """No graph file named: ./build/policy-graph.ttl when it is the graph of these very
    records, else the cached graph of the folder, else a new one, cached."""
    origin = origin_of(data_dir)
    if origin is not None:
        for candidate in (LOCAL_GRAPH, cache_file(data_dir)):
            header = read_header(candidate) if candidate.is_file() else None
            if header is not None and _is_graph_of(candidate, header, origin):
                return Plan(read=candidate, header=header)
    return Plan(data_dir=data_dir, write=cache_file(data_dir), origin=origin, cached=True)


def _is_graph_of(graph_file: Path, header: Header, origin: Origin) -> bool:
    return header.records_dir(graph_file).resolve() == origin.records and header.matches(origin)


def _foreign(graph_file: Path, data_dir: Path | None) -> Plan:
    """A graph file that does not say what it was built from is never replaced."""
    if data_dir is not None:
        raise UsageError(
            f"{graph_file} does not record which records it was built from, so it is "
            f"not replaced by a graph of {data_dir}: name another --graph-file, or "
            "leave out --data to use it as it is"
        )
    _note(
        f"{graph_file} does not record which records it was built from; "
        "using it as it is (it may be stale)"
    )
    return Plan(read=graph_file)


def _choose_named(graph_file: Path, header: Header, data_dir: Path | None) -> Plan:
    """A graph file written by ``build``: read it, or rebuild it from its own records."""
    records = header.records_dir(graph_file)
    if data_dir is not None and data_dir.resolve() != records.resolve():
        raise UsageError(
            f"{graph_file} was built from {records}, not from {data_dir}, and is not "
            f"replaced: name another --graph-file for a graph of {data_dir}, or leave "
            "out --data to use it"
        )
    origin = origin_of(records)
    if origin is not None and header.matches(origin):
        return Plan(read=graph_file, header=header)
    if data_dir is None and _moved(graph_file, header):
        # Copied or moved here: the folder it names, seen from here, may hold other records.
        _note(
            f"{graph_file} was built elsewhere, from the records in {header.records} "
            "relative to it there; using it as it is (it may be stale)"
        )
        return Plan(read=graph_file, header=header)
    if origin is None:
        _note(f"{graph_file} was built from {records}, which is gone; using it as it is")
        return Plan(read=graph_file, header=header)
    return Plan(data_dir=records, write=graph_file, origin=origin)


def _moved(graph_file: Path, header: Header) -> bool:
    """Whether a graph file that names its records relative to itself is no longer
    where it was written (an absolute records folder means the same from anywhere)."""
    relative = not Path(header.records).is_absolute()
    return relative and header.location_sha256 != _location(graph_file)


def _note(message: str) -> None:
    warnings.warn(StaleGraphNote(message), stacklevel=4)
