"""Reading a records folder: the one way in (:func:`read_folder`), which returns every
record and every problem.

It finds the folder's files (:mod:`.folder`), takes what an earlier run kept of each
file unchanged since (:mod:`.kept`), reads the others (:mod:`.one_file`; a big file in
parts, :mod:`.parts`), by a process per core when there are many (:mod:`.readers`), and
then checks the records of every file together (:mod:`.checks`). Records and problems
come in the same order whichever way each file was read.

Most of a build is reading each records file and making the triples its records
state, and both depend on that one file alone (the triples of a record are made of
its own fields and of ids). So the reader processes can do more with each file than
read it (:class:`FileWork`): make its triples, by a function the caller gives (the
graph stage's), and find the budgets and years that no quote states
(:func:`.quotes.check_stated`); that is kept with the file's records. What depends on
several files (unique ids, references, hierarchies) is checked again on every run, on
every record: a changed vocabulary invalidates nothing kept.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from .checks import check_together, no_policies
from .folder import files_to_read, shown_path
from .kept import KeptResults, code_digest, keep, key_of
from .model import Records
from .one_file import REVIEW_MARK, UnreadFile, read_file, review_marks
from .readers import map_in_chunks, without_cycle_collection
from .yaml_loader import Unreadable, read_bytes, read_text


@dataclass(frozen=True)
class FileWork:
    """What reader processes make of each records file besides its records and
    problems, kept with them: ``triples`` (a picklable function of one file's records
    → its N-Triples lines, sorted, each once; ValueError where they name what cannot
    be an IRI), and ``unstated`` (whether to find :func:`.quotes.check_stated`'s
    warnings)."""

    triples: Callable[[Records], bytes] | None = None
    unstated: bool = False

    @property
    def tag(self) -> str:
        """What this work makes, for the key its results are kept under."""
        triples = self.triples and f"{self.triples.__module__}.{self.triples.__qualname__}"
        return f"triples={triples}\0unstated={self.unstated}"


@dataclass
class FileResult:
    """What reading one records file gives."""

    records: Records
    problems: list[Problem]
    unread: list[UnreadFile]
    # check_stated's warnings of its programmes, and of its policies (FileWork.unstated)
    unstated: tuple[list[Problem], list[Problem]]
    # N-Triples of what its records state alone (FileWork.triples), sorted: a run per
    # part of a file read in parts (one for a file read whole), compressed (zlib: an
    # eighth of the memory and disk); None when not made (not asked for, the file has
    # errors, or it names what cannot be an IRI)
    triples: tuple[bytes, ...] | None


@dataclass
class FolderReading:
    """Every record of a records folder, every problem, and what was made of each file."""

    records: Records
    problems: list[Problem]  # of reading, then of the records together, then unstated
    triples: list[tuple[bytes, ...] | None]  # each file's FileResult.triples
    reused: int = 0  # how many files' results were kept from an earlier run
    reread_governments: set[str] = field(default_factory=set)  # of the files read this run
    kept: KeptResults | None = None  # where results are kept, for other stages' too
    # For each government, a digest of every file its records and the shared records
    # (organisations, sources, concepts) come from: None unless every file was kept.
    government_digests: dict[str, str] | None = None
    data_dir: Path | None = None  # the records folder read
    paths: list[Path] = field(default_factory=list)  # each file, in the order of triples
    keys: list[str] = field(default_factory=list)  # each file's key where it was kept

    @property
    def files(self) -> int:
        """How many records files there are (each has its item in ``triples``)."""
        return len(self.triples)

    @property
    def has_triples(self) -> bool:
        """Whether every file's triples were made (see FileResult.triples)."""
        return None not in self.triples

    def runs_of(self, index: int) -> Iterator[bytes]:
        """The sorted runs of N-Triples of the ``index``-th file (see FileResult.triples)."""
        for run in self.triples[index]:
            yield zlib.decompress(run)

    def runs(self) -> Iterator[bytes]:
        """Every file's sorted runs of N-Triples, in file order."""
        for index in range(len(self.triples)):
            yield from self.runs_of(index)


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
    reading = read_folder(data_dir, report)
    return reading.records, reading.problems


def read_folder(
    data_dir: Path | str,
    report=None,
    *,
    keep_in: Path | None = None,
    reuse: bool = True,
    work: FileWork = FileWork(),
) -> FolderReading:
    """Read every records file of ``data_dir`` (or, with ``keep_in``, a folder where
    each file's result is kept, and ``reuse``, take an unchanged file's result from
    there), doing ``work`` on each, then check the records together. Raises InputError
    when there is nothing to read; every other problem is in the result."""
    data_dir = Path(data_dir)
    paths, problems = files_to_read(data_dir)
    kept = KeptResults(keep_in, f"{code_digest()}\0{work.tag}") if keep_in is not None else None
    with without_cycle_collection():  # millions of objects, in no cycle
        keys: list[str] = [""] * len(paths)  # each file's key ("" where it has none)
        results = (
            _kept_results(paths, kept, keys, report) if kept and reuse else [None] * len(paths)
        )
        to_read = [index for index, result in enumerate(results) if result is None]
        _read_again(paths, to_read, results, keys, kept, work, report)
        reading = _together(data_dir, results, problems, len(paths) - len(to_read))
    reading.data_dir, reading.paths, reading.keys = data_dir, paths, keys
    reading.reread_governments = _governments_of([results[i] for i in to_read])
    if kept:
        kept.used.update(key for key in keys if key)
        kept.forget_the_rest()
        reading.kept = kept
        if all(keys):
            reading.government_digests = _government_digests(kept.code, results, keys)
    return reading


def _read_again(paths, to_read: list[int], results: list, keys: list[str], kept, work, report):
    """Read the files ``to_read`` (indices of ``paths``), each result and key into
    ``results`` and ``keys`` at its place: a big file in parts, the others in chunks,
    each by a reader process when there are many."""
    folder, code = (kept.folder, kept.code) if kept else (None, "")
    done = len(paths) - len(to_read)
    if report:
        report("reading records", done, len(paths))
    for index in [i for i in to_read if _is_big(paths[i])]:
        in_parts = _read_in_parts(paths[index], folder, code, work)
        if in_parts is not None:
            keys[index], results[index] = in_parts
            done += 1
            if report:
                report("reading records", done, len(paths))
    whole = [i for i in to_read if results[i] is None]
    indices = iter(whole)
    read = functools.partial(_read_chunk, folder, code, work)
    for chunk in map_in_chunks(read, [paths[i] for i in whole]):
        for key, data in chunk:
            index = next(indices)
            results[index], keys[index] = pickle.loads(data), key
        done += len(chunk)
        if report:
            report("reading records", done, len(paths))


def _is_big(path: Path) -> bool:
    """Whether a file may be worth reading in parts (see parts.split)."""
    from .parts import PART_CHARS

    try:
        return path.stat().st_size > PART_CHARS
    except OSError:
        return False


def _government_digests(code: str, results: list[FileResult], keys: list[str]) -> dict[str, str]:
    """For each government, a digest of what makes its records and the shared ones
    (Records.of_government): the files that hold its own records and every file
    holding shared ones (organisations, sources, concepts), with policy-graph's code."""
    shared = hashlib.sha256(f"{code}\0".encode())
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


def _kept_results(paths: list[Path], kept: KeptResults, keys: list[str], report) -> list:
    """Each file's result kept from an earlier run, None where there is none (and its
    key in ``keys``)."""
    results = []
    for number, path in enumerate(paths, 1):
        result, keys[number - 1] = kept.find(path)
        results.append(result)
        if report and (number % 100 == 0 or number == len(paths)):
            report("finding what the last run kept", number, len(paths))
    return results


def _together(data_dir: Path, results: list, problems: list[Problem], reused: int):
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
    return FolderReading(records, problems, triples, reused)


def _governments_of(results: list[FileResult]) -> set[str]:
    """The governments whose records ``results`` hold (a policy or programme without a
    readable government, already a problem of its file, counts for none)."""
    governments = set()
    for result in results:
        governments.update(g.id for g in result.records.governments)
        governments.update(p.government for p in result.records.policies if p.government)
        governments.update(p.government for p in result.records.programmes if p.government)
    return governments


def _read_chunk(folder: Path | None, code: str, work: FileWork, paths: list[Path]):
    """Read each file (in a reader process), keep its result in ``folder`` and give
    it back pickled, with the key it is kept under ('' when it was not kept)."""
    answers = []
    for path in paths:
        try:
            data = read_bytes(path)
        except Unreadable:
            data = None  # read again below, to report it as the reader does
        records, problems, unread = Records(), [], []
        records.files = int(read_file(path, records, problems, unread, data))
        result = pickle.dumps(_result_of(records, problems, unread, work), protocol=5)
        key = key_of(code, path, data) if data is not None and folder is not None else ""
        if key:
            keep(folder, key, result)
        answers.append((key, result))
    return answers


def _result_of(records: Records, problems: list[Problem], unread: list, work) -> FileResult:
    """What reading made of a file (or of a part of one), with ``work`` done."""
    # A file with errors fails the build: no triples are made of it.
    errors = any(not problem.warning for problem in problems)
    triples = _triples_of(records, work.triples) if work.triples and not errors else None
    unstated = _unstated(records) if work.unstated else ([], [])
    return FileResult(records, problems, unread, unstated, triples)


# --- one big file, read in parts by a process per core (see parts.py) -------------


def _read_in_parts(path: Path, folder: Path | None, code: str, work: FileWork):
    """A big records file read in parts, each by a reader process, and its key; None
    when it is not to be read so (too small, a layout that parts.split declines, not
    readable: then it is read whole, and reading reports what is wrong)."""
    from . import parts as record_parts

    try:
        data = read_bytes(path)
        text = read_text(path, data)
    except Unreadable:
        return None
    parts = record_parts.split(text, record_parts.PART_CHARS)
    if not parts:
        return None
    shown = shown_path(path)
    read = functools.partial(_read_parts_chunk, shown, work)
    results = [r for chunk in map_in_chunks(read, parts, 1, 2) for r in chunk]
    if any(result is None for result in results):
        return None
    joined = record_parts.joined((r.records, r.problems) for r in results)
    if joined is None:
        return None
    records, problems = joined
    if REVIEW_MARK in text:
        problems += review_marks(text, shown)
    errors = any(not problem.warning for problem in problems)
    triples = None
    if not errors and all(r.triples is not None for r in results):
        triples = tuple(run for r in results for run in r.triples)
    unstated = tuple([p for r in results for p in r.unstated[kind]] for kind in (0, 1))
    result = FileResult(records, problems, [], unstated, triples)
    key = key_of(code, path, data)
    if folder is not None:
        keep(folder, key, pickle.dumps(result, protocol=5))
    return key, result


def _read_parts_chunk(shown: str, work: FileWork, parts: list) -> list[FileResult | None]:
    from . import parts as record_parts

    answers = []
    for part in parts:
        read = record_parts.read_part(part, shown)
        answers.append(None if read is None else _result_of(read[0], read[1], [], work))
    return answers


def _unstated(records: Records) -> tuple[list[Problem], list[Problem]]:
    """The warnings of :func:`.quotes.check_stated` (each about one record alone)."""
    from .quotes import check_stated

    return (
        check_stated(Records(programmes=records.programmes)),
        check_stated(Records(policies=records.policies)),
    )


def _triples_of(records: Records, make) -> tuple[bytes] | None:
    """``make`` of a file's records (a sorted run of N-Triples), compressed; None when
    they name what cannot be an IRI (an id that a check across files refuses: the build
    stops there before it would store triples; else it makes them itself and says why
    it fails)."""
    try:
        return (zlib.compress(make(records), 1),)
    except ValueError:
        return None
