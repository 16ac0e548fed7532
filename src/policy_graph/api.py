"""The public functions that the CLI and notebooks both call: the same operations as the
``policy-graph`` command. Each is defined by the stage that owns it and gathered here
(see ``docs/architecture.md``); the names below are the public API."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import InputError
from .graph.loading import graph_file_to_serve, load_graph, open_store
from .graph.pipeline import (
    COUNT_QUERY,
    DEFAULT_ENGINE,
    DEFAULT_OUT,
    BuildResult,
    build,
    count_resources,
    validate,
)
from .graph.shacl import record_index, validate_graph
from .graph.triples import build_graph as _graph_of
from .query.asking import run_query
from .query.results import result_frame, result_rows

# Part of the API: `policy-graph queries` lists them without rdflib.
from .query.saved import list_queries, query_bindings, resolve_query
from .records.folder import default_data_dir
from .records.model import Records
from .records.reading import load_records as _load_records
from .views.make import (
    DEFAULT_VIEWS_DIR,
    all_views,
    catalogue_of,
    catalogue_statistics,
    catalogue_views,
    department_technology_view,
    export_network,
    focus_view,
    government_views,
    graph_statistics,
    make_views,
    overview_view,
    query_view,
    saved_query_views,
    write_views,
)

__all__ = [
    "COUNT_QUERY",
    "DEFAULT_ENGINE",
    "DEFAULT_OUT",
    "DEFAULT_VIEWS_DIR",
    "BuildResult",
    "all_views",
    "build",
    "build_graph",
    "catalogue_of",
    "catalogue_statistics",
    "catalogue_views",
    "count_resources",
    "default_data_dir",
    "department_technology_view",
    "export_network",
    "focus_view",
    "government_views",
    "graph_file_to_serve",
    "graph_statistics",
    "list_queries",
    "load_graph",
    "load_records",
    "make_views",
    "open_store",
    "overview_view",
    "query_bindings",
    "query_view",
    "resolve_query",
    "result_frame",
    "result_rows",
    "run_query",
    "saved_query_views",
    "validate",
    "write_views",
]


def load_records(data_dir: Path | str | None = None) -> Records:
    """Load and check the records of ``data_dir``; raise InputError listing every problem."""
    return _load_records(Path(data_dir) if data_dir else default_data_dir())


def build_graph(data_dir: Path | str | None = None, *, validate: bool = True) -> Graph:
    """The validated RDF graph of the records in ``data_dir``, as an rdflib Graph."""
    records = load_records(data_dir)
    graph = _graph_of(records)
    if validate:
        problems = validate_graph(graph, record_index(records))
        if problems:
            raise InputError(problems)
    return graph
