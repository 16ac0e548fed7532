"""Query results in the formats researchers read: a table, Markdown, and the four
SPARQL 1.1 result formats (JSON, XML, CSV, TSV) as their specifications write them;
and SELECT rows as Python values, for notebooks."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.query import Result

from ..errors import UsageError
from ..outputs import serialise

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


def format_result(result: Result, fmt: str | None, names: NamespaceManager | None = None) -> bytes:
    """``result`` as bytes in ``fmt`` (the default suits its query form); IRIs in tables
    are shortened with ``names`` (default: our prefixes)."""
    if names is None:
        from rdflib import Graph

        from ..graph.vocab import bind_prefixes

        names = bind_prefixes(Graph()).namespace_manager
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"a {result.type} answer is a graph: use --format {'|'.join(GRAPH_FORMATS)}"
            )
        graph = result.graph
        if names is not None:
            for prefix, namespace in names.namespaces():
                graph.bind(prefix, namespace, override=False)
        return serialise(graph, fmt)
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return result.serialize(format=fmt)
        return b"true\n" if result.askAnswer else b"false\n"
    fmt = fmt or "table"
    if fmt not in SELECT_FORMATS:
        raise UsageError(f"a SELECT answer is a table: use --format {'|'.join(SELECT_FORMATS)}")
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
    cells = [[_short(term, names) for term in row] for row in rows]
    if fmt == "md":
        return _markdown(variables, cells).encode("utf-8")
    return _table(variables, cells).encode("utf-8")


def _tsv(variables: list[str], rows: list[list]) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in Turtle syntax, unbound as empty."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if term is None else _tsv_term(term) for term in row))
    return "\n".join(lines) + "\n"


# Numbers and booleans that Turtle writes bare, as Oxigraph's TSV writes them (so that
# both engines write the same bytes): the lexical form must match Turtle's own token.
_BARE = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}


def _tsv_term(term) -> str:
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


def _short(term, names: NamespaceManager | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and names is not None:
        try:
            prefix, _namespace, local = names.compute_qname(term, generate=False)
            return f"{prefix}:{local}" if prefix else str(term)
        except (KeyError, ValueError):
            return str(term)
    return str(term)


def display_width(text: str) -> int:
    """Columns that ``text`` takes in a terminal: Korean and other wide characters take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table(variables: list[str], cells: list[list[str]]) -> str:
    flat = [[c.replace("\n", " ") for c in row] for row in cells]
    widths = [display_width(v) for v in variables]
    for row in flat:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    out = io.StringIO()
    out.write("  ".join(_pad(v, w) for v, w in zip(variables, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("─" * w for w in widths) + "\n")
    for row in flat:
        out.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(flat)} row{'s' if len(flat) != 1 else ''})\n")
    return out.getvalue()


def _markdown(variables: list[str], cells: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in cells]
    return "\n".join(lines) + "\n"


__all__ = ["format_result", "display_width"]


def result_rows(result) -> list[dict]:
    """A SELECT result as a list of dicts of Python values (None where unbound).

    Decimals come in canonical form (``Decimal('20000000000')``, ``Decimal('2.5')``),
    so that rows are the same whichever engine wrote or holds the graph: rdflib keeps
    the lexical form it read ("20000000000.0"), Oxigraph keeps the value."""
    return [{str(v): _python_value(row[v]) for v in result.vars} for row in result]


def _python_value(term):
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
