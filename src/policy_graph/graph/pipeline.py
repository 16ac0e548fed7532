"""The build: a records folder → checked records → a graph in a store → SHACL → graph
files. :func:`validate` does every check and writes nothing; :func:`build` then writes
the graph in each format asked for, all files or none.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, UsageError
from ..outputs import RDF_FORMATS, output_paths, write_files
from ..progress import Report
from ..records.folder import default_data_dir
from ..records.kept import cache_folder
from ..records.quotes import check_quotes
from ..records.reading import FileWork, read_folder
from ..records.summary import KeptFile
from . import files
from .beside import made_beside
from .engines import ENGINE_NAMES, get_engine, own_ntriples, shared_ntriples
from .kept_store import (
    SHARED_GRAPH,
    DiskStore,
    Generation,
    KeptStore,
    check_store_dir,
    folder_for,
    graph_of_file,
    origin_record,
)
from .shacl import Verdicts, city_by_city, validate_records
from .store_loads import Filling, prepare
from .writing import graph_chunks, patched_chunks, sorted_chunks

DEFAULT_ENGINE = ENGINE_NAMES[0]  # oxigraph: see docs/benchmarks.md

DEFAULT_OUT = Path("build/policy-graph.ttl")

# What reader processes make of each records file besides its records (see
# records/reading.py): its triples, for the Oxigraph store to load as they are, and
# the budgets and years that none of its quotes states.
READER_WORK = FileWork(triples=own_ntriples, unstated=True)


@dataclass
class BuildResult:
    """What a build made: the graph (in its engine's store), its counts, what SHACL
    covered, the files written, how long it took."""

    data_dir: Path
    files: int
    engine: object
    graph: object
    counting: Future  # of count_resources' dict, made beside the rest of the build
    shacl: str = ""
    written: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list = field(default_factory=list)  # Problems that --strict would make errors
    reused: int = 0  # records files not read again: unchanged since a run kept them
    triples: object = None  # the build's Triples: what graph files are written from

    @property
    def counts(self) -> dict[str, int]:
        """Resources of each kind and triples (see :func:`count_resources`)."""
        return self.counting.result()


# What each count is (docs/page-data.md, "Counts"), the same for build's summary, the
# index and every page (views/catalogue.py counts a catalogue by it; a test holds the two
# equal): a government is a formal organisation, with or without policies; a department
# is a unit (a government whose policies name none is not one); a source is what a
# policy or programme is derived from; technologies, target groups and partners are
# those that policies name (as tagged: a broader concept is not added).
# Each count is a subquery of its own, and the sources' join of two subqueries: Oxigraph
# then scans each pattern once (0.3 s at 1M triples on the kept store) where one UNION
# of them all, or a pattern joined to each derived resource's type, took 2.5 s.
COUNT_QUERY = """
PREFIX pg: <https://w3id.org/policy-graph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?governments ?departments ?policies ?sources ?technologies ?groups ?partners
WHERE {
  { SELECT (COUNT(DISTINCT ?government) AS ?governments)
    WHERE { ?government a org:FormalOrganization } }
  { SELECT (COUNT(DISTINCT ?unit) AS ?departments) WHERE { ?unit a org:OrganizationalUnit } }
  { SELECT (COUNT(DISTINCT ?policy) AS ?policies) WHERE { ?policy a pg:Policy } }
  { SELECT (COUNT(DISTINCT ?source) AS ?sources) WHERE {
      { SELECT ?derived ?source WHERE { ?derived prov:wasDerivedFrom ?source } }
      { SELECT ?derived WHERE { { ?derived a pg:Policy } UNION { ?derived a pg:Programme } } }
  } }
  { SELECT (COUNT(DISTINCT ?technology) AS ?technologies)
    WHERE { ?any pg:usesTechnology ?technology } }
  { SELECT (COUNT(DISTINCT ?group) AS ?groups) WHERE { ?any pg:targetGroup ?group } }
  { SELECT (COUNT(DISTINCT ?partner) AS ?partners) WHERE { ?any pg:partnerInstitution ?partner } }
}"""
COUNTED = (
    "governments",
    "departments",
    "policies",
    "sources",
    "technologies",
    "target groups",
    "partners",
)


def count_resources(graph, engine=None) -> dict[str, int]:
    """The summary that ``build`` prints: resources of each kind (by COUNT_QUERY's
    definitions) and triples."""
    engine = engine or get_engine("rdflib")
    [row] = list(engine.query(graph, COUNT_QUERY))
    return {name: int(value) for name, value in zip(COUNTED, row, strict=True)} | {
        "triples": engine.size(graph)
    }


def validate(
    data_dir: Path | str | None = None,
    sources_dir: Path | str | None = None,
    engine: str = DEFAULT_ENGINE,
    full_shacl: bool = False,
    report: Report | None = None,
    strict: bool = False,
    reuse: bool = True,
    store_dir: Path | str | None = None,
    origin=None,
    sort_runs: bool = False,
) -> BuildResult:
    """Every check of ``build`` (records and references as they load, SHACL on the
    whole graph or, on large corpora, a sample of cities and every city of a file
    changed since the last run), and quotes against ``sources_dir`` (a folder of texts,
    or a list of them searched in turn) when given; writes no graph file, but keeps
    what it read of each records file to reuse while the file is unchanged (unless not
    ``reuse``: see :mod:`policy_graph.records.reading`) and, on Oxigraph, brings the
    store kept for the records folder up to date (:mod:`.kept_store`; in ``store_dir``
    when given). Raises InputError listing every problem, quotes included even when
    records have problems. A budget, end year or timeline that no quote states is a
    warning (in ``BuildResult.warnings``), an error when ``strict``. ``report(step,
    done, total)`` hears how long steps advance (see :mod:`policy_graph.progress`).
    ``origin``: the records' digests (:func:`.files.origin_of`), when already taken.
    ``sort_runs``: also sort the triples for the graph files (``build`` writes them),
    beside SHACL where it checks city by city (see :mod:`.beside`)."""
    started = time.perf_counter()
    check_store_dir(store_dir, engine)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    origin = origin or files.origin_of(data_dir)
    kept = KeptStore(folder_for(data_dir, store_dir)) if engine == "oxigraph" else None
    # The build the store holds: the graph file a rebuild patches (Triples.chunks), made
    # of runs kept under its keys, which stay kept for it.
    previous = kept.current() if kept is not None and reuse else None
    # Without it, the store is filled anew, each file's graph as the file is read.
    filling = Filling(kept) if kept is not None and previous is None else None
    asked = _Asked(
        data_dir, sources_dir, engine, full_shacl, report, strict, reuse, origin, sort_runs, started
    )
    try:
        return _validated(asked, _StoreAtHand(kept, previous, filling))
    finally:
        if filling is not None:
            filling.abandon()  # unless it was finished


class _Asked(NamedTuple):
    """What :func:`validate` was asked to do (its arguments, the records folder and the
    digests found), and when it began."""

    data_dir: Path
    sources_dir: Path | str | None
    engine: str
    full_shacl: bool
    report: Report | None
    strict: bool
    reuse: bool
    origin: object
    sort_runs: bool
    started: float


class _StoreAtHand(NamedTuple):
    """The store a build brings up to date: ``kept`` (a KeptStore, None on rdflib's
    engine), with the build it holds (``previous``) or a ``filling`` of it anew."""

    kept: KeptStore | None
    previous: Generation | None
    filling: Filling | None


def _validated(asked: _Asked, at_hand: _StoreAtHand) -> BuildResult:
    """:func:`validate`, the store it brings up to date found."""
    reading = _read(asked, at_hand)
    warnings = _warnings_or_raise(asked, reading)
    chosen = get_engine(asked.engine)
    triples = Triples(reading, at_hand.previous)
    storing = _Storing(
        at_hand.kept,
        triples,
        origin_record(asked.origin, asked.data_dir),
        not asked.reuse,
        asked.report,
        at_hand.filling,
    )
    try:
        shacl_problems, shacl = _checked_by_shacl(asked, at_hand, reading, triples, storing, chosen)
        if shacl_problems:
            raise InputError(shacl_problems + warnings)
        if at_hand.kept is not None:
            store = storing.published(asked.sort_runs)
        else:
            store = chosen.store_records(reading.records, asked.report)
    finally:
        storing.abandon_unpublished()
    result = BuildResult(
        asked.data_dir,
        reading.files_read,
        chosen,
        store,
        storing.counting or _counted_beside(store, chosen),
        shacl,
        warnings=warnings,
        seconds=time.perf_counter() - asked.started,
        reused=reading.reused,
    )
    result.triples = triples
    return result


def _read(asked: _Asked, at_hand: _StoreAtHand):
    """The records folder read (each file's graph to the store's filling, where it is
    filled anew, as the file is read)."""
    origin, previous, filling = asked.origin, at_hand.previous, at_hand.filling
    return read_folder(
        asked.data_dir,
        asked.report,
        keep_in=cache_folder(asked.data_dir),
        reuse=asked.reuse,
        work=READER_WORK,
        digests=origin.file_digests if origin else None,
        listed=origin.listed if origin else None,
        spare=previous.graphs.values() if previous else (),
        heard=_heard_by(filling, asked.data_dir) if filling is not None else None,
    )


def _warnings_or_raise(asked: _Asked, reading) -> list:
    """The warnings of the records (check_stated's, the quotes' where sources are
    given); InputError listing every problem where any is an error (all are, when
    ``strict``)."""
    problems = reading.problems  # check_stated's warnings too
    if asked.sources_dir is not None:
        problems += check_quotes(reading.records, asked.sources_dir)
    if asked.strict:
        problems = [problem.as_error() for problem in problems]
    warnings = [problem for problem in problems if problem.warning]
    if len(warnings) < len(problems):
        raise InputError(problems)
    return warnings


def _checked_by_shacl(asked: _Asked, at_hand: _StoreAtHand, reading, triples, storing, engine):
    """SHACL's problems and what it covered; the store filled (and the graph file's
    lines sorted) meanwhile where SHACL goes city by city, in a fork beside (a whole
    graph's SHACL reads the sorted lines: then the store is filled when published)."""
    # Files read again since a build that reused others: SHACL sees their cities too.
    fresh = reading.reread_governments if reading.reused else set()
    verdicts = Verdicts.of(reading, asked.reuse)

    def check():
        found = validate_records(
            reading,
            triples.rdflib_graph,
            asked.full_shacl,
            asked.report,
            also=fresh,
            verdicts=verdicts,
        )
        if verdicts:
            verdicts.forget_the_rest()  # here: the verdicts this run used are known here
        return found

    if not (asked.sort_runs and city_by_city(reading)):
        return check()
    filling = at_hand.filling
    return made_beside(
        check,
        lambda: storing.meanwhile(asked.sort_runs, engine),
        alongside=[filling.loading] if filling is not None else [],
    )


class _Storing:
    """A build's update of the store kept for its records (when ``kept``, a KeptStore):
    filled while SHACL checks (:meth:`meanwhile`, beside the sorting of the graph
    file's lines), published once it passed, else abandoned."""

    def __init__(
        self, kept, triples: Triples, origin: dict, fresh: bool, report, filling=None
    ) -> None:
        self.kept, self.triples = kept, triples
        self._update = (triples.named_graphs(), origin, fresh, report) if kept else None
        self.prepared = None  # the update filled, until it is published
        self.counting: Future | None = None  # the counts of its generation
        self.filling = filling  # a store_loads.Filling begun as the records were read

    def meanwhile(self, sort_runs: bool, engine) -> None:
        """Sort the lines (when ``sort_runs``) while Oxigraph fills the new generation
        in a thread (without the interpreter's lock); then count what it holds and keep
        the lines with it, each in a thread, beside the rest of the build."""
        filling = _in_thread(self._filled, "fill-store") if self.kept else None
        try:
            if sort_runs:
                self.triples.chunks()
        finally:
            self.prepared = filling.result() if filling else None
        generation = self.prepared.generation if self.prepared else None
        if generation is not None:
            new = DiskStore(None, generation)
            self.counting = _in_thread(lambda: count_resources(new, engine), "count-resources")
            if sort_runs:
                self.triples.keep_lines(self.kept, generation)

    def published(self, sort_runs: bool):
        """The store with the new generation published (filled now if not yet)."""
        store = (self.prepared or self._filled()).publish()
        self.prepared = None
        if sort_runs:
            self.triples.keep_lines(self.kept, store.generation)  # unless kept already
        return store

    def abandon_unpublished(self) -> None:
        """Remove a generation filled but not published (SHACL or the sorting failed),
        once nothing reads it."""
        if self.prepared is None:
            return
        if self.counting is not None:
            self.counting.exception()
        self.triples.lines_kept()
        self.prepared.abandon()
        self.prepared = None

    def _filled(self):
        if self.filling is not None:
            graphs, origin, _fresh, report = self._update
            return self.filling.finish(graphs, origin, report)
        return prepare(self.kept, *self._update)


def _heard_by(filling, data_dir: Path) -> Callable:
    """What hears of each records file read: its graph to the ``filling`` store."""

    def heard(path: Path, kept_file) -> None:
        if kept_file.triples is not None:  # else the build fails: nothing to store
            filling.add(_graph_of(path, data_dir), kept_file.runs)

    return heard


def _graph_of(path: Path, data_dir: Path) -> str:
    """The kept store's named graph of the records file ``path`` of ``data_dir``."""
    return graph_of_file(path.relative_to(data_dir).as_posix())


def _in_thread(work: Callable[[], object], name: str) -> Future:
    """``work()``'s result (or exception), made in a thread of its own. Not a daemon: a
    process ending meanwhile waits for it, rather than stopping it inside Oxigraph's
    code."""
    made: Future = Future()

    def run() -> None:
        try:
            made.set_result(work())
        except BaseException as error:  # noqa: BLE001 - raised where the result is read
            made.set_exception(error)

    threading.Thread(target=run, name=name).start()
    return made


def _counted_beside(store, engine) -> Future:
    """count_resources of ``store``: on Oxigraph in a thread of its own, which counts
    without the interpreter's lock while the build writes its files (0.3–0.5 s of a
    2.8 s rebuild at 1M triples); rdflib's count holds the lock, and is made here."""
    if engine.name == "oxigraph":
        return _in_thread(lambda: count_resources(store, engine), "count-resources")
    counted: Future = Future()
    counted.set_result(count_resources(store, engine))
    return counted


class Triples:
    """A build's triples as sorted runs of N-Triples (see :mod:`.writing`): each records
    file's, made as it was read (or kept since), and the shared ones, made here; sorted
    into the graph file's lines by merging them, or by patching the lines of the build
    that the store holds (``previous``, a :class:`.kept_store.Generation`)."""

    def __init__(self, reading, previous=None) -> None:
        self.reading = reading
        self.shared = reading.made_of_shared(shared_ntriples)
        self.previous = previous
        self.repeated: dict[bytes, int] = {}  # the lines that several runs make
        self.patched = False  # whether the lines were the previous build's, patched
        self._keeping: threading.Thread | None = None  # keeping the lines (keep_lines)
        self._chunks: list | None = None
        self._graphs: dict | None = None

    def runs(self):
        yield self.shared
        if self.reading.has_triples:
            yield from self.reading.runs()
        else:  # a reading that made none: every file's at once
            yield own_ntriples(self.reading.records)

    def chunks(self) -> list:
        """Every triple as sorted N-Triples, in chunks (see :func:`.writing.sorted_chunks`;
        made once per build)."""
        if self._chunks is None:
            self._chunks = self._patched()
            self.patched = self._chunks is not None
            if self._chunks is None:
                self.repeated = {}
                self._chunks = sorted_chunks(self.runs(), self.repeated)
        return self._chunks

    def _patched(self) -> list | None:
        """The previous build's lines with the runs of the graphs changed since taken
        out and put in (see :func:`.writing.patched_chunks`); None where there are no
        such lines, most graphs changed, or a changed graph's old runs are gone."""
        if self.previous is None or not self.reading.has_triples:
            return None
        old, new = self.previous.graphs, self.named_graphs()
        changed = [
            name for name in old.keys() | new.keys()
            if not old.get(name) or name not in new or new[name][0] != old[name]
        ]  # fmt: skip
        kept = self.previous.kept_lines() if len(changed) <= len(new) // 2 else None
        if kept is None:
            return None
        taken_out, put_in = [], []
        for name in changed:
            if name in old:
                runs = self._old_runs(name, old[name], kept.shared)
                if runs is None:
                    return None
                taken_out += runs
            if name in new:
                put_in += new[name][1]()
        chunks = patched_chunks(kept.graph, taken_out, put_in, kept.repeated)
        if chunks is not None:
            self.repeated = kept.repeated
        return chunks

    def _old_runs(self, name: str, key: str, shared: bytes) -> list[bytes] | None:
        """The runs that graph ``name`` was made of in the previous build (kept under
        ``key``; the shared graph's, with its lines); None when they are not kept."""
        if name == SHARED_GRAPH:
            return [shared] if hashlib.sha256(shared).hexdigest() == key else None
        kept = self.reading.kept.load(key) if self.reading.kept else None
        if not isinstance(kept, KeptFile) or kept.triples is None:
            return None
        return list(kept.runs())

    def keep_lines(self, kept: KeptStore, generation) -> None:
        """Keep the sorted lines with the store's ``generation`` (for the next rebuild to
        patch), in a thread that writes them while this one goes on (see
        :meth:`lines_kept`); once per build."""
        if self._keeping is not None or self._chunks is None:
            return
        self._keeping = threading.Thread(
            target=kept.keep_lines,
            args=(generation, self._chunks, self.repeated, self.shared),
            name="keep-lines",
        )
        self._keeping.start()

    def lines_kept(self) -> None:
        """Wait until the lines are kept (when keep_lines was asked)."""
        if self._keeping is not None:
            self._keeping.join()

    def rdflib_graph(self):
        """The graph in rdflib (for SHACL on a small graph)."""
        from rdflib import Graph

        return Graph().parse(data=b"".join(self.chunks()), format="nt")

    def named_graphs(self) -> dict:
        """A kept store's named graphs: each records file's, by its path, with the key it
        was kept under, and the shared triples' (see :func:`.store_loads.update`); made
        once."""
        if self._graphs is not None:
            return self._graphs
        reading, data_dir = self.reading, self.reading.data_dir
        graphs = {SHARED_GRAPH: (hashlib.sha256(self.shared).hexdigest(), lambda: [self.shared])}
        if not reading.has_triples:
            everything = own_ntriples(reading.records)
            graphs[f"{SHARED_GRAPH}-records"] = ("", lambda: [everything])
        else:
            for index, path in enumerate(reading.paths):
                name = _graph_of(path, data_dir)
                graphs[name] = (reading.keys[index], lambda i=index: list(reading.runs_of(i)))
        self._graphs = graphs
        return graphs


def build(
    data_dir: Path | str | None = None,
    out: Path | str = DEFAULT_OUT,
    formats: Sequence[str] = (),
    engine: str = DEFAULT_ENGINE,
    full_shacl: bool = False,
    report: Report | None = None,
    sources_dir: Path | str | None = None,
    strict: bool = False,
    reuse: bool = True,
    store_dir: Path | str | None = None,
) -> BuildResult:
    """Load, check (quotes too, against ``sources_dir`` when given), convert and
    validate the records, then write the graph in each format. Records files unchanged
    since an earlier run are not read again (unless not ``reuse``: see :func:`validate`).

    Nothing is written unless everything passes; the files are replaced together (a
    failed run leaves every old one as it was: see :mod:`policy_graph.outputs`) and each
    (but JSON-LD) starts with comments that say what it was built from (see
    :mod:`.files`). The files are the same bytes whichever engine built them (see
    :mod:`.writing`). Raises FileError when they cannot be written.
    """
    started = time.perf_counter()
    # Without formats, the one that ``out``'s suffix names (Turtle when it names none).
    formats = list(dict.fromkeys(formats)) or [format_of(Path(out))]
    unknown = [f for f in formats if f not in RDF_FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected one of {', '.join(RDF_FORMATS)}")
    _check_suffix(Path(out), formats)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    # Digested before loading: a record edited meanwhile makes the next command rebuild.
    origin = files.origin_of(data_dir)
    result = validate(
        data_dir, sources_dir, engine, full_shacl, report, strict, reuse, store_dir, origin,
        sort_runs=True,
    )  # fmt: skip
    try:
        write_graph(result, output_paths(Path(out), formats), origin, report)
    finally:
        result.triples.lines_kept()
    result.seconds = time.perf_counter() - started
    return result


def write_graph(
    result: BuildResult, targets: dict[str, Path], origin, report=None, relative: bool = True
) -> None:
    """Write the built graph in each format as one set (see
    :func:`policy_graph.outputs.write_files`), each saying what it was built from
    (``relative``: the records folder relative to it)."""
    ntriples = result.triples.chunks()
    contents = {}
    for number, (name, path) in enumerate(targets.items()):
        if report:
            report(f"serialising {name}", number, len(targets))
        chunks = graph_chunks(ntriples, name)
        if origin is not None:
            size = result.engine.size(result.graph)  # the counts may still be counting
            chunks = files.with_header(chunks, origin, path, name, relative, size)
        contents[name] = chunks
    write_files({path: contents[name] for name, path in targets.items()})
    result.written = targets


def _check_suffix(out: Path, formats: list[str]) -> None:
    """UsageError when the one format asked for is not the one ``out``'s suffix names
    (Turtle written into a file named .nt is read back by no tool as it should be)."""
    named = next((f.name for f in RDF_FORMATS.values() if f.suffix == out.suffix), None)
    if len(formats) == 1 and named is not None and named != formats[0]:
        raise UsageError(
            f"--out {out} names a {RDF_FORMATS[named].title} file, but --format is "
            f"{formats[0]}: give the file the suffix {RDF_FORMATS[formats[0]].suffix}, or drop "
            "--format (the suffix then chooses it)"
        )


def format_of(path: Path) -> str:
    """The RDF format of a graph file, by its suffix (Turtle when unknown)."""
    return next((f.name for f in RDF_FORMATS.values() if f.suffix == path.suffix), "ttl")
