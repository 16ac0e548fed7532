"""Work done in a forked process while this one does other work: two cores at once.

A rebuild at national size checks the changed city with SHACL (pySHACL and rdflib's
imports, then the validation: about 0.7 s at 1M triples) and sorts the graph file's
kept runs (about 0.6 s); both are Python, so threads would take turns. A fork does the
first while this process does the second, and hands back its result (pickled)."""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Collection
from typing import TypeVar

T = TypeVar("T")


def made_beside(
    work: Callable[[], T], meanwhile: Callable[[], object], alongside: Collection = ()
) -> T:
    """``work()``'s result (or its exception: one that pickle cannot carry whole comes
    as a RuntimeError naming it), made in a forked process while this one runs
    ``meanwhile()``. Both run here, one after the other, where a fork is not safe:
    no ``os.fork``, or another thread running (a fork copies no thread, and would copy a
    lock that one holds) but those ``alongside``: threads that take no lock ``work``
    needs (one that loads Oxigraph's store, which ``work`` never uses)."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if not hasattr(os, "fork") or any(t.is_alive() and t not in alongside for t in others):
        meanwhile()
        return work()
    sys.stdout.flush()
    sys.stderr.flush()  # what is buffered now is written once, not by both processes
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends by os._exit, its coverage unseen
        os.close(reading)
        _hand_back(work, writing)
    os.close(writing)
    try:
        meanwhile()
    finally:
        with os.fdopen(reading, "rb") as handed:
            data = handed.read()
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the forked process ended without its result (killed?)")
    failed, value = pickle.loads(data)
    if failed:
        raise value
    return value


def _carried(error: BaseException) -> BaseException:
    """``error``, or a RuntimeError naming it where pickle cannot carry it whole (an
    exception whose arguments are not those of its constructor)."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any failure to carry it
        return RuntimeError(f"in the forked process: {type(error).__name__}: {error}")


def _hand_back(work, writing: int) -> None:
    """The child: run ``work``, write (failed, result or exception) and end."""
    try:
        data = pickle.dumps((False, work()))
    except BaseException as error:  # noqa: BLE001 - handed to the parent, raised there
        data = pickle.dumps((True, _carried(error)))
    try:
        with os.fdopen(writing, "wb") as out:
            out.write(data)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)
