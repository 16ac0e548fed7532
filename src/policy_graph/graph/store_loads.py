"""Filling a kept store's generation (see :mod:`.kept_store`): loads of N-Quads into
Oxigraph, a generation filled as the records are read (:class:`Filling`), and an
update made but not yet published (:class:`PreparedUpdate`)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator

from .kept_store import DiskStore, Generation, KeptStore


def update(
    kept: KeptStore,
    graphs: dict[str, tuple[str, Callable[[], Iterable[bytes]]]],
    origin: dict,
    fresh: bool = False,
    report=None,
) -> DiskStore:
    """Make ``kept`` hold ``graphs`` (named graph → (key, a function giving its
    N-Triples runs)) and nothing else, as the build ``origin``: the graphs whose key is
    unchanged are kept as they are, the others replaced or removed (all of them made
    again when ``fresh``); then the new generation is published whole.
    ``report(step, done, total)`` hears of each graph stored."""
    return prepare(kept, graphs, origin, fresh, report).publish()


def prepare(
    kept: KeptStore, graphs: dict, origin: dict, fresh: bool = False, report=None
) -> PreparedUpdate:
    """:func:`update` up to its publishing: the new generation filled (read by no one),
    the store's turn held until the :class:`PreparedUpdate` returned is published or
    abandoned (a build fills it while SHACL checks the records)."""
    kept.folder.mkdir(parents=True, exist_ok=True)
    turn = contextlib.ExitStack()
    turn.enter_context(kept.turn())
    try:
        published = kept.current()
        filled = _filled(kept, graphs, origin, None if fresh else published, report)
    except BaseException:
        turn.close()
        raise
    return PreparedUpdate(kept, filled, published, turn)


def _filled(kept: KeptStore, graphs: dict, origin: dict, last, report) -> Generation | None:
    """A new generation of ``kept`` made from ``last`` (or from nothing) to hold
    ``graphs`` as the build ``origin``, not published; None when ``last`` holds that
    build."""
    import pyoxigraph

    keys = {name: key for name, (key, _runs) in graphs.items()}
    if last and last.origin == origin and last.graphs == keys and all(keys.values()):
        return None  # holds this build already
    held = last.graphs if last else {}
    changed = [name for name, key in keys.items() if held.get(name) != key or not key]
    if len(changed) > len(keys) // 2:  # most graphs change: fill a new store
        last, held, changed = None, {}, list(keys)
    number, folder = kept.new_generation()
    if last is not None:
        pyoxigraph.Store.read_only(str(last.folder)).backup(str(folder))
    store = pyoxigraph.Store(str(folder))
    counts = (
        {name: last.counts.get(name, 0) for name in keys if name not in changed} if last else {}
    )
    for name in held:
        if name not in keys or name in changed:
            store.remove_graph(pyoxigraph.NamedNode(name))
    for load in in_loads(quads_of(changed, graphs, counts, report), LOAD_LINES):
        store.bulk_load(Chunks(load), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    if last is None:
        # A store filled in several loads holds files whose keys overlap, and every
        # lookup reads each: the README's query of one government took 5.2 ms at 1M
        # triples, 2.1 ms once compacted (2.4 s, once per filling). A rebuild's few
        # changed graphs, added to a compacted store, keep it so.
        store.optimize()
    del store
    return Generation(number, folder, origin, keys, counts)


class Filling:
    """A new generation filled from nothing while the records are read (a clean build):
    each graph is loaded as it is :meth:`add`-ed, by one loading thread (Oxigraph loads
    without the interpreter's lock, beside the reader processes); :meth:`finish`
    makes a :class:`PreparedUpdate` of it, :meth:`abandon` removes it. The store's turn
    is held from the start."""

    def __init__(self, kept: KeptStore) -> None:
        import queue
        import threading

        import pyoxigraph

        kept.folder.mkdir(parents=True, exist_ok=True)
        self._turn = contextlib.ExitStack()
        self._turn.enter_context(kept.turn())
        try:
            self._kept, self._published = kept, kept.current()
            self.number, self.folder = kept.new_generation()
            self._store = pyoxigraph.Store(str(self.folder))
        except BaseException:
            self._turn.close()
            raise
        self.counts: dict[str, int] = {}  # each graph loaded: its triples
        self._added: set[str] = set()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._loading = threading.Thread(target=self._load, name="fill-store")
        self._loading.start()
        self.done = False  # finished or abandoned

    @property
    def loading(self):
        """The thread that loads the graphs added."""
        return self._loading

    def add(self, name: str, runs: Callable[[], Iterable[bytes]]) -> None:
        """Load graph ``name``: the N-Triples runs that ``runs()`` gives (called by the
        loading thread)."""
        self._added.add(name)
        self._queue.put((name, runs))

    def finish(self, graphs: dict, origin: dict, report=None) -> PreparedUpdate:
        """The generation holding ``graphs`` (as :func:`update` takes them) as
        the build ``origin``: the graphs not added yet loaded, then the store compacted."""
        import pyoxigraph

        for name in graphs:
            if name not in self._added:
                self.add(name, graphs[name][1])
        self._queue.put(None)
        while self._loading.is_alive():  # the loads still to do, as they are done
            if report:
                report("storing triples (files)", min(len(self.counts), len(graphs)), len(graphs))
            self._loading.join(0.1)
        if report and self._error is None:
            report("storing triples (files)", len(graphs), len(graphs))
        if self._error is not None:
            self.abandon()
            raise self._error
        extra = set(self.counts) - set(graphs)
        for name in extra:  # a file heard of that the build does not hold (none should)
            self._store.remove_graph(pyoxigraph.NamedNode(name))
            del self.counts[name]
        self._store.flush()
        self._store.optimize()  # one filling, several loads: see _filled
        self._store = None
        self.done = True
        keys = {name: key for name, (key, _runs) in graphs.items()}
        generation = Generation(self.number, self.folder, origin, keys, self.counts)
        return PreparedUpdate(self._kept, generation, self._published, self._turn)

    def abandon(self) -> None:
        """Stop loading and remove the generation, never read."""
        import shutil

        if self.done:
            return
        self.done = True
        self._queue.put(_STOP)
        self._loading.join()
        self._store = None
        with self._turn:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _load(self) -> None:
        import pyoxigraph

        try:
            for load in in_loads(self._quads(), LOAD_LINES):
                self._store.bulk_load(Chunks(load), format=pyoxigraph.RdfFormat.N_QUADS)
        except BaseException as error:  # noqa: BLE001 - raised by finish
            self._error = error

    def _quads(self) -> Iterator[bytes]:
        while (item := self._queue.get()) is not None:
            if item is _STOP:
                raise _StoppedError
            name, runs = item
            yield from quads_in(name, runs(), self.counts)


_STOP = object()


class _StoppedError(Exception):
    """The loading of an abandoned Filling stopped."""


class PreparedUpdate:
    """An update of a :class:`KeptStore` made but not published (:func:`prepare`):
    :meth:`publish` it, or :meth:`abandon` it; either ends the store's turn."""

    def __init__(self, kept: KeptStore, generation, published, turn) -> None:
        self._kept, self._generation, self._published = kept, generation, published
        self._turn = turn  # an ExitStack holding the turn

    @property
    def generation(self) -> Generation | None:
        """The new generation (None when the store held the build already)."""
        return self._generation

    def publish(self) -> DiskStore:
        """Name the new generation in ``current.json`` (readers open it from now on),
        remove those no longer needed; the store opened."""
        with self._turn:
            generation, published = self._generation, self._published
            if generation is not None:
                self._kept.publish(generation, published)
        return self._kept.open()

    def abandon(self) -> None:
        """Remove the new generation, never read."""
        import shutil

        with self._turn:
            if self._generation is not None:
                shutil.rmtree(self._generation.folder, ignore_errors=True)


def quads_of(names: list[str], graphs: dict, counts: dict, report=None) -> Iterator[bytes]:
    """The N-Triples runs of the graphs ``names`` as N-Quads, each line in its graph:
    every graph goes to the store in one load (a load per graph would write the
    store's files thousands of times). ``counts`` gets each graph's triples."""
    for done, name in enumerate(names, 1):
        yield from quads_in(name, graphs[name][1](), counts)
        if report:
            report("storing triples (files)", done, len(names))


def quads_in(name: str, runs: Iterable[bytes], counts: dict) -> Iterator[bytes]:
    """The N-Triples ``runs`` of graph ``name`` as N-Quads. A line of N-Triples ends
    with its only newline (those of literals are escaped), so " .\n" is where its graph
    goes. ``counts`` gets the graph's triples (its runs' lines: a run holds each triple
    once, and a triple is made by one file only, see :mod:`.writing`)."""
    end = f" <{name}> .\n".encode()
    counts[name] = 0
    for run in runs:
        counts[name] += run.count(b"\n")
        yield run.replace(b" .\n", end)


# Quads per load of the store at most (and a file's graph more): Oxigraph's loader
# holds what it is given in batches of a million quads, about 0.8 KB of memory each,
# so that one load of a million-triple graph took 0.8 GB of a clean build's 1.1 GB.
# Loads of a quarter of a million keep it under 0.25 GB, for a few more files written.
LOAD_LINES = 250_000


def in_loads(chunks: Iterator[bytes], most: int) -> Iterator[Iterator[bytes]]:
    """``chunks`` (of whole lines) as loads of about ``most`` lines each: each load an
    iterator of chunks, to be read to its end before the next is taken."""
    head = next(chunks, None)

    def load() -> Iterator[bytes]:
        nonlocal head
        lines = 0
        while head is not None and lines < most:
            chunk, head = head, None
            lines += chunk.count(b"\n")
            yield chunk
            head = next(chunks, None)

    while head is not None:
        yield load()


class Chunks(io.RawIOBase):
    """A file that reads the bytes a generator gives, chunk after chunk (what Oxigraph's
    loader reads, without the whole input in memory at once)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._left = chunks, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(chunk)
        size = min(len(buffer), len(self._left))
        buffer[:size], self._left = self._left[:size], self._left[size:]
        return size
