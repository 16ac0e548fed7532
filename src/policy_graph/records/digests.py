"""Each records file's digest (sha256 of its bytes), known from its stats while it is
unchanged, as git's index knows a file: a run reads and digests only the files whose
stats changed since a run recorded them.

A file's stats are its size, modification and change times (nanoseconds), inode and
device. Writing a file's bytes sets its change time to the clock's now, which no user
can set back (``touch -d`` sets the modification time, and so changes the change
time), so equal stats mean the bytes a run digested, with one exception: an edit in
the same tick of the file system's clock as the stats were taken, which keeps both
times. Like git's "racily clean" entries, a file whose times are not older than
:data:`RACY_NS` before its stats were taken is digested again (the margin covers
file systems that keep times in whole seconds, or two, and clocks that tick
coarsely); once its edits are older, its stats alone tell.

The stats and digests are kept in the cache folder of the records folder
(:func:`.kept.cache_folder`), in one file written whole or not at all; a lost or
unreadable one only means that every file is digested again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .kept import cache_folder, keep_file, kept_index

# How much older than the moment its stats were taken a file's times must be for its
# stats alone to tell it is unchanged: 2 s (FAT keeps times in steps of 2 s).
RACY_NS = 2_000_000_000

STATS_FILE = "digests-by-stats"

# Stats: (size, mtime_ns, ctime_ns, inode, device)
Stats = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Entry:
    """What a run recorded of a file: its stats, when they were taken, its digest."""

    stats: Stats
    taken_ns: int
    digest: str

    def tells(self, stats: Stats) -> bool:
        """Whether ``stats`` (taken now) show the file as it was digested: the same
        stats, and times older than RACY_NS before these were taken."""
        _size, mtime_ns, ctime_ns, _inode, _device = stats
        return stats == self.stats and max(mtime_ns, ctime_ns) < self.taken_ns - RACY_NS


def stats_of(path: Path) -> Stats | None:
    """A regular file's stats (through symbolic links); None for anything else or
    what cannot be stat'ed (reading it reports why)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
        status.st_dev,
    )


def digest_of(data: bytes) -> str:
    """The digest of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class FolderDigests:
    """The digests of one records folder's files, each taken from the last run's
    record while the file's stats tell it is unchanged, else from its bytes."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = str(data_dir)  # files are named relative to it
        self.file = cache_folder(data_dir) / STATS_FILE
        self.entries: dict[str, Entry] = kept_index(self.file)
        self.changed = False  # whether entries differ from the file's
        self.read = 0  # how many files were read to be digested

    def digest(self, path: Path) -> str | None:
        """The digest of ``path``'s bytes; None when it is not a regular file that can
        be read (reading the records reports why)."""
        name = self._name(path)
        taken_ns = time.time_ns()  # before the stats: an edit after them is newer
        stats = stats_of(path)
        if stats is None:
            self._forget(name)
            return None
        entry = self.entries.get(name)
        if entry is not None and entry.tells(stats):
            return entry.digest
        try:
            with open(path, "rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            self._forget(name)
            return None
        self.read += 1
        self.entries[name], self.changed = Entry(stats, taken_ns, digest), True
        return digest

    def digests(self, paths: list[Path]) -> list[str | None]:
        """The digest of each of ``paths`` (see :meth:`digest`); then what was learnt
        is kept for the next run, and the entries of other files are forgotten."""
        found = [self.digest(path) for path in paths]
        names = set(map(self._name, paths))
        for name in [name for name in self.entries if name not in names]:
            self._forget(name)
        self.save()
        return found

    def save(self) -> None:
        """Keep the entries for the next run, when they changed."""
        if self.changed:
            keep_file(self.file, pickle.dumps(self.entries, protocol=5))
            self.changed = False

    def _name(self, path: Path) -> str:
        """A file's name within the records folder (the same from any working directory)."""
        name = str(path)
        return name[len(self.folder) :] if name.startswith(self.folder) else name

    def _forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.changed = True
