"""The HTML pages of the resources, the ontology and the dataset: for officials,
journalists and researchers, in Korean or English. Every value is escaped; no scripts.

Links stay on this server: ``https://w3id.org/policy-graph/id/X`` goes to ``/id/X``,
an ontology term to ``/ontology#Term``; other web IRIs are plain external links.
"""

from __future__ import annotations

import html
from functools import lru_cache
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS

from ..graph.vocab import PG, bind_prefixes
from ..paths import labels_file, ontology_file
from ..records.iris import PGID

ONTOLOGY_IRI = URIRef("https://w3id.org/policy-graph/ontology")
PG_NS = str(PG._NS)
PGID_BASE = str(PGID)

TEXT = {
    "ko": {
        "language": "한국어",
        "type": "유형",
        "properties": "속성",
        "incoming": "이 항목을 가리키는 링크",
        "source": "출처",
        "quotes": "출처 인용",
        "publisher": "발행처",
        "issued": "날짜",
        "author": "작성자",
        "original": "원문",
        "more": "외 {n:,}건",
        "all": "모두 보기 (SPARQL)",
        "not_found": "찾을 수 없음",
        "not_found_text": "이 그래프에는 다음 자원이 없습니다:",
        "classes": "클래스",
        "ontology_properties": "속성",
        "subclass": "상위 클래스",
        "domain": "정의역",
        "range": "치역",
        "or": " 또는 ",
        "functional": "값은 하나뿐",
        "triples": "트리플",
        "built": "빌드 시각",
        "digest": "빌드 요약값",
        "endpoint": "SPARQL 엔드포인트",
        "dump": "전체 내려받기 (N-Triples)",
        "licence": "라이선스",
        "entities": "개체 수",
        "sources": "출처 문서",
        "dataset": "데이터셋 정보 (VoID)",
        "service": "SPARQL 엔드포인트",
        "service_text": "이 그래프에 SPARQL 1.1 질의를 보내는 곳입니다. 읽기 전용입니다.",
        "language_supported": "질의 언어",
        "formats": "응답 형식",
        "default_graph": "기본 그래프",
        "ask": "질의",
        "run": "실행",
        "editor": "질의 편집기",
        "description_as": "서비스 설명",
    },
    "en": {
        "language": "English",
        "type": "Type",
        "properties": "Properties",
        "incoming": "Linked from",
        "source": "Source",
        "quotes": "Quotes from the source",
        "publisher": "Publisher",
        "issued": "Date",
        "author": "Author",
        "original": "Original",
        "more": "and {n:,} more",
        "all": "list all (SPARQL)",
        "not_found": "Not found",
        "not_found_text": "This graph has no resource",
        "classes": "Classes",
        "ontology_properties": "Properties",
        "subclass": "Subclass of",
        "domain": "Domain",
        "range": "Range",
        "or": " or ",
        "functional": "one value at most",
        "triples": "Triples",
        "built": "Built",
        "digest": "Build digest",
        "endpoint": "SPARQL endpoint",
        "dump": "Download all (N-Triples)",
        "licence": "Licence",
        "entities": "Entities",
        "sources": "Source documents",
        "dataset": "About the dataset (VoID)",
        "service": "SPARQL endpoint",
        "service_text": "Send SPARQL 1.1 queries on this graph here. It is read-only.",
        "language_supported": "Query language",
        "formats": "Answer formats",
        "default_graph": "Default graph",
        "ask": "Query",
        "run": "Run",
        "editor": "Query editor",
        "description_as": "Service description",
    },
}

STYLE = """
body { font: 15px/1.5 "Noto Sans KR", "NanumGothic", "Malgun Gothic", system-ui, sans-serif;
  margin: 1.5rem auto; max-width: 62rem; padding: 0 1rem; color: #1a202c; }
nav { font-size: .9rem; color: #4a5568; }
h1 { margin: .8rem 0 .1rem; font-size: 1.6rem; }
h2 { margin-top: 1.8rem; font-size: 1.2rem; border-bottom: 1px solid #e2e8f0; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.other { color: #4a5568; margin: 0 0 .3rem; }
.meta, .iri { color: #718096; font-size: .85rem; }
.value { white-space: pre-line; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-top: 1px solid #e2e8f0; }
th { width: 14rem; font-weight: 600; }
ul { margin: 0; padding-left: 1.1rem; }
blockquote { margin: .5rem 0; padding: .5rem .9rem; border-left: 4px solid #3182ce;
  background: #f7fafc; white-space: pre-line; }
.source { border: 1px solid #cbd5e0; border-radius: 6px; padding: .6rem .9rem; margin: .6rem 0; }
.source dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem;
  margin: .4rem 0 0; }
.source dt { color: #4a5568; }
.source dd { margin: 0; }
a { color: #2b6cb0; }
.source > a { font-weight: 600; }
.incoming ul { columns: 20rem; }
"""


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology (read once per process): the /ontology page, and the labels of
    classes and properties on every page."""
    return bind_prefixes(Graph()).parse(ontology_file(), format="turtle")


@lru_cache(maxsize=1)
def term_names() -> Graph:
    """The names of terms that pages show: the ontology's, and those of the W3C and
    schema.org terms the graph uses (``ontology/labels.ttl``), in Korean and English."""
    graph = Graph()
    graph += ontology_graph()
    return graph.parse(labels_file(), format="turtle")


@lru_cache(maxsize=1)
def _names():
    return bind_prefixes(Graph()).namespace_manager


def prefixed(iri) -> str:
    """``iri`` as a prefixed name where one of our prefixes fits, else in full."""
    try:
        prefix, _namespace, local = _names().compute_qname(str(iri), generate=False)
    except (KeyError, ValueError):
        return str(iri)
    return f"{prefix}:{local}" if prefix else str(iri)


def href(iri: str, lang: str) -> str | None:
    """Where a link to ``iri`` goes: its page on this server for ours, itself for
    another web IRI, nowhere (None) for other schemes."""
    if iri.startswith(PGID_BASE):
        return f"/id/{quote(iri[len(PGID_BASE) :], safe='/-._~')}?lang={lang}"
    if iri.startswith(PG_NS):
        return f"/ontology?lang={lang}#{quote(iri[len(PG_NS) :], safe='')}"
    if iri == str(ONTOLOGY_IRI):
        return f"/ontology?lang={lang}"
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def _text(value) -> str:
    """Text content, escaped; quotation marks stay as written (they are safe there)."""
    return html.escape(str(value), quote=False)


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def pick(literals, lang: str) -> str | None:
    """The literal in ``lang``, else in another page language, else any; None if none."""
    literals = list(literals)
    for wanted in (lang, *TEXT):
        for literal in literals:
            if literal.language == wanted:
                return str(literal)
    return str(literals[0]) if literals else None


def _other(lang: str) -> str:
    return next(other for other in TEXT if other != lang)


def label(term, labels: dict, lang: str) -> str:
    """A name for ``term`` in ``lang``: its label in the data, or in the ontology (or
    ``ontology/labels.ttl`` for the W3C terms), or its prefixed name."""
    found = pick(labels.get(term, ()), lang) or pick(term_names().objects(term, RDFS.label), lang)
    return found or prefixed(term)


def link(iri, name: str, lang: str) -> str:
    target = href(str(iri), lang)
    if target is None:
        return f'<span title="{_attr(iri)}">{_text(name)}</span>'
    return f'<a href="{_attr(target)}" title="{_attr(iri)}">{_text(name)}</a>'


def literal(value: Literal) -> str:
    """A literal with its language or datatype shown discreetly."""
    if value.language:
        meta = f"@{value.language}"
        shown = f'<span class="value" lang="{_attr(value.language)}">{_text(value)}</span>'
    else:
        meta = prefixed(value.datatype) if value.datatype else ""
        shown = f'<span class="value">{_text(value)}</span>'
    return shown + (f' <span class="meta">{_text(meta)}</span>' if meta else "")


def value_html(term, labels: dict, lang: str) -> str:
    if isinstance(term, Literal):
        return literal(term)
    if isinstance(term, BNode):
        return f'<span class="meta">_:{_text(term)}</span>'
    return link(term, label(term, labels, lang), lang)


def page(lang: str, title: str, body: str, formats: bool = True) -> bytes:
    """A whole page: a bar with the way home, the other language and the RDF forms."""
    other = _other(lang)
    nav = [
        '<a href="/">policy-graph</a>',
        f'<a href="?lang={other}" hreflang="{other}" lang="{other}">{TEXT[other]["language"]}</a>',
    ]
    if formats:
        nav += [
            f'<a href="?format={name}">{title_}</a>'
            for name, title_ in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
        ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)} · policy-graph</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<nav>{' · '.join(nav)}</nav>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    ).encode()


def not_found_page(iri: str, lang: str) -> bytes:
    text = TEXT[lang]
    body = (
        f"<h1>{text['not_found']}</h1>\n"
        f'<p>{text["not_found_text"]} <code class="iri">{_text(iri)}</code></p>'
    )
    return page(lang, text["not_found"], body, formats=False)


# --- a resource ---------------------------------------------------------------------

# Shown first, in this order; the other properties follow by their names.
FIRST = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, DCTERMS.description)
# Shown in the source box of a policy or programme instead of among the properties.
IN_SOURCE_BOX = (PG.sourceQuote, PROV.wasDerivedFrom)


def resource_page(description, lang: str) -> bytes:
    """The page of one resource: its names, class, sources, properties and the
    resources that link to it (``description``: a resources.Description)."""
    own = description.values.get(("out", RDFS.label), [])
    title = pick(own, lang) or prefixed(description.iri)
    other = pick([name for name in own if name.language == _other(lang)], lang)
    parts = [f"<h1>{_text(title)}</h1>"]
    if other and other != title:
        parts.append(f'<p class="other" lang="{_other(lang)}">{_text(other)}</p>')
    parts.append(f'<p class="iri">{_text(description.iri)}</p>')
    boxed = any(("out", prop) in description.counts for prop in IN_SOURCE_BOX)
    if boxed:
        parts.append(_source_box(description, lang))
    parts.append(_properties(description, lang, skip=IN_SOURCE_BOX if boxed else ()))
    parts.append(_incoming(description, lang))
    return page(lang, title, "\n".join(part for part in parts if part))


def _more(description, direction: str, prop, lang: str) -> str:
    """'and N more · list all (SPARQL)' when the page shows only the first values."""
    rest = description.counts[(direction, prop)] - len(
        description.values.get((direction, prop), [])
    )
    if rest <= 0:
        return ""
    query = all_values_query(description.iri, direction, prop, lang)
    return (
        f'<p class="meta">{_text(TEXT[lang]["more"].format(n=rest))} · '
        f'<a href="{_attr(query)}">{TEXT[lang]["all"]}</a></p>'
    )


def _named(value, description, lang: str) -> str:
    """A value; for a unit or policy of another government, with that government's name."""
    shown = value_html(value, description.labels, lang)
    owner = description.owners.get(value)
    if owner is None:
        return shown
    return f'{shown} <span class="meta">({_text(label(owner, description.labels, lang))})</span>'


def _in_page_order(values: list, lang: str) -> list:
    """Values as the page lists them: literals in the page's language first."""
    return sorted(values, key=lambda v: isinstance(v, Literal) and v.language not in (None, lang))


def _source_box(description, lang: str) -> str:
    text = TEXT[lang]
    quotes = description.values.get(("out", PG.sourceQuote), [])
    parts = [f"<h2>{text['source']}</h2>"]
    if quotes:
        parts.append(f"<h3>{text['quotes']}</h3>")
        parts += [
            f'<blockquote lang="{_attr(q.language or "ko")}">{_text(q)}</blockquote>'
            for q in quotes
        ]
        parts.append(_more(description, "out", PG.sourceQuote, lang))
    for source in description.values.get(("out", PROV.wasDerivedFrom), []):
        parts.append(_source_card(source, description, lang))
    parts.append(_more(description, "out", PROV.wasDerivedFrom, lang))
    return "\n".join(part for part in parts if part)


def _source_card(source, description, lang: str) -> str:
    """A source document: its title (linked to its page), publisher, date, author, URL."""
    text, facts, labels = TEXT[lang], description.sources.get(source, {}), description.labels
    title = pick(facts.get(DCTERMS.title, []), lang) or label(source, labels, lang)
    rows = [
        (
            text["publisher"],
            [value_html(p, labels, lang) for p in facts.get(DCTERMS.publisher, [])],
        ),
        (text["issued"], [literal(d) for d in facts.get(DCTERMS.issued, [])]),
        (text["author"], [literal(a) for a in facts.get(DCTERMS.creator, [])]),
        (text["original"], [link(u, str(u), lang) for u in facts.get(SDO.url, [])]),
    ]
    facts_html = "".join(
        f"<dt>{name}</dt><dd>{', '.join(values)}</dd>" for name, values in rows if values
    )
    return f'<div class="source">{link(source, title, lang)}<dl>{facts_html}</dl></div>'


def _properties(description, lang: str, skip=()) -> str:
    props = [p for (direction, p) in description.counts if direction == "out" and p not in skip]
    props.sort(key=lambda p: (FIRST.index(p) if p in FIRST else len(FIRST), label(p, {}, lang)))
    rows = []
    for prop in props:
        values = _in_page_order(description.values.get(("out", prop), []), lang)
        items = "".join(f"<li>{_named(v, description, lang)}</li>" for v in values)
        rows.append(
            f'<tr><th scope="row">{link(prop, label(prop, {}, lang), lang)}</th>'
            f"<td><ul>{items}</ul>{_more(description, 'out', prop, lang)}</td></tr>"
        )
    return f"<h2>{TEXT[lang]['properties']}</h2>\n<table>\n" + "\n".join(rows) + "\n</table>"


def _incoming(description, lang: str) -> str:
    props = sorted(
        (p for (direction, p) in description.counts if direction == "in"),
        key=lambda p: label(p, {}, lang),
    )
    if not props:
        return ""
    groups = []
    for prop in props:
        values = description.values.get(("in", prop), [])
        items = "".join(f"<li>{_named(v, description, lang)}</li>" for v in values)
        count = description.counts[("in", prop)]
        groups.append(
            f"<h3>{link(prop, label(prop, {}, lang), lang)} "
            f'<span class="meta">({count:,})</span></h3>'
            f"<ul>{items}</ul>{_more(description, 'in', prop, lang)}"
        )
    body = "\n".join(groups)
    return f'<h2>{TEXT[lang]["incoming"]}</h2>\n<div class="incoming">{body}</div>'


def all_values_query(iri, direction: str, prop, lang: str) -> str:
    """A ``/sparql?query=`` link to a query that lists every value of ``prop`` of
    ``iri`` in ``direction`` (``out`` or ``in``), for those the page leaves out."""
    pattern = f"<{iri}> <{prop}> ?item" if direction == "out" else f"?item <{prop}> <{iri}>"
    text = (
        f"SELECT ?item ?label WHERE {{\n  {pattern} .\n"
        f'  OPTIONAL {{ ?item rdfs:label ?label FILTER(LANG(?label) = "{lang}") }}\n'
        "} ORDER BY ?item"
    )
    return "/sparql?query=" + quote(text, safe="")


# --- the ontology ----------------------------------------------------------------------


def ontology_page(graph: Graph, lang: str) -> bytes:
    """The ontology: its title and description, then each class and property in a
    section whose id is its local name, so that ``/ontology#Term`` finds it."""
    text = TEXT[lang]
    title = pick(graph.objects(ONTOLOGY_IRI, DCTERMS.title), lang) or str(ONTOLOGY_IRI)
    description = pick(graph.objects(ONTOLOGY_IRI, DCTERMS.description), lang) or ""
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    classes = _terms(graph, OWL.Class)
    properties = _terms(graph, OWL.ObjectProperty, OWL.DatatypeProperty)
    parts = [
        f"<h1>{_text(title)}</h1>",
        f'<p class="iri">{_text(ONTOLOGY_IRI)}'
        + (f" · {_text(version)}" if version else "")
        + "</p>",
        f'<p class="value">{_text(description)}</p>',
    ]
    for heading, terms in ((text["classes"], classes), (text["ontology_properties"], properties)):
        index = " · ".join(link(t, label(t, {}, lang), lang) for t in terms)
        parts.append(f"<h2>{heading}</h2>\n<p>{index}</p>")
        parts += [_term_section(graph, term, lang) for term in terms]
    return page(lang, title, "\n".join(parts))


def _terms(graph: Graph, *kinds) -> list[URIRef]:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    return sorted(s for s in found if isinstance(s, URIRef) and str(s).startswith(PG_NS))


def _term_section(graph: Graph, term: URIRef, lang: str) -> str:
    text, name = TEXT[lang], str(term)[len(PG_NS) :]
    other = pick([x for x in graph.objects(term, RDFS.label) if x.language == _other(lang)], lang)
    definition = pick(graph.objects(term, SKOS.definition), lang) or ""
    facts = [
        (text["subclass"], list(graph.objects(term, RDFS.subClassOf))),
        (text["domain"], list(graph.objects(term, RDFS.domain))),
        (text["range"], list(graph.objects(term, RDFS.range))),
    ]
    rows = "".join(
        f"<dt>{heading}</dt><dd>{', '.join(_class_html(graph, v, lang) for v in values)}</dd>"
        for heading, values in facts
        if values
    )
    if (term, RDF.type, OWL.FunctionalProperty) in graph:
        rows += f"<dt>owl:FunctionalProperty</dt><dd>{text['functional']}</dd>"
    return (
        f'<section id="{_attr(name)}"><h3>{_text(label(term, {}, lang))} '
        f'<span class="meta">pg:{_text(name)}</span></h3>'
        + (f'<p class="other" lang="{_other(lang)}">{_text(other)}</p>' if other else "")
        + f'<p class="value">{_text(definition)}</p><dl>{rows}</dl></section>'
    )


def _class_html(graph: Graph, node, lang: str) -> str:
    """A class, or a union of classes (owl:unionOf), as links."""
    members = graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
    if members is not None:
        return TEXT[lang]["or"].join(
            _class_html(graph, m, lang) for m in Collection(graph, members)
        )
    return value_html(node, {}, lang)


# --- the dataset (VoID) ------------------------------------------------------------


def void_page(facts, lang: str, licence, licence_note: str) -> bytes:
    """The VoID facts for people (``facts``: a resources.DatasetFacts)."""
    text, build = TEXT[lang], facts.build
    rows = [
        (text["triples"], f"{facts.triples:,}"),
        (text["built"], _text(build.get("built", ""))),
        (text["digest"], f"<code>{_text(build.get('digest', ''))}</code>"),
        (text["endpoint"], _web_link(f"{facts.base_url}/sparql")),
        (text["dump"], _web_link(f"{facts.base_url}/dump.nt")),
        ("URI", f"<code>{_text(PGID_BASE)}</code>"),
        (text["licence"], f"{_web_link(licence)}<br>{_text(licence_note)}"),
    ]
    facts_html = "".join(
        f'<tr><th scope="row">{name}</th><td>{value}</td></tr>'
        for name, value in rows
        if value and value != "<code></code>"
    )
    return page(
        lang,
        TEXT[lang]["dataset"],
        "\n".join(
            [
                f"<h1>{text['dataset']}</h1>",
                f"<table>{facts_html}</table>",
                _counts(text["classes"], text["entities"], facts.classes, lang),
                _counts(text["ontology_properties"], text["triples"], facts.properties, lang),
                f"<h2>{text['sources']}</h2>",
                "<ul>"
                + "".join(
                    f"<li>{link(src, pick(labels, lang) or prefixed(src), lang)}</li>"
                    for src, labels in facts.sources
                )
                + "</ul>",
            ]
        ),
        formats=False,
    )


def service_page(facts: dict, lang: str) -> bytes:
    """The service description for a browser: what the endpoint is, its formats and
    graph, and a form that sends a query (GET /sparql?query=…). ``facts``: endpoint,
    formats (media types), graph, triples, built, digest."""
    text = TEXT[lang]
    rows = [
        (text["endpoint"], f"<code>{_text(facts['endpoint'])}</code>"),
        (text["language_supported"], "SPARQL 1.1 Query"),
        (text["formats"], ", ".join(f"<code>{_text(m)}</code>" for m in facts["formats"])),
        (text["default_graph"], f"<code>{_text(facts['graph'])}</code>"),
        (text["triples"], f"{facts['triples']:,}"),
        (text["built"], _text(facts.get("built", ""))),
        (text["digest"], f"<code>{_text(facts.get('digest', ''))}</code>"),
    ]
    table = "".join(f'<tr><th scope="row">{name}</th><td>{value}</td></tr>' for name, value in rows)
    forms = " · ".join(
        f'<a href="?format={name}">{shown}</a>'
        for name, shown in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
    )
    body = (
        f"<h1>{text['service']}</h1>\n<p>{text['service_text']}</p>\n"
        f'<form method="get" action="/sparql"><label for="query"><h2>{text["ask"]}</h2></label>'
        '<textarea id="query" name="query" rows="8" style="width:100%;font-family:monospace">'
        "SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea>"
        f'<p><button type="submit">{text["run"]}</button> · <a href="/">{text["editor"]}</a></p>'
        f"</form>\n<table>{table}</table>\n"
        f'<p class="meta">{text["description_as"]}: {forms} · '
        f'<a href="/.well-known/void?lang={lang}">{text["dataset"]}</a></p>'
    )
    return page(lang, text["service"], body, formats=False)


def _web_link(url) -> str:
    return f'<a href="{_attr(url)}">{_text(url)}</a>'


def _counts(heading: str, measure: str, counts, lang: str) -> str:
    rows = "".join(
        f'<tr><th scope="row">{link(term, label(term, {}, lang), lang)}</th><td>{n:,}</td></tr>'
        for term, n in counts
    )
    return f"<h2>{heading}</h2>\n<table><tr><th></th><th>{measure}</th></tr>{rows}</table>"


__all__ = [
    "TEXT",
    "all_values_query",
    "href",
    "label",
    "link",
    "literal",
    "not_found_page",
    "ontology_graph",
    "ontology_page",
    "page",
    "pick",
    "prefixed",
    "resource_page",
    "service_page",
    "term_names",
    "value_html",
    "void_page",
]
