"""Write output files so that no run leaves a mix of old and new ones.

Every write into a folder (graph files, a network export, the cache) or of a whole
folder (the views) takes its turn in that folder and tidies it (:mod:`.turns`), then:

1. **Writes aside.** Every new file is written under a temporary name and flushed to
   disk; a failure here (a full disk) removes them and leaves every old file as it was.
2. **Switches.** The temporary files are renamed into place. Several files (``build``
   with several formats) are renamed after a journal that lists them: no filesystem
   renames several files in one step, so a run killed in the microseconds between two
   renames leaves a mix of whole old and new files, which the next writer there (or a
   command that reads a graph file there) finishes, with a note. A folder of views is
   made whole beside the old one, with the old one's other files hard-linked in, and
   swapped in by one rename (``renameat2(RENAME_EXCHANGE)`` on Linux), so that its
   name always holds the old pages or the new ones.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from ..errors import FileError, UsageError
from .turns import (
    JOURNAL,
    finish_switch,
    pause,
    sync_folder,
    temporary,
    tidy,
    turn,
    write_error,
    write_journal,
    write_new_file,
)

# What tempfile.mkstemp left in a views folder when earlier versions were killed.
_EARLIER_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    write_files({Path(path): data})


def write_files(contents: Mapping[Path, bytes | Sequence[bytes]]) -> None:
    """Write files of one folder as a set (the graph in each format): a run that fails
    leaves every old file as it was; one killed between renames leaves a journal that
    the next writer there finishes. Raises FileError naming the path."""
    paths = list(contents)
    if not paths:
        return
    folder = paths[0].parent
    if any(path.parent != folder for path in paths):
        raise ValueError("write_files writes the files of one folder")
    _make_folder(folder, paths[0])
    for path in paths:
        if path.is_dir():
            raise FileError(f"cannot write {path}: it is a folder")
    with turn(folder, paths[0]):
        tidy(folder)
        _switch_files(folder, _write_temporaries(contents))


def write_folder(folder: Path, contents: Mapping[str, bytes]) -> None:
    """Replace ``folder`` by one that holds ``contents`` (by file name) and the old
    folder's other files, swapped in whole. Raises FileError naming the path."""
    folder = Path(folder)
    target = folder.resolve() if folder.is_symlink() else folder
    _check_replaceable(folder, target)
    _make_folder(target.parent, folder)
    with turn(target.parent, target):
        tidy(target.parent)
        if target.exists() and not target.is_dir():
            raise FileError(f"cannot write {folder}: it is a file, not a folder")
        new = temporary(target)
        try:
            _fill_folder(new, target, contents, folder)
            pause("before-switch")
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
    folder = Path(folder)
    if not (folder / JOURNAL).is_file():
        return
    with suppress(OSError, FileError), turn(folder, None, wait=False) as ours:
        if ours:
            finish_switch(folder)


# --- files ------------------------------------------------------------------------------


def _write_temporaries(contents: Mapping[Path, bytes | Sequence[bytes]]) -> dict[Path, Path]:
    """Each file's data under a temporary name beside it, on disk: {path: temporary}."""
    temporaries: dict[Path, Path] = {}
    try:
        for path, data in contents.items():
            temporaries[path] = temporary(path)
            write_new_file(temporaries[path], data, _mode_for(path), path)
    except BaseException:
        for aside in temporaries.values():
            aside.unlink(missing_ok=True)
        raise
    return temporaries


def _switch_files(folder: Path, temporaries: dict[Path, Path]) -> None:
    """Rename the temporary files into place; several after a journal that lists them."""
    journal = None
    path = next(iter(temporaries))
    renamed = 0
    try:
        if len(temporaries) > 1:
            journal = write_journal(folder, temporaries)
        pause("before-switch")
        for path, aside in temporaries.items():
            os.replace(aside, path)
            renamed += 1
            if journal is not None and renamed == 1:
                pause("mid-switch")
    except BaseException as error:
        if renamed == 0:  # nothing replaced yet: leave every old file as it was
            for leftover in (*temporaries.values(), journal):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        more = "; the next policy-graph run that writes there replaces the rest"
        raise write_error(path, error, more if renamed else "") from error
    sync_folder(folder)
    if journal is not None:
        journal.unlink()


# --- a folder ---------------------------------------------------------------------------


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
    """Make ``new`` hold ``contents`` and ``old``'s other files, all on disk. A name
    with a '/' (``assets/view.js``) is a file in a subfolder: that subfolder is this
    run's whole, not merged with the old one's."""
    try:
        os.mkdir(new)
        if old.is_dir():
            os.chmod(new, old.stat().st_mode & 0o7777)
        for folder in sorted({Path(name).parent for name in contents} - {Path(".")}):
            (new / folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(shown, error) from error
    for name, data in contents.items():
        write_new_file(new / name, data, _mode_for(old / name), shown / name)
    if old.is_dir():
        _carry_over(old, new, {Path(name).parts[0] for name in contents}, shown)
    for folder in sorted({Path(name).parent for name in contents} - {Path(".")}, reverse=True):
        sync_folder(new / folder)
    sync_folder(new)


def _carry_over(old: Path, new: Path, written: set[str], shown: Path) -> None:
    """Hard-link (copy where links cannot be made) ``old``'s files that this run does not
    write into ``new``, so that a user's other views survive; pipes and sockets do not."""
    try:
        for entry in os.scandir(old):
            if entry.name in written or _EARLIER_TEMPORARY.match(entry.name):
                continue
            source, copy = Path(entry.path), new / entry.name
            if entry.is_symlink():
                os.symlink(os.readlink(source), copy)
            elif entry.is_dir():
                os.mkdir(copy)
                os.chmod(copy, entry.stat().st_mode & 0o7777)
                _carry_over(source, copy, set(), shown)
            elif entry.is_file():
                _link_or_copy(source, copy)
    except OSError as error:
        raise FileError(
            f"cannot write {shown}: cannot keep {error.filename or old}: {error.strerror or error}"
        ) from error


def _link_or_copy(source: Path, copy: Path) -> None:
    try:
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)  # a filesystem without hard links


def _swap(target: Path, new: Path, shown: Path) -> Path | None:
    """Put ``new`` under ``target``'s name, in one step where the system can; returns
    where the old folder went (to remove), None when there was none."""
    try:
        if not target.exists():
            os.rename(new, target)  # a first run
            old = None
        elif _exchange(new, target):
            old = new
        else:
            old = _move_aside_and_in(target, new)
    except OSError as error:
        raise write_error(shown, error) from error
    sync_folder(target.parent)
    return old


def _move_aside_and_in(target: Path, new: Path) -> Path:
    """The portable swap: the old folder aside, the new one in. A run killed between
    the two leaves no folder under the name, which the next writer puts right."""
    old = new.with_suffix(".old")
    os.rename(target, old)
    try:
        pause("mid-switch")
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
    at_cwd, exchange = -100, 2  # AT_FDCWD and RENAME_EXCHANGE of <fcntl.h>, <stdio.h>
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
    text, number = ctypes.c_char_p, ctypes.c_int
    function.argtypes = [number, text, number, text, ctypes.c_uint]
    function.restype = number
    return function


# --- shared -----------------------------------------------------------------------------


def _make_folder(folder: Path, shown: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((p for p in (folder, *folder.parents) if p.is_file()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else error.strerror or error
        raise FileError(f"cannot write {shown}: {reason}") from error


def _mode_for(path: Path) -> int:
    """The permissions of a new file (the old file's, or 0666 less the umask);
    mkstemp's own 0600 would hide the graph from other users and web servers."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
