"""The store kept beside the cache: an Oxigraph store on disk per records folder, so that
a command opens the built graph in milliseconds instead of loading a graph file.

Each records file's triples are a named graph of their own (``…/id/graph/file/<digest
of its path>``), the triples that several files make together (the concept schemes,
the sources) one more; queries read their union. A build replaces the graphs of the
files that changed, were added or were removed, and nothing else.

A reader never sees an update half done: every update is written into a new
*generation*, a folder made from the last one by Oxigraph's backup (hard links, no
copy), and published by renaming ``current.json``, which names the generation and the
build it holds (the records folder's digests, as a graph file's header gives them).
Readers open the generation ``current.json`` names, read-only, and hold a shared lease
on it (``leases/gen-N``); a generation is removed two updates later at the earliest,
and only when no reader holds it. Updates of one folder take turns (a lock file).

Beside Oxigraph's files, a generation's folder holds each named graph's key
(``graphs.json``, for the next update), the saved answers kept for it (``answers/``),
the sorted lines of the graph file that its build wrote (``lines/``: what the next
rebuild patches, see :func:`.writing.patched_chunks`) and, once a reader has found the
records as it holds them, the paths that tell so at a glance (``glance.txt``, see
:class:`.files.Glance`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import FileError, UsageError
from .prefixes import PGID

SHARED_GRAPH = f"{PGID}graph/shared"
CURRENT = "current.json"
LEASES = "leases"  # a lock file per generation that readers hold shared


def graph_of_file(relative_path: str) -> str:
    """The named graph of a records file, by its path within the records folder."""
    digest = hashlib.sha256(relative_path.encode()).hexdigest()[:24]
    return f"{PGID}graph/file/{digest}"


def origin_record(origin, data_dir: Path) -> dict:
    """What a generation says of the build it holds: the records folder's digests, as a
    graph file's header gives them (see :func:`.files.origin_of`), and its files'
    stats, to tell at a glance that they are unchanged."""
    if origin is None:
        return {}
    return {
        "records": str(origin.records),
        "files": origin.files,
        "records_sha256": origin.records_sha256,
        "tool_sha256": origin.tool_sha256,
        "stats_sha256": origin.stats_sha256,
    }


def check_store_dir(store_dir, engine: str, graph_file=None) -> None:
    """UsageError when a kept store is asked for where none is used."""
    if store_dir is None:
        return
    if engine != "oxigraph":
        raise UsageError(f"--store is the Oxigraph engine's; --engine {engine} keeps no store")
    if graph_file is not None:
        raise UsageError("--store and --graph-file name two graphs: name one")


def folder_for(data_dir: Path, store_dir: Path | None = None) -> Path:
    """Where the store of ``data_dir`` is kept: ``store_dir`` when given, else in the
    cache folder under a digest of the records folder's resolved path."""
    if store_dir is not None:
        return Path(store_dir)
    name = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:32]
    return paths.cache_dir() / "stores" / name


HELD = "graphs.json"  # in a generation's folder: each named graph's key and triples


class Generation:
    """What ``current.json`` says: a generation's number and folder, the build it holds
    (``origin``: a graph file header's record digests), a digest of that build and its
    triples; and what only an update needs, read from the generation's folder when
    asked for (``graphs.json``: a few thousand lines that a query need not read): each
    named graph's key (the digest of what its triples were made from) and triples."""

    def __init__(
        self,
        number: int,
        folder: Path,
        origin: dict | None = None,
        graphs: dict | None = None,
        counts: dict | None = None,
        build: str | None = None,
        triples: int | None = None,
    ) -> None:
        self.number, self.folder, self.origin = number, Path(folder), origin or {}
        self._held = None if graphs is None else (graphs, counts or {})
        self._build, self._triples = build, triples

    @property
    def graphs(self) -> dict[str, str]:
        return self._read_held()[0]

    @property
    def counts(self) -> dict[str, int]:  # each named graph's triples
        return self._read_held()[1]

    @property
    def triples(self) -> int:
        return self._triples if self._triples is not None else sum(self.counts.values())

    @property
    def digest(self) -> str:
        """A digest of the build this generation holds, as ``current.json`` names it."""
        if self._build is None:
            held = {"generation": self.number, "origin": self.origin, "graphs": self.graphs}
            self._build = hashlib.sha256(json.dumps(held, sort_keys=True).encode()).hexdigest()
        return self._build

    def kept_lines(self) -> KeptLines | None:
        """The sorted lines of the graph file of the build this generation holds, where
        they were kept whole (see :meth:`KeptStore.keep_lines`); else None."""
        folder = self.folder / LINES
        try:
            told = json.loads((folder / LINES_TOLD).read_text(encoding="utf-8"))
            graph = (folder / LINES_GRAPH).read_bytes()
            shared = (folder / LINES_SHARED).read_bytes()
            sizes = (told["graph_size"], told["shared_size"])
            repeated = {line.encode(): count for line, count in told["repeated"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeError):
            return None
        if sizes != (len(graph), len(shared)):
            return None
        return KeptLines(graph, repeated, shared)

    def _read_held(self) -> tuple[dict, dict]:
        if self._held is None:
            try:
                data = json.loads((self.folder / HELD).read_text(encoding="utf-8"))
                self._held = (data["graphs"], data["counts"])
            except (OSError, ValueError, KeyError, TypeError):
                self._held = ({}, {})  # an update then stores every graph again
        return self._held


# The sorted lines kept per generation (Generation.kept_lines): in LINES, the graph
# file's lines (LINES_GRAPH), the run of the triples that several files make together
# (LINES_SHARED: the graph SHARED_GRAPH's, which a rebuild may take out), and what
# tells them whole (LINES_TOLD, written last: their sizes, the lines several runs make).
LINES = "lines"
LINES_GRAPH = "graph.nt"
LINES_SHARED = "shared.nt"
LINES_TOLD = "lines.json"


@dataclass
class KeptLines:
    """A build's graph file as sorted lines (``graph``, no header), each line that
    several of its runs make with how many (``repeated``), and its shared run."""

    graph: bytes
    repeated: dict[bytes, int]
    shared: bytes


# Answers kept per generation (see KeptAnswers): every saved SELECT's whole answer
# (read again in milliseconds, where finding it again would take a query's parse and
# the store's start), up to KEEP_UP_TO bytes each, while the generation's kept answers
# take less than KEEP_IN_ALL; and the request each answered (REQUESTS, see
# policy_graph.query.ready).
ANSWERS = "answers"
REQUESTS = "requests"
KEEP_UP_TO = 256 * 2**20
KEEP_IN_ALL = 2 * 2**30
# The saved queries' answers are found after a build on stores of WARM_FROM triples
# or more (see policy_graph.query.warming), and WARMED marks them found.
WARM_FROM = 100_000
WARMED = ".warmed"


class KeptAnswers:
    """Answers kept beside one generation, in its folder (``answers/``), each under a
    key of the build it holds (:attr:`Generation.digest`), Oxigraph's version and the
    query's whole text: a generation is never changed once published, and every build
    makes a new one, so a kept answer is the answer of the graph it was found in, and
    goes with that graph (the folder is removed with its generation). A folder left by
    a killed run is removed before its number is used again (see
    :func:`.store_loads.update`); and the build's digest in the key makes sure regardless.

    Files are written whole or not at all (a temporary file renamed); nothing is kept
    where nothing can be written (a cache folder of another user's, a generation
    removed meanwhile)."""

    def __init__(self, generation: Generation) -> None:
        self.folder = generation.folder / ANSWERS
        self._build = generation.digest

    def key(self, text: str, prefixes: dict[str, str] | None = None) -> str:
        """The key of the answer to ``text`` with ``prefixes`` declared."""
        import pyoxigraph

        declared = json.dumps(prefixes or {}, sort_keys=True)
        what = f"{self._build}\n{pyoxigraph.__version__}\n{declared}\n{text}"
        return hashlib.sha256(what.encode()).hexdigest()

    def read(self, key: str, kind: str) -> bytes | None:
        """The answer kept under ``key`` as ``kind`` (a format's name), or None."""
        try:
            return (self.folder / f"{key}.{kind}").read_bytes()
        except OSError:
            return None

    def request_key(self, *parts: str) -> str:
        """The key of a request (what a command was asked, in ``parts``) for this
        generation's build."""
        what = "\0".join((self._build, *parts))
        return hashlib.sha256(what.encode()).hexdigest()

    def note_request(self, request: str, key: str) -> None:
        """Note that the answer kept under ``key`` answers ``request`` (a
        :meth:`request_key`); quietly nothing where it cannot be written."""
        path = self.folder / REQUESTS / request
        if _read_text(path) == key:
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(exist_ok=True)  # not parents: see keep
            _write_whole(path, key)

    def answer_to(self, request: str, kind: str) -> bytes | None:
        """The answer as ``kind`` kept for ``request``, where one was noted, or None."""
        key = _read_text(self.folder / REQUESTS / request)
        return None if key is None else self.read(key, kind)

    def keep(self, key: str, kind: str, data: bytes) -> bool:
        """Keep ``data`` as the answer under ``key`` as ``kind``; whether it was kept."""
        import tempfile  # (a kept answer is read without it: start-up time)

        if len(data) > KEEP_UP_TO:
            return False
        temporary = None
        try:
            self.folder.mkdir(exist_ok=True)  # not parents: a generation removed stays so
            kept = sum(entry.stat().st_size for entry in os.scandir(self.folder))
            if kept + len(data) > KEEP_IN_ALL:
                return False
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())  # never a part of an answer after a crash
            os.replace(temporary, self.folder / f"{key}.{kind}")
            return True
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            return False


class DiskStore:
    """An Oxigraph store on disk whose queries read the union of its named graphs
    (what the engines take wherever a store goes; see :mod:`.engines`)."""

    union = True

    def __init__(self, store, generation: Generation, lease=None) -> None:
        self._store, self.generation = store, generation
        self.lease = lease  # the open lease file that keeps the generation from removal

    @property
    def store(self):
        """Oxigraph's store of the generation, read-only; opened when first used where
        it was opened ``lazily`` (see :meth:`KeptStore.open`)."""
        if self._store is None:
            import pyoxigraph

            try:
                self._store = pyoxigraph.Store.read_only(str(self.generation.folder))
            except OSError as error:
                folder = self.generation.folder
                raise FileError(f"cannot open the kept store {folder}: {error}") from None
        return self._store

    def __len__(self) -> int:
        return self.generation.triples

    def query(self, text: str, prefixes: dict[str, str] | None = None):
        """Oxigraph's answer to ``text`` (with ``prefixes`` declared) over the union of
        the named graphs: solutions, a boolean or triples; SyntaxError when Oxigraph
        cannot read it."""
        return self.store.query(text, use_default_graph_as_union=True, prefixes=prefixes)

    @property
    def answers(self) -> KeptAnswers:
        """The answers kept for this generation."""
        return KeptAnswers(self.generation)


class KeptStore:
    """The generations of one records folder's store, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def current(self) -> Generation | None:
        """The generation readers open now; None when there is none (or it is unreadable)."""
        try:
            data = json.loads((self.folder / CURRENT).read_text(encoding="utf-8"))
            number = int(data["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        folder = self.folder / f"gen-{number}"
        if not folder.is_dir():
            return None
        return Generation(
            number,
            folder,
            data.get("origin", {}),
            data.get("graphs"),  # inline in the current.json of older versions
            data.get("counts"),
            data.get("build"),
            data.get("triples"),
        )

    def open_if_current(self, data_dir: Path, lazily: bool = False) -> DiskStore | None:
        """The current generation when it holds the build of ``data_dir``'s records as
        they are now: told by their stats when unchanged (at a glance where an earlier
        reader left one, see :func:`.files.stats_and_glance`), else by their digests
        (opened ``lazily`` or not, see :meth:`open`)."""
        from . import files

        generation = self.current()
        if generation is None:
            return None
        held = generation.origin
        if held.get("tool_sha256") != files.tool_digest():
            return None
        if held.get("stats_sha256") and _unchanged(generation, data_dir):
            return self.open(held, lazily)
        origin = files.origin_of(data_dir)
        if origin is None or origin.records_sha256 != held.get("records_sha256"):
            return None
        return self.open(held, lazily)

    def open(self, origin: dict | None = None, lazily: bool = False) -> DiskStore | None:
        """The current generation, read-only; None when there is none or when ``origin``
        is given and the generation holds another build. ``lazily``: Oxigraph's store
        is opened when first queried (20 ms at 1M triples), not to read a kept answer."""
        for _attempt in range(3):  # an update may remove a generation as it is opened
            generation = self.current()
            if generation is None or (origin is not None and generation.origin != origin):
                return None
            lease = self._lease(generation.number)
            if not generation.folder.is_dir():
                lease.close()
                continue
            opened = DiskStore(None, generation, lease)
            if lazily:
                return opened
            try:
                opened.store  # noqa: B018 - opened now, as its callers expect
            except FileError:
                lease.close()
                return None
            return opened
        return None

    def _lease(self, number: int):
        """A shared lock on generation ``number``'s lease, held while the file returned
        is open (by this process and the workers it forks): no update removes a
        generation that a reader holds."""
        folder = self.folder / LEASES
        folder.mkdir(exist_ok=True)
        lease = open(folder / f"gen-{number}", "a+b")  # noqa: SIM115 - held by the store
        fcntl.flock(lease, fcntl.LOCK_SH)
        return lease

    def keep_lines(self, generation: Generation, chunks: list, repeated: dict, shared: bytes):
        """Keep a build's graph file as sorted lines (``chunks``, joined), the lines that
        several runs make (``repeated``) and its shared run, with ``generation`` (the one
        that holds the build): what the next rebuild patches. Each file is written
        whole, the one that tells them whole last; quietly nothing where they cannot be
        written (a generation removed meanwhile, a store of another user's)."""
        folder = generation.folder / LINES
        with contextlib.suppress(OSError):
            if (folder / LINES_TOLD).exists():
                return  # kept by the build that made the generation
            folder.mkdir(exist_ok=True)
            size = _write_whole(folder / LINES_GRAPH, chunks)
            _write_whole(folder / LINES_SHARED, [shared])
            told = {
                "graph_size": size,
                "shared_size": len(shared),
                "repeated": {line.decode(): count for line, count in repeated.items()},
            }
            _write_whole(folder / LINES_TOLD, told)

    # --- for updates (store_loads.py), each made in the store's turn -----------------

    def new_generation(self) -> tuple[int, Path]:
        """The number and the (empty) folder of a new generation: one past every
        generation there is (the current one, or any a run left, whose folder a run
        killed before publishing it may have left half filled)."""
        import shutil

        numbers = [
            int(entry.name[4:])
            for entry in self.folder.iterdir()
            if entry.name.startswith("gen-") and entry.name[4:].isdigit()
        ]
        number = max(numbers, default=0) + 1
        folder = self.folder / f"gen-{number}"
        shutil.rmtree(folder, ignore_errors=True)
        return number, folder

    def publish(self, generation: Generation, previous: Generation | None) -> None:
        """Name ``generation`` in ``current.json`` (readers open it from now on), then
        remove every generation but it and ``previous`` (the one before, which a reader
        may still have open)."""
        self._write_held(generation)
        self._tidy({generation.number, (previous or generation).number})

    def _write_held(self, generation: Generation) -> None:
        """Write what the generation holds into its folder, then name it in
        ``current.json`` (each file whole: written aside, then renamed)."""
        held = {"graphs": generation.graphs, "counts": generation.counts}
        _write_whole(generation.folder / HELD, held)
        current = {
            "generation": generation.number,
            "origin": generation.origin,
            "build": generation.digest,
            "triples": generation.triples,
        }
        _write_whole(self.folder / CURRENT, current)

    def _tidy(self, keep: set[int]) -> None:
        """Remove every generation but those of ``keep`` (the new one and the one before,
        which a reader may still have open) and what killed runs left."""
        for entry in self.folder.iterdir():
            name = entry.name
            if name.startswith("gen-") and name[4:].isdigit() and int(name[4:]) not in keep:
                self._remove_unless_held(entry)
            elif name.startswith(".current.") and name.endswith(".tmp"):
                entry.unlink(missing_ok=True)

    def _remove_unless_held(self, generation: Path) -> None:
        """Remove a generation's folder unless a reader holds its lease (then a later
        update removes it)."""
        import shutil

        lease_path = self.folder / LEASES / generation.name
        try:
            lease = open(lease_path, "a+b")  # noqa: SIM115 - closed below
        except FileNotFoundError:  # no reader ever opened it
            shutil.rmtree(generation, ignore_errors=True)
            return
        with lease:
            try:
                fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # a reader has it open
            shutil.rmtree(generation, ignore_errors=True)
            lease_path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Updates of one store take turns: an exclusive lock on its lock file."""
        with open(self.folder / "lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


GLANCE = "glance.txt"  # in a generation's folder: see files.Glance


def _unchanged(generation: Generation, data_dir: Path) -> bool:
    """Whether ``data_dir``'s records files have the stats of the build ``generation``
    holds: at a glance where one was left for it, else by walking the folder (and
    then a glance is left for the next reader, where it can be written and the
    folder's times have settled)."""
    from . import files

    left = _read_text(generation.folder / GLANCE)
    if left is not None:
        digest, *names = left.split("\n")
        if files.glance_digest(data_dir, names) == digest:
            return True
    stats, glance = files.stats_and_glance(data_dir)
    if stats != generation.origin["stats_sha256"]:
        return False
    if glance.settled and not any("\n" in name for name in glance.names):
        with contextlib.suppress(OSError):  # a store of another user's: walked every time
            _write_whole(generation.folder / GLANCE, "\n".join((glance.digest, *glance.names)))
    return True


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write_whole(path: Path, data: dict | str | list) -> int:
    """``data`` (text, chunks of bytes, or as JSON) in ``path``, whole or not at all, on
    disk before it is renamed; how many bytes were written."""
    import tempfile

    if isinstance(data, dict):
        data = json.dumps(data)
    chunks = [data.encode()] if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            size = sum(file.write(chunk) for chunk in chunks)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return size
