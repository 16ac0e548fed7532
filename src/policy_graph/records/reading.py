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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError, Problem
from .checks import check_together, no_policies, nothing_together
from .digests import digest_of
from .folder import files_to_read, shown_path
from .kept import KeptResults, code_digest, keep, key_of
from .model import Records
from .one_file import REVIEW_MARK, UnreadFile, read_file, review_marks
from .readers import map_in_chunks, without_cycle_collection
from .summary import SHARED_KINDS, FileSummary, KeptFile, SummaryIndex, summary_of
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
    # eighth of the memory; kept plain on disk, see KeptFile.plain); None when not
    # made (not asked for, the file has errors, or it names what cannot be an IRI)
    triples: tuple[bytes, ...] | None


class FolderReading:
    """Every record of a records folder, every problem, and what was made of each file.

    Of each file it holds the summary (:class:`.summary.FileSummary`): the problems,
    the checks across files, the records that every government's graph shares
    (:meth:`shared_records`) and which governments it holds records of come from
    those alone. Its other records and its triples stay in the cache folder until a
    stage asks for them (:attr:`records`, :meth:`of_government`, :meth:`runs_of`):
    a run that changed one file of thousands unpickles the records of few."""

    def __init__(self, data_dir: Path, paths: list[Path], keys: list[str], kept=None):
        self.data_dir = data_dir  # the records folder read
        self.paths = paths  # each file, in the order of triples
        self.keys = keys  # each file's key where it was kept ("" where not)
        self.kept: KeptResults | None = kept  # where results are kept, for other stages' too
        self.work = FileWork()  # what reader processes made of each file
        self.summaries: list[FileSummary] = []
        self.at_hand: list[KeptFile | None] = []  # what was read this run (or loaded)
        self.problems: list[Problem] = []  # of reading, then of the records together, then unstated
        self.reused = 0  # how many files' results were kept from an earlier run
        self.reread_governments: set[str] = set()  # of the files read this run
        # For each government, a digest of every file its records and the shared records
        # (organisations, sources, concepts) come from: None unless every file was kept.
        self.government_digests: dict[str, str] | None = None
        self.shared_digest = ""  # and of the shared records alone (when every file was kept)
        self._records: Records | None = None
        self._shared: Records | None = None

    @property
    def files(self) -> int:
        """How many records files there are (each has its item in ``triples``)."""
        return len(self.paths)

    @property
    def files_read(self) -> int:
        """How many records files could be read (``Records.files``)."""
        return sum(summary.files for summary in self.summaries)

    @property
    def policies(self) -> int:
        return sum(summary.policies for summary in self.summaries)

    @property
    def has_triples(self) -> bool:
        """Whether every file's triples were made (see FileResult.triples)."""
        return all(summary.has_triples for summary in self.summaries)

    @property
    def triples(self) -> list[tuple[bytes, ...] | None]:
        """Each file's FileResult.triples."""
        return [self._kept_file(index).triples for index in range(self.files)]

    def runs_of(self, index: int) -> Iterator[bytes]:
        """The sorted runs of N-Triples of the ``index``-th file (see FileResult.triples):
        those at hand when it was read this run (its records are not loaded for them)."""
        found = self.at_hand[index]
        if found is None or found.triples is None:
            found = self._kept_file(index)
        yield from found.runs()

    def runs(self) -> Iterator[bytes]:
        """Every file's sorted runs of N-Triples, in file order."""
        for index in range(self.files):
            yield from self.runs_of(index)

    @property
    def records(self) -> Records:
        """Every record, in file order (each file's unpickled: only for what needs all)."""
        if self._records is None:
            records = Records()
            for index in range(self.files):
                records.extend(self.records_of(index))
            records.files = self.files_read
            self._records = records
        return self._records

    def records_of(self, index: int) -> Records:
        """The records of the ``index``-th file."""
        return self._kept_file(index).records

    @property
    def government_ids(self) -> list[str]:
        """The id of every government, in file order."""
        return [id for summary in self.summaries for id in summary.government_ids]

    def shared_records(self) -> Records:
        """Every record but the programmes and policies."""
        if self._shared is None:
            self._shared = self._shared_of(set(SHARED_KINDS))
        return self._shared

    def sources_and_publishers(self) -> Records:
        """The sources, every organisation and each government that publishes one."""
        found = self._shared_of({"organisations", "sources"})
        publishers = {source.publisher for source in found.sources}
        governments = self._shared_of(
            {"governments"}, lambda summary: publishers.intersection(summary.government_ids)
        )
        found.governments = [g for g in governments.governments if g.id in publishers]
        return found

    def made_of_shared(self, make: Callable[[Records], bytes]) -> bytes:
        """``make`` of the sources and their publishers (sources_and_publishers): kept
        while every file holding sources, organisations or governments is unchanged."""
        holders = [
            key
            for key, summary in zip(self.keys, self.summaries, strict=True)
            if summary.holds & {"governments", "organisations", "sources"}
        ]
        name = f"{make.__module__}.{make.__qualname__}"
        key = ""
        if self.kept and all(holders):
            digest = hashlib.sha256(f"{self.kept.code}\0{name}\0{chr(0).join(holders)}".encode())
            key = f"shared-{digest.hexdigest()}"
        found = self.kept.load(key) if key else None
        if not isinstance(found, bytes):
            found = make(self.sources_and_publishers())
            if key:
                self.kept.put(key, found)
        if key:
            self.kept.forget_the_rest("shared-")  # the shared runs of files as they were
        return found

    def of_government(self, government: str) -> Records:
        """One government's records with every shared one (see Records.of_government)."""
        shared = self._shared_of({"organisations", "sources", "concepts"})
        governments = self._shared_of(
            {"governments"}, lambda summary: government in summary.government_ids
        )
        own = Records()
        for index, summary in enumerate(self.summaries):
            if government in summary.placed:
                own.extend(self.records_of(index))
        return replace(
            shared, governments=governments.governments, programmes=own.programmes,
            policies=own.policies,
        ).of_government(government)  # fmt: skip

    def _shared_of(self, kinds: set[str], also=None) -> Records:
        """The records of ``kinds`` (of SHARED_KINDS) of every file holding any, in file
        order (of those files that ``also(summary)`` accepts, when given)."""
        found = Records()
        for summary in self.summaries:
            if summary.holds & kinds and (also is None or also(summary)):
                shared = summary.shared
                for kind in kinds:
                    getattr(found, kind).extend(getattr(shared, kind))
        return found

    def _kept_file(self, index: int) -> KeptFile:
        """What is kept of the ``index``-th file: at hand, else from the cache folder
        (else, gone meanwhile, read again)."""
        found = self.at_hand[index]
        if found is None or found.records_bytes is None:
            loaded = self.kept.load(self.keys[index]) if self.kept and self.keys[index] else None
            if not isinstance(loaded, KeptFile):  # damaged or removed since: kept again
                folder, code = (self.kept.folder, self.kept.code) if self.kept else (None, "")
                loaded = pickle.loads(_read_one(self.paths[index], folder, code, self.work)[1])
            if found is not None:  # its triples were at hand: keep them so
                loaded = replace(loaded, triples=found.triples, plain=found.plain)
            found = loaded
            self.at_hand[index] = replace(found, records_bytes=None)
        return found


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
    digests: Mapping[Path, str | None] | None = None,
    listed: tuple[list[Path], list[Problem]] | None = None,
    spare: Iterable[str] = (),
    heard: Callable[[Path, KeptFile], None] | None = None,
) -> FolderReading:
    """Read every records file of ``data_dir`` (or, with ``keep_in``, a folder where
    each file's result is kept, and ``reuse``, take an unchanged file's result from
    there), doing ``work`` on each, then check the records together. Raises InputError
    when there is nothing to read; every other problem is in the result. ``digests``:
    each file's digest (:mod:`.digests`), ``listed``: its files and the problems of
    listing them (:func:`.folder.files_to_read`), when the caller has them already.
    ``spare``: keys whose results stay kept though no file has them now (what a later
    stage takes of files as they were: see graph/pipeline.py). ``heard(path, kept)``
    hears of each file read, as soon as it is (a later stage begins with it)."""
    data_dir = Path(data_dir)
    paths, problems = files_to_read(data_dir, listed)
    kept = KeptResults(keep_in, f"{code_digest()}\0{work.tag}") if keep_in is not None else None
    keys = _keys_of(data_dir, paths, kept, digests) if kept else [""] * len(paths)
    reading = FolderReading(data_dir, paths, keys, kept)
    reading.work, reading.problems = work, problems
    with without_cycle_collection():  # millions of objects, in no cycle
        index = SummaryIndex(kept.folder if kept else None)
        summaries = _kept_summaries(keys, kept, index, reuse)
        to_read = [i for i, summary in enumerate(summaries) if summary is None]
        reading.at_hand = [None] * len(paths)
        _read_again(reading, to_read, summaries, report, heard)
        reading.summaries, reading.reused = summaries, len(paths) - len(to_read)
        _together(reading)
    reading.reread_governments = set().union(*(summaries[i].governments for i in to_read))
    if kept:
        for key, summary in zip(keys, summaries, strict=True):
            index.put(key, summary)
        index.save(keys)
        kept.used.update(key for key in keys if key)
        kept.used.update(spare)
        kept.forget_the_rest()
        if all(keys):
            reading.shared_digest, reading.government_digests = _government_digests(
                kept.code, summaries, keys
            )
    return reading


def _keys_of(data_dir: Path, paths: list[Path], kept: KeptResults, digests) -> list[str]:
    """Each file's key ("" where it has none): by its digest, given or taken here."""
    if digests is None:
        from .digests import FolderDigests

        found = FolderDigests(data_dir).digests(paths)
    else:
        found = [digests.get(path) for path in paths]
    return [kept.key(path, digest) for path, digest in zip(paths, found, strict=True)]


def _kept_summaries(keys: list[str], kept, index: SummaryIndex, reuse: bool) -> list:
    """Each file's summary where its result is kept (None where it is to be read)."""
    if not (kept and reuse):
        return [None] * len(keys)
    summaries = []
    for key in keys:
        summary = index.get(key) if kept.has(key) else None
        if summary is None and kept.has(key):  # kept by a run that kept no summaries
            loaded = kept.load(key)
            summary = loaded.summary if isinstance(loaded, KeptFile) else None
        summaries.append(summary)
    return summaries


def _read_again(
    reading: FolderReading, to_read: list[int], summaries: list, report, heard=None
) -> None:
    """Read the files ``to_read`` (indices of the reading's paths), each summary into
    ``summaries``, what is kept of it and its key into the reading, at its place: a
    big file in parts, the others in chunks, each by a reader process when there are
    many."""
    paths, kept, work = reading.paths, reading.kept, reading.work
    folder, code = (kept.folder, kept.code) if kept else (None, "")
    done = len(paths) - len(to_read)
    if report:
        report("reading records", done, len(paths))

    def take(index: int, key: str, kept_file: KeptFile) -> None:
        nonlocal done
        reading.keys[index], summaries[index] = key, kept_file.summary
        if key and folder is not None:  # kept there: its records are loaded when asked for
            kept_file = replace(kept_file, records_bytes=None)
        reading.at_hand[index] = kept_file
        if heard:
            heard(paths[index], kept_file)
        done += 1
        if report:
            report("reading records", done, len(paths))

    for index in [i for i in to_read if _is_big(paths[i])]:
        in_parts = _read_in_parts(paths[index], folder, code, work)
        if in_parts is not None:
            take(index, *in_parts)
    whole = [i for i in to_read if summaries[i] is None]
    indices = iter(whole)
    read = functools.partial(_read_chunk, folder, code, work)
    for chunk in map_in_chunks(read, [paths[i] for i in whole]):
        for key, data in chunk:
            take(next(indices), key, pickle.loads(data))


def _is_big(path: Path) -> bool:
    """Whether a file may be worth reading in parts (see parts.split)."""
    from .parts import PART_CHARS

    try:
        return path.stat().st_size > PART_CHARS
    except OSError:
        return False


def _government_digests(code: str, summaries: list[FileSummary], keys: list[str]):
    """A digest of what makes the shared records (organisations, sources, concepts):
    every file holding any, with policy-graph's code; and for each government, a
    digest of that and of the files that hold its own records (Records.of_government)."""
    shared = hashlib.sha256(f"{code}\0".encode())
    own: dict[str, list[str]] = {}
    for summary, key in zip(summaries, keys, strict=True):
        if summary.holds_shared:
            shared.update(f"{key}\0".encode())
        for government in summary.governments:
            own.setdefault(government, []).append(key)
    common = shared.hexdigest()
    return common, {
        government: hashlib.sha256("\0".join([common, government, *files]).encode()).hexdigest()
        for government, files in own.items()
    }


def _together(reading: FolderReading) -> None:
    """The problems of every file, then those of the records together, then the
    warnings of check_stated, into the reading's problems."""
    problems, summaries = reading.problems, reading.summaries
    for summary in summaries:
        problems += summary.problems
    concepts = reading._shared_of({"concepts"}).concepts
    if not nothing_together([summary.keys for summary in summaries], concepts):
        unread = [file for summary in summaries for file in summary.unread]
        check_together(problems, reading.records, unread)
    if not reading.policies and not problems:
        problems.append(no_policies(reading.data_dir, reading.files_read))
    # In the order check_stated gives them for all records: programmes, then policies.
    for kind in (0, 1):
        for summary in summaries:
            problems += summary.unstated[kind]


def _read_chunk(folder: Path | None, code: str, work: FileWork, paths: list[Path]):
    """Read each file (in a reader process), keep what is made of it in ``folder`` and
    give it back pickled (a KeptFile), with the key it is kept under ('' when it was
    not kept)."""
    return [_read_one(path, folder, code, work) for path in paths]


def _read_one(path: Path, folder: Path | None, code: str, work: FileWork):
    try:
        data = read_bytes(path)
    except Unreadable:
        data = None  # read again below, to report it as the reader does
    records, problems, unread = Records(), [], []
    records.files = int(read_file(path, records, problems, unread, data))
    kept_file = _kept_file_of(_result_of(records, problems, unread, work))
    key = key_of(code, path, digest_of(data)) if data is not None and folder is not None else ""
    if key and not keep(folder, key, pickle.dumps(kept_file.on_disk(), protocol=5)):
        key = ""
    return key, pickle.dumps(kept_file, protocol=5)


def _kept_file_of(result: FileResult) -> KeptFile:
    """What is kept of a file's result: its summary, its triples, its records."""
    summary = summary_of(
        result.records, result.problems, result.unread, result.unstated, result.triples is not None
    )
    return KeptFile(
        pickle.dumps(summary, protocol=5),
        result.triples,
        pickle.dumps(result.records, protocol=5),
    )


def _result_of(records: Records, problems: list[Problem], unread: list, work) -> FileResult:
    """What reading made of a file (or of a part of one), with ``work`` done."""
    # A file with errors fails the build: no triples are made of it.
    errors = any(not problem.warning for problem in problems)
    triples = _triples_of(records, work.triples) if work.triples and not errors else None
    unstated = _unstated(records) if work.unstated else ([], [])
    return FileResult(records, problems, unread, unstated, triples)


# --- one big file, read in parts by a process per core (see parts.py) -------------


def _read_in_parts(path: Path, folder: Path | None, code: str, work: FileWork):
    """A big records file read in parts, each by a reader process: its key and what is
    kept of it; None when it is not to be read so (too small, a layout that
    parts.split declines, not readable: then it is read whole, and reading reports
    what is wrong)."""
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
    kept_file = _kept_file_of(FileResult(records, problems, [], unstated, triples))
    key = key_of(code, path, digest_of(data)) if folder is not None else ""
    if key and not keep(folder, key, pickle.dumps(kept_file.on_disk(), protocol=5)):
        key = ""
    return key, kept_file


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
