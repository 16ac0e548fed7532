"""A records folder and its files: which folder a command reads by default, finding
its files (every ``*.yaml`` and ``*.yml`` below it, in a stable order) and naming them
as their user knows them (relative to the working directory when inside it)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .. import paths
from ..errors import InputError, Problem


def default_data_dir() -> Path:
    """``./data`` when the working directory has one, else the bundled Gwangju records."""
    local = Path("data")
    return local if local.is_dir() else paths.bundled_data_dir()


def record_files(data_dir: Path) -> list[Path]:
    """The YAML files of a records folder, in a stable order (what is named like one but
    is no regular file, such as a FIFO, is left out: reading reports it)."""
    return [path for path in _record_paths(data_dir, []) if path.is_file()]


RECORD_SUFFIXES = (".yaml", ".yml")  # what a records file is named like


def _record_paths(data_dir: Path, problems: list[Problem]) -> list[Path]:
    """Everything under ``data_dir`` named like a records file, whatever it is (reading
    refuses what is not a regular file, by name), in a stable order. Linked folders are
    followed (records kept elsewhere and linked in are read), each folder once: a link
    that leads back to a folder already read is a problem, as is a folder that cannot be
    listed."""

    def unlisted(error: OSError) -> None:
        where = shown_path(Path(error.filename)) if error.filename else str(data_dir)
        problems.append(Problem(where, message=f"cannot list this folder: {error.strerror}"))

    found, read = [], set()
    _real_folder.cache_clear()  # folders may have moved since the last listing
    for folder, folders, files in os.walk(data_dir, onerror=unlisted, followlinks=True):
        try:
            real = _real_folder(folder)
        except RuntimeError:  # a link in a loop of links
            real = os.path.realpath(folder)
        if real in read:
            folders[:] = []  # not again, nor below it
            problems.append(
                Problem(
                    folder,
                    message=f"a link to a folder whose records are read already ({real}): "
                    "each folder is read once; remove the link",
                )
            )
            continue
        read.add(real)
        names = [*folders, *files]
        found += [
            os.path.join(folder, n) for n in names if os.path.splitext(n)[1] in RECORD_SUFFIXES
        ]
    # In the order of their Paths (by parts: 'a/b' before 'a-c'), made Paths once.
    return [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]


def listed_files(data_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Everything under ``data_dir`` named like a records file, in a stable order, and
    the problems of listing them."""
    problems: list[Problem] = []
    return _record_paths(data_dir, problems), problems


def files_to_read(
    data_dir: Path, listed: tuple[list[Path], list[Problem]] | None = None
) -> tuple[list[Path], list[Problem]]:
    """The records files of ``data_dir`` (anything named like one, in a stable order)
    and the problems of listing them (``listed``: as listed_files gave them, when
    already listed); InputError when there is nothing to read."""
    if not data_dir.is_dir():
        raise InputError([Problem(str(data_dir), message="no such records folder")])
    _shown_folder.cache_clear()  # folders may have moved since the last reading
    paths, problems = listed if listed is not None else listed_files(data_dir)
    problems = list(problems)
    if not paths:  # and where folders could not be listed, they say so
        no_records = Problem(str(data_dir), message="no records (*.yaml) in this folder")
        raise InputError(problems or [no_records])
    return paths, problems


def shown_path(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory if inside
    it, under its own name (a symbolic link's, not its target's)."""
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was removed
        return str(path)
    folder = _shown_folder(str(path.parent), cwd)
    return str(path) if folder is None else os.path.join(folder, path.name)


@functools.cache
def _shown_folder(folder: str, cwd: str) -> str | None:
    """A folder relative to ``cwd`` (both resolved; "" for cwd itself); None when it is
    outside or cannot be resolved (remembered while records are read: the files of a
    folder are many; forgotten when a new reading starts, see files_to_read)."""
    try:
        real, real_cwd = _real_folder(folder), _real_folder(cwd)
    except (OSError, RuntimeError):  # a folder in a link loop
        return None
    if real == real_cwd:
        return ""
    inside = real_cwd.rstrip(os.sep) + os.sep
    return real[len(inside) :] if real.startswith(inside) else None


@functools.cache
def _real_folder(folder: str) -> str:
    """``Path(folder).resolve()`` as a text, one step at a time: a folder's parent is
    resolved once for all its folders (thousands of governments' in one)."""
    parent, name = os.path.split(folder)
    if not parent or parent == folder or name in ("", ".", "..") or os.path.islink(folder):
        return str(Path(folder).resolve())
    return os.path.join(_real_folder(parent), name)
