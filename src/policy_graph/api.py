"""The public functions that the CLI and notebooks both call."""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph

from . import graph_files, paths
from .build import build_graph as _graph_of
from .compiled import cache_folder, read_compiled
from .engines import ENGINE_NAMES, OxigraphView, get_engine
from .errors import FileError, GraphNote, InputError, UsageError
from .outputs import (
    RDF_FORMATS,
    finish_interrupted,
    output_paths,
    write_atomic,
    write_files,
    write_folder,
)
from .progress import Report

# Part of the API, defined beside the catalogue: `policy-graph queries` lists them without rdflib.
from .queries import list_queries
from .quotes import check_quotes
from .record_format import excerpt
from .records import Records
from .records import load_records as _load_records
from .validate import record_index, validate_graph, validate_records

DEFAULT_ENGINE = ENGINE_NAMES[0]  # oxigraph: see docs/benchmarks.md

DEFAULT_OUT = Path("build/policy-graph.ttl")


def default_data_dir() -> Path:
    """``./data`` when the working directory has one, else the bundled Gwangju records."""
    local = Path("data")
    return local if local.is_dir() else paths.bundled_data_dir()


def load_records(data_dir: Path | str | None = None) -> Records:
    """Load and check the records of ``data_dir``; raise InputError listing every problem."""
    return _load_records(Path(data_dir) if data_dir else default_data_dir())


def build_graph(data_dir: Path | str | None = None, *, validate: bool = True) -> Graph:
    """The validated RDF graph of the records in ``data_dir``, as an rdflib Graph."""
    records = load_records(data_dir)
    graph = _graph_of(records)
    if validate:
        _raise_on_problems(validate_graph(graph, record_index(records)))
    return graph


@dataclass
class BuildResult:
    """What a build made: the graph (in its engine's store), its counts, what SHACL
    covered, the files written, how long it took."""

    data_dir: Path
    files: int
    engine: object
    graph: object
    counts: dict[str, int]
    shacl: str = ""
    written: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list = field(default_factory=list)  # Problems that --strict would make errors
    reused: int = 0  # records files not read again: unchanged since a run kept them


COUNT_QUERY = """
PREFIX pg: <https://w3id.org/policy-graph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT
  (COUNT(DISTINCT ?policy) AS ?policies) (COUNT(DISTINCT ?unit) AS ?departments)
  (COUNT(DISTINCT ?technology) AS ?technologies) (COUNT(DISTINCT ?group) AS ?groups)
  (COUNT(DISTINCT ?partner) AS ?partners)
WHERE {
  { ?policy a pg:Policy } UNION { ?unit a org:OrganizationalUnit }
  UNION { ?technology a pg:Technology } UNION { ?group a pg:TargetGroup }
  UNION { ?any pg:partnerInstitution ?partner }
}"""


def count_resources(graph, engine=None) -> dict[str, int]:
    """The summary that ``build`` prints: resources of each kind and triples."""
    engine = engine or get_engine("rdflib")
    [row] = list(engine.query(graph, COUNT_QUERY))
    names = ("policies", "departments", "technologies", "target groups", "partners")
    return {name: int(value) for name, value in zip(names, row, strict=True)} | {
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
) -> BuildResult:
    """Every check of ``build`` (records and references as they load, SHACL on the
    whole graph or, on large corpora, a sample of cities and every city of a file
    changed since the last run), and quotes against ``sources_dir`` when given; writes
    nothing but what it keeps of each records file to reuse while the file is
    unchanged (unless not ``reuse``: see :mod:`.compiled`). Raises InputError listing
    every problem, quotes included even when records have problems. A budget, end
    year or timeline that no quote states is a warning (in ``BuildResult.warnings``),
    an error when ``strict``. ``report(step, done, total)`` hears how long steps
    advance (see :mod:`.progress`)."""
    started = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    compiled = read_compiled(data_dir, report, cache_folder(data_dir), reuse)
    records, problems = compiled.records, compiled.problems  # check_stated's warnings too
    if sources_dir is not None:
        problems += check_quotes(records, sources_dir)
    if strict:
        problems = [problem.as_error() for problem in problems]
    warnings = [problem for problem in problems if problem.warning]
    if len(warnings) < len(problems):
        raise InputError(problems)
    chosen = get_engine(engine)
    if chosen.name == "oxigraph" and compiled.has_triples:
        # The triples that the reader processes made (or kept): loaded, not made again.
        store = chosen.store_records(records, report, own_triples=compiled)
    else:
        store = chosen.store_records(records, report)
    del compiled.triples
    # Files read again since a build that reused others: SHACL sees their cities too.
    fresh = compiled.reread_governments if compiled.reused else set()
    shacl_problems, shacl = validate_records(
        records,
        lambda: chosen.to_rdflib(store),
        full_shacl,
        report,
        also=fresh,
        verdicts=compiled.verdicts,
    )
    if compiled.verdicts:
        compiled.verdicts.forget_the_rest()
    if shacl_problems:
        raise InputError(shacl_problems + warnings)
    return BuildResult(
        data_dir,
        records.files,
        chosen,
        store,
        count_resources(store, chosen),
        shacl,
        warnings=warnings,
        seconds=time.perf_counter() - started,
        reused=compiled.reused,
    )


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
) -> BuildResult:
    """Load, check (quotes too, against ``sources_dir`` when given), convert and
    validate the records, then write the graph in each format. Records files unchanged
    since an earlier run are not read again (unless not ``reuse``: see :func:`validate`).

    Nothing is written unless everything passes; the files are replaced together (a
    failed run leaves every old one as it was: see :mod:`.outputs`) and each (but
    JSON-LD) starts with comments that say what it was built from (see
    :mod:`.graph_files`). Raises FileError when they cannot be written.
    """
    started = time.perf_counter()
    # Without formats, the one that ``out``'s suffix names (Turtle when it names none).
    formats = list(dict.fromkeys(formats)) or [_format_of(Path(out))]
    unknown = [f for f in formats if f not in RDF_FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected one of {', '.join(RDF_FORMATS)}")
    _check_suffix(Path(out), formats)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    # Digested before loading: a record edited meanwhile makes the next command rebuild.
    origin = graph_files.origin_of(data_dir)
    result = validate(data_dir, sources_dir, engine, full_shacl, report, strict, reuse)
    _write_graph(result, output_paths(Path(out), formats), origin, report)
    result.seconds = time.perf_counter() - started
    return result


def _write_graph(
    result: BuildResult, targets: dict[str, Path], origin, report=None, relative: bool = True
) -> None:
    """Serialise the built graph in each format, then write the files as one set (see
    :func:`.outputs.write_files`), each saying what it was built from (``relative``: the
    records folder relative to it)."""
    contents = {}
    for number, (name, path) in enumerate(targets.items()):
        if report:
            report(f"serialising {name}", number, len(targets))
        data = result.engine.serialise(result.graph, name)
        if origin is not None:
            size = result.counts.get("triples")
            data = graph_files.with_header(data, origin, path, name, relative, size)
        contents[name] = data
    write_files({path: contents[name] for name, path in targets.items()})
    result.written = targets


def _raise_on_problems(problems) -> None:
    if problems:
        raise InputError(problems)


# --- SPARQL --------------------------------------------------------------------


def open_store(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = DEFAULT_ENGINE,
):
    """The built graph in ``engine``'s store, and the engine.

    With ``graph_file``: that file, read when its records (the folder it names) are
    unchanged, rebuilt from them when they changed, written when missing (from
    ``data_dir``); never replaced by a graph of other records (UsageError when
    ``data_dir`` is another folder). Without: ``build/policy-graph.ttl`` when it is the
    graph of ``data_dir``'s records as they are, else a graph built and kept in the
    cache folder (:func:`.graph_files.cache_dir`). A graph used as it is although it
    may be stale is noted with a :class:`~.errors.StaleGraphNote` warning."""
    chosen = get_engine(engine)
    plan = _graph_plan(data_dir, graph_file)
    if plan.read is not None:
        return chosen, _load_graph_file(chosen, plan.read, plan.header)
    result = _build_for(plan, engine, keep_going=plan.cached)
    return chosen, result.graph


def graph_file_to_serve(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Path:
    """The graph file that :func:`open_store` would read, built and written first
    when it must be (the endpoint loads it, and watches it for rebuilds)."""
    plan = _graph_plan(data_dir, graph_file)
    if plan.read is not None:
        return plan.read
    _build_for(plan, engine, keep_going=False)
    return plan.write


def _graph_plan(data_dir, graph_file) -> graph_files.Plan:
    # A build killed between renaming its files there leaves a mix: finish it first.
    finish_interrupted(Path(graph_file).parent if graph_file else graph_files.LOCAL_GRAPH.parent)
    return graph_files.choose(
        Path(data_dir) if data_dir else None,
        Path(graph_file) if graph_file else None,
        default_data_dir(),
    )


def _build_for(plan: graph_files.Plan, engine: str, keep_going: bool) -> BuildResult:
    """Build the plan's graph and write it where the plan says; with ``keep_going``,
    a graph that cannot be kept there is only noted."""
    result = validate(plan.data_dir, engine=engine)
    try:
        target = {_format_of(plan.write): plan.write}
        _write_graph(result, target, plan.origin, relative=not plan.cached)
    except FileError as error:
        if not keep_going:
            raise
        reason = getattr(error.__cause__, "strerror", None) or error
        warnings.warn(
            GraphNote(f"cannot keep the graph in {plan.write.parent}: {reason}"), stacklevel=3
        )
    return result


def load_graph(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = "rdflib",
) -> Graph:
    """The built graph as an rdflib Graph (see :func:`open_store`), for networkx and
    notebooks: rdflib's own store, or (``engine="oxigraph"``) an rdflib view of
    Oxigraph's store, not a copy; :func:`run_query` on it runs in Oxigraph."""
    chosen, store = open_store(data_dir, graph_file, engine)
    return chosen.view(store)


def _load_graph_file(
    engine, path: Path, header: graph_files.Header | None, read_from: Path | None = None
):
    """A graph file in ``engine``'s store; FileError, in one line, when it cannot be
    read or is not a whole graph (truncated by a full disk or a copy cut short, or a
    file of another kind): each parser has its own exceptions, all of them mean that.
    ``read_from``: where to read ``path``'s bytes, when not from ``path`` itself."""
    fmt = _format_of(path)
    try:
        store = engine.load(read_from or path, fmt)
    except OSError as error:
        raise FileError(f"cannot read the graph file {path}: {error.strerror or error}") from None
    except Exception as error:  # noqa: BLE001 (whatever the parser raises)
        reason = excerpt(" ".join(str(error).split()) or type(error).__name__, 160)
        raise FileError(
            f"{path} is not a whole {RDF_FORMATS[fmt].title} graph ({reason}): rebuild it with "
            "policy-graph build, or name another --graph-file"
        ) from None
    if header is not None and header.triples is not None:
        size = engine.size(store)
        if size != header.triples:
            raise FileError(
                f"{path} holds {size:,} triples where its header says {header.triples:,}: "
                "it was cut short or edited; rebuild it with policy-graph build"
            )
    return store


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


def _format_of(path: Path) -> str:
    """The RDF format of a graph file, by its suffix (Turtle when unknown)."""
    return next((f.name for f in RDF_FORMATS.values() if f.suffix == path.suffix), "ttl")


def resolve_query(query: str | None = None, text: str | None = None):
    """A query's text and, for a saved one, its SavedQuery: by ``text`` (inline), a
    path to a ``.rq`` file, or a saved query's name."""
    from .queries import find_saved_query

    if text is not None:
        return text, None
    if query is None:
        raise UsageError("give a saved query's name, a .rq file, or -e TEXT")
    path = Path(query)
    if path.suffix == ".rq" or path.is_file():
        if not path.is_file():
            raise UsageError(f"no such query file: {path}")
        return path.read_text(encoding="utf-8"), None
    saved = find_saved_query(query)
    return saved.text, saved


def query_bindings(saved, params: dict[str, str], lang: str | None = None) -> dict:
    """Bindings for a query from ``name=value`` parameters (and ``--lang``): a saved
    query's defaults apply, and only its declared parameters are accepted."""
    from .sparql import parse_value

    values = dict(params)
    if lang is not None:
        values["lang"] = lang
    if saved is not None:
        declared = {p.name: p for p in saved.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise UsageError(
                f"the saved query {saved.name!r} has no parameter {unknown[0]!r} "
                f"(its parameters: {names})"
            )
        for name, parameter in declared.items():
            if name not in values and parameter.default is not None:
                values[name] = parameter.default
    return {name: parse_value(value) for name, value in values.items()}


def run_query(
    query: str | None = None,
    *,
    text: str | None = None,
    params: dict[str, str] | None = None,
    lang: str | None = None,
    graph=None,
    endpoint: str | None = None,
    engine: str | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    """Answer a saved query (by name), a ``.rq`` file or inline ``text``, on ``graph``
    (an rdflib Graph, or the store of ``engine``; default: the built graph, opened
    with ``engine``) or on a SPARQL 1.1 ``endpoint``. Returns an rdflib Result.

    ``limit`` and ``offset`` page a SELECT: its rows ``offset`` to ``offset + limit``,
    exactly those of the whole answer in its order (the query's ORDER BY; a query
    without one has no fixed order, so pages of it may overlap)."""
    query_text, saved = resolve_query(query, text)
    return _answer(query_text, saved, params, lang, graph, endpoint, engine, limit, offset)


def _answer(
    query_text: str,
    saved,
    params,
    lang,
    graph=None,
    endpoint=None,
    engine=None,
    limit: int | None = None,
    offset: int = 0,
):
    """:func:`run_query` of a query already found (its text, and its SavedQuery if saved)."""
    from . import sparql

    bindings = query_bindings(saved, params or {}, lang)
    if endpoint:
        return sparql.run_remote(endpoint, query_text, bindings, limit=limit, offset=offset)
    if graph is None:
        chosen, graph = open_store(engine=engine or DEFAULT_ENGINE)
    elif isinstance(graph, OxigraphView):
        chosen, graph = get_engine("oxigraph"), graph.oxigraph
    else:
        chosen = get_engine("rdflib" if isinstance(graph, Graph) else engine or "oxigraph")
    return sparql.run_query(graph, query_text, bindings, chosen, limit, offset)


def result_rows(result) -> list[dict]:
    """A SELECT result as a list of dicts of Python values (None where unbound).

    Decimals come in canonical form (``Decimal('20000000000')``, ``Decimal('2.5')``),
    so that rows are the same whichever engine wrote or holds the graph: rdflib keeps
    the lexical form it read ("20000000000.0"), Oxigraph keeps the value."""
    return [{str(v): _python_value(row[v]) for v in result.vars} for row in result]


def _python_value(term):
    if term is None:
        return None
    value = term.toPython()
    if isinstance(value, Decimal) and value.is_finite():
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return value


def result_frame(result):
    """A SELECT result as a pandas DataFrame (pandas must be installed)."""
    try:
        import pandas
    except ImportError:
        raise UsageError("result_frame needs pandas: pip install pandas") from None
    return pandas.DataFrame(result_rows(result), columns=[str(v) for v in result.vars])


# --- views and analysis ------------------------------------------------------------

DEFAULT_VIEWS_DIR = Path("build/views")


def catalogue_of(graph: Graph):
    """The catalogue of ``graph`` that views and the analysis read (see catalogue.py),
    read once per graph and kept on it (for an rdflib Graph, while its size stays the
    same). The view functions below take a graph or its catalogue."""
    from .catalogue import Catalogue, read_catalogue

    if isinstance(graph, Catalogue):
        return graph
    # An rdflib Graph counts its triples at once; Oxigraph's view counts them one by one
    # (0.4 s at 100,000), and a store loaded from a graph file is not changed meanwhile.
    size = None if isinstance(graph, OxigraphView) else len(graph)
    kept = getattr(graph, "_policy_graph_catalogue", None)
    if kept is None or kept[0] != size:
        kept = (size, read_catalogue(graph))
        graph._policy_graph_catalogue = kept
    return kept[1]


def overview_view(graph: Graph):
    """The whole graph: for one government, its policies with their departments,
    technologies, target groups, partners and government; for several, governments ×
    technologies (line width = policies), with a page per government beside it."""
    from .pages import overview

    return overview(catalogue_of(graph))


def government_views(graph: Graph) -> list:
    """A page per government, where the graph holds several."""
    from .pages import government_views as views

    return list(views(catalogue_of(graph)))


def focus_view(graph: Graph, key: str, depth: int = 2, max_nodes: int = 2000):
    """The neighbourhood of one resource (by IRI, id or label), ``depth`` steps out,
    never walking on from a hub (a government, programme, source, vocabulary root)."""
    from .pages import focus_view as view

    return view(catalogue_of(graph), key, depth, max_nodes)


def department_technology_view(graph: Graph):
    """Departments × technologies; line width = policies. A policy without a lead
    department counts under its government (and the page says so)."""
    from .pages import department_technology

    return department_technology(catalogue_of(graph))


def query_view(graph: Graph, query: str | None = None, text: str | None = None, params=None):
    """A CONSTRUCT or DESCRIBE query's answer, drawn as a view; an empty answer's page
    names the parameters to change."""
    query_text, saved = resolve_query(query, text)
    name = Path(query).stem if query else "query"
    return _query_view(graph, query_text, saved, name, params)


def _query_view(graph: Graph, query_text: str, saved, name: str, params=None):
    """:func:`query_view` of a query already found (its text, and its SavedQuery)."""
    from .analysis import to_networkx
    from .pages import query_view as view
    from .pages import texts

    result = _answer(query_text, saved, params, None, graph)
    if result.type not in ("CONSTRUCT", "DESCRIBE"):
        raise UsageError(
            f"a view needs a CONSTRUCT or DESCRIBE query; this is a {result.type} query"
        )
    parameters = [p.name for p in saved.parameters if p.name != "lang"] if saved else []
    wanted = " ".join(f"--param {p}=…" for p in parameters)
    empty = texts(
        "이 질의의 답이 비었습니다."
        + (
            f" 매개변수를 바꾸어 다시 쓰세요: policy-graph viz --query {name} {wanted}"
            if wanted
            else ""
        ),
        "This query's answer is empty."
        + (f" Change its parameters: policy-graph viz --query {name} {wanted}" if wanted else ""),
    )
    return view(catalogue_of(graph), to_networkx(result.graph, any_property=True), name, empty)


def write_views(
    views, out_dir: Path | str = DEFAULT_VIEWS_DIR, lang: str = "ko", stats=None
) -> dict[str, Path]:
    """Write each view (and index.html when ``stats`` is given) as UTF-8 into ``out_dir``
    (``views``: any iterable; each is released once rendered: see pages.View.release)
    with the scripts they share in ``assets/``, all at once: the folder is made anew
    beside the old one, keeping the old one's other files, and swapped in whole (see
    :func:`.outputs.write_folder`), so that a reader never sees a new page beside an
    old index.html. Raises FileError when it cannot."""
    from .viz import assets, index_page, render

    out_dir = Path(out_dir)
    pages, written = {}, []
    for view in views:  # each page rendered and its data let go before the next is made
        pages[f"{view.name}.html"] = render(view, lang).encode("utf-8")
        view.release()
        written.append(view)
    if stats is not None:
        pages["index.html"] = index_page(written, stats, lang).encode("utf-8")
    write_folder(out_dir, {**pages, **assets()})
    return {name: out_dir / name for name in pages}


def make_views(
    data_dir=None,
    graph_file=None,
    engine: str = DEFAULT_ENGINE,
    out_dir: Path | str = DEFAULT_VIEWS_DIR,
    lang: str = "ko",
    *,
    all_views: bool = False,
    focus: tuple[str, int, int] | None = None,
    dept_tech: bool = False,
    query: tuple[str, dict] | None = None,
) -> tuple[list, dict[str, Path]]:
    """What `policy-graph viz` does: load the graph once, read its catalogue, run the
    queries that views need, let the store go, then make and write the views one by
    one (every view and index.html with ``all_views``; else the ones asked, or the
    overview). Returns the views written (released: see pages.View) and their paths."""
    graph = load_graph(data_dir, graph_file, engine)
    catalogue = catalogue_of(graph)
    from_queries = []
    if query:
        from_queries.append(query_view(graph, query[0], params=query[1]))
    if all_views:
        from_queries += saved_query_views(graph)
    # Everything else is made from the catalogue: at national size the store is most
    # of the memory this run would hold.
    del graph
    stats = catalogue_statistics(catalogue, lang) if all_views else None
    made: Iterable = []
    if all_views:
        made = catalogue_views(catalogue)
    elif dept_tech:
        made = [department_technology_view(catalogue)]
    if focus:
        made = [*made, focus_view(catalogue, *focus)]
    if not (made or from_queries):
        made = [overview_view(catalogue)]
    written: list = []

    def kept(views):
        for view in views:
            written.append(view)
            yield view

    paths = write_views(kept(itertools.chain(made, from_queries)), out_dir, lang, stats)
    return written, paths


def all_views(graph: Graph) -> list:
    """Every standard view: the overview, a page per government (where several),
    departments × technologies, and each saved CONSTRUCT query."""
    return [*catalogue_views(catalogue_of(graph)), *saved_query_views(graph)]


def catalogue_views(catalogue) -> Iterator:
    """The views made from the catalogue alone (no query runs), one by one: the
    overview, a page per government, departments × technologies."""
    from . import pages

    yield pages.overview(catalogue)
    yield from pages.government_views(catalogue)
    yield pages.department_technology(catalogue)


def saved_query_views(graph: Graph) -> list:
    """A view of each saved CONSTRUCT (or DESCRIBE) query's answer."""
    from .sparql_text import form_of

    return [  # each read once, by list_queries
        _query_view(graph, saved.text, saved, saved.name)
        for saved in list_queries()
        if form_of(saved.text) in ("CONSTRUCT", "DESCRIBE")
    ]


def graph_statistics(graph: Graph, lang: str = "ko"):
    """Counts per kind, sources, technologies by departments, departments by those
    they share technologies with, communities (networkx)."""
    return catalogue_statistics(catalogue_of(graph), lang)


def catalogue_statistics(catalogue, lang: str = "ko"):
    """:func:`graph_statistics` of a catalogue already read."""
    from .analysis import statistics

    return statistics(catalogue, lang)


def export_network(graph: Graph, fmt: str, out: Path | str, lang: str = "ko") -> Path:
    """The overview network as GraphML or GEXF for Gephi and Cytoscape."""
    from .analysis import export, to_networkx

    out = Path(out)
    write_atomic(out, export(to_networkx(graph, lang), fmt))
    return out
