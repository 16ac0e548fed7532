"""policy-graph: public-sector policy records → a validated RDF knowledge graph.

The public API (the same operations as the ``policy-graph`` command)::

    from policy_graph import build_graph, run_query, result_rows
    graph = build_graph("data")          # an rdflib Graph, validated
    rows = result_rows(run_query("policies-per-department", graph=graph))
"""

from __future__ import annotations

from .version import __version__ as __version__

__all__ = [
    "BuildResult",
    "GraphNote",
    "InputError",
    "PolicyGraphError",
    "Problem",
    "QueryError",
    "StaleGraphNote",
    "UsageError",
    "build",
    "build_graph",
    "list_queries",
    "load_graph",
    "load_records",
    "result_frame",
    "result_rows",
    "run_query",
    "validate",
]


def __getattr__(name: str):
    # Import the API (and rdflib with it) only when it is used, so that the CLI starts fast.
    errors_names = ("GraphNote", "InputError", "PolicyGraphError", "Problem", "QueryError")
    if name in (*errors_names, "StaleGraphNote", "UsageError"):
        from . import errors

        return getattr(errors, name)
    if name == "list_queries":  # reads .rq headers only: no rdflib
        from .query.saved import list_queries

        return list_queries
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'policy_graph' has no attribute {name!r}")
