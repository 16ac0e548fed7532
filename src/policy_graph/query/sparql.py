"""Run SPARQL queries on a graph or on any SPARQL 1.1 endpoint.

Parameters are bound by a ``VALUES`` block placed first in the query's WHERE
group, so that the same text means the same on rdflib, Virtuoso or Fuseki, and
every FILTER of that group sees the bound values; on Oxigraph, copies of it go into
the nested groups and subqueries that give the same answer with it (:mod:`.groups`).
Each value is an RDF term of rdflib's or Oxigraph's, written in SPARQL's syntax by
its library: a value with quotes or braces stays one literal and can never change
the query. Binding and
paging read and write text only: what answers from a kept store imports no rdflib.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import FileError, QueryError, UsageError
from .opaque import SKIPPED

if TYPE_CHECKING:
    from rdflib.query import Result

QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def parse_value(text: str):
    """A parameter value from the command line, as rdflib's term: ``<iri>`` is an IRI
    (URIRef), anything else a literal."""
    from rdflib import Literal, URIRef

    if _names_iri(text):
        return URIRef(text[1:-1])
    return Literal(text)


def oxigraph_value(text: str):
    """:func:`parse_value` as Oxigraph's term; ValueError for an IRI that Oxigraph
    refuses (not absolute, or with spaces: :func:`bind` says why, in rdflib's terms)."""
    import pyoxigraph

    if _names_iri(text):
        return pyoxigraph.NamedNode(text[1:-1])
    return pyoxigraph.Literal(text)


def _names_iri(text: str) -> bool:
    return text.startswith("<") and text.endswith(">") and len(text) > 2


def term_text(term) -> str:
    """A term of rdflib's or Oxigraph's in SPARQL's syntax (``<iri>``, ``"text"@ko`` …)."""
    n3 = getattr(term, "n3", None)  # rdflib's; Oxigraph's str() is N-Triples
    return n3() if n3 is not None else str(term)


def term_value(term) -> str:
    """An IRI's text or a literal's lexical form, of a term of either library."""
    return str(term) if hasattr(term, "n3") else term.value


def is_iri(term) -> bool:
    """Whether a term of either library is an IRI."""
    if hasattr(term, "n3"):
        from rdflib import URIRef

        return isinstance(term, URIRef)
    import pyoxigraph

    return isinstance(term, pyoxigraph.NamedNode)


def iri_like(term, iri: str):
    """The IRI ``iri`` as a term of ``term``'s library."""
    if hasattr(term, "n3"):
        from rdflib import URIRef

        return URIRef(iri)
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; a QueryError says where the syntax breaks."""
    return QUERY_FORMS[_parse(text)[1].name]


def bind(text: str, bindings: Mapping | None, into_groups: bool = False) -> str:
    """``text`` with a VALUES block, first in its WHERE group, binding ``bindings``.
    With ``into_groups``, a copy of it (with the variables each takes) goes first in
    each nested group and subquery that gives the same answer so too (see
    :mod:`.groups`): Oxigraph evaluates those on their own, and then starts them from
    the bound values instead of finding every value's rows first (rdflib lets the
    WHERE group's values into them itself, and counts an empty group as one row).

    The text is not parsed here: :func:`execute` parses the bound text once."""
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        _check_value(name, bindings[name])
    at = _where_brace(text)
    blocks = [(at, names)]
    if into_groups:
        from .groups import groups_taking  # its tokens' pattern: only where it is used

        blocks += groups_taking(text, at, names)
    for brace, taken in sorted(blocks, reverse=True):
        text = f"{text[: brace + 1]}\n  {_values(taken, bindings)}\n{text[brace + 1 :]}"
    return text


def oxigraph_text(text: str, bindings=None, limit: int | None = None, offset: int = 0) -> str:
    """``text`` bound and paged as Oxigraph runs it (see :func:`bind`, :func:`page`)."""
    return page(bind(text, bindings, into_groups=True), limit, offset)


def _values(names, bindings: Mapping) -> str:
    variables = " ".join(f"?{name}" for name in names)
    terms = " ".join(term_text(bindings[name]) for name in names)
    return f"VALUES ({variables}) {{ ({terms}) }}"


_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')


def _check_value(name: str, value) -> None:
    if not re.fullmatch(r"\w+", name):
        raise QueryError(f"{name!r} is not a SPARQL variable name")
    if is_iri(value) and not _IRI.fullmatch(term_value(value)):
        raise QueryError(f"parameter {name}: <{value}> is not an IRI (no spaces, <, >, quotes)")


_FORM = re.compile(r"(?i)(?<![\w:?$])(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![\w:])")


def _where_brace(text: str) -> int:
    """The index of the ``{`` that opens the query's WHERE group."""
    depth, opened, position = 0, [], 0
    keyword_where = re.compile(r"(?i)\bWHERE\b")
    where_at = form = None
    while position < len(text):
        skipped = SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        char = text[position]
        if depth == 0 and form is None and (keyword := _FORM.match(text, position)):
            form = keyword.group(1).upper()
        if depth == 0 and where_at is None and keyword_where.match(text, position):
            where_at = position
        if char == "{":
            if depth == 0:
                opened.append((position, where_at))
            depth += 1
        elif char == "}":
            depth -= 1
        position += 1
    if form == "CONSTRUCT":
        if len(opened) > 1 and opened[0][1] is None:
            return opened[1][0]  # the first group is the template
        raise QueryError("the short form CONSTRUCT WHERE { … } cannot take parameters")
    if not opened:
        raise QueryError("this query has no WHERE group to bind parameters in")
    return opened[0][0]


_LIMIT_OFFSET = re.compile(r"(?i)(?<![\w:?$])(LIMIT|OFFSET)\s*(\d+)")
_TRAILING_VALUES = re.compile(r"(?i)(?<![\w:?$])VALUES(?![\w:])")


def page(text: str, limit: int | None = None, offset: int = 0) -> str:
    """``text`` answering rows ``offset`` to ``offset + limit`` of its own answer (all
    of them from ``offset`` where ``limit`` is None).

    A LIMIT and OFFSET of the query's own are folded in (rows 10-19 of a query that
    says ``LIMIT 50 OFFSET 100`` are ``LIMIT 10 OFFSET 110``), so that a page is always
    a slice of the answer the query gives unpaged. The clauses go where the grammar
    puts them: after ORDER BY, before a trailing VALUES block. Only a SELECT is paged:
    a graph or a yes/no answer has no rows to count."""
    if limit is None and not offset:
        return text
    if (limit is not None and limit < 0) or offset < 0:
        raise UsageError("--limit and --offset take a number of rows, 0 or more")
    form, tail = _form_and_tail(text)
    if form is None:
        raise QueryError("this text has no SELECT, CONSTRUCT, ASK or DESCRIBE to page")
    if form != "SELECT":
        article = "an" if form == "ASK" else "a"
        raise UsageError(
            f"--limit and --offset page the rows of a SELECT; this is {article} {form} query"
        )
    own_limit, own_offset, spans, values_at = _solution_modifiers(text, tail)
    new_offset = own_offset + offset
    if own_limit is None:
        new_limit = limit
    else:
        left = max(own_limit - offset, 0)
        new_limit = left if limit is None else min(limit, left)
    clause = (f"LIMIT {new_limit} " if new_limit is not None else "") + f"OFFSET {new_offset}"
    at = spans[0][0] if spans else values_at if values_at is not None else len(text)
    pieces, previous = [], 0
    for start, end in spans:
        pieces.append(text[previous:start])
        previous = end
    rest = "".join(pieces) + text[previous:]
    return f"{rest[:at]}\n{clause}\n{rest[at:]}"


def _form_and_tail(text: str) -> tuple[str | None, int]:
    """The query's form and the index just after its WHERE group closes (brackets are
    counted too: an ``EXISTS { … }`` in the projection is inside parentheses)."""
    depth, position, form, tail = 0, 0, None, len(text)
    while position < len(text):
        skipped = SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        if depth == 0 and form is None and (keyword := _FORM.match(text, position)):
            form = keyword.group(1).upper()
        char = text[position]
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
            if char == "}" and depth == 0 and form is not None:
                return form, position + 1
        position += 1
    return form, tail


def _solution_modifiers(text: str, tail: int):
    """The query's own LIMIT and OFFSET after ``tail`` (None and 0 where absent),
    their spans, and where a trailing VALUES block starts (None if none)."""
    own_limit, own_offset, spans, values_at = None, 0, [], None
    depth, position = 0, tail
    while position < len(text):
        skipped = SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        if depth == 0:
            if clause := _LIMIT_OFFSET.match(text, position):
                if clause.group(1).upper() == "LIMIT":
                    own_limit = int(clause.group(2))
                else:
                    own_offset = int(clause.group(2))
                spans.append(clause.span())
                position = clause.end()
                continue
            if values_at is None and _TRAILING_VALUES.match(text, position):
                values_at = position
        if text[position] in "({[":
            depth += 1
        elif text[position] in ")}]":
            depth -= 1
        position += 1
    return own_limit, own_offset, spans, values_at


# rdflib's SPARQL parser (pyparsing) is not safe to run from several threads at once:
# threads of one program (a notebook's, say) take turns. The endpoint's workers are
# processes of their own and never wait here.
PARSER_LOCK = threading.Lock()


def _parse(text: str):
    with PARSER_LOCK:
        return _parse_unlocked(text)


def _parse_unlocked(text: str):
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseException as error:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(
                f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}"
            ) from None
        raise QueryError("this is a SPARQL Update; policy-graph answers queries only") from None


def prepare(
    text: str, bindings: Mapping | None = None, limit: int | None = None, offset: int = 0
) -> tuple[str, object]:
    """``text`` bound (see :func:`bind`), paged (see :func:`page`) and parsed once; a
    syntax error is reported where the user wrote it, not where the VALUES block moved it."""
    try:
        bound = page(bind(text, bindings), limit, offset)
        return bound, _parse(bound)
    except QueryError:
        _parse(text)  # raises the user's own syntax error, if there is one
        raise


def execute(
    graph,
    text: str,
    bindings: Mapping | None = None,
    engine=None,
    limit: int | None = None,
    offset: int = 0,
) -> Result:
    """Answer ``text`` on ``graph`` (an rdflib Graph, or ``engine``'s store), with
    ``bindings`` bound (see :func:`bind`), rows ``offset`` to ``offset + limit`` only
    where given (see :func:`page`). Our prefixes (:func:`policy_graph.graph.vocab.prefixes`)
    are declared on every engine.

    rdflib's engine runs rdflib's parse of the bound text. Oxigraph reads the text
    itself: rdflib parses it only when Oxigraph cannot, so that a syntax error is still
    reported where the user wrote it (rdflib's parse took 70-100 ms of every saved
    query, more than Oxigraph takes to answer one government's)."""
    if engine is None:
        from ..graph.engines import get_engine

        engine = get_engine("rdflib")
    if engine.name == "oxigraph":
        run = lambda bound: engine.query(graph, bound)  # noqa: E731
        return run_oxigraph(run, text, bindings, limit, offset)
    with failures_as_query_errors():
        bound, parsed = prepare(text, bindings, limit, offset)
        return engine.query(graph, bound, parsed)


def run_oxigraph(run, text: str, bindings=None, limit: int | None = None, offset: int = 0):
    """``run(bound)``: Oxigraph's answer to ``text`` bound and paged (see
    :func:`execute`), which Oxigraph reads itself. Where it cannot (a SyntaxError, or a
    QueryError from ``run``), rdflib parses the text as the user wrote it and says where
    it breaks."""
    with failures_as_query_errors():
        try:
            bound = oxigraph_text(text, bindings, limit, offset)
            try:
                return run(bound)
            except SyntaxError as error:
                raise QueryError(f"SPARQL syntax error: {error}") from None
        except QueryError:
            prepare(text, bindings, limit, offset)  # raises rdflib's error, where it finds one
            raise


@contextlib.contextmanager
def failures_as_query_errors():
    """The stores raise many kinds of errors at evaluation: each is a QueryError (a kept
    store that cannot be opened is a FileError, see kept_store.DiskStore)."""
    try:
        yield
    except (QueryError, UsageError, FileError):
        raise
    except Exception as error:
        raise QueryError(f"the query failed: {error}") from error


ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.9",
    "DESCRIBE": "application/n-triples, text/turtle;q=0.9",
}


def run_remote(
    endpoint: str,
    text: str,
    bindings: Mapping | None = None,
    timeout: float = 60,
    limit: int | None = None,
    offset: int = 0,
) -> Result:
    """Send ``text`` to a SPARQL 1.1 endpoint and parse its answer as an rdflib Result
    (paged as :func:`execute` pages it)."""
    import urllib.error
    import urllib.request

    bound, parsed = prepare(text, bindings, limit, offset)
    form = QUERY_FORMS[parsed[1].name]
    import urllib.parse

    # The URL-encoded POST: the one form of the protocol that every store accepts.
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": bound}).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": ACCEPT[form],
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            content_type = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace").strip().splitlines()[:3]
        raise QueryError(
            f"{endpoint} answered {error.code} {error.reason}: {' '.join(detail)}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise QueryError(f"cannot reach {endpoint}: {getattr(error, 'reason', error)}") from None
    return _parse_response(form, body, content_type)


def _parse_response(form: str, body: bytes, content_type: str) -> Result:
    import io

    from rdflib import Graph
    from rdflib.query import Result

    if form in ("CONSTRUCT", "DESCRIBE"):
        rdf_format = {"application/n-triples": "nt", "text/plain": "nt"}.get(content_type, "turtle")
        result = Result(form)
        result.graph = Graph().parse(data=body, format=rdf_format)
        return result
    result_format = "xml" if "xml" in content_type else "json"
    result = Result.parse(io.BytesIO(body), format=result_format)
    if form == "ASK" and result.type == "SELECT":
        result = _virtuoso_ask(result)
    return result


def _virtuoso_ask(result: Result) -> Result:
    """Virtuoso 7.2 answers an ASK as a one-row SELECT of ``?__ASK_RETVAL`` (1 or 0)."""
    from rdflib.query import Result

    if [str(v) for v in result.vars] != ["__ASK_RETVAL"]:
        raise QueryError("the endpoint answered an ASK query with a table")
    ask = Result("ASK")
    ask.askAnswer = any(bool(int(row[0])) for row in result)
    return ask
