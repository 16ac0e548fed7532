"""Answering a query as the public API does: a saved query (by name), a ``.rq`` file or
inline text, with parameters, on a graph, the built graph, or a SPARQL endpoint; and
as ``policy-graph query`` prints it.

Importing this module loads no rdflib: the command answers a SELECT or an ASK from a
kept store up to date (:mod:`policy_graph.graph.kept_store`) with Oxigraph's terms
and writers alone, which saves most of its start (rdflib alone is 130 ms); anything
else goes through :func:`run_query` and :func:`.results.format_result`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from . import sparql
from .names import resolve_names
from .ready import Looked, current_kept_store, folders_of, request_parts
from .results import SELECT_FORMATS, format_answer, format_result
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
    from rdflib import Graph

    from ..graph.engines import OxigraphView, get_engine
    from ..graph.loading import open_store
    from ..graph.pipeline import DEFAULT_ENGINE

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


class Written(NamedTuple):
    """An answer as ``policy-graph query`` prints it, and an ASK's yes or no (None
    for the other forms)."""

    data: bytes
    ask: bool | None = None


def written_answer(
    query: str | None = None,
    fmt: str | None = None,
    *,
    text: str | None = None,
    params: dict[str, str] | None = None,
    lang: str | None = None,
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = "oxigraph",
    store_dir: Path | str | None = None,
    endpoint: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    looked: Looked | None = None,
) -> Written:
    """The answer to a query (as :func:`run_query` takes it) written in ``fmt`` (see
    :mod:`.results`): what the built graph of ``data_dir`` (opened as
    :func:`policy_graph.graph.loading.open_store` opens it), or ``endpoint``, answers.
    ``looked``: what :func:`.ready.look_for_answer` found of the kept store in this
    run, taken where it looked at the same folders."""
    query_text, saved = resolve_query(query, text)
    store = None
    if endpoint is None and graph_file is None and engine == "oxigraph":
        if looked is not None and looked.folders == folders_of(data_dir, store_dir):
            store = looked.store
        else:
            store = current_kept_store(data_dir, store_dir)
        if store is None:  # built first: then answered from it, as when it was current
            from ..graph.loading import open_kept_store

            store = open_kept_store(data_dir, store_dir)
            start_warming(store)
    if store is not None:
        written = written_by_oxigraph(store, query_text, saved, params, lang, fmt, limit, offset)
        if written is not None:
            return written
    if store is None and endpoint is None:
        from ..graph.loading import open_store

        store = open_store(data_dir, graph_file, engine, store_dir)[1]
    result = answer(query_text, saved, params, lang, store, endpoint, engine, limit, offset)
    return Written(format_result(result, fmt), result.askAnswer if result.type == "ASK" else None)


def written_by_oxigraph(store, query_text, saved, params, lang, fmt, limit, offset):
    """Oxigraph's answer on a kept store, a SELECT's or an ASK's written by
    :func:`.results.format_answer` (a graph's by rdflib); None where a value is an IRI
    that Oxigraph refuses (then rdflib's path says why, as it always has)."""

    from ..graph.prefixes import PREFIXES

    try:
        bindings = query_bindings(saved, params or {}, lang, make=sparql.oxigraph_value)
    except ValueError:
        return None

    def run(text: str):
        return store.query(text, PREFIXES)

    def rows(text: str) -> list[tuple]:
        return [tuple(row) for row in sparql.run_oxigraph(run, text)]

    bindings = resolve_names(saved, bindings, rows, set(params or {}))
    if saved is not None and (fmt or "table") in SELECT_FORMATS:
        fmt = fmt or "table"
        request = None
        if limit is None and not offset:  # as ready.ready_answer is asked for it
            request = request_parts(saved.text, params or {}, lang, fmt)
        return _kept_or_found(store, run, query_text, bindings, fmt, limit, offset, request)
    return _written(sparql.run_oxigraph(run, query_text, bindings, limit, offset), fmt)


def _written(found, fmt) -> Written:
    """Oxigraph's answer written in ``fmt``."""
    import pyoxigraph

    if isinstance(found, pyoxigraph.QueryTriples):
        from ..graph.engines import get_engine

        return Written(format_result(get_engine("oxigraph").result_of(found), fmt))
    yes = bool(found) if isinstance(found, pyoxigraph.QueryBoolean) else None
    return Written(format_answer(found, fmt), yes)


def _kept_or_found(store, run, query_text, bindings, fmt, limit, offset, request) -> Written:
    """A saved query's answer on a kept store, read from the answers kept for the
    store's generation when it is there (see :class:`.kept_store.KeptAnswers`), else
    found and kept: its solutions as SPARQL results JSON (Oxigraph's writer), and the
    bytes of each format asked for, each written from those solutions once. Only SELECT
    answers are kept (an ASK stops at its first solution). Where the answer in ``fmt``
    is kept, it is noted as the answer to ``request`` (:func:`.ready.request_parts`, or
    None), for :func:`.ready.ready_answer`."""
    import pyoxigraph

    from ..graph.prefixes import PREFIXES

    answers = store.answers
    key = answers.key(sparql.oxigraph_text(query_text, bindings, limit, offset), PREFIXES)
    data = answers.read(key, fmt)
    kept = data is not None
    if not kept:
        as_json = pyoxigraph.QueryResultsFormat.JSON
        solutions = answers.read(key, "json")
        kept = solutions is not None
        if not kept:
            found = sparql.run_oxigraph(run, query_text, bindings, limit, offset)
            if not isinstance(found, pyoxigraph.QuerySolutions):
                return _written(found, fmt)
            with sparql.failures_as_query_errors():  # Oxigraph evaluates as it writes
                solutions = found.serialize(format=as_json)
            kept = answers.keep(key, "json", solutions)
        if fmt == "json":
            data = solutions  # what the writer wrote: the same bytes
        else:
            data = format_answer(pyoxigraph.parse_query_results(solutions, format=as_json), fmt)
            kept = answers.keep(key, fmt, data)
    if kept and request is not None:
        answers.note_request(answers.request_key(*request), key)
    return Written(data)


def start_warming(store) -> bool:
    """Start keeping the answers of ``store`` (a kept store's current generation, a
    DiskStore) in the background when worth it; whether a process was started."""
    import os
    import subprocess
    import sys

    from ..graph.kept_store import ANSWERS, WARM_FROM, WARMED

    generation = store.generation
    if os.environ.get("POLICY_GRAPH_WARM") == "0" or generation.triples < WARM_FROM:
        return False
    if (generation.folder / ANSWERS / WARMED).exists():
        return False
    folder = generation.folder.parent
    warming = "policy_graph.query.warming"
    command = [sys.executable, "-m", warming, str(folder), str(generation.number)]
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped with the build's terminal
        )
    except OSError:
        return False
    return True
