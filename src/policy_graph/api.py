"""The public functions that the CLI and notebooks both call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import ORG, RDF

from . import paths
from .build import build_graph as _graph_of
from .errors import InputError, UsageError
from .outputs import RDF_FORMATS, output_paths, serialise, write_atomic
from .quotes import check_quotes
from .records import Records, record_files
from .records import load_records as _load_records
from .validate import record_index, validate_graph
from .vocab import PG, bind_prefixes

DEFAULT_OUT = Path("build/policy-graph.ttl")


def default_data_dir() -> Path:
    """``./data`` when the working directory has one, else the bundled Gwangju records."""
    local = Path("data")
    return local if local.is_dir() else paths.bundled_data_dir()


def load_records(data_dir: Path | str | None = None) -> Records:
    """Load and check the records of ``data_dir``; raise InputError listing every problem."""
    return _load_records(Path(data_dir) if data_dir else default_data_dir())


def build_graph(data_dir: Path | str | None = None, *, validate: bool = True) -> Graph:
    """The validated RDF graph of the records in ``data_dir``."""
    records = load_records(data_dir)
    graph = _graph_of(records)
    if validate:
        _raise_on_problems(validate_graph(graph, record_index(records)))
    return graph


@dataclass
class BuildResult:
    """What a build made: the graph, its counts, the files written, how long it took."""

    data_dir: Path
    files: int
    graph: Graph
    counts: dict[str, int]
    written: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def count_resources(graph: Graph) -> dict[str, int]:
    """The summary that ``build`` prints: resources of each kind and triples."""

    def instances(cls) -> int:
        return len(set(graph.subjects(RDF.type, cls)))

    return {
        "policies": instances(PG.Policy),
        "departments": instances(ORG.OrganizationalUnit),
        "technologies": instances(PG.Technology),
        "target groups": instances(PG.TargetGroup),
        "partners": len(set(graph.objects(None, PG.partnerInstitution))),
        "triples": len(graph),
    }


def validate(
    data_dir: Path | str | None = None, sources_dir: Path | str | None = None
) -> BuildResult:
    """Every check of ``build`` (records, references, SHACL), and quotes against
    ``sources_dir`` when given; writes nothing. Raises InputError on any problem."""
    started = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    records = _load_records(data_dir)
    graph = _graph_of(records)
    problems = validate_graph(graph, record_index(records))
    if sources_dir is not None:
        problems += check_quotes(records, sources_dir)
    _raise_on_problems(problems)
    return BuildResult(
        data_dir,
        len(record_files(data_dir)),
        graph,
        count_resources(graph),
        seconds=time.perf_counter() - started,
    )


def build(
    data_dir: Path | str | None = None,
    out: Path | str = DEFAULT_OUT,
    formats: Sequence[str] = ("ttl",),
) -> BuildResult:
    """Load, check, convert and validate the records, then write the graph in each format.

    Nothing is written unless everything passes; each file is replaced atomically.
    """
    started = time.perf_counter()
    formats = list(dict.fromkeys(formats)) or ["ttl"]
    unknown = [f for f in formats if f not in RDF_FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected one of {', '.join(RDF_FORMATS)}")
    result = validate(data_dir)
    targets = output_paths(Path(out), formats)
    contents = {name: serialise(result.graph, name) for name in formats}
    for name, path in targets.items():
        write_atomic(path, contents[name])
    result.written = targets
    result.seconds = time.perf_counter() - started
    return result


def _raise_on_problems(problems) -> None:
    if problems:
        raise InputError(problems)


# --- SPARQL --------------------------------------------------------------------


def load_graph(data_dir: Path | str | None = None, graph_file: Path | str = DEFAULT_OUT) -> Graph:
    """The built graph: read from ``graph_file`` when it is newer than every record,
    the ontology and the shapes; otherwise built (and written there) first."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    graph_file = Path(graph_file)
    if graph_file.is_file():
        inputs = [*record_files(data_dir), paths.shapes_file(), paths.ontology_file()]
        newest = max((p.stat().st_mtime for p in inputs if p.exists()), default=0)
        if graph_file.stat().st_mtime >= newest:
            fmt = RDF_FORMATS[_format_of(graph_file)].rdflib_name
            return bind_prefixes(Graph()).parse(graph_file, format=fmt)
    return build(data_dir, graph_file, [_format_of(graph_file)]).graph


def _format_of(path: Path) -> str:
    """The RDF format of a graph file, by its suffix (Turtle when unknown)."""
    return next((f.name for f in RDF_FORMATS.values() if f.suffix == path.suffix), "ttl")


def list_queries() -> list:
    """The saved queries (``queries/*.rq``), each with its name, titles and parameters."""
    from .queries import saved_queries

    return list(saved_queries().values())


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
    graph: Graph | None = None,
    endpoint: str | None = None,
):
    """Answer a saved query (by name), a ``.rq`` file or inline ``text``, on ``graph``
    (default: the built graph) or on a SPARQL 1.1 ``endpoint``. Returns an rdflib Result."""
    from . import sparql

    query_text, saved = resolve_query(query, text)
    bindings = query_bindings(saved, params or {}, lang)
    if endpoint:
        return sparql.run_remote(endpoint, query_text, bindings)
    return sparql.run_query(graph if graph is not None else load_graph(), query_text, bindings)


def result_rows(result) -> list[dict]:
    """A SELECT result as a list of dicts of Python values (None where unbound)."""
    return [
        {str(v): (row[v].toPython() if row[v] is not None else None) for v in result.vars}
        for row in result
    ]


def result_frame(result):
    """A SELECT result as a pandas DataFrame (pandas must be installed)."""
    try:
        import pandas
    except ImportError:
        raise UsageError("result_frame needs pandas: pip install pandas") from None
    return pandas.DataFrame(result_rows(result), columns=[str(v) for v in result.vars])


# --- views and analysis ------------------------------------------------------------

DEFAULT_VIEWS_DIR = Path("build/views")


def overview_view(graph: Graph, lang: str = "ko"):
    """The whole graph: policies, departments, technologies, target groups, partners."""
    from .analysis import OVERVIEW_KINDS, to_networkx
    from .viz import View, limit

    network, left_out = limit(to_networkx(graph, lang, OVERVIEW_KINDS))
    title = "정책 그래프 전체" if lang == "ko" else "The whole policy graph"
    return View("overview", title, network, _left_out_note(left_out, lang))


def focus_view(graph: Graph, key: str, depth: int = 2, max_nodes: int = 2000, lang: str = "ko"):
    """The neighbourhood of one resource (by IRI, id or label), ``depth`` steps out."""
    from .analysis import find_node, focus, to_networkx

    network = to_networkx(graph, lang)
    centre = find_node(network, key)
    around, left_out = focus(network, centre, depth, max_nodes)
    from .viz import View

    label = network.nodes[centre]["label"]
    title = f"{label} 주변 ({depth}단계)" if lang == "ko" else f"Around {label} ({depth} steps)"
    slug = centre.rstrip("/").rsplit("/", 1)[-1]
    return View(f"focus-{slug}", title, around, _left_out_note(left_out, lang))


def department_technology_view(graph: Graph, lang: str = "ko"):
    """Departments × technologies; edge weight = number of policies."""
    from .analysis import department_technology
    from .viz import View

    title = (
        "부서 × 기술 (선 굵기 = 정책 수)"
        if lang == "ko"
        else "Departments × technologies (width = policies)"
    )
    return View("department-technology", title, department_technology(graph, lang), weighted=True)


def query_view(
    graph: Graph, query: str | None = None, text: str | None = None, params=None, lang: str = "ko"
):
    """A CONSTRUCT or DESCRIBE query's answer, drawn as a view."""
    from .analysis import to_networkx
    from .viz import View, limit

    result = run_query(query, text=text, params=params, lang=None, graph=graph)
    if result.type not in ("CONSTRUCT", "DESCRIBE"):
        raise UsageError(
            f"a view needs a CONSTRUCT or DESCRIBE query; this is a {result.type} query"
        )
    network, left_out = limit(to_networkx(result.graph, lang, any_property=True))
    name = Path(query).stem if query else "query"
    return View(
        f"query-{name}",
        f"{'질의' if lang == 'ko' else 'Query'}: {name}",
        network,
        _left_out_note(left_out, lang),
    )


def _left_out_note(left_out: int, lang: str) -> str:
    if not left_out:
        return ""
    if lang == "ko":
        return f"노드가 많아 연결이 많은 노드만 보입니다: {left_out}개는 생략했습니다."
    return f"Too many nodes to draw: the most connected are shown, {left_out} left out."


def write_views(
    views, out_dir: Path | str = DEFAULT_VIEWS_DIR, lang: str = "ko", stats=None
) -> dict[str, Path]:
    """Write each view (and index.html when ``stats`` is given) as UTF-8, atomically."""
    from .viz import index_page, render

    out_dir = Path(out_dir)
    pages = {f"{view.name}.html": render(view, lang) for view in views}
    if stats is not None:
        pages["index.html"] = index_page(views, stats, lang)
    written = {}
    for name, page in pages.items():
        write_atomic(out_dir / name, page.encode("utf-8"))
        written[name] = out_dir / name
    return written


def all_views(graph: Graph, lang: str = "ko") -> list:
    """Every standard view: the overview, departments × technologies, and each saved
    CONSTRUCT query."""
    from .sparql import query_form

    views = [overview_view(graph, lang), department_technology_view(graph, lang)]
    for saved in list_queries():
        if query_form(saved.text) in ("CONSTRUCT", "DESCRIBE"):
            views.append(query_view(graph, saved.name, lang=lang))
    return views


def graph_statistics(graph: Graph, lang: str = "ko"):
    """Counts per kind, central technologies and departments, isolated departments,
    communities of departments (networkx)."""
    from .analysis import statistics

    return statistics(graph, lang)


def export_network(graph: Graph, fmt: str, out: Path | str, lang: str = "ko") -> Path:
    """The overview network as GraphML or GEXF for Gephi and Cytoscape."""
    from .analysis import export, to_networkx

    out = Path(out)
    write_atomic(out, export(to_networkx(graph, lang), fmt))
    return out
