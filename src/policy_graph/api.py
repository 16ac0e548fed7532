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
