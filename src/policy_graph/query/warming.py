"""Keeping the saved queries' whole answers for a build just made, in a process of its
own that the build starts and does not wait for (``python -m policy_graph.query.warming
STORE_FOLDER GENERATION``): a build stays as quick as it was, and the listings that
take seconds on a national corpus are there to read when they are first asked for,
in the same bytes as when they are found (see :func:`keep_answers`).
:func:`.asking.start_warming` starts it, at a lower priority, on large stores only
(kept_store.WARM_FROM triples: on smaller ones each answer takes milliseconds), and
not at all with ``POLICY_GRAPH_WARM=0``. It does nothing when the generation is no
longer the current one, or when another process keeps its answers already; whatever
fails, it fails quietly: an answer not kept is found when asked for, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sys
import time
from pathlib import Path

# The formats kept ahead: the command's default, and what a notebook or a spreadsheet
# reads (others are written from the kept solutions when first asked for).
WARM_FORMATS = ("table", "csv")


def keep_answers(store, names=None, formats=WARM_FORMATS) -> dict[str, float]:
    """Find and keep the whole answers (default parameters) of the saved queries
    ``names`` (default: all) on a kept store, written in ``formats``, as the first
    ``policy-graph query NAME`` would: what :func:`warm` does after a build. The
    seconds each took."""
    from ..errors import QueryError, UsageError
    from . import sparql
    from .asking import written_by_oxigraph
    from .saved import saved_queries

    took = {}
    for name, saved in saved_queries().items():
        if names is not None and name not in names or sparql.query_form(saved.text) != "SELECT":
            continue
        started = time.perf_counter()
        for fmt in formats:
            try:
                written_by_oxigraph(store, saved.text, saved, {}, None, fmt, None, 0)
            except (QueryError, UsageError):  # one that needs a parameter: none to keep
                break
        took[name] = time.perf_counter() - started
    return took


WARM_WITHIN = 60.0  # seconds a saved query is given to be found, each in a process


def warm(folder: Path, number: int, within: float = WARM_WITHIN) -> bool:
    """Keep the saved queries' answers of generation ``number`` of the store in
    ``folder`` while it is the current one; whether they were kept. Each query is
    found in a process of its own, stopped after ``within`` seconds (one that takes
    longer is found when asked for, as it always was: a query that takes minutes on a
    national corpus must not keep a core busy for them after every build)."""
    from ..graph.kept_store import WARMED, KeptStore
    from .saved import saved_queries

    store = KeptStore(folder).open()
    if store is None or store.generation.number != number:
        return False
    answers = store.answers.folder
    answers.mkdir(exist_ok=True)
    with open(answers / ".lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # another process keeps them
        if (answers / WARMED).exists():
            return True
        del store  # each child opens its own
        for name in saved_queries():
            current = KeptStore(folder).current()
            if current is None or current.number != number:
                return False  # a newer build: its own warming keeps its answers
            _in_a_child(lambda name=name: keep_answers(KeptStore(folder).open(), [name]), within)
        (answers / WARMED).touch()
    return True


def _in_a_child(work, within: float) -> bool:
    """``work()`` in a forked process, killed after ``within`` seconds; whether it
    ended in time and well."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) == 0
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False


def main(argv: list[str]) -> int:
    with contextlib.suppress(OSError):
        os.nice(10)
    try:
        warm(Path(argv[0]), int(argv[1]))
    except Exception:  # noqa: BLE001 (quietly: an answer not kept is found when asked)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
