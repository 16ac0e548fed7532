"""Reader processes: work on many records files (or parts of a big one) spread over a
process per core, each dying with the process that started it; and Python's cycle
collector paused while millions of records are made."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>

# Past this many files, YAML is read by a process per core (libyaml and the checks
# of fields are CPU-bound: 12 s for the 3,600 files of a 1M-triple corpus on one core).
PARALLEL_FROM_FILES = 200
CHUNK = 50


def map_in_chunks(
    function: Callable[[list], Any],
    files: list,
    size: int | None = None,
    parallel_from: int | None = None,
) -> Iterator[Any]:
    """``function`` of each chunk of ``files`` (``size`` items: by default a few dozen),
    in order: by a process per core when there are many (``parallel_from``: by default
    PARALLEL_FROM_FILES; ``function`` must then be picklable), else here."""
    size = size or CHUNK
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    workers = min(os.cpu_count() or 1, len(chunks))
    if len(files) < (parallel_from or PARALLEL_FROM_FILES) or workers < 2:
        yield from map(function, chunks)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=die_with, initargs=(os.getpid(),)) as pool:
        yield from pool.map(function, chunks)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: reading records (or indexing them by IRI,
    see graph/shacl.py) makes millions of objects, none in a cycle (reference counting
    frees them all), and as they pile up the collector walks all of them again and
    again: 8 s of 44 at 1M triples, for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def die_with(parent: int) -> None:
    """Make this process die with the process that started it, even when that one is
    killed (kill -9): else it waits forever for work that never comes. Linux only
    (prctl); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl in this C library: nothing to do
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
