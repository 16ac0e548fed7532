"""Writers into one folder: they take turns, and each tidies after those that died.

A writer holds ``.policy-graph.lock`` in the folder it writes into while it writes (an
``flock``, which the OS drops when a process dies); another that finds it held says
so (a :class:`~policy_graph.errors.GraphNote`) and waits. Holding it, a writer first
finishes what a killed one left half done (:func:`tidy`): the renames of a set of files
listed in a journal (``.policy-graph.switch``), a folder moved aside and not yet
replaced; then it removes the temporary files and folders of writers that no longer
run, whose names carry their PID (``.policy-graph.ttl.pg-4242-1f2e3d4c.tmp``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import FileError, GraphNote

try:
    import fcntl
except ImportError:  # Windows: writers do not take turns
    fcntl = None

LOCK = ".policy-graph.lock"
JOURNAL = ".policy-graph.switch"
# Temporary files and folders, .NAME.pg-PID-RANDOM.tmp; an old folder moved aside where
# folders cannot be swapped in one step, .NAME.pg-PID-RANDOM.old.
LEFTOVER = re.compile(
    r"^\.(?P<name>.+)\.pg-(?P<pid>[0-9]+)-(?P<token>[0-9a-f]{8})\.(?P<kind>tmp|old)$"
)
PAUSE = "POLICY_GRAPH_TEST_PAUSE"


def temporary(path: Path, kind: str = "tmp") -> Path:
    """A new name beside ``path`` that says who made it: .NAME.pg-PID-RANDOM.KIND."""
    return path.with_name(f".{path.name}.pg-{os.getpid()}-{secrets.token_hex(4)}.{kind}")


# --- taking turns -------------------------------------------------------------------------


@contextmanager
def turn(folder: Path, target: Path | None, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of the writers into ``folder`` (to write ``target``); yields whether
    it is held (always, when ``wait``). The lock file goes on release: none stays."""
    if fcntl is None:
        yield True
        return
    path = folder / LOCK
    try:
        handle = _lock(path, target, wait)
    except OSError as error:
        raise write_error(target or folder, error) from error
    if handle is None:
        yield False
        return
    try:
        yield True
    finally:
        # Removed while still held: a writer waiting on this file then finds it gone
        # and locks a new one (see _lock), so two never hold the lock at once.
        with suppress(OSError):
            path.unlink()
        os.close(handle)


def _lock(path: Path, target: Path | None, wait: bool) -> int | None:
    noted = False
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except PermissionError:
            handle = os.open(path, os.O_RDONLY)  # another user's lock file locks as well
        try:
            if not _try_lock(handle):
                if not wait:
                    os.close(handle)
                    return None
                if not noted:
                    _note_waiting(handle, path.parent)
                    noted = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            if _same_file(handle, path):
                with suppress(OSError):  # who holds it, for a writer that waits
                    os.ftruncate(handle, 0)
                    os.pwrite(handle, f"{os.getpid()} {target.name if target else ''}".encode(), 0)
                return handle
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # its holder removed it as it let go: lock the new one


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(handle: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _note_waiting(handle: int, folder: Path) -> None:
    pid, _, name = os.pread(handle, 4096, 0).decode("utf-8", "replace").strip().partition(" ")
    what = folder / name if name else f"in {folder}"
    who = f" (pid {pid})" if pid.isdigit() else ""
    note(f"waiting for another policy-graph writing {what}{who}")


# --- tidying ------------------------------------------------------------------------------


def tidy(folder: Path) -> None:
    """Finish what a killed writer left half done in ``folder``; remove dead writers'
    temporary files and folders (call it holding the folder's turn)."""
    finish_switch(folder)
    try:
        entries = [(LEFTOVER.match(entry.name), Path(entry.path)) for entry in os.scandir(folder)]
    except OSError:
        return  # a folder that cannot be listed: writing there says why
    # Old folders first: one whose name is empty needs its new folder, also a leftover.
    entries.sort(key=lambda pair: pair[0] is None or pair[0]["kind"] != "old")
    for found, path in entries:
        if found is None or _running(int(found["pid"])):
            continue
        if found["kind"] == "old":
            _finish_folder_swap(folder, found)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with suppress(OSError):
                path.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # there os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def write_journal(folder: Path, temporaries: dict[Path, Path]) -> Path:
    """List the renames about to be made in ``folder`` ({path: its temporary}), on disk."""
    journal = folder / JOURNAL
    renames = [[aside.name, path.name] for path, aside in temporaries.items()]
    pending = {"pid": os.getpid(), "replace": renames}
    aside = temporary(journal)
    try:
        write_new_file(aside, json.dumps(pending).encode(), 0o644, next(iter(temporaries)))
        os.replace(aside, journal)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    sync_folder(folder)  # the journal, and the temporary files' names, are on disk first
    return journal


def finish_switch(folder: Path) -> None:
    """Finish the renames of a journal that a killed writer began (then the old and new
    files were mixed), or drop its files when it had renamed none (the old ones stay)."""
    journal = folder / JOURNAL
    try:
        pending = json.loads(journal.read_text(encoding="utf-8"))
        renames = [(folder / aside, folder / name) for aside, name in pending["replace"]]
        pid = int(pending["pid"])
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError):
        renames = []  # not one of ours: its files are removed as leftovers
    except OSError as error:
        raise write_error(journal, error) from error
    if any(LEFTOVER.match(t.name) is None or p.parent != folder for t, p in renames):
        renames = []
    began = any(not aside.exists() for aside, _ in renames)
    left = [(aside, path) for aside, path in renames if aside.exists()]
    try:
        for aside, path in left:
            if began:
                os.replace(aside, path)
            else:
                aside.unlink()
        sync_folder(folder)
        journal.unlink(missing_ok=True)
    except OSError as error:
        names = ", ".join(str(path) for _, path in renames)
        raise FileError(f"cannot finish replacing {names}: {error.strerror or error}") from error
    if began and left:
        names = ", ".join(str(path) for _, path in renames)
        stopped = f"a policy-graph run (pid {pid}) stopped while replacing {names}"
        note(f"{stopped}; finished replacing them")


def _finish_folder_swap(folder: Path, found: re.Match) -> None:
    """Where folders cannot be swapped in one step, a writer killed between moving the
    old folder aside and the new one in leaves no folder under the name: move in the
    new one (complete before the old one moved), else the old one back."""
    target = folder / found["name"]
    if target.exists() or target.is_symlink():
        return
    new = folder / f".{found['name']}.pg-{found['pid']}-{found['token']}.tmp"
    chosen = new if new.is_dir() else folder / found.group(0)
    try:
        os.rename(chosen, target)
    except OSError as error:
        raise write_error(target, error) from error
    done = "finished replacing it" if chosen == new else "put the old one back"
    note(f"a policy-graph run (pid {found['pid']}) stopped while replacing {target}; {done}")


# --- shared -----------------------------------------------------------------------------


def write_new_file(path: Path, data: bytes | Sequence[bytes], mode: int, shown: Path) -> None:
    """Create ``path`` with ``data`` (bytes, or a sequence of chunks of bytes written one
    after the other: a graph of a million lines is not copied into one first) and
    ``mode``, flushed to disk; errors name ``shown``."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(handle, "wb") as stream:
            os.chmod(path, mode)  # the mode itself, whatever the umask
            if isinstance(data, bytes | bytearray | memoryview):
                stream.write(data)
            else:
                stream.writelines(data)
            stream.flush()
            os.fsync(handle)
    except OSError as error:
        raise write_error(shown, error) from error


def sync_folder(folder: Path) -> None:
    """Flush a folder's names to disk, so that renames survive a power cut."""
    with suppress(OSError):  # some systems cannot open or flush a folder
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_error(path: Path, error: OSError, more: str = "") -> FileError:
    return FileError(f"cannot write {path}: {error.strerror or error}{more}")


def note(message: str) -> None:
    warnings.warn(GraphNote(message), stacklevel=3)


def pause(step: str) -> None:
    """A hook for tests (tests/outputs/test_output_sets.py): with POLICY_GRAPH_TEST_PAUSE set to
    ``step`` ("before-switch", "mid-switch"), the writer says so on stderr and stops
    itself (SIGSTOP) there, so that a test kills it, or lets it go on, at that step."""
    if os.environ.get(PAUSE) == step:
        import signal

        sys.stderr.write(f"policy-graph: test pause at {step} (pid {os.getpid()})\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)
