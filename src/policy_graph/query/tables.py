"""SELECT answers as a table for a terminal and as Markdown, from terms of rdflib's or
of Oxigraph's: the same text either way, and without rdflib for Oxigraph's (what
``policy-graph query`` prints from a kept store, see :mod:`.asking`).

A cell is what rdflib's ``str()`` of the term gives (a literal's lexical form, as
rdflib normalises it), an IRI shortened with a prefix where one is bound, as rdflib's
``NamespaceManager.compute_qname`` shortens it in a new Graph with our prefixes bound
(:data:`TABLE_PREFIXES`): ``tests/query/test_kept_answers.py`` holds both to the same bytes.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata

from ..graph.prefixes import PREFIXES

# The namespaces that a new rdflib Graph binds (rdflib 7), then ours, which replace them.
RDFLIB_PREFIXES = {
    "brick": "https://brickschema.org/schema/Brick#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcam": "http://purl.org/dc/dcam/",
    "doap": "http://usefulinc.com/ns/doap#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "org": "http://www.w3.org/ns/org#",
    "prof": "http://www.w3.org/ns/dx/prof/",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sosa": "http://www.w3.org/ns/sosa/",
    "ssn": "http://www.w3.org/ns/ssn/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wgs": "https://www.w3.org/2003/01/geo/wgs84_pos#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
TABLE_PREFIXES = {**RDFLIB_PREFIXES, **PREFIXES}
_PREFIX_OF = {namespace: prefix for prefix, namespace in TABLE_PREFIXES.items()}

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def table(variables: list[str], rows) -> bytes:
    """``rows`` (lists of terms, None where unbound) as an aligned table, then a count."""
    flat = [[c.replace("\n", " ") for c in row] for row in _cells(rows)]
    widths = [display_width(v) for v in variables]
    for row in flat:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    out = io.StringIO()
    out.write("  ".join(_pad(v, w) for v, w in zip(variables, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("─" * w for w in widths) + "\n")
    for row in flat:
        out.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(flat)} row{'s' if len(flat) != 1 else ''})\n")
    return out.getvalue().encode("utf-8")


def markdown(variables: list[str], rows) -> bytes:
    """``rows`` as a Markdown table."""

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _cells(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def display_width(text: str) -> int:
    """Columns that ``text`` takes in a terminal: Korean and other wide characters take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _cells(rows) -> list[list[str]]:
    return [[cell_text(term) for term in row] for row in rows]


def cell_text(term) -> str:
    """A term of either library as a table shows it ("" where unbound)."""
    if term is None:
        return ""
    if hasattr(term, "n3"):  # rdflib's
        from rdflib import URIRef

        return short_iri(str(term)) if isinstance(term, URIRef) else str(term)
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return short_iri(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return _lexical(term.value, term.datatype.value, term.language)
    return term.value  # a blank node's id


_SAME_IN_RDFLIB = {  # Oxigraph's canonical forms that rdflib's normalisation keeps
    f"{XSD}string": None,
    f"{XSD}integer": None,
    f"{XSD}decimal": None,
    f"{XSD}boolean": None,
    f"{XSD}gYear": re.compile(r"\d{4}"),
    f"{XSD}date": re.compile(r"\d{4}-\d\d-\d\d"),
}


def _lexical(value: str, datatype: str, language: str | None) -> str:
    """A literal's lexical form as rdflib's ``str()`` gives it: rdflib normalises those
    of the XSD and RDF types it converts (``1e10`` as a double is ``10000000000.0``);
    the others, and Oxigraph's canonical forms of the common types, are as they are."""
    if language or not datatype.startswith((XSD, RDF)):
        return value
    if datatype in _SAME_IN_RDFLIB:
        form = _SAME_IN_RDFLIB[datatype]
        if form is None or form.fullmatch(value):
            return value
    from rdflib import Literal, URIRef

    return str(Literal(value, datatype=URIRef(datatype)))


# rdflib's split_uri (namespace/__init__.py): where a name may start, what it holds.
_SPLIT_START = {"Ll", "Lu", "Lo", "Lt", "Nl", "Nd"}
_NAME = {"Ll", "Lu", "Lo", "Lt", "Nl", "Mc", "Me", "Mn", "Lm", "Nd"}
_ALLOWED = set("\u00b7\u0387-._%()")
_NOT_IN_IRI = set('<>" {}|\\^`')
_XMLNS = "http://www.w3.org/XML/1998/namespace"


@functools.lru_cache(maxsize=2**16)
def short_iri(iri: str) -> str:
    """``iri`` as ``prefix:name`` where a prefix of :data:`TABLE_PREFIXES` names its
    namespace, as rdflib's compute_qname finds it (split before the name that ends
    it, then the longest bound namespace that holds more of it); else ``iri``."""
    if _NOT_IN_IRI.intersection(iri):
        return iri
    split = _split(iri)
    if split is None:
        prefix = _PREFIX_OF.get(iri)
        return f"{prefix}:" if prefix else iri
    namespace, name = split
    longer = [n for n in _PREFIX_OF if len(n) > len(namespace) and iri.startswith(n)]
    if longer:
        namespace = max(longer, key=len)
        name = iri[len(namespace) :]
    prefix = _PREFIX_OF.get(namespace)
    return f"{prefix}:{name}" if prefix else iri


def _split(iri: str) -> tuple[str, str] | None:
    if iri.startswith(_XMLNS):
        return _XMLNS, iri.split(_XMLNS)[1]
    category = unicodedata.category
    length = len(iri)
    for back in range(length):
        char = iri[-back - 1]
        if category(char) in _NAME or char in _ALLOWED:
            continue
        for at in range(-1 - back, length):
            if category(iri[at]) in _SPLIT_START or iri[at] == "_":
                if not iri[:at]:
                    return None
                return iri[:at], iri[at:]
        return None
    return None
