"""Checked records → an RDF graph in the terms of the query contract. Pure: no I/O."""

from __future__ import annotations

from types import SimpleNamespace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SDO, SKOS, XSD

from ..records.iris import iri
from ..records.model import (
    Concept,
    Government,
    Organisation,
    Policy,
    Programme,
    Records,
    Source,
    Unit,
)
from ..records.values import LICENCES, SOURCE_TYPES, Text
from .vocab import GRAPH_IRI, PG, bind_prefixes

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
    "policy-stage": (PG.PolicyStage, "policy-stages", Text("정책 단계", "Policy stages")),
    "budget-kind": (PG.BudgetKind, "budget-kinds", Text("예산 종류", "Budget kinds")),
}

# Every class, property and datatype the graph uses, by a short name. Each graph's
# Terms makes them once, in the classes of its store (rdflib's or Oxigraph's): not
# once per triple (rdflib's namespaces build a new URIRef on every attribute read).
VOCABULARY: dict[str, URIRef] = {
    "type": RDF.type,
    "label": RDFS.label,
    "pref_label": SKOS.prefLabel,
    "alt_label": SKOS.altLabel,
    "definition": SKOS.definition,
    "concept_scheme": SKOS.ConceptScheme,
    "concept": SKOS.Concept,
    "in_scheme": SKOS.inScheme,
    "broader": SKOS.broader,
    "narrower": SKOS.narrower,
    "top_concept_of": SKOS.topConceptOf,
    "has_top_concept": SKOS.hasTopConcept,
    "organization": ORG.Organization,
    "formal_organization": ORG.FormalOrganization,
    "organizational_unit": ORG.OrganizationalUnit,
    "classification": ORG.classification,
    "sub_organization_of": ORG.subOrganizationOf,
    "has_sub_organization": ORG.hasSubOrganization,
    "unit_of": ORG.unitOf,
    "has_unit": ORG.hasUnit,
    "entity": PROV.Entity,
    "was_derived_from": PROV.wasDerivedFrom,
    "title": DCTERMS.title,
    "description": DCTERMS.description,
    "publisher": DCTERMS.publisher,
    "issued": DCTERMS.issued,
    "creator": DCTERMS.creator,
    "license": DCTERMS.license,
    "author": SDO.author,
    "notation": SKOS.notation,
    "legal_dong_code": PG.LegalDongCode,
    "stage": PG.stage,
    "budget_kind": PG.budgetKind,
    "is_part_of": DCTERMS.isPartOf,
    "has_part": DCTERMS.hasPart,
    "url": SDO.url,
    "policy": PG.Policy,
    "programme": PG.Programme,
    "government": PG.government,
    "lead_department": PG.leadDepartment,
    "uses_technology": PG.usesTechnology,
    "target_group": PG.targetGroup,
    "partner_institution": PG.partnerInstitution,
    "policy_domain": PG.policyDomain,
    "budget_krw": PG.budgetKRW,
    "planned_end": PG.plannedEnd,
    "timeline": PG.timeline,
    "source_quote": PG.sourceQuote,
    "date": XSD.date,
    "decimal": XSD.decimal,
    "g_year": XSD.gYear,
}


class Terms:
    """Makes the terms of the graph as rdflib's classes. A store with classes of its own
    (Oxigraph's) subclasses it, so that each term is made once, in its own classes."""

    def __init__(self) -> None:
        make = self.constant
        self.vocabulary = SimpleNamespace(**{n: make(t) for n, t in VOCABULARY.items()})
        self.concept_classes = {kind: make(cls) for kind, (cls, _s, _l) in CONCEPT_KINDS.items()}
        self.source_classes = {
            name: make(SDO[cls.removeprefix("schema:")])
            for name, (cls, _ko, _en) in SOURCE_TYPES.items()
        }

    def constant(self, term: URIRef):
        """A term of the vocabulary."""
        return term

    def iri(self, kind: str, slug: str):
        """The IRI of a resource of ours (see :func:`.vocab.iri`)."""
        return iri(kind, slug)

    def url(self, text: str):
        """An IRI given in a record (a source's url)."""
        return URIRef(text)

    def text(self, value: str, lang: str):
        """A literal in a language."""
        return Literal(value, lang=lang)

    def typed(self, lexical: str, datatype):
        """A literal of ``datatype`` (a term of the vocabulary) in its canonical form."""
        return Literal(lexical, datatype=datatype)


def source_label(source: Source, publisher: Organisation | Government | None) -> Text:
    """The name of a source without a headline: its publisher, kind and date."""
    _class, ko_kind, en_kind = SOURCE_TYPES[source.type]
    ko_publisher = publisher.label.ko if publisher else source.publisher
    en_publisher = publisher.label.en if publisher else source.publisher
    return Text(
        f"{ko_publisher} {ko_kind} ({source.issued.isoformat()})",
        f"{en_publisher} {en_kind}, {source.issued.isoformat()}",
    )


def build_graph(records: Records, report=None) -> Graph:
    """The RDF graph of ``records``: schemes, organisations, sources, programmes, policies."""
    return add_records(bind_prefixes(Graph(identifier=GRAPH_IRI)), records, report)


# The kinds of records whose triples each record makes from itself alone (so that a
# records file's can be made apart from the others'), in the order a graph gets them:
# the sources' triples (named by their publishers, from any file) come between.
OWN_KINDS = ("concepts", "organisations", "governments", "programmes", "policies")
BEFORE_SOURCES = 3  # OWN_KINDS[:3] come before the sources


def add_records(graph, records: Records, report=None, terms: Terms | None = None):
    """Add the triples of ``records`` to ``graph``: an rdflib Graph, or any sink with
    ``add((s, p, o))`` of the terms that ``terms`` makes (the Oxigraph engine's, which
    writes them straight to its store). ``report(step, done, total)`` hears of every
    thousandth policy. (The graph files do not depend on this order: they are
    written sorted, see :mod:`.writing`.)"""
    write = _Writer(graph, terms or Terms())
    write.schemes()
    write.own(records, OWN_KINDS[:BEFORE_SOURCES])
    write.sources(records)
    write.own(records, OWN_KINDS[BEFORE_SOURCES:], report)
    return graph


def add_own_triples(graph, records: Records, kind: str, terms: Terms | None = None) -> None:
    """The triples of ``records``' records of ``kind`` (one of :data:`OWN_KINDS`):
    those of one records file can be made, and kept, apart from the others'."""
    _Writer(graph, terms or Terms()).own(records, (kind,))


def add_shared_triples(graph, records: Records, kind: str, terms: Terms | None = None) -> None:
    """The triples that no one records file makes alone: the concept schemes'
    (``kind`` "schemes") or the sources' ("sources")."""
    write = _Writer(graph, terms or Terms())
    if kind == "schemes":
        write.schemes()
    else:
        write.sources(records)


class _Writer:
    """Adds the triples of records to a graph, in the terms that ``terms`` makes."""

    def __init__(self, graph, terms: Terms) -> None:
        self.add = graph.add
        self.terms = terms
        self.v = terms.vocabulary

    def labels(self, subject, label: Text, alt_labels=None, concept=False) -> None:
        add, v, terms = self.add, self.v, self.terms
        for lang in ("ko", "en"):
            literal = terms.text(getattr(label, lang), lang)
            add((subject, v.label, literal))
            if concept:
                add((subject, v.pref_label, literal))
        for lang, labels in (alt_labels or {}).items():
            for alt in labels:
                add((subject, v.alt_label, terms.text(alt, lang)))

    def texts(self, subject, predicate, text: Text | None) -> None:
        if text is not None:
            self.add((subject, predicate, self.terms.text(text.ko, "ko")))
            self.add((subject, predicate, self.terms.text(text.en, "en")))

    def own(self, records: Records, kinds: tuple[str, ...], report=None) -> None:
        """The triples of the records of ``kinds`` (of :data:`OWN_KINDS`), kind by kind."""
        writers = {
            "concepts": self.concept,
            "organisations": self.organisation,
            "governments": self.government,
            "programmes": self.programme,
            "policies": self.policy,
        }
        for kind in kinds:
            write, items = writers[kind], getattr(records, kind)
            for number, record in enumerate(items, 1):
                write(record)
                if report and kind == "policies" and (number % 1000 == 0 or number == len(items)):
                    report("converting to RDF (policies)", number, len(items))

    def sources(self, records: Records) -> None:
        publishers = {o.id: o for o in [*records.organisations, *records.governments]}
        for source in records.sources:
            self.source(source, publishers)

    def schemes(self) -> None:
        for _cls, slug, label in CONCEPT_KINDS.values():
            scheme = self.terms.iri("scheme", slug)
            self.add((scheme, self.v.type, self.v.concept_scheme))
            self.labels(scheme, label)

    def concept(self, concept: Concept) -> None:
        add, v, terms = self.add, self.v, self.terms
        subject = terms.iri(concept.kind, concept.id)
        scheme = terms.iri("scheme", CONCEPT_KINDS[concept.kind][1])
        add((subject, v.type, terms.concept_classes[concept.kind]))
        add((subject, v.type, v.concept))
        add((subject, v.in_scheme, scheme))
        self.labels(subject, concept.label, concept.alt_labels, concept=True)
        self.texts(subject, v.definition, concept.definition)
        for broader in concept.broader:
            add((subject, v.broader, terms.iri(concept.kind, broader)))
            add((terms.iri(concept.kind, broader), v.narrower, subject))
        if not concept.broader:
            add((subject, v.top_concept_of, scheme))
            add((scheme, v.has_top_concept, subject))

    def organisation(self, organisation: Organisation) -> None:
        subject = self.terms.iri("org", organisation.id)
        self.add((subject, self.v.type, self.v.organization))
        self.labels(subject, organisation.label, organisation.alt_labels)
        kind = self.terms.iri("organisation-type", organisation.kind)
        self.add((subject, self.v.classification, kind))

    def government(self, government: Government) -> None:
        add, v, terms = self.add, self.v, self.terms
        subject = terms.iri("org", government.id)
        add((subject, v.type, v.organization))
        add((subject, v.type, v.formal_organization))
        self.labels(subject, government.label, government.alt_labels)
        add((subject, v.classification, terms.iri("organisation-type", government.kind)))
        if government.code:
            add((subject, v.notation, terms.typed(government.code, v.legal_dong_code)))
        if government.part_of:
            add((subject, v.sub_organization_of, terms.iri("org", government.part_of)))
        for unit in government.units:
            self.unit(unit, subject)

    def unit(self, unit: Unit, government) -> None:
        add, v, terms = self.add, self.v, self.terms
        subject = terms.iri("org", f"{unit.government}-{unit.id}")
        add((subject, v.type, v.organizational_unit))
        self.labels(subject, unit.label, unit.alt_labels)
        add((subject, v.classification, terms.iri("organisation-type", unit.unit_type)))
        add((subject, v.unit_of, government))
        add((government, v.has_unit, subject))
        if unit.part_of:
            holder = terms.iri("org", f"{unit.government}-{unit.part_of}")
            add((subject, v.sub_organization_of, holder))
            add((holder, v.has_sub_organization, subject))

    def source(self, source: Source, publishers: dict) -> None:
        add, v, terms = self.add, self.v, self.terms
        subject = terms.iri("source", source.id)
        add((subject, v.type, v.entity))
        add((subject, v.type, terms.source_classes[source.type]))
        if source.title:
            self.labels(subject, Text(source.title, source.title_en))
            add((subject, v.title, terms.text(source.title, "ko")))
            add((subject, v.title, terms.text(source.title_en, "en")))
        else:
            self.labels(subject, source_label(source, publishers.get(source.publisher)))
        add((subject, v.publisher, terms.iri("org", source.publisher)))
        add((subject, v.issued, terms.typed(source.issued.isoformat(), v.date)))
        if source.creator:
            add((subject, v.creator, terms.iri("org", source.creator)))
        if source.author:
            add((subject, v.author, terms.text(source.author, "ko")))
        if source.url:
            add((subject, v.url, terms.url(source.url)))
        if LICENCES.get(source.licence):
            add((subject, v.license, terms.url(LICENCES[source.licence])))

    def provenance(self, subject, record: Policy | Programme) -> None:
        add, v, terms = self.add, self.v, self.terms
        add((subject, v.government, terms.iri("org", record.government)))
        if record.budget_krw is not None:
            add((subject, v.budget_krw, terms.typed(_decimal(record.budget_krw), v.decimal)))
        if record.budget_kind:
            add((subject, v.budget_kind, terms.iri("budget-kind", record.budget_kind)))
        if record.planned_end is not None:
            add((subject, v.planned_end, terms.typed(str(record.planned_end), v.g_year)))
        if record.timeline:
            add((subject, v.timeline, terms.text(record.timeline, "ko")))
        for quote in record.quotes:
            add((subject, v.source_quote, terms.text(quote, "ko")))
        for source in record.sources:
            add((subject, v.was_derived_from, terms.iri("source", source)))

    def programme(self, programme: Programme) -> None:
        add, v, terms = self.add, self.v, self.terms
        subject = terms.iri("programme", f"{programme.government}-{programme.id}")
        add((subject, v.type, v.programme))
        self.labels(subject, programme.title)
        self.texts(subject, v.description, programme.description)
        if programme.part_of:
            whole = terms.iri("programme", f"{programme.government}-{programme.part_of}")
            add((subject, v.is_part_of, whole))
            add((whole, v.has_part, subject))
        self.provenance(subject, programme)

    def policy(self, policy: Policy) -> None:
        add, v, terms = self.add, self.v, self.terms
        government = policy.government
        subject = terms.iri("policy", f"{government}-{policy.id}")
        add((subject, v.type, v.policy))
        self.labels(subject, policy.title)
        self.texts(subject, v.description, policy.description)
        if policy.lead_department:
            department = terms.iri("org", f"{government}-{policy.lead_department}")
            add((subject, v.lead_department, department))
        if policy.programme:
            programme = terms.iri("programme", f"{government}-{policy.programme}")
            add((subject, v.is_part_of, programme))
            add((programme, v.has_part, subject))
        for predicate, kind, ids in (
            (v.uses_technology, "technology", policy.technologies),
            (v.target_group, "target-group", policy.target_groups),
            (v.partner_institution, "org", policy.partners),
            (v.policy_domain, "domain", policy.domains),
        ):
            for slug in ids:
                add((subject, predicate, terms.iri(kind, slug)))
        if policy.stage:
            add((subject, v.stage, terms.iri("policy-stage", policy.stage)))
        self.provenance(subject, policy)


def _decimal(amount) -> str:
    """An xsd:decimal's canonical form (XSD 1.1: "20000000000", "2.5"), the one
    Oxigraph keeps: the graph files are the same whichever store held the graph."""
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


__all__ = ["build_graph"]
