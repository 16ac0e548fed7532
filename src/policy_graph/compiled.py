"""Records files read and turned into triples, each kept by its content.

Most of a build is reading each records file (YAML into checked records) and making
the triples its records state. Both depend on that one file alone: the triples of a
record are made of its own fields and of ids (IRIs are made of ids, never looked up).
So a reader process does both for each file it reads, and the result (the file's
records, its problems, its triples as N-Triples lines) is kept in the cache folder
under a digest of the file's bytes, its name as shown in messages and policy-graph's
own code; the next build reads only the files that changed and reuses the rest.

What depends on several files is done again on every run, on every record: unique
ids, references, hierarchies (records.check_together), the triples of sources (a
source without a title is named by its publisher) and of the concept schemes. A
changed vocabulary therefore invalidates nothing kept here: the references to it are
checked afresh. SHACL's verdict on a city is kept under a digest of every file its
graph is made of (:class:`Verdicts`), so a city is validated again whenever any of
them changes. A big file (a national export) is read in parts, a reader process each
(:mod:`.record_parts`), and kept whole.

The kept results are pickles, read only from the cache folder the user's own runs
write (see :func:`.graph_files.cache_dir`): trust them as one trusts that folder.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .build import OWN_KINDS
from .errors import Problem
from .records import (
    REVIEW_MARK,
    Records,
    _read_bytes,
    _read_file,
    _read_text,
    _review_marks,
    _shown,
    _Unreadable,
    _UnreadFile,
    check_together,
    files_to_read,
    map_in_chunks,
    no_policies,
    without_cycle_collection,
)


@dataclass
class FileResult:
    """What reading one records file gives."""

    records: Records
    problems: list[Problem]
    unread: list[_UnreadFile]
    # quotes.check_stated's warnings of its programmes, and of its policies
    unstated: tuple[list[Problem], list[Problem]]
    # N-Triples of what its records state alone, by kind (build.OWN_KINDS), in chunks
    # (one per part of a file read in parts), compressed (zlib: an eighth of the memory
    # and disk); None when not made (the file has errors, or names what cannot be an IRI)
    triples: tuple[tuple[bytes, ...], ...] | None


@dataclass
class Compiled:
    """Every record of a records folder, every problem, and each file's triples."""

    records: Records
    problems: list[Problem]  # of reading, then of the records together, then unstated
    triples: list[tuple[tuple[bytes, ...], ...] | None]  # each file's FileResult.triples
    reused: int = 0  # how many files' results were kept from an earlier run
    reread_governments: set[str] = field(default_factory=set)  # of the files read this run
    verdicts: Verdicts | None = None  # SHACL's, kept by what each city's graph is made of

    @property
    def files(self) -> int:
        """How many records files there are (each has its item in ``triples``)."""
        return len(self.triples)

    @property
    def has_triples(self) -> bool:
        """Whether every file's triples were made (see FileResult.triples)."""
        return None not in self.triples

    def triples_of(self, kind: int) -> Iterator[bytes]:
        """Each file's N-Triples of its records of OWN_KINDS[kind], in file order."""
        for parts in self.triples:
            for chunk in parts[kind]:
                yield zlib.decompress(chunk)


def read_compiled(
    data_dir: Path | str, report=None, cache: Path | None = None, reuse: bool = True
) -> Compiled:
    """Read every records file of ``data_dir`` (or, with ``reuse``, take its result from
    ``cache``, a folder, where each file read is kept), then check the records
    together. Problems and records are those of :func:`.records.read_records`, in the
    same order."""
    data_dir = Path(data_dir)
    paths, problems = files_to_read(data_dir)
    kept = _Kept(cache, code_digest()) if cache is not None else None
    with without_cycle_collection():  # millions of objects, in no cycle
        keys: list[str] = [""] * len(paths)  # each file's key ("" where it has none)
        results = (
            _kept_results(paths, kept, keys, report) if kept and reuse else [None] * len(paths)
        )
        to_read = [index for index, result in enumerate(results) if result is None]
        _read_again(paths, to_read, results, keys, kept, report)
        compiled = _together(data_dir, results, problems, len(paths) - len(to_read))
    compiled.reread_governments = _governments_of([results[i] for i in to_read])
    if kept:
        kept.used.update(key for key in keys if key)
        kept.forget_the_rest()
        if all(keys):
            compiled.verdicts = Verdicts(kept, _city_keys(kept.code, results, keys), reuse)
    return compiled


def _read_again(paths, to_read: list[int], results: list, keys: list[str], kept, report) -> None:
    """Read the files ``to_read`` (indices of ``paths``), each result and key into
    ``results`` and ``keys`` at its place: a big file in parts, the others in chunks,
    each by a reader process when there are many."""
    folder, code = (kept.folder, kept.code) if kept else (None, "")
    done = len(paths) - len(to_read)
    if report:
        report("reading records", done, len(paths))
    for index in [i for i in to_read if _is_big(paths[i])]:
        in_parts = _read_in_parts(paths[index], folder, code)
        if in_parts is not None:
            keys[index], results[index] = in_parts
            done += 1
            if report:
                report("reading records", done, len(paths))
    whole = [i for i in to_read if results[i] is None]
    indices = iter(whole)
    read = functools.partial(_read_chunk, folder, code)
    for chunk in map_in_chunks(read, [paths[i] for i in whole]):
        for key, data in chunk:
            index = next(indices)
            results[index], keys[index] = pickle.loads(data), key
        done += len(chunk)
        if report:
            report("reading records", done, len(paths))


def _is_big(path: Path) -> bool:
    """Whether a file may be worth reading in parts (see record_parts.split)."""
    from .record_parts import PART_CHARS

    try:
        return path.stat().st_size > PART_CHARS
    except OSError:
        return False


def _city_keys(code: str, results: list[FileResult], keys: list[str]) -> dict[str, str]:
    """For each government, a digest of what SHACL sees of it (records.of_government):
    the files that hold its own records and every file holding shared ones
    (organisations, sources, concepts), with the shapes and policy-graph's code."""
    from .graph_files import tool_digest

    shared = hashlib.sha256(f"{code}\0{tool_digest()}\0".encode())
    own: dict[str, list[str]] = {}
    for result, key in zip(results, keys, strict=True):
        records = result.records
        if records.organisations or records.sources or records.concepts:
            shared.update(f"{key}\0".encode())
        for government in _governments_of([result]):
            own.setdefault(government, []).append(key)
    common = shared.hexdigest()
    return {
        government: hashlib.sha256("\0".join([common, government, *files]).encode()).hexdigest()
        for government, files in own.items()
    }


def _kept_results(
    paths: list[Path], kept: _Kept, keys: list[str], report
) -> list[FileResult | None]:
    """Each file's result kept from an earlier run, None where there is none (and its
    key in ``keys``)."""
    results = []
    for number, path in enumerate(paths, 1):
        result, keys[number - 1] = kept.find(path)
        results.append(result)
        if report and (number % 100 == 0 or number == len(paths)):
            report("finding what the last run kept", number, len(paths))
    return results


def _together(data_dir: Path, results: list, problems: list[Problem], reused: int) -> Compiled:
    records, unread, triples = Records(), [], []
    for result in results:
        records.extend(result.records)
        records.files += result.records.files
        problems += result.problems
        unread += result.unread
        triples.append(result.triples)
    check_together(problems, records, unread)
    if not records.policies and not problems:
        problems.append(no_policies(data_dir, records))
    # In the order check_stated gives them for all records: programmes, then policies.
    for kind in (0, 1):
        for result in results:
            problems += result.unstated[kind]
    return Compiled(records, problems, triples, reused)


def _governments_of(results: list[FileResult]) -> set[str]:
    governments = set()
    for result in results:
        governments.update(g.id for g in result.records.governments)
        governments.update(p.government for p in result.records.policies)
        governments.update(p.government for p in result.records.programmes)
    return governments


def _read_chunk(folder: Path | None, code: str, paths: list[Path]) -> list[tuple[str, bytes]]:
    """Read each file (in a reader process), keep its result in ``folder`` and give
    it back pickled, with the key it is kept under ('' when it was not kept)."""
    answers = []
    for path in paths:
        try:
            data = _read_bytes(path)
        except _Unreadable:
            data = None  # read again below, to report it as the reader does
        records, problems, unread = Records(), [], []
        records.files = int(_read_file(path, records, problems, unread, data))
        result = pickle.dumps(_result_of(records, problems, unread), protocol=5)
        key = _key(code, path, data) if data is not None else ""
        if key and folder is not None:
            _keep(folder, key, result)
        answers.append((key, result))
    return answers


def _result_of(records: Records, problems: list[Problem], unread: list) -> FileResult:
    """What reading made of a file (or of a part of one): its triples too."""
    # A file with errors fails the build: no triples are made of it.
    errors = any(not problem.warning for problem in problems)
    triples = _triples_of(records) if not errors else None
    return FileResult(records, problems, unread, _unstated(records), triples)


# --- one big file, read in parts by a process per core (see record_parts) ----------


def _read_in_parts(path: Path, folder: Path | None, code: str) -> tuple[str, FileResult] | None:
    """A big records file read in parts, each by a reader process, and its key; None
    when it is not to be read so (too small, a layout that record_parts declines, not
    readable: then it is read whole, and reading reports what is wrong)."""
    from . import record_parts

    try:
        data = _read_bytes(path)
        text = _read_text(path, data)
    except _Unreadable:
        return None
    parts = record_parts.split(text, record_parts.PART_CHARS)
    if not parts:
        return None
    shown = _shown(path)
    read = functools.partial(_read_parts_chunk, shown)
    results = [r for chunk in map_in_chunks(read, parts, 1, 2) for r in chunk]
    if any(result is None for result in results):
        return None
    joined = record_parts.joined((r.records, r.problems) for r in results)
    if joined is None:
        return None
    records, problems = joined
    if REVIEW_MARK in text:
        problems += _review_marks(text, shown)
    errors = any(not problem.warning for problem in problems)
    triples = None
    if not errors and all(r.triples is not None for r in results):
        kinds = range(len(OWN_KINDS))
        triples = tuple(tuple(c for r in results for c in r.triples[kind]) for kind in kinds)
    unstated = tuple([p for r in results for p in r.unstated[kind]] for kind in (0, 1))
    result = FileResult(records, problems, [], unstated, triples)
    key = _key(code, path, data)
    if folder is not None:
        _keep(folder, key, pickle.dumps(result, protocol=5))
    return key, result


def _read_parts_chunk(shown: str, parts: list) -> list[FileResult | None]:
    from . import record_parts

    answers = []
    for part in parts:
        read = record_parts.read_part(part, shown)
        answers.append(None if read is None else _result_of(read[0], read[1], []))
    return answers


def _unstated(records: Records) -> tuple[list[Problem], list[Problem]]:
    """The warnings of :func:`.quotes.check_stated` (each about one record alone)."""
    from .quotes import check_stated

    return (
        check_stated(Records(programmes=records.programmes)),
        check_stated(Records(policies=records.policies)),
    )


def _triples_of(records: Records) -> tuple[bytes, ...] | None:
    """:func:`.engines.own_ntriples` of a file's records; None when they name what
    cannot be an IRI (an id that a check across files refuses: the build stops there
    before it would store triples; else it makes them itself and says why it fails)."""
    from .engines import own_ntriples

    try:
        return tuple((zlib.compress(part, 1),) for part in own_ntriples(records))
    except ValueError:
        return None


def _key(code: str, path: Path, data: bytes) -> str:
    digest = hashlib.sha256(f"{code}\0{_shown(path)}\0".encode())
    digest.update(data)
    return digest.hexdigest()


def _keep(folder: Path, key: str, result: bytes) -> None:
    """Write a result whole or not at all (a temporary file renamed); a folder that
    cannot be written only means the next build reads the file again."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(result)
        os.replace(temporary, folder / f"{key}.pickle")
    except OSError:
        pass


class _Kept:
    """The results kept for one records folder: one file each, named by its key."""

    def __init__(self, folder: Path, code: str) -> None:
        self.folder, self.code = folder, code
        self.used: set[str] = set()

    def find(self, path: Path) -> tuple[FileResult | None, str]:
        """The result kept of ``path`` as it is now (None: none), and its key ("" when
        the file cannot be read: reading it reports why)."""
        try:
            data = _read_bytes(path)
        except _Unreadable:
            return None, ""
        key = _key(self.code, path, data)
        return self.load(key), key

    def load(self, key: str):
        try:
            found = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None  # not kept, or unreadable: made again
        self.used.add(key)
        return found

    def forget_the_rest(self, prefix: str = "") -> None:
        """Remove what is kept under names of ``prefix`` that this run did not use
        (results of files no longer as they were: the folder holds about one per file;
        ``prefix`` "shacl-": SHACL's verdicts, see Verdicts)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            key = entry.name.removesuffix(".pickle")
            if not entry.name.endswith(".pickle") or key in self.used:
                continue
            if key.startswith("shacl-") == (prefix == "shacl-"):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


class Verdicts:
    """SHACL's problems of each city, kept under a digest of what its graph is made of
    (see :func:`_city_keys`): a city whose records and shared records are as they were
    when it was validated is not validated again, its problems are given again."""

    def __init__(self, kept: _Kept, keys: dict[str, str], reuse: bool = True) -> None:
        self.kept, self.keys, self.reuse = kept, keys, reuse

    def get(self, government: str) -> list[Problem] | None:
        """The problems kept of ``government`` as it is now; None when there are none
        (or the run reuses nothing)."""
        key = self.keys.get(government)
        return self.kept.load(f"shacl-{key}") if key and self.reuse else None

    def put(self, government: str, problems: list[Problem]) -> None:
        key = self.keys.get(government)
        if key:
            self.kept.used.add(f"shacl-{key}")
            _keep(self.kept.folder, f"shacl-{key}", pickle.dumps(problems, protocol=5))

    def forget_the_rest(self) -> None:
        """Remove the verdicts that this run did not give or use."""
        self.kept.forget_the_rest("shacl-")


@functools.cache
def code_digest() -> str:
    """A digest of what makes a file's result: policy-graph's own modules, and the
    versions of Python, PyYAML and pyoxigraph (which read the YAML and check IRIs)."""
    import pyoxigraph
    import yaml

    digest = hashlib.sha256(
        f"{sys.version}\0{yaml.__version__}\0{pyoxigraph.__version__}\0".encode()
    )
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_folder(data_dir: Path) -> Path:
    """Where the results of ``data_dir``'s files are kept."""
    from .graph_files import cache_dir

    name = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "records" / name
