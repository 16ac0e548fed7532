"""What reading each records file gave, kept in the cache folder between runs.

Each file's result (its records, problems and what the reader processes made of it:
see :mod:`.reading`) is kept under a key: a digest of the file's bytes, its name as
messages show it, policy-graph's own code and what was made. A later run that finds a
file's key reads nothing of that file again. Other stages keep results of their own
here too, under a prefix (SHACL's verdict on each city: "shacl-"); whatever a run did
not use is removed at its end.

The kept results are pickles, read only from the cache folder the user's own runs
write (see :func:`policy_graph.paths.cache_dir`): trust them as one trusts that folder.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .. import paths
from .folder import shown_path

# The prefixes of the keys that a later stage keeps and forgets (see forget_the_rest).
STAGES_OWN = ("shacl-", "shared-")


class KeptResults:
    """The results kept for one records folder: one file each, named by its key."""

    def __init__(self, folder: Path, code: str) -> None:
        self.folder, self.code = folder, code
        self.used: set[str] = set()
        self._names: set[str] | None = None

    def key(self, path: Path, digest: str | None) -> str:
        """The key of ``path``'s result when its bytes have ``digest`` ("" when it has
        none: a file that cannot be read, which reading reports)."""
        return key_of(self.code, path, digest) if digest else ""

    def has(self, key: str) -> bool:
        """Whether something is kept under ``key`` (as the folder was listed once)."""
        if self._names is None:
            try:
                self._names = set(os.listdir(self.folder))
            except OSError:
                self._names = set()
        return bool(key) and f"{key}.pickle" in self._names

    def load(self, key: str):
        """What is kept under ``key`` (marked as used), or None."""
        try:
            found = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None  # not kept, or unreadable: made again
        self.used.add(key)
        return found

    def put(self, key: str, value) -> None:
        """Keep ``value`` under ``key`` (marked as used)."""
        self.used.add(key)
        keep(self.folder, key, pickle.dumps(value, protocol=5))

    def forget_the_rest(self, prefix: str = "") -> None:
        """Remove what is kept under names of ``prefix`` that this run did not use
        (results of files no longer as they were: the folder holds about one per file;
        the stage that keeps the others forgets them: ``prefix`` "shacl-", SHACL's
        verdicts, see graph/shacl.py; "shared-", the shared run, see reading.py)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            key = entry.name.removesuffix(".pickle")
            if not entry.name.endswith(".pickle") or key in self.used:
                continue
            if key.startswith(prefix) and (prefix or not key.startswith(STAGES_OWN)):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


def key_of(code: str, path: Path, digest: str) -> str:
    """The key of a file's result: a digest of ``code``, its shown name and the digest
    of its bytes (:func:`.digests.digest_of`)."""
    return hashlib.sha256(f"{code}\0{shown_path(path)}\0{digest}".encode()).hexdigest()


def keep(folder: Path, key: str, result: bytes) -> bool:
    """Keep a result under ``key`` (see keep_file); whether it was kept."""
    return keep_file(folder / f"{key}.pickle", result)


def keep_file(path: Path, data: bytes) -> bool:
    """Write a file whole or not at all (a temporary file renamed); a folder that
    cannot be written only means the next run makes it again. Whether it was written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        return False
    return True


def kept_index(path: Path) -> dict:
    """The dict that :func:`keep_file` kept pickled in ``path``; empty when there is none
    or it cannot be read (the next run makes it again)."""
    try:
        found = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@functools.cache
def code_digest() -> str:
    """A digest of what makes a file's result: policy-graph's own modules (every one:
    the triples that reader processes make are the graph stage's), and the versions of
    Python, PyYAML and pyoxigraph (which read the YAML and check IRIs)."""
    import pyoxigraph
    import yaml

    digest = hashlib.sha256(
        f"{sys.version}\0{yaml.__version__}\0{pyoxigraph.__version__}\0".encode()
    )
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_folder(data_dir: Path) -> Path:
    """Where the results of ``data_dir``'s files are kept."""
    name = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:32]
    return paths.cache_dir() / "records" / name
