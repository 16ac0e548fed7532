"""Serialise graphs per --format, and write output files so that no run leaves a mix.

Every write into a folder (graph files, a network export, the cache) or of a whole
folder (the views) takes the same steps:

1. **Take turns.** The writer holds ``.policy-graph.lock`` in the folder it writes into
   (an ``flock``, which the OS drops when a process dies); a second writer says that
   it waits (a :class:`~.errors.GraphNote`) and waits.
2. **Tidy.** It finishes the switch of a run killed between renames (step 4) and
   removes the temporary files and folders of writers that no longer run: their names
   carry the writer's PID (``.policy-graph.ttl.pg-4242-1f2e3d4c.tmp``).
3. **Write aside.** Every new file is written as a temporary file and flushed to disk;
   a failure here (a full disk) removes them and leaves every old file as it was.
4. **Switch.** The temporary files are renamed into place. Several files (``build``
   with several formats) are renamed after a journal, ``.policy-graph.switch``, that
   lists them: no filesystem renames several files in one step, so a run killed in
   the microseconds between two renames leaves a mix of whole old and new files,
   which the next writer there (or a command reading a graph file there) finishes,
   with a note. A folder of views is made whole beside the old one, with the old
   one's other files hard-linked in, and swapped in by one rename
   (``renameat2(RENAME_EXCHANGE)`` on Linux), so that its name always holds the old
   pages or the new ones.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import secrets
import shutil
import signal
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import FileError, GraphNote, UsageError

try:
    import fcntl
except ImportError:  # Windows: writers do not take turns
    fcntl = None


@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_name: str
    suffix: str
    media_type: str


RDF_FORMATS = {
    f.name: f
    for f in (
        RdfFormat("ttl", "turtle", ".ttl", "text/turtle"),
        RdfFormat("nt", "nt", ".nt", "application/n-triples"),
        RdfFormat("jsonld", "json-ld", ".jsonld", "application/ld+json"),
        RdfFormat("xml", "xml", ".rdf", "application/rdf+xml"),
        RdfFormat("trig", "trig", ".trig", "application/trig"),
    )
}


def serialise(graph: Graph, format_name: str) -> bytes:
    """``graph`` in the named format, as UTF-8 bytes."""
    fmt = RDF_FORMATS.get(format_name)
    if fmt is None:
        raise UsageError(
            f"unknown RDF format {format_name!r}; expected one of {', '.join(RDF_FORMATS)}"
        )
    if fmt.name == "nt":
        # N-Triples has no order of its own: sort the lines so that a rebuild diffs cleanly.
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def output_paths(out: Path, format_names: list[str]) -> dict[str, Path]:
    """Where each format goes: ``out`` for one format; with each one's suffix for several."""
    if len(format_names) == 1:
        return {format_names[0]: out}
    return {name: out.with_suffix(RDF_FORMATS[name].suffix) for name in format_names}


# --- writing -----------------------------------------------------------------------

LOCK = ".policy-graph.lock"
JOURNAL = ".policy-graph.switch"
# Temporary files and folders: .NAME.pg-PID-RANDOM.tmp, and .NAME.pg-PID-RANDOM.old for
# an old folder moved aside where folders cannot be swapped in one step.
_LEFTOVER = re.compile(
    r"^\.(?P<name>.+)\.pg-(?P<pid>[0-9]+)-(?P<token>[0-9a-f]{8})\.(?P<kind>tmp|old)$"
)
# What tempfile.mkstemp left in a views folder when earlier versions were killed.
_EARLIER_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
PAUSE = "POLICY_GRAPH_TEST_PAUSE"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    write_files({Path(path): data})


def write_files(contents: Mapping[Path, bytes]) -> None:
    """Write the files of one folder as a set (the graph in each format): a run that
    fails leaves every old file as it was; one killed between renames leaves a journal
    that the next writer there finishes (see the module's steps)."""
    paths = list(contents)
    folder = paths[0].parent
    if any(path.parent != folder for path in paths):
        raise ValueError("write_files writes files of one folder")
    _make_folder(folder, paths[0])
    for path in paths:
        if path.is_dir():
            raise FileError(f"cannot write {path}: it is a folder")
    with _turn(folder, paths[0]):
        _tidy(folder)
        _switch_files(folder, _write_temporaries(contents))


def write_folder(folder: Path, contents: Mapping[str, bytes]) -> None:
    """Replace ``folder`` by one that holds ``contents`` (by file name) and the old
    folder's other files (hard-linked), swapped in whole (see the module's steps)."""
    folder = Path(folder)
    target = folder.resolve() if folder.is_symlink() else folder
    _check_replaceable(folder, target)
    _make_folder(target.parent, folder)
    with _turn(target.parent, target):
        _tidy(target.parent)
        if target.exists() and not target.is_dir():
            raise FileError(f"cannot write {folder}: it is a file, not a folder")
        new = _temporary(target, "tmp")
        try:
            _fill_folder(new, target, contents, folder)
            _pause("before-switch")
            old = _swap(target, new, folder)
        except BaseException:
            # Before the swap this is the unfinished new folder; after it, the old one.
            shutil.rmtree(new, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def finish_interrupted(folder: Path) -> None:
    """Finish the switch of a run killed between renames in ``folder``, for a command
    that reads a graph file there: only when one is pending and no writer is at work
    there, and quietly not where it cannot (a folder it may not write)."""
    if not (Path(folder) / JOURNAL).is_file():
        return
    with suppress(OSError, FileError), _turn(Path(folder), None, wait=False) as ours:
        if ours:
            _finish_switch(Path(folder))


# --- step 1: taking turns ------------------------------------------------------------


@contextmanager
def _turn(folder: Path, target: Path | None, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of writers into ``folder`` (to write ``target``); yields whether it
    is held (always, when ``wait``). The lock file is removed on release, so none stays."""
    if fcntl is None:
        yield True
        return
    path = folder / LOCK
    try:
        handle = _lock(path, target, wait)
    except OSError as error:
        raise _write_error(target or folder, error) from error
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
        handle = _open_lock(path)
        try:
            if not _try_lock(handle):
                if not wait:
                    os.close(handle)
                    return None
                if not noted:
                    _note_waiting(handle, path.parent)
                    noted = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            if _is_current(handle, path):
                _say_holder(handle, target)
                return handle
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # the holder removed this lock file as it let go: lock the new one


def _open_lock(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        return os.open(path, os.O_RDONLY)  # another user's lock file: it can still be locked


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _is_current(handle: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _say_holder(handle: int, target: Path | None) -> None:
    """Write our PID and what we write into the lock file, for a writer that waits."""
    with suppress(OSError):
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()} {target.name if target else ''}\n".encode(), 0)


def _note_waiting(handle: int, folder: Path) -> None:
    pid, _, name = os.pread(handle, 4096, 0).decode("utf-8", "replace").strip().partition(" ")
    what = folder / name if name else f"in {folder}"
    who = f" (pid {pid})" if pid.isdigit() else ""
    warnings.warn(GraphNote(f"waiting for another policy-graph writing {what}{who}"), stacklevel=5)


# --- step 2: tidying ------------------------------------------------------------------


def _tidy(folder: Path) -> None:
    """Finish a switch that a killed run began; remove dead writers' temporary files."""
    _finish_switch(folder)
    leftovers = [(_LEFTOVER.match(entry.name), entry) for entry in os.scandir(folder)]
    # Old folders first: one whose name is empty needs its new folder, also a leftover.
    leftovers.sort(key=lambda pair: pair[0] is None or pair[0]["kind"] != "old")
    for found, entry in leftovers:
        if found is None or _running(int(found["pid"])):
            continue
        if found["kind"] == "old":
            _finish_folder_swap(folder, found)
        _remove(Path(entry.path))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _finish_switch(folder: Path) -> None:
    """Finish the renames that a run killed between two of them began (a mix of old and
    new files), or drop its files when it had renamed none (the old set stays)."""
    journal = folder / JOURNAL
    try:
        pending = json.loads(journal.read_text(encoding="utf-8"))
        moves = [(folder / temporary, folder / name) for temporary, name in pending["replace"]]
        pid = int(pending["pid"])
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # not ours to follow; its files are leftovers
        return
    except OSError as error:
        raise _write_error(folder, error) from error
    if any(_LEFTOVER.match(t.name) is None or p.parent != folder for t, p in moves):
        journal.unlink(missing_ok=True)
        return
    began = any(not temporary.exists() for temporary, _ in moves)
    try:
        left = [(temporary, path) for temporary, path in moves if temporary.exists()]
        for temporary, path in left:
            if began:
                os.replace(temporary, path)
            else:
                temporary.unlink()
        _sync_folder(folder)
        journal.unlink(missing_ok=True)
    except OSError as error:
        raise FileError(
            f"cannot finish replacing {', '.join(str(p) for _, p in moves)}: "
            f"{error.strerror or error}"
        ) from error
    if began and left:
        names = ", ".join(str(path) for _, path in moves)
        _note(
            f"a policy-graph run (pid {pid}) stopped while replacing {names}; "
            "finished replacing them"
        )


def _finish_folder_swap(folder: Path, found: re.Match) -> None:
    """Where folders cannot be swapped in one step, a run killed between moving the old
    folder aside and moving the new one in leaves no folder under the name: move in
    the new one (complete before the old moved), else the old one back."""
    target = folder / found["name"]
    if target.exists() or target.is_symlink():
        return
    new = folder / f".{found['name']}.pg-{found['pid']}-{found['token']}.tmp"
    chosen = new if new.is_dir() else folder / found.group(0)
    try:
        os.rename(chosen, target)
    except OSError as error:
        raise _write_error(target, error) from error
    done = "finished replacing it" if chosen == new else "put the old one back"
    _note(f"a policy-graph run (pid {found['pid']}) stopped while replacing {target}; {done}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(OSError):
            path.unlink()


# --- steps 3 and 4: files ---------------------------------------------------------------


def _write_temporaries(contents: Mapping[Path, bytes]) -> dict[Path, Path]:
    """Each file's data in a temporary file beside it, on disk: {path: temporary}."""
    temporaries: dict[Path, Path] = {}
    try:
        for path, data in contents.items():
            temporaries[path] = _temporary(path, "tmp")
            _write_new_file(temporaries[path], data, _mode_for(path), path)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    return temporaries


def _switch_files(folder: Path, temporaries: dict[Path, Path]) -> None:
    """Rename the temporary files into place: several after a journal that lists them."""
    journal = None
    path = next(iter(temporaries))
    renamed = 0
    try:
        if len(temporaries) > 1:
            journal = _write_journal(folder, temporaries)
        _pause("before-switch")
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
            renamed += 1
            if journal is not None and renamed == 1:
                _pause("mid-switch")
    except BaseException as error:
        if renamed == 0:  # nothing replaced yet: leave every old file as it was
            for leftover in (*temporaries.values(), journal):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        more = (
            ""
            if renamed == 0
            else "; the next policy-graph run that writes there replaces the rest"
        )
        raise _write_error(path, error, more) from error
    _sync_folder(folder)
    if journal is not None:
        journal.unlink()


def _write_journal(folder: Path, temporaries: dict[Path, Path]) -> Path:
    journal = folder / JOURNAL
    pending = {
        "pid": os.getpid(),
        "replace": [[temporary.name, path.name] for path, temporary in temporaries.items()],
    }
    temporary = _temporary(journal, "tmp")
    try:
        _write_new_file(temporary, json.dumps(pending).encode(), 0o644, next(iter(temporaries)))
        os.replace(temporary, journal)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)  # the journal and the temporary files' names are on disk first
    return journal


# --- steps 3 and 4: a folder ------------------------------------------------------------


def _check_replaceable(folder: Path, target: Path) -> None:
    real = Path(os.path.realpath(target))
    cwd = Path.cwd()
    if real == cwd or real in cwd.parents:
        raise UsageError(
            f"cannot write into {folder}: it is replaced whole and holds the working "
            "directory; name a folder of its own"
        )
    if os.path.ismount(real):
        raise UsageError(
            f"cannot write into {folder}: it is replaced whole and is a mount point; "
            "name a folder inside it"
        )


def _fill_folder(new: Path, old: Path, contents: Mapping[str, bytes], shown: Path) -> None:
    """Make ``new`` hold ``contents`` and ``old``'s other files, all on disk."""
    try:
        os.mkdir(new)
        if old.is_dir():
            os.chmod(new, old.stat().st_mode & 0o7777)
    except OSError as error:
        raise _write_error(shown, error) from error
    for name, data in contents.items():
        _write_new_file(new / name, data, _mode_for(old / name), shown / name)
    if old.is_dir():
        _carry_over(old, new, set(contents), shown)
    _sync_folder(new)


def _carry_over(old: Path, new: Path, written: set[str], shown: Path) -> None:
    """Hard-link (copy where links cannot be made) ``old``'s files that this run does not
    write into ``new``: a user's other views survive. Pipes and sockets are left out."""
    for entry in os.scandir(old):
        if entry.name in written or _EARLIER_TEMPORARY.match(entry.name):
            continue
        source, copy = Path(entry.path), new / entry.name
        try:
            if entry.is_symlink():
                os.symlink(os.readlink(source), copy)
            elif entry.is_dir():
                os.mkdir(copy)
                os.chmod(copy, entry.stat().st_mode & 0o7777)
                _carry_over(source, copy, set(), shown / entry.name)
            elif entry.is_file():
                _link_or_copy(source, copy)
        except OSError as error:
            raise FileError(
                f"cannot write {shown}: cannot keep {source}: {error.strerror or error}"
            ) from error


def _link_or_copy(source: Path, copy: Path) -> None:
    try:
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)  # a filesystem without hard links


def _swap(target: Path, new: Path, shown: Path) -> Path | None:
    """Put ``new`` under ``target``'s name in one step where the system can; returns
    where the old folder went (to remove), or None when there was none."""
    try:
        if not target.exists():
            os.rename(new, target)  # a first run
            old = None
        elif _exchange(new, target):
            old = new
        else:
            old = _move_aside_and_in(target, new)
    except OSError as error:
        raise _write_error(shown, error) from error
    _sync_folder(target.parent)
    return old


def _move_aside_and_in(target: Path, new: Path) -> Path:
    """The portable swap: old folder aside, new one in. A run killed between the two
    leaves no folder under the name, which the next writer puts right (_tidy)."""
    old = new.with_suffix(".old")
    os.rename(target, old)
    try:
        _pause("mid-switch")
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    return old


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where
    the C library, kernel or filesystem cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE from <fcntl.h>, <stdio.h>
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


# --- helpers ----------------------------------------------------------------------------


def _temporary(path: Path, kind: str) -> Path:
    """A name beside ``path`` that says who made it: .NAME.pg-PID-RANDOM.KIND."""
    return path.with_name(f".{path.name}.pg-{os.getpid()}-{secrets.token_hex(4)}.{kind}")


def _write_new_file(path: Path, data: bytes, mode: int, shown: Path) -> None:
    """Create ``path`` with ``data``, flushed to disk (errors name ``shown``)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(handle, mode)  # the mode itself, whatever the umask
            stream.write(data)
            stream.flush()
            os.fsync(handle)
    except OSError as error:
        raise _write_error(shown, error) from error


def _sync_folder(folder: Path) -> None:
    """Flush a folder's names to disk, so that renames survive a power cut."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some filesystems cannot flush a folder
    finally:
        os.close(handle)


def _make_folder(folder: Path, shown: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((p for p in (folder, *folder.parents) if p.is_file()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else error.strerror or error
        raise FileError(f"cannot write {shown}: {reason}") from error


def _write_error(path: Path, error: OSError, more: str = "") -> FileError:
    return FileError(f"cannot write {path}: {error.strerror or error}{more}")


def _mode_for(path: Path) -> int:
    """The permissions of a new file (the old file's, or 0666 less the umask);
    mkstemp's own 0600 would hide the graph from other users and web servers."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _note(message: str) -> None:
    warnings.warn(GraphNote(message), stacklevel=3)


def _pause(step: str) -> None:
    """A hook for tests (tests/test_output_sets.py): with POLICY_GRAPH_TEST_PAUSE set to
    ``step`` ("before-switch", "mid-switch"), the writer says so on stderr and stops
    itself there, so that a test kills it (or lets it go on) at that very step."""
    if os.environ.get(PAUSE) == step:
        sys.stderr.write(f"policy-graph: test pause at {step} (pid {os.getpid()})\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)
