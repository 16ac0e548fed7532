"""Answer one SPARQL Protocol request on a graph: check, run, negotiate, format.

Pure of HTTP: :mod:`policy_graph.serve` reads requests and writes responses;
this module decides what a query may do and what its answer looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import QueryError
from .results import MEDIA_TYPES, format_result
from .vocab import GRAPH_IRI

# Media types we answer with, by query form, best first; and the names of ?format=.
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "text/plain": "nt",
}


class RefusedQueryError(QueryError):
    """A query that this read-only endpoint will not run (HTTP 403)."""


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = ()  # more response headers (Vary, Link, Location)


def check_query(text: str) -> tuple[str, object]:
    """The query's form and rdflib's parse of it; a QueryError for bad syntax,
    RefusedQueryError for what reaches outside."""
    from .sparql import QUERY_FORMS, _parse

    parsed = _parse(text)
    if _contains(list(parsed), "ServiceGraphPattern"):
        raise RefusedQueryError("SERVICE is refused: this endpoint answers from its own graph only")
    query = parsed[1]
    # CompValue.get is not dict.get: test for the key, then index.
    clauses = query["datasetClause"] if "datasetClause" in query.keys() else []
    for clause in clauses:
        named = next(iter(clause.values()))
        if named != GRAPH_IRI:
            raise RefusedQueryError(
                f"FROM <{named}> is refused: this endpoint has the one graph <{GRAPH_IRI}>"
            )
    return QUERY_FORMS[query.name], parsed


def _contains(node, name: str) -> bool:
    if isinstance(node, CompValue):
        if node.name == name:
            return True
        return any(_contains(value, name) for value in node.values())
    if isinstance(node, list | tuple | ParseResults):
        return any(_contains(item, name) for item in node)
    return False


def negotiate(form: str, accept: str | None, fmt: str | None) -> str:
    """The result format for a query form, from ``?format=`` or the Accept header."""
    table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SELECT_TYPES
    names = set(table.values())
    if fmt:
        if fmt in names:
            return fmt
        if fmt in table:
            return table[fmt]
        raise QueryError(
            f"unknown format {fmt!r}; this query answers in {', '.join(sorted(names))}"
        )
    default = "ttl" if form in ("CONSTRUCT", "DESCRIBE") else "json"
    best, best_q = None, 0.0
    for position, item in enumerate((accept or "*/*").split(",")):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen = table.get(media) or (
            default if media in ("*/*", "application/*", "text/*") else None
        )
        if chosen and (q > best_q):
            best, best_q = chosen, q - position * 1e-6
    if best is None:
        raise NotAcceptableError(f"cannot answer a {form} query as {accept}")
    return best


class NotAcceptableError(QueryError):
    """No media type of the Accept header suits the query's answer (HTTP 406)."""


def answer(
    engine, store, text: str, parsed, form: str, result_format: str, max_rows: int
) -> Answer:
    """Run ``text`` (``parsed`` and checked by :func:`check_query`) on ``engine``'s
    ``store`` and write it in ``result_format``; SELECT results beyond ``max_rows`` are cut."""
    result = engine.query(store, text, parsed)
    truncated = False
    if form == "SELECT" and max_rows is not None:
        rows = list(result.bindings)
        if len(rows) > max_rows:
            result.bindings = rows[:max_rows]
            truncated = True
    body = format_result(result, result_format)
    media = MEDIA_TYPES.get(result_format, "application/octet-stream")
    if form == "ASK" and result_format not in ("json", "xml"):
        media, body = MEDIA_TYPES["json"], result.serialize(format="json")
    return Answer(200, media, body, truncated)
