"""Query results in the formats researchers read: a table, Markdown, and the four
SPARQL 1.1 result formats (JSON, XML, CSV, TSV) as their specifications write them;
and SELECT rows as Python values, for notebooks.

:func:`format_result` writes an rdflib Result (what :func:`policy_graph.api.run_query`
answers); :func:`format_answer` writes Oxigraph's own answer, the same bytes, without
rdflib (what ``policy-graph query`` prints from a kept store)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from ..errors import UsageError
from .tables import XSD, display_width, markdown, table

if TYPE_CHECKING:
    from rdflib.query import Result

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
STANDARD_FORMATS = ("csv", "tsv", "json", "xml")  # the SPARQL 1.1 results formats
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


def format_result(result: Result, fmt: str | None) -> bytes:
    """``result`` as bytes in ``fmt`` (the default suits its query form); IRIs in tables
    are shortened with our prefixes (see :mod:`.tables`)."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _graph_bytes(result, fmt)
    if result.type == "ASK":
        return ask_bytes(result.askAnswer, fmt)
    fmt = _select_format(fmt)
    if fmt in STANDARD_FORMATS:
        # Oxigraph's answer, written by Oxigraph while none of its rows were read: no
        # rdflib term is made (see engines.OxigraphSelect).
        written = getattr(result, "written", None)
        data = written(fmt) if written is not None else None
        if data is not None:
            return data
    if fmt in ("json", "csv"):
        return result.serialize(format=fmt, encoding="utf-8")
    rows = [[row[str(v)] for v in result.vars] for row in result]
    variables = [str(v) for v in result.vars]
    if fmt == "tsv":
        return _tsv(variables, rows).encode("utf-8")
    if fmt == "xml":
        return _xml(variables, rows).encode("utf-8")
    return markdown(variables, rows) if fmt == "md" else table(variables, rows)


def format_answer(answer, fmt: str | None) -> bytes:
    """Oxigraph's answer to a SELECT or an ASK (QuerySolutions, QueryBoolean) as bytes
    in ``fmt``, as :func:`format_result` writes the same answer: the standard formats
    by Oxigraph's writers, the table and Markdown from Oxigraph's terms."""
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return ask_bytes(bool(answer), fmt)
    fmt = _select_format(fmt)
    if fmt in STANDARD_FORMATS:
        return answer.serialize(format=getattr(pyoxigraph.QueryResultsFormat, fmt.upper()))
    variables = [variable.value for variable in answer.variables]
    rows = [list(solution) for solution in answer]
    return markdown(variables, rows) if fmt == "md" else table(variables, rows)


def ask_bytes(answer: bool, fmt: str | None) -> bytes:
    """A yes/no answer: ``true`` or ``false`` on a line; in JSON and XML, the bytes
    that rdflib's writers write."""
    word = "true" if answer else "false"
    if fmt == "json":
        return f'{{"head": {{}}, "boolean": {word}}}'.encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/'
            'sparql-results#" xmlns:xml="http://www.w3.org/XML/1998/namespace"><head></head>'
            f"<boolean>{word}</boolean></sparql>"
        ).encode()
    return f"{word}\n".encode()


def _select_format(fmt: str | None) -> str:
    fmt = fmt or "table"
    if fmt not in SELECT_FORMATS:
        raise UsageError(f"a SELECT answer is a table: use --format {'|'.join(SELECT_FORMATS)}")
    return fmt


def _graph_bytes(result: Result, fmt: str | None) -> bytes:
    from ..graph.vocab import prefixes
    from ..outputs import serialise

    fmt = fmt or "ttl"
    if fmt not in GRAPH_FORMATS:
        raise UsageError(
            f"a {result.type} answer is a graph: use --format {'|'.join(GRAPH_FORMATS)}"
        )
    graph = result.graph
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace, override=False)
    return serialise(graph, fmt)


def _tsv(variables: list[str], rows: list[list]) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in Turtle syntax, unbound as empty."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if term is None else _tsv_term(term) for term in row))
    return "\n".join(lines) + "\n"


# Numbers and booleans that Turtle writes bare, as Oxigraph's TSV writes them (so that
# both engines write the same bytes): the lexical form must match Turtle's own token.
_BARE = {
    f"{XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{XSD}double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    f"{XSD}boolean": re.compile(r"true|false"),
}


def _tsv_term(term) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        bare = _BARE.get(str(term.datatype)) if term.datatype else None
        if bare is not None and bare.fullmatch(term):
            return str(term)
        text = term.n3()
        return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def _xml(variables: list[str], rows: list[list]) -> str:
    """SPARQL Query Results XML. Not rdflib's writer: it writes a literal that is false
    as a value (0, false) as empty text."""
    out = io.StringIO()
    out.write('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    out.write("<head>" + "".join(f'<variable name="{v}"/>' for v in variables) + "</head>")
    out.write("<results>")
    for row in rows:
        out.write("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                out.write(f'<binding name="{name}">{_xml_term(term)}</binding>')
        out.write("</result>")
    out.write("</results></sparql>")
    return out.getvalue()


def _xml_term(term) -> str:
    from xml.sax.saxutils import escape, quoteattr  # urllib.request: not at start

    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if term.language:
        attribute = f' xml:lang="{escape(term.language)}"'
    elif term.datatype:
        attribute = f" datatype={quoteattr(str(term.datatype))}"
    else:
        attribute = ""
    return f"<literal{attribute}>{escape(str(term))}</literal>"


__all__ = ["format_result", "display_width"]


def result_rows(result) -> list[dict]:
    """A SELECT result as a list of dicts of Python values (None where unbound).

    Decimals come in canonical form (``Decimal('20000000000')``, ``Decimal('2.5')``),
    so that rows are the same whichever engine wrote or holds the graph: rdflib keeps
    the lexical form it read ("20000000000.0"), Oxigraph keeps the value."""
    return [{str(v): _python_value(row[v]) for v in result.vars} for row in result]


def _python_value(term):
    from decimal import Decimal  # notebooks' rows only: start-up time

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
