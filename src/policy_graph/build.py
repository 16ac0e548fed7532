"""Checked records → an RDF graph in the terms of the query contract. Pure: no I/O."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD

from .record_format import SOURCE_TYPES
from .records import (
    Concept,
    Government,
    Organisation,
    Policy,
    Programme,
    Records,
    Source,
    Text,
    Unit,
)
from .vocab import GRAPH_IRI, PG, bind_prefixes, iri

# Concept kind → (its class, its scheme's slug, the scheme's labels).
CONCEPT_KINDS: dict[str, tuple[URIRef, str, Text]] = {
    "technology": (PG.Technology, "technologies", Text("기술", "Technologies")),
    "target-group": (PG.TargetGroup, "target-groups", Text("정책 대상", "Target groups")),
    "domain": (PG.PolicyDomain, "domains", Text("정책 분야", "Policy domains")),
    "organisation-type": (
        PG.OrganisationType,
        "organisation-types",
        Text("기관 유형", "Organisation types"),
    ),
}


def source_label(source: Source, publisher: Organisation | Government | None) -> Text:
    """The name of a source without a headline: its publisher, kind and date."""
    _class, ko_kind, en_kind = SOURCE_TYPES[source.type]
    ko_publisher = publisher.label.ko if publisher else source.publisher
    en_publisher = publisher.label.en if publisher else source.publisher
    return Text(
        f"{ko_publisher} {ko_kind} ({source.issued.isoformat()})",
        f"{en_publisher} {en_kind}, {source.issued.isoformat()}",
    )


def unit_iri(government: str, unit: str) -> URIRef:
    return iri("org", f"{government}-{unit}")


def policy_iri(policy: Policy) -> URIRef:
    return iri("policy", f"{policy.government}-{policy.id}")


def programme_iri(government: str, programme: str) -> URIRef:
    return iri("programme", f"{government}-{programme}")


def record_iri(record) -> URIRef:
    """The IRI of the resource a record describes."""
    if isinstance(record, Policy):
        return policy_iri(record)
    if isinstance(record, Programme):
        return programme_iri(record.government, record.id)
    if isinstance(record, Unit):
        return unit_iri(record.government, record.id)
    if isinstance(record, Government | Organisation):
        return iri("org", record.id)
    if isinstance(record, Source):
        return iri("source", record.id)
    if isinstance(record, Concept):
        return iri(record.kind, record.id)
    raise TypeError(f"not a record: {record!r}")


def build_graph(records: Records, report=None) -> Graph:
    """The RDF graph of ``records``: schemes, organisations, sources, programmes, policies."""
    return add_records(bind_prefixes(Graph(identifier=GRAPH_IRI)), records, report)


def add_records(graph, records: Records, report=None):
    """Add the triples of ``records`` to ``graph``: an rdflib Graph, or any sink with
    ``add((s, p, o))`` (the Oxigraph engine's, which writes them straight to its store).
    ``report(step, done, total)`` hears of every thousandth policy."""
    _add_schemes(graph)
    for concept in records.concepts:
        _add_concept(graph, concept)
    for organisation in records.organisations:
        _add_organisation(graph, organisation)
    for government in records.governments:
        _add_government(graph, government)
    publishers = {o.id: o for o in [*records.organisations, *records.governments]}
    for source in records.sources:
        _add_source(graph, source, publishers)
    for programme in records.programmes:
        _add_programme(graph, programme)
    total = len(records.policies)
    for number, policy in enumerate(records.policies, 1):
        _add_policy(graph, policy)
        if report and (number % 1000 == 0 or number == total):
            report("converting to RDF (policies)", number, total)
    return graph


def _add_labels(graph: Graph, subject: URIRef, label: Text, alt_labels=None, concept=False) -> None:
    for lang in ("ko", "en"):
        literal = Literal(getattr(label, lang), lang=lang)
        graph.add((subject, RDFS.label, literal))
        if concept:
            graph.add((subject, SKOS.prefLabel, literal))
    for lang, labels in (alt_labels or {}).items():
        for alt in labels:
            graph.add((subject, SKOS.altLabel, Literal(alt, lang=lang)))


def _add_texts(graph: Graph, subject: URIRef, predicate: URIRef, text: Text | None) -> None:
    if text is not None:
        graph.add((subject, predicate, Literal(text.ko, lang="ko")))
        graph.add((subject, predicate, Literal(text.en, lang="en")))


def _add_schemes(graph: Graph) -> None:
    for _cls, slug, label in CONCEPT_KINDS.values():
        scheme = iri("scheme", slug)
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        _add_labels(graph, scheme, label)


def _add_concept(graph: Graph, concept: Concept) -> None:
    subject = record_iri(concept)
    cls, scheme_slug, _label = CONCEPT_KINDS[concept.kind]
    scheme = iri("scheme", scheme_slug)
    graph.add((subject, RDF.type, cls))
    graph.add((subject, RDF.type, SKOS.Concept))
    graph.add((subject, SKOS.inScheme, scheme))
    _add_labels(graph, subject, concept.label, concept.alt_labels, concept=True)
    _add_texts(graph, subject, SKOS.definition, concept.definition)
    for broader in concept.broader:
        graph.add((subject, SKOS.broader, iri(concept.kind, broader)))
        graph.add((iri(concept.kind, broader), SKOS.narrower, subject))
    if not concept.broader:
        graph.add((subject, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, subject))


def _add_organisation(graph: Graph, organisation: Organisation) -> None:
    subject = record_iri(organisation)
    graph.add((subject, RDF.type, ORG.Organization))
    _add_labels(graph, subject, organisation.label, organisation.alt_labels)
    graph.add((subject, ORG.classification, iri("organisation-type", organisation.kind)))


def _add_government(graph: Graph, government: Government) -> None:
    subject = record_iri(government)
    graph.add((subject, RDF.type, ORG.Organization))
    graph.add((subject, RDF.type, ORG.FormalOrganization))
    _add_labels(graph, subject, government.label, government.alt_labels)
    graph.add((subject, ORG.classification, iri("organisation-type", government.kind)))
    if government.part_of:
        graph.add((subject, ORG.subOrganizationOf, iri("org", government.part_of)))
    for unit in government.units:
        _add_unit(graph, unit, subject)


def _add_unit(graph: Graph, unit: Unit, government: URIRef) -> None:
    subject = record_iri(unit)
    graph.add((subject, RDF.type, ORG.OrganizationalUnit))
    _add_labels(graph, subject, unit.label, unit.alt_labels)
    graph.add((subject, ORG.classification, iri("organisation-type", unit.unit_type)))
    graph.add((subject, ORG.unitOf, government))
    graph.add((government, ORG.hasUnit, subject))
    if unit.part_of:
        holder = unit_iri(unit.government, unit.part_of)
        graph.add((subject, ORG.subOrganizationOf, holder))
        graph.add((holder, ORG.hasSubOrganization, subject))


def _add_source(graph: Graph, source: Source, publishers: dict) -> None:
    subject = record_iri(source)
    graph.add((subject, RDF.type, PROV.Entity))
    graph.add((subject, RDF.type, SDO[SOURCE_TYPES[source.type][0].removeprefix("schema:")]))
    if source.title:
        _add_labels(graph, subject, Text(source.title, source.title_en))
        graph.add((subject, DCTERMS.title, Literal(source.title, lang="ko")))
        graph.add((subject, DCTERMS.title, Literal(source.title_en, lang="en")))
    else:
        _add_labels(graph, subject, source_label(source, publishers.get(source.publisher)))
    graph.add((subject, DCTERMS.publisher, iri("org", source.publisher)))
    graph.add((subject, DCTERMS.issued, Literal(source.issued, datatype=XSD.date)))
    if source.author:
        graph.add((subject, DCTERMS.creator, Literal(source.author, lang="ko")))
    if source.url:
        graph.add((subject, SDO.url, URIRef(source.url)))


def _add_provenance(graph: Graph, subject: URIRef, record: Policy | Programme) -> None:
    graph.add((subject, PG.government, iri("org", record.government)))
    if record.budget_krw is not None:
        graph.add((subject, PG.budgetKRW, _decimal(record.budget_krw)))
    if record.planned_end is not None:
        graph.add((subject, PG.plannedEnd, Literal(str(record.planned_end), datatype=XSD.gYear)))
    if record.timeline:
        graph.add((subject, PG.timeline, Literal(record.timeline, lang="ko")))
    for quote in record.quotes:
        graph.add((subject, PG.sourceQuote, Literal(quote, lang="ko")))
    for source in record.sources:
        graph.add((subject, PROV.wasDerivedFrom, iri("source", source)))


def _decimal(amount) -> Literal:
    """An xsd:decimal in canonical form ("20000000000.0"), as Turtle writes and reads it."""
    text = format(amount, "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _add_programme(graph: Graph, programme: Programme) -> None:
    subject = record_iri(programme)
    graph.add((subject, RDF.type, PG.Programme))
    _add_labels(graph, subject, programme.title)
    _add_texts(graph, subject, DCTERMS.description, programme.description)
    if programme.part_of:
        whole = programme_iri(programme.government, programme.part_of)
        graph.add((subject, DCTERMS.isPartOf, whole))
        graph.add((whole, DCTERMS.hasPart, subject))
    _add_provenance(graph, subject, programme)


def _add_policy(graph: Graph, policy: Policy) -> None:
    subject = record_iri(policy)
    graph.add((subject, RDF.type, PG.Policy))
    _add_labels(graph, subject, policy.title)
    _add_texts(graph, subject, DCTERMS.description, policy.description)
    if policy.lead_department:
        graph.add((subject, PG.leadDepartment, unit_iri(policy.government, policy.lead_department)))
    if policy.programme:
        programme = programme_iri(policy.government, policy.programme)
        graph.add((subject, DCTERMS.isPartOf, programme))
        graph.add((programme, DCTERMS.hasPart, subject))
    for predicate, kind, ids in (
        (PG.usesTechnology, "technology", policy.technologies),
        (PG.targetGroup, "target-group", policy.target_groups),
        (PG.partnerInstitution, "org", policy.partners),
        (PG.policyDomain, "domain", policy.domains),
    ):
        for slug in ids:
            graph.add((subject, predicate, iri(kind, slug)))
    _add_provenance(graph, subject, policy)


__all__ = ["build_graph", "record_iri"]
