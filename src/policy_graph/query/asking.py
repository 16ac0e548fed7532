"""Answering a query as the public API does: a saved query (by name), a ``.rq`` file or
inline text, with parameters, on a graph, the built graph, or a SPARQL endpoint."""

from __future__ import annotations

from rdflib import Graph

from ..graph.engines import OxigraphView, get_engine
from ..graph.loading import open_store
from ..graph.pipeline import DEFAULT_ENGINE
from . import sparql
from .names import resolve_names
from .saved import query_bindings, resolve_query


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
    return answer(query_text, saved, params, lang, graph, endpoint, engine, limit, offset)


def answer(
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
    """:func:`run_query` of a query already found (its text, and its SavedQuery if saved).
    Parameters that name a resource are looked up where the query runs (see
    :mod:`.names`)."""
    bindings = query_bindings(saved, params or {}, lang)
    given = set(params or {})  # a default is used as it is
    if endpoint:
        bindings = resolve_names(
            saved,
            bindings,
            lambda text: [tuple(row) for row in sparql.run_remote(endpoint, text, {})],
            given,
        )
        return sparql.run_remote(endpoint, query_text, bindings, limit=limit, offset=offset)
    if graph is None:
        chosen, graph = open_store(engine=engine or DEFAULT_ENGINE)
    elif isinstance(graph, OxigraphView):
        chosen, graph = get_engine("oxigraph"), graph.oxigraph
    else:
        chosen = get_engine("rdflib" if isinstance(graph, Graph) else engine or "oxigraph")
    bindings = resolve_names(
        saved,
        bindings,
        lambda text: [tuple(row) for row in sparql.execute(graph, text, None, chosen)],
        given,
    )
    return sparql.execute(graph, query_text, bindings, chosen, limit, offset)
