"""Answer one SPARQL Protocol query on a graph: read, run, negotiate, write.

Pure of HTTP and run inside a query worker (:mod:`policy_graph.endpoint.workers`), so that
reading a query counts against its time and memory limits like running it does.
:mod:`policy_graph.endpoint.server` reads requests and writes responses.

The text that runs is :func:`~policy_graph.query.canonical.canonical_query`'s: the one
reading that was checked. On Oxigraph, Oxigraph alone parses what runs (rdflib reads
a text only after Oxigraph refused it, to say where it goes wrong), rows are cut at
``max_rows`` as they come, and answers are written by Oxigraph's own serialisers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice

from ..errors import QueryError
from ..graph.vocab import GRAPH_IRI
from ..outputs import RDF_FORMATS
from ..query.canonical import (
    CanonicalQuery,
    RefusedQueryError,
    canonical_query,
    missing_form,
    refuse_parsed_reach,
)
from ..query.results import MEDIA_TYPES

__all__ = ["Answer", "NotAcceptableError", "RefusedQueryError", "answer_query", "negotiate"]

# Result formats: our name → media type (as `query --format` names them, where it
# does). Graph answers of N-Quads and TriG are the N-Triples and Turtle texts: every
# N-Triples document is N-Quads, every Turtle one TriG.
TABLE_MEDIA = {name: MEDIA_TYPES[name] for name in ("json", "xml", "csv", "tsv")}
GRAPH_MEDIA = {
    **{name: MEDIA_TYPES[name] for name in ("ttl", "nt", "jsonld")},
    "rdfxml": RDF_FORMATS["xml"].media_type,
    "nq": "application/n-quads",
    "trig": RDF_FORMATS["trig"].media_type,
    "n3": "text/n3; charset=utf-8",
}
# What clients send: media types in Accept, names in ?format= or ?output= (the names
# Fuseki and SPARQLWrapper use: "turtle", "xml", "json-ld", "rdf+xml" …).
TABLE_NAMES = {
    "json": "json", "srj": "json", "application/sparql-results+json": "json",
    "application/json": "json", "text/json": "json",
    "xml": "xml", "srx": "xml", "application/sparql-results+xml": "xml",
    "application/xml": "xml", "text/xml": "xml",
    "csv": "csv", "text/csv": "csv",
    "tsv": "tsv", "text/tab-separated-values": "tsv", "text": "tsv", "text/plain": "tsv",
}  # fmt: skip
GRAPH_NAMES = {
    "ttl": "ttl", "turtle": "ttl", "text/turtle": "ttl", "application/x-turtle": "ttl",
    "n3": "n3", "text/n3": "n3", "text/rdf+n3": "n3",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt", "application/n-triples": "nt",
    "text/plain": "nt",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "xml": "rdfxml", "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml", "application/rdf+xml": "rdfxml", "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "nq": "nq", "nquads": "nq", "n-quads": "nq", "application/n-quads": "nq",
    "trig": "trig", "application/trig": "trig",
}  # fmt: skip
MAX_NESTING = 200  # brackets inside brackets: deeper texts make parsers recurse too far
_OXIGRAPH_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


class NotAcceptableError(QueryError):
    """No media type of the Accept header suits the query's answer (HTTP 406)."""


TRUNCATED_HEADER = "Policy-Graph-Truncated"  # on an answer that was cut: what it holds


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = field(default=())
    size: int | None = None  # the body's length when it comes in ``file`` (a large one)
    file: object = None  # a binary file holding the body (on the server's side only)

    @property
    def length(self) -> int:
        return len(self.body) if self.size is None else self.size


def cut(answer: Answer, what: str) -> Answer:
    """``answer``, marked as holding only ``what`` ("the first 25 rows")."""
    header = (TRUNCATED_HEADER, f"true; only {what} are sent")
    return replace(answer, truncated=True, headers=(*answer.headers, header))


def answer_query(
    engine, store, text: str, accept: str | None, fmt: str | None, max_rows: int | None,
    max_triples: int | None = None,
) -> Answer:  # fmt: skip
    """The HTTP answer to ``text`` on ``engine``'s ``store``: rows beyond ``max_rows``
    and triples beyond ``max_triples`` are cut (and the answer says so); errors are
    answers too (400, 403, 406)."""
    caps = (max_rows, max_triples)
    try:
        query = _readable(text)
        if engine.name == "oxigraph":
            return _answer_oxigraph(engine, store, query, accept, fmt, caps)
        return _answer_rdflib(engine, store, query, accept, fmt, caps)
    except RefusedQueryError as error:
        return plain(403, str(error))
    except NotAcceptableError as error:
        return plain(406, str(error))
    except QueryError as error:
        return plain(400, str(error))


def answer_saved_query(
    engine, store, name: str, params: dict, accept, fmt, max_rows: int | None,
    max_triples: int | None = None,
) -> Answer:  # fmt: skip
    """The answer to the saved query ``name`` with ``params`` (a parameter that names
    a resource takes its IRI, id or any name: see query/names.py): 404 for a query
    that is not saved, 400 for a parameter it does not take or a name that names
    nothing or several things (the message lists them)."""
    from ..errors import UsageError
    from ..query import sparql
    from ..query.names import resolve_names
    from ..query.saved import find_saved_query, query_bindings

    try:
        saved = find_saved_query(name)
    except UsageError as error:
        return plain(404, str(error))
    try:
        bindings = query_bindings(saved, params, None)
        bindings = resolve_names(
            saved,
            bindings,
            lambda text: [tuple(row) for row in sparql.execute(store, text, None, engine)],
            set(params),
            named="parameter {}",
        )
        text = sparql.bind(saved.text, bindings)
    except (UsageError, QueryError) as error:
        return plain(400, str(error))
    return answer_query(engine, store, text, accept, fmt, max_rows, max_triples)


@lru_cache(maxsize=256)
def _readable(text: str) -> CanonicalQuery:
    """The text to run, checked; kept for the texts asked most (editors and
    dashboards send the same query again and again). Errors are not kept."""
    query = canonical_query(text, str(GRAPH_IRI))
    _check_nesting(query)
    return query


def plain(status: int, message: str, headers: tuple = ()) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", f"{message}\n".encode(), headers=headers)


def negotiate(form: str, accept: str | None, fmt: str | None) -> str:
    """Our name of the format to answer a ``form`` query in, from ``?format=`` (a name
    or a media type) or else the Accept header (q-values honoured, first wins ties)."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    names = GRAPH_NAMES if graph else TABLE_NAMES
    if fmt:
        chosen = names.get(fmt.strip().lower())
        if chosen is None:
            offered = ", ".join(sorted(GRAPH_MEDIA if graph else TABLE_MEDIA))
            raise QueryError(f"unknown format {fmt[:40]!r}; a {form} query answers in {offered}")
        return chosen
    default = "ttl" if graph else "json"
    best, best_q = None, 0.0
    for position, (media, q) in enumerate(media_ranges(accept or "*/*")):
        chosen = names.get(media) or (
            default if media in ("*/*", "application/*", "text/*") else None
        )
        if chosen and q - position * 1e-6 > best_q:
            best, best_q = chosen, q - position * 1e-6
    if best is None:
        raise NotAcceptableError(
            f"cannot answer a {form} query as {accept[:80]}; ask for one of "
            + ", ".join(GRAPH_MEDIA.values() if graph else TABLE_MEDIA.values())
        )
    return best


def media_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, lower case, each with its q (0 to 1)."""
    ranges = []
    for item in accept.split(","):
        media, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if media.strip():
            ranges.append((media.strip().lower(), q))
    return ranges


def _check_nesting(query: CanonicalQuery) -> None:
    if query.nesting > MAX_NESTING:
        raise QueryError(
            f"the query nests brackets {query.nesting} deep; at most {MAX_NESTING} can be read"
        )


# --- Oxigraph ---------------------------------------------------------------------


def _answer_oxigraph(engine, store, query: CanonicalQuery, accept, fmt, caps) -> Answer:
    ox = engine.ox
    try:
        result = engine.run(store, query.text)
    except SyntaxError as error:
        message = missing_form(query) or _located_syntax_error(query)
        raise QueryError(message or _oxigraph_syntax_error(query, str(error))) from None
    except (OSError, RuntimeError) as error:  # Oxigraph's words for a failure while evaluating
        raise QueryError(f"the query failed: {error}") from None
    try:
        return _oxigraph_answer(ox, result, accept, fmt, caps)
    except (OSError, RuntimeError) as error:  # … and while its answer is made
        raise QueryError(f"the query failed: {error}") from None


def _oxigraph_answer(ox, result, accept, fmt, caps) -> Answer:
    max_rows, max_triples = caps
    if isinstance(result, ox.QueryBoolean):
        chosen = negotiate("ASK", accept, fmt)
        return Answer(200, TABLE_MEDIA[chosen], result.serialize(format=_table_format(ox, chosen)))
    if isinstance(result, ox.QuerySolutions):
        chosen = negotiate("SELECT", accept, fmt)
        return _solutions(ox, result, chosen, max_rows)
    chosen = negotiate("CONSTRUCT", accept, fmt)
    triples = list(islice(result, max_triples + 1)) if max_triples is not None else result
    body = ox.serialize(
        triples[:max_triples] if max_triples is not None else triples,
        format=_graph_format(ox, chosen),
        prefixes=_prefixes(chosen),
    )
    answer = Answer(200, GRAPH_MEDIA[chosen], body)
    if max_triples is not None and len(triples) > max_triples:
        return cut(answer, f"the first {max_triples} triples")
    return answer


LOCATE_UP_TO = 20_000  # characters: rdflib's parser takes seconds on longer texts


def _located_syntax_error(query: CanonicalQuery) -> str | None:
    """Where a text that Oxigraph cannot read goes wrong, as rdflib's parser finds it:
    at the start of the clause or pattern that cannot be read (Oxigraph's own position
    is mostly the end of the text). None when rdflib reads it, or it is too long."""
    if len(query.text) > LOCATE_UP_TO:
        return None
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query.text)
    except ParseException as error:
        return _syntax_error_at(query, error.lineno, error.col, "end of text" in error.msg)
    except RecursionError:
        return None
    return None


def _syntax_error_at(query: CanonicalQuery, line: int, column: int, too_long: bool) -> str:
    line, column = query.where(line, column)
    source_line = _LINES.split(query.source)[line - 1] if query.source else ""
    near = source_line[column - 1 : column - 1 + 24].rstrip()
    what = "the query should end before this" if too_long else "this cannot be read as SPARQL"
    where = f"line {line}, column {column}"
    return f"SPARQL syntax error at {where}" + (f", near {near!r}: " if near else ": ") + what


_LINES = re.compile(r"\r\n|\r|\n")


def _oxigraph_syntax_error(query: CanonicalQuery, message: str) -> str:
    found = _OXIGRAPH_ERROR.match(message)
    if not found:
        return f"SPARQL syntax error: {message}"
    line, column = query.where(int(found.group(1)), int(found.group(2)))
    return f"SPARQL syntax error at line {line}, column {column}: {found.group(3).strip()}"


def _solutions(ox, result, chosen: str, max_rows: int | None) -> Answer:
    """The first ``max_rows`` rows, as Oxigraph makes them, written by Oxigraph.

    Its TSV writer puts one row on each line and writes as the rows come: the lines
    are counted as they arrive, and the writing stopped once more rows than
    ``max_rows`` are there (a huge SELECT is never evaluated whole). The rows kept are
    then written in the format asked for, by Oxigraph too."""
    tsv = ox.QueryResultsFormat.TSV
    if max_rows is None:
        return Answer(200, TABLE_MEDIA[chosen], result.serialize(format=_table_format(ox, chosen)))
    kept = _FirstLines(max_rows + 1)  # the header line and max_rows rows
    try:
        result.serialize(kept, format=tsv)
    except _EnoughRowsError:
        pass
    body, truncated = kept.text(), kept.more
    if chosen != "tsv":
        body = ox.parse_query_results(body, format=tsv).serialize(format=_table_format(ox, chosen))
    answer = Answer(200, TABLE_MEDIA[chosen], body)
    return cut(answer, f"the first {max_rows} rows") if truncated else answer


class _EnoughRowsError(Exception):
    """Raised into Oxigraph's writer to stop it: the rows wanted are there."""


class _FirstLines:
    """A binary file that keeps the first ``count`` lines written to it."""

    def __init__(self, count: int) -> None:
        self.count, self.parts, self.lines, self.more = count, [], 0, False

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.count:
            self.more = True
            raise _EnoughRowsError
        return len(data)

    def flush(self) -> None:
        pass  # nothing is written anywhere: text() joins the parts

    def text(self) -> bytes:
        whole = b"".join(self.parts)
        if not self.more:
            return whole
        end = -1
        for _ in range(self.count):
            end = whole.index(b"\n", end + 1)
        return whole[: end + 1]


def _table_format(ox, chosen: str):
    return getattr(ox.QueryResultsFormat, chosen.upper())


def _graph_format(ox, chosen: str):
    formats = ox.RdfFormat
    return {
        "ttl": formats.TURTLE,
        "n3": formats.TURTLE,
        "trig": formats.TURTLE,
        "nt": formats.N_TRIPLES,
        "nq": formats.N_TRIPLES,
        "jsonld": formats.JSON_LD,
        "rdfxml": formats.RDF_XML,
    }[chosen]


def _prefixes(chosen: str) -> dict | None:
    if chosen in ("ttl", "n3", "trig", "rdfxml"):
        from ..graph.vocab import prefixes

        return {name: str(namespace) for name, namespace in prefixes().items()}
    return None


# --- rdflib -------------------------------------------------------------------------


def _answer_rdflib(engine, store, query: CanonicalQuery, accept, fmt, caps) -> Answer:
    from ..query.results import format_result
    from ..query.sparql import QUERY_FORMS

    max_rows, max_triples = caps
    parsed = _rdflib_parse(query)
    refuse_parsed_reach(parsed, str(GRAPH_IRI))
    form = QUERY_FORMS[parsed[1].name]
    chosen = negotiate(form, accept, fmt)
    try:
        result = engine.query(store, query.text, parsed)
        truncated = False
        if form == "SELECT" and max_rows is not None:
            rows = list(islice(result.bindings, max_rows + 1))
            truncated = len(rows) > max_rows
            result.bindings = rows[:max_rows]
    except RecursionError:
        raise QueryError(_TOO_DEEP) from None
    except QueryError:
        raise
    except Exception as error:  # noqa: BLE001 - rdflib raises many kinds at evaluation
        raise QueryError(f"the query failed: {error}") from None
    if form == "ASK":
        return Answer(200, TABLE_MEDIA[chosen], _boolean(engine, result.askAnswer, chosen))
    if form == "SELECT":
        answer = Answer(200, TABLE_MEDIA[chosen], format_result(result, chosen))
        return cut(answer, f"the first {max_rows} rows") if truncated else answer
    graph = result.graph
    if max_triples is not None and len(graph) > max_triples:
        from rdflib import Graph

        kept = Graph(namespace_manager=graph.namespace_manager)
        for triple in islice(graph, max_triples):
            kept.add(triple)
        graph, truncated = kept, True
    rdflib_format = {"ttl": "turtle", "n3": "turtle", "trig": "turtle", "nt": "nt11",
                     "nq": "nt11", "jsonld": "json-ld", "rdfxml": "xml"}[chosen]  # fmt: skip
    answer = Answer(
        200, GRAPH_MEDIA[chosen], graph.serialize(format=rdflib_format, encoding="utf-8")
    )
    return cut(answer, f"the first {max_triples} triples") if truncated else answer


def _boolean(engine, value: bool, chosen: str) -> bytes:
    """An ASK answer in ``chosen``, written by Oxigraph's writers (as the Oxigraph
    engine answers: ``true`` alone in CSV and TSV)."""
    import pyoxigraph as ox

    answer = ox.parse_query_results(
        f'{{"head":{{}},"boolean":{"true" if value else "false"}}}',
        format=ox.QueryResultsFormat.JSON,
    )
    return answer.serialize(format=getattr(ox.QueryResultsFormat, chosen.upper()))


_TOO_DEEP = "the query is nested too deeply for the rdflib engine; serve it with --engine oxigraph"


def _rdflib_parse(query: CanonicalQuery):
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(query.text)
    except ParseException as error:
        too_long = "end of text" in error.msg
        message = missing_form(query) or _syntax_error_at(query, error.lineno, error.col, too_long)
        raise QueryError(message) from None
    except RecursionError:
        raise QueryError(_TOO_DEEP) from None
