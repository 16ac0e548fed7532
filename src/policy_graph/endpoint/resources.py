"""Every IRI of the graph resolves: a page for people and the resource's triples for
programs, by content negotiation, as Wikidata's and DBpedia's entity pages do.

Pure of HTTP, like :mod:`policy_graph.endpoint.protocol`: the server calls
:func:`resource_answer` for ``/id/…`` and ``/ontology`` in a query worker that holds
the loaded store, and sends back the :class:`~policy_graph.endpoint.protocol.Answer`; the same for
:func:`service_description` (``GET /sparql`` with no query) and
:func:`void_description` (``/.well-known/void``). The HTML is written by
:mod:`policy_graph.endpoint.resource_pages`.

A description is two queries whatever the engine: how many triples the resource has
per property, in each direction; then the first :data:`PER_PROPERTY` values of each
property with their labels (a government has thousands of policies at national
scale: the rest are counted, and linked as a SPARQL query that lists them all).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, VOID, XSD

from ..graph.vocab import GRAPH_IRI, PG, bind_prefixes, prefixes
from ..outputs import serialise
from ..query.results import MEDIA_TYPES
from ..records.iris import PGID
from ..records.values import excerpt
from .protocol import GRAPH_MEDIA, GRAPH_NAMES, TABLE_MEDIA, Answer, cut, media_ranges
from .resource_pages import (
    ONTOLOGY_IRI,
    not_found_page,
    ontology_graph,
    ontology_page,
    resource_page,
    service_page,
    void_page,
)

PER_PROPERTY = 200  # values of one property, in one direction, that a description lists
PGID_BASE = str(PGID)
LANGS = ("ko", "en")  # the languages of pages; the first is the default

# What we answer with, by the name of ``?format=``: its media type, and the media
# types of an Accept header that it satisfies (its own first, then other names for it).
MEDIA = {
    "html": "text/html; charset=utf-8",
    "ttl": MEDIA_TYPES["ttl"],
    "jsonld": MEDIA_TYPES["jsonld"],
    "nt": MEDIA_TYPES["nt"],
    "xml": "application/rdf+xml",
}
ACCEPTS = {
    "html": ("text/html",),
    "ttl": ("text/turtle", "application/x-turtle"),
    "jsonld": ("application/ld+json", "application/json"),
    "nt": ("application/n-triples", "text/plain"),
    "xml": ("application/rdf+xml", "application/xml", "text/xml"),
}
RESOURCE_FORMS = ("html", "ttl", "jsonld", "nt", "xml")  # best first: a browser's */* gets HTML
# ``?format=`` takes the names and media types that /sparql takes (GRAPH_NAMES), for
# the forms these answers come in: N-Triples for N-Quads, Turtle for TriG and N3.
_AS_FORM = {"ttl": "ttl", "n3": "ttl", "trig": "ttl", "nt": "nt", "nq": "nt",
            "jsonld": "jsonld", "rdfxml": "xml"}  # fmt: skip
FORM_NAMES = {
    "html": "html", "text/html": "html",
    **{name: _AS_FORM[chosen] for name, chosen in GRAPH_NAMES.items()},
}  # fmt: skip
# Characters an IRI may not hold (RFC 3987), so a path that has one is no IRI of ours
# and is never written into a query.
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass
class Description:
    """What the graph says about ``iri``: per (direction, property) how many triples
    there are and the first of their values; the labels of those values; and, for a
    policy or programme, the triples of its sources."""

    iri: URIRef
    counts: dict[tuple[str, URIRef], int]
    values: dict[tuple[str, URIRef], list] = field(default_factory=dict)
    labels: dict[URIRef, list[Literal]] = field(default_factory=dict)
    sources: dict[URIRef, dict[URIRef, list]] = field(default_factory=dict)
    owners: dict[URIRef, URIRef] = field(default_factory=dict)  # a unit's or policy's government

    @property
    def truncated(self) -> bool:
        return any(len(self.values.get(key, ())) < n for key, n in self.counts.items())


def resource_answer(
    engine, store, path: str, accept: str | None, lang: str | None, *, fmt: str | None = None
) -> Answer:
    """The answer for ``GET path`` (``/id/…`` or ``/ontology``, without the query
    string): an HTML page in ``lang`` (``ko`` or ``en``), or the resource's triples in
    the RDF format that ``fmt`` (``?format=``) or else ``accept`` asks for. Values
    are listed up to :data:`PER_PROPERTY` per property; an answer that leaves some out
    is marked ``truncated``."""
    lang = lang if lang in LANGS else LANGS[0]
    form = negotiate(accept, fmt, RESOURCE_FORMS, "this resource")
    if isinstance(form, Answer):
        return form
    if path == "/ontology":
        return _ontology_answer(form, lang)
    iri = _iri_of(path)
    if iri == GRAPH_IRI:  # the graph as a whole is described by its VoID
        return Answer(
            303, "text/plain; charset=utf-8", b"See /.well-known/void\n", headers=_see_void()
        )
    description = describe(engine, store, iri) if iri else None
    if description is None:
        return _not_found(iri or PGID_BASE + path.removeprefix("/id/"), form, lang)
    if form == "html":
        body = resource_page(description, lang)
    else:
        body = serialise(description_graph(description), form)
    answer = _answer(form, body, lang)
    if description.truncated:
        return cut(answer, f"the first {PER_PROPERTY} values of each property and direction")
    return answer


def _iri_of(path: str) -> URIRef | None:
    """The IRI that a path under /id/ names, or None if it can name none of ours."""
    if not path.startswith("/id/") or path == "/id/":
        return None
    iri = PGID_BASE + unquote(path.removeprefix("/id/"))
    return None if _NOT_IRI.search(iri) else URIRef(iri)


def _see_void() -> tuple[tuple[str, str], ...]:
    return (("Location", "/.well-known/void"),)


def _answer(form: str, body: bytes, lang: str) -> Answer:
    headers = [("Vary", "Accept, Accept-Language")]
    if form == "html":
        headers.append(("Content-Language", lang))
        headers += [
            ("Link", f'<?format={name}>; rel="alternate"; type="{MEDIA[name].split(";")[0]}"')
            for name in ("ttl", "jsonld", "nt")
        ]
    return Answer(200, MEDIA[form], body, headers=tuple(headers))


def _not_found(iri: str, form: str, lang: str) -> Answer:
    message = f"no resource <{excerpt(iri, 120)}> in this graph"
    if form == "html":
        body = not_found_page(excerpt(iri, 120), lang)
        return Answer(404, MEDIA["html"], body, headers=(("Vary", "Accept, Accept-Language"),))
    return Answer(404, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _ontology_answer(form: str, lang: str) -> Answer:
    graph = ontology_graph()
    if form == "html":
        return _answer(form, ontology_page(graph, lang), lang)
    return _answer(form, serialise(graph, form), lang)


# --- content negotiation -------------------------------------------------------------


def negotiate(accept: str | None, fmt: str | None, offered: tuple[str, ...], what: str):
    """The name of the form to answer with: ``fmt`` if given (a name or a media type),
    else the one of ``offered`` that ``accept`` ranks highest (the first of ``offered``
    on a tie); or an Answer (400 or 406) that says what is offered."""
    if fmt:
        name = FORM_NAMES.get(fmt.strip().lower())
        if name not in offered:
            message = (
                f"unknown format {excerpt(fmt, 40)!r}; {what} is offered as {', '.join(offered)}"
            )
            return Answer(400, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))
        return name
    ranges = media_ranges(accept or "*/*")
    best, best_q = None, 0.0
    for name in offered:
        primary, *aliases = ACCEPTS[name]
        # An alias counts only when named: application/* is no request for Turtle.
        q = max([_quality(primary, ranges), *(q for r, q in ranges if r in aliases)])
        if q > best_q:
            best, best_q = name, q
    if best is None:
        types = ", ".join(MEDIA[name].split(";")[0] for name in offered)
        message = f"cannot answer as {excerpt(accept or '', 80)}: {what} is offered as {types}"
        return Answer(406, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))
    return best


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q that ``accept`` gives ``media``: that of its most specific range (RFC 9110)."""
    kind = media.split("/")[0]
    best_rank, best_q = -1, 0.0
    for media_range, q in ranges:
        rank = {media: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range, -1)
        if rank > best_rank:
            best_rank, best_q = rank, q
    return best_q


# --- the description: two queries ------------------------------------------------------


def describe(engine, store, iri: URIRef, per_property: int | None = None) -> Description | None:
    """What the graph says about ``iri``, or None when no triple has it as subject or
    object. Two queries on ``engine``: counts per property, then the values (the first
    ``per_property`` of each; default :data:`PER_PROPERTY`)."""
    per_property = PER_PROPERTY if per_property is None else per_property
    counts_query = f"""SELECT ?dir ?p (COUNT(*) AS ?n) WHERE {{
  {{ <{iri}> ?p ?x BIND("out" AS ?dir) }} UNION {{ ?x ?p <{iri}> BIND("in" AS ?dir) }}
}} GROUP BY ?dir ?p"""
    counts = {
        (str(direction), prop): int(n)
        for direction, prop, n in engine.query(store, counts_query)
        if not _NOT_IRI.search(str(prop))
    }
    if not counts:
        return None
    description = Description(iri, counts)
    query = _values_query(iri, counts, per_property)
    for direction, source, prop, value, label, owner, owner_label in engine.query(store, query):
        if direction == Literal("source"):
            values = description.sources.setdefault(source, defaultdict(list))[prop]
        else:
            values = description.values.setdefault((str(direction), prop), [])
        if value not in values:  # a row per label of the value
            values.append(value)
        _add_label(description.labels, value, label)
        if owner is not None and owner != iri:
            description.owners[value] = owner
            _add_label(description.labels, owner, owner_label)
    for values in description.values.values():
        values.sort(key=_order)
    return description


def _values_query(iri: URIRef, counts: dict, per_property: int) -> str:
    branches = []
    for (direction, prop), n in counts.items():
        pattern = f"<{iri}> <{prop}> ?x" if direction == "out" else f"?x <{prop}> <{iri}>"
        if n > per_property:  # the first ones, in a stable order
            pattern = f"{{ SELECT ?x WHERE {{ {pattern} }} ORDER BY ?x LIMIT {per_property} }}"
        branches.append(f'{{ {pattern} BIND("{direction}" AS ?dir) BIND(<{prop}> AS ?p) }}')
    if ("out", PROV.wasDerivedFrom) in counts:  # a policy's sources: shown with the policy
        branches.append(
            f'{{ <{iri}> <{PROV.wasDerivedFrom}> ?src . ?src ?p ?x BIND("source" AS ?dir) }}'
        )
    return (
        "SELECT ?dir ?src ?p ?x ?label ?owner ?ownerLabel WHERE {\n  "
        + "\n  UNION ".join(branches)
        + f"\n  OPTIONAL {{ ?x <{RDFS.label}> ?label }}"
        # Names of units and policies repeat across governments: name each one's too.
        + f"\n  OPTIONAL {{ ?x <{ORG.unitOf}>|<{PG.government}> ?owner ."
        + f" ?owner <{RDFS.label}> ?ownerLabel }}\n}}"
    )


def _add_label(labels: dict, term, label) -> None:
    if label is not None and label not in labels.setdefault(term, []):
        labels[term].append(label)


def _order(term) -> tuple:
    return (isinstance(term, Literal), str(term), getattr(term, "language", None) or "")


def description_graph(description: Description) -> Graph:
    """The description's triples (both directions) and the labels of what they link."""
    graph = bind_prefixes(Graph())
    subject = description.iri
    for (direction, prop), values in description.values.items():
        for value in values:
            graph.add((subject, prop, value) if direction == "out" else (value, prop, subject))
            for label in description.labels.get(value, ()):
                graph.add((value, RDFS.label, label))
    return graph


# --- the service description and the VoID of the dataset ---------------------------

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
# The formats of the endpoint's answers, as https://www.w3.org/ns/formats/ names them.
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)
# Turtle unless asked otherwise; a browser (text/html) gets a page.
DESCRIPTION_FORMS = ("ttl", "html", "jsonld", "nt", "xml")
LICENCE = URIRef("https://opensource.org/license/mit")
LICENCE_NOTE = {
    "ko": "이 그래프의 레코드는 policy-graph 저장소의 라이선스(MIT)를 따른다. 인용문"
    "(pg:sourceQuote)은 출처 본문의 짧은 인용이며, 본문의 저작권은 각 발행처에 있다 "
    "(출처마다 주소와 라이선스를 밝힌다).",
    "en": "The records of this graph are under the licence of the policy-graph repository "
    "(MIT). Quotes (pg:sourceQuote) are short excerpts of their sources, whose texts "
    "remain their publishers' (each source gives its address, and its licence where it "
    "has an open one).",
}
DATASET_TITLE = {
    "ko": "정책 그래프: 지방정부의 AI 정책",
    "en": "policy-graph: the AI policies of local governments",
}
DATASET_DESCRIPTION = {
    "ko": "지방정부의 AI 정책과 그 담당 부서, 기술, 정책 대상, 협력 기관, 예산, 일정, 출처. "
    "모든 사실은 출처의 그대로의 인용이 뒷받침한다.",
    "en": "The AI policies of local governments with their lead departments, technologies, "
    "target groups, partner institutions, budgets, timelines and sources; every fact is "
    "backed by a verbatim quote of its source.",
}


def service_description(
    engine, store, endpoint_url: str, build: dict, accept: str | None,
    lang: str | None = None, fmt: str | None = None,
) -> Answer:  # fmt: skip
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint_url`` (for
    ``GET /sparql`` with no query): its language, answer formats, and the default
    graph it serves with its size and build; for a browser, a page in ``lang`` with a
    form that sends a query. ``build`` keys used, each optional: ``built`` (ISO 8601
    date and time) and ``digest`` (e.g. ``sha256:…``)."""
    lang = lang if lang in LANGS else LANGS[0]
    form = negotiate(accept, fmt, DESCRIPTION_FORMS, "the service description")
    if isinstance(form, Answer):
        return form
    if form == "html":
        media = [*TABLE_MEDIA.values(), *GRAPH_MEDIA.values()]
        facts = {
            "endpoint": endpoint_url, "graph": str(GRAPH_IRI), "triples": engine.size(store),
            "formats": list(dict.fromkeys(m.split(";")[0] for m in media)), **build,
        }  # fmt: skip
        return _answer(form, service_page(facts, lang), lang)
    graph = _description_graph()
    service, dataset = BNode(), BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, GRAPH_IRI))
    graph.add((GRAPH_IRI, RDF.type, SD.Graph))
    graph.add((GRAPH_IRI, VOID.triples, Literal(engine.size(store))))
    _add_build(graph, build)
    return Answer(200, MEDIA[form], serialise(graph, form), headers=(("Vary", "Accept"),))


@dataclass(frozen=True)
class DatasetFacts:
    """What the VoID of the dataset says (its graph, and its page)."""

    triples: int
    classes: list[tuple[URIRef, int]]  # class, entities
    properties: list[tuple[URIRef, int]]  # property, triples
    sources: list[tuple[URIRef, list[Literal]]]  # source document, its labels
    base_url: str
    build: dict


def void_description(
    engine, store, base_url: str, build: dict, accept: str | None, lang: str | None,
    *, fmt: str | None = None,
) -> Answer:  # fmt: skip
    """The VoID description of the dataset served at ``base_url`` (for
    ``/.well-known/void``): size, class and property partitions, sources, endpoint,
    dump and licence. A page in ``lang`` for a browser, else RDF (Turtle by default),
    or the form that ``fmt`` (``?format=``) names. ``build``: as for
    :func:`service_description`."""
    lang = lang if lang in LANGS else LANGS[0]
    form = negotiate(accept, fmt, DESCRIPTION_FORMS, "the VoID description")
    if isinstance(form, Answer):
        return form
    facts = dataset_facts(engine, store, base_url, build)
    if form == "html":
        return _answer(form, void_page(facts, lang, LICENCE, LICENCE_NOTE[lang]), lang)
    return Answer(
        200, MEDIA[form], serialise(void_graph(facts), form), headers=(("Vary", "Accept"),)
    )


def dataset_facts(engine, store, base_url: str, build: dict) -> DatasetFacts:
    """The facts of the VoID: counted once per build (by its ``digest``), since the
    counts scan the whole graph (about 0.1 s per 100,000 triples on Oxigraph)."""
    digest = build.get("digest")
    key = (engine.name, id(store), digest)
    counted = _COUNTED.get(key) if digest else None
    if counted is None:
        counted = _count(engine, store)
        if digest:
            _COUNTED.clear()  # one build at a time: the one this worker holds
            _COUNTED[key] = counted
    triples, classes, properties, sources = counted
    return DatasetFacts(triples, classes, properties, sources, base_url.rstrip("/"), build)


_COUNTED: dict[tuple, tuple] = {}


def _count(engine, store) -> tuple:
    """Three queries: entities per class, triples per property, the source documents."""
    classes = "SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
    properties = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
    sources = f"""SELECT ?src ?label WHERE {{
  {{ SELECT DISTINCT ?src WHERE {{ ?x <{PROV.wasDerivedFrom}> ?src }} }}
  OPTIONAL {{ ?src <{RDFS.label}> ?label }}
}}"""
    labels: dict[URIRef, list[Literal]] = defaultdict(list)
    for source, label in engine.query(store, sources):
        labels[source] += [label] if label is not None else []
    return (
        engine.size(store),
        sorted((c, int(n)) for c, n in engine.query(store, classes)),
        sorted((p, int(n)) for p, n in engine.query(store, properties)),
        sorted(labels.items()),
    )


def void_graph(facts: DatasetFacts) -> Graph:
    graph = _description_graph()
    dataset = GRAPH_IRI
    graph.add((dataset, RDF.type, VOID.Dataset))
    for lang in LANGS:
        graph.add((dataset, DCTERMS.title, Literal(DATASET_TITLE[lang], lang=lang)))
        graph.add((dataset, DCTERMS.description, Literal(DATASET_DESCRIPTION[lang], lang=lang)))
        graph.add((dataset, RDFS.comment, Literal(LICENCE_NOTE[lang], lang=lang)))
    graph.add((dataset, DCTERMS.license, LICENCE))
    graph.add((dataset, VOID.triples, Literal(facts.triples)))
    graph.add((dataset, VOID.classes, Literal(len(facts.classes))))
    graph.add((dataset, VOID.properties, Literal(len(facts.properties))))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(f"{facts.base_url}/sparql")))
    graph.add((dataset, VOID.dataDump, URIRef(f"{facts.base_url}/dump.nt")))
    graph.add((dataset, VOID.feature, FORMATS["N-Triples"]))
    graph.add((dataset, VOID.uriSpace, Literal(PGID_BASE)))
    for vocabulary in sorted(_vocabularies(facts)):
        graph.add((dataset, VOID.vocabulary, vocabulary))
    for term, n in facts.classes:
        _add_partition(graph, VOID.classPartition, VOID["class"], term, VOID.entities, n)
    for term, n in facts.properties:
        _add_partition(graph, VOID.propertyPartition, VOID.property, term, VOID.triples, n)
    for source, labels in facts.sources:
        graph.add((dataset, DCTERMS.source, source))
        for label in labels:
            graph.add((source, RDFS.label, label))
    _add_build(graph, facts.build)
    return graph


def _add_partition(graph: Graph, kind, key, term, measure, n: int) -> None:
    partition = BNode()
    graph.add((GRAPH_IRI, kind, partition))
    graph.add((partition, key, term))
    graph.add((partition, measure, Literal(n)))


def _vocabularies(facts: DatasetFacts) -> set[URIRef]:
    """The vocabularies whose terms the graph uses (by our prefixes' namespaces)."""
    namespaces = [ns for prefix, ns in prefixes().items() if not ns.startswith(PGID_BASE)]
    found = set()
    for term, _n in [*facts.classes, *facts.properties]:
        matches = [ns for ns in namespaces if str(term).startswith(ns)]
        if matches:
            namespace = max(matches, key=len)
            found.add(ONTOLOGY_IRI if namespace == str(PG._NS) else URIRef(namespace))
    return found


def _description_graph() -> Graph:
    graph = bind_prefixes(Graph())
    for prefix, namespace in (("sd", SD), ("void", VOID), ("formats", FORMATS)):
        graph.bind(prefix, namespace)
    return graph


def _add_build(graph: Graph, build: dict) -> None:
    """The build that the graph comes from: when (``built``) and its digest."""
    if build.get("built"):
        # As written (rdflib would turn the Z of UTC into +00:00).
        built = Literal(build["built"], datatype=XSD.dateTime, normalize=False)
        graph.add((GRAPH_IRI, DCTERMS.modified, built))
    if build.get("digest"):
        graph.add((GRAPH_IRI, DCTERMS.identifier, Literal(build["digest"])))


__all__ = [
    "DatasetFacts",
    "Description",
    "dataset_facts",
    "describe",
    "description_graph",
    "negotiate",
    "resource_answer",
    "service_description",
    "void_description",
    "void_graph",
]
