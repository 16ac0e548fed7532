"""What a run needs to know of a records file besides its records (:class:`FileSummary`),
and what is kept of each file (:class:`KeptFile`): so that a run whose files are mostly
unchanged unpickles none of their records.

Of an unchanged file, a run needs its problems (reported again), what the checks across
files compare (:func:`.checks.keys_of`), the governments it holds records of (for SHACL
and its verdicts), and its records that others name and that every government's graph
holds (its governments, organisations, sources and concepts: ``shared``). Those are its
summary, made as it is read; the summaries of a folder's files are kept together, in
one file of the cache folder (:class:`SummaryIndex`), read at once. Its other records
(programmes and policies, most of a corpus) and its triples are kept in its own file,
loaded only when a later stage asks for them.
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem
from .checks import keys_of
from .kept import keep_file, kept_index
from .model import Records
from .one_file import UnreadFile

INDEX_FILE = "summaries"


@dataclass
class FileSummary:
    """What a run needs to know of a records file without its records."""

    files: int  # Records.files: 1 when it was read, 0 when it could not be
    problems: list[Problem]
    unread: list[UnreadFile]
    # check_stated's warnings of its programmes, and of its policies
    unstated: tuple[list[Problem], list[Problem]]
    governments: frozenset[str]  # every government it holds records of
    placed: frozenset[str]  # the governments of its programmes and policies
    policies: int
    government_ids: tuple[str, ...]  # of its governments, in order
    holds: frozenset[str]  # which of SHARED_KINDS it holds records of
    shared_bytes: bytes  # its records of SHARED_KINDS (a pickled Records)
    keys: tuple[str, str, str]  # what the checks across files compare (checks.keys_of)
    has_triples: bool = True

    @property
    def shared(self) -> Records:
        """Its records of SHARED_KINDS (unpickled anew: a run asks for few files')."""
        return pickle.loads(self.shared_bytes)

    @property
    def holds_shared(self) -> bool:
        """Whether it holds records that every government's graph holds (see
        Records.of_government): organisations, sources, concepts."""
        return bool(self.holds & {"organisations", "sources", "concepts"})


# The records that other files' records name, besides programmes: a run keeps them in
# the summaries (a file's policies and programmes are in what is kept of it).
SHARED_KINDS = ("governments", "organisations", "sources", "concepts")


def summary_of(records: Records, problems, unread, unstated, has_triples: bool) -> FileSummary:
    """The summary of a file (or of a file's parts, joined) read into ``records``."""
    # A policy or programme without a readable government (already a problem of its
    # file) is placed under none.
    placed = frozenset(
        p.government for p in [*records.programmes, *records.policies] if p.government
    )
    shared = Records(**{kind: getattr(records, kind) for kind in SHARED_KINDS})
    return FileSummary(
        files=records.files,
        problems=problems,
        unread=unread,
        unstated=unstated,
        governments=frozenset(g.id for g in records.governments) | placed,
        placed=placed,
        policies=len(records.policies),
        government_ids=tuple(g.id for g in records.governments),
        holds=frozenset(kind for kind in SHARED_KINDS if getattr(records, kind)),
        shared_bytes=pickle.dumps(shared, protocol=5),
        keys=keys_of(records),
        has_triples=has_triples,
    )


@dataclass
class KeptFile:
    """What is kept of a records file (in the cache folder, under its key): its summary,
    its triples (see reading.FileResult.triples) and its records, each as bytes, so
    that taking one does not unpickle the others."""

    summary_bytes: bytes
    triples: tuple[bytes, ...] | None
    records_bytes: bytes | None  # None: not at hand (load it from the cache folder)
    # Whether ``triples`` are plain N-Triples rather than compressed (zlib): in the
    # cache folder they are plain (a rebuild takes thousands of files' triples, and
    # inflating them was a fifth of its time); in a run's memory, compressed.
    plain: bool = False

    def runs(self):
        """Its sorted runs of N-Triples, plain."""
        for run in self.triples:
            yield run if self.plain else zlib.decompress(run)

    def on_disk(self) -> KeptFile:
        """This, as it is kept in the cache folder: its triples plain."""
        if self.plain or self.triples is None:
            return self
        return replace(self, triples=tuple(self.runs()), plain=True)

    @property
    def summary(self) -> FileSummary:
        return pickle.loads(self.summary_bytes)

    @property
    def records(self) -> Records:
        return pickle.loads(self.records_bytes)


class SummaryIndex:
    """The summaries of a records folder's files, by key, kept together in one file."""

    def __init__(self, folder: Path | None) -> None:
        self.file = folder / INDEX_FILE if folder is not None else None
        self.found: dict[str, FileSummary] = kept_index(self.file) if self.file else {}
        self.changed = False

    def get(self, key: str) -> FileSummary | None:
        return self.found.get(key) if key else None

    def put(self, key: str, summary: FileSummary) -> None:
        if key and self.found.get(key) is not summary:
            self.found[key], self.changed = summary, True

    def save(self, keys: list[str]) -> None:
        """Keep the summaries of ``keys`` (this run's files), and no other."""
        kept = {key: self.found[key] for key in keys if key in self.found}
        if self.file and (self.changed or len(kept) != len(self.found)):
            keep_file(self.file, pickle.dumps(kept, protocol=5))
