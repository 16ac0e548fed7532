"""RDF → the catalogue that views and the analysis read: every resource with its kind
and labels, every policy with its facets, the hierarchies, the sources.

Read in one pass per property straight from the store (Oxigraph's own iterator where
the graph lives there), so that a national graph is read in seconds, and once: every
view, page and table of a run is made from one catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from sys import intern

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from ..graph.vocab import PG
from ..records.amounts import won_in_words

# Kind of resource → (its class, its name in English and Korean). Order = legend order,
# and the first class a resource has wins (a government is an org:Organization too;
# an organisation is a partner only where some policy names it as one).
KINDS: dict[str, tuple[URIRef, str, str]] = {
    "policy": (PG.Policy, "Policy", "정책"),
    "department": (ORG.OrganizationalUnit, "Department", "부서·기관"),
    "technology": (PG.Technology, "Technology", "기술"),
    "target-group": (PG.TargetGroup, "Target group", "정책 대상"),
    "partner": (ORG.Organization, "Partner institution", "협력 기관"),
    "government": (ORG.FormalOrganization, "Government", "지방정부"),
    "organisation": (ORG.Organization, "Other organisation", "기타 기관"),
    "domain": (PG.PolicyDomain, "Policy domain", "정책 분야"),
    "programme": (PG.Programme, "Programme", "프로그램"),
    "source": (PROV.Entity, "Source", "출처"),
}
# Object properties kept as links: key (in pages and URLs) → (property, English and
# Korean names).
RELATIONS: dict[str, tuple[URIRef, str, str]] = {
    "leadDepartment": (PG.leadDepartment, "lead department", "담당 부서"),
    "usesTechnology": (PG.usesTechnology, "uses", "활용 기술"),
    "targetGroup": (PG.targetGroup, "serves", "정책 대상"),
    "partnerInstitution": (PG.partnerInstitution, "partner", "협력 기관"),
    "policyDomain": (PG.policyDomain, "domain", "정책 분야"),
    "government": (PG.government, "government", "지방정부"),
    "broader": (SKOS.broader, "broader", "상위 개념"),
    "unitOf": (ORG.unitOf, "unit of", "소속"),
    "subOrganizationOf": (ORG.subOrganizationOf, "sub-organisation of", "상위 조직"),
    "isPartOf": (DCTERMS.isPartOf, "part of", "소속 프로그램"),
    "wasDerivedFrom": (PROV.wasDerivedFrom, "source", "출처"),
}
# Links that go up a hierarchy (narrower → broader, unit → government, …).
UPWARD = ("broader", "unitOf", "subOrganizationOf", "isPartOf")
# What a focus does not walk on from (see is_hub).
HUB_KINDS = ("government", "programme", "source", "organisation")


@dataclass
class Policy:
    """One policy and what a viewer filters and reads it by."""

    iri: str
    government: str | None = None
    department: str | None = None
    technologies: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    budget: Decimal | None = None
    planned_end: str | None = None
    timeline: str | None = None
    quotes: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    """What the views of one graph are made of."""

    kinds: dict[str, str]  # IRI → kind
    labels: dict[str, dict[str, str]]  # IRI → {"ko": …, "en": …}
    descriptions: dict[str, dict[str, str]]
    links: list[tuple[str, str, str]]  # (subject, object, relation key), both ends known
    policies: dict[str, Policy]
    unit_government: dict[str, str]  # unit → its government
    parents: dict[str, str]  # org:subOrganizationOf: unit → unit, district → city
    broader: dict[str, list[str]]  # concept → its broader concepts
    source_dates: dict[str, str]
    source_titles: dict[str, dict[str, str]]
    publishers: dict[str, str]  # source → publisher IRI
    codes: dict[str, str] = field(default_factory=dict)  # government → its 법정동 code
    # government → the names of its kind (org:classification): {"ko": "군", "en": "county"}
    government_kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, repr=False)  # what pages work out once

    @cached_property
    def several_governments(self) -> bool:
        return len(self.governments) > 1

    @cached_property
    def governments(self) -> list[str]:
        """Every government: typed as one, or named as a unit's or a policy's."""
        found = {iri for iri, kind in self.kinds.items() if kind == "government"}
        found.update(self.unit_government.values())
        found.update(p.government for p in self.policies.values() if p.government)
        return sorted(found)

    @cached_property
    def links_from(self) -> dict[str, list[tuple[str, str]]]:
        """Subject → its (object, relation key) links, sorted."""
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for subject, obj, relation in self.links:
            found[subject].append((obj, relation))
        return {subject: sorted(links) for subject, links in found.items()}

    @cached_property
    def neighbours(self) -> dict[str, list[str]]:
        """Resource → the resources it links to or is linked from, sorted."""
        found: dict[str, set[str]] = defaultdict(set)
        for subject, obj, _relation in self.links:
            found[subject].add(obj)
            found[obj].add(subject)
        return {node: sorted(others) for node, others in found.items()}

    def count(self, governments: set[str] | None = None) -> dict[str, int]:
        """How many of each kind the graph holds (``governments`` None) or those
        governments do, by the one definition of build's summary (COUNT_QUERY in
        graph/pipeline.py): every government, with or without policies; its units (a
        government whose policies name none is not a department); its policies; the
        sources its policies and programmes are derived from; the technologies, target
        groups and partners its policies name. Kinds with none are left out."""
        whole = governments is None
        chosen = set(self.governments) if whole else set(governments)
        if whole:
            policies = list(self.policies.values())
            units = [u for u, kind in self.kinds.items() if kind == "department"]
        else:
            policies = [p for g in sorted(chosen) for p in self.policies_of.get(g, ())]
            units = [u for g in sorted(chosen) for u in self.units_of.get(g, ())]
        sources = {s for p in policies for s in p.sources}
        for programme, government in self.programme_governments.items():
            if whole or government in chosen:
                sources.update(self.programme_sources.get(programme, ()))
        counts = {
            "government": len(chosen),
            "department": len(units),
            "policy": len(policies),
            "source": len(sources),
            "technology": len({t for p in policies for t in p.technologies}),
            "target-group": len({g for p in policies for g in p.target_groups}),
            "partner": len({o for p in policies for o in p.partners}),
        }
        return {kind: n for kind, n in counts.items() if n}

    @cached_property
    def policies_of(self) -> dict[str, list[Policy]]:
        """Government → its policies (a page per government counts them)."""
        found: dict[str, list[Policy]] = defaultdict(list)
        for policy in self.policies.values():
            found[policy.government].append(policy)
        return found

    @cached_property
    def units_of(self) -> dict[str, list[str]]:
        """Government → its units."""
        found: dict[str, list[str]] = defaultdict(list)
        for unit, kind in self.kinds.items():
            if kind == "department":
                found[self.unit_government.get(unit)].append(unit)
        return found

    @cached_property
    def programme_governments(self) -> dict[str, str]:
        return {
            s: o
            for s, o, relation in self.links
            if relation == "government" and self.kinds.get(s) == "programme"
        }

    @cached_property
    def programme_sources(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for subject, obj, relation in self.links:
            if relation == "wasDerivedFrom" and self.kinds.get(subject) == "programme":
                found[subject].append(obj)
        return found

    def label(self, iri: str, lang: str) -> str:
        names = self.labels.get(iri, {})
        return names.get(lang) or names.get("ko") or names.get("en") or iri.rsplit("/", 1)[-1]

    def display_label(self, iri: str, lang: str) -> str:
        """A unit's label with its government's in front where several governments are
        shown ("광주광역시 기획조정실"); any other resource's own label."""
        government = self.unit_government.get(iri)
        if government and self.kinds.get(iri) == "department" and self.several_governments:
            return f"{self.label(government, lang)} {self.label(iri, lang)}"
        return self.label(iri, lang)

    def ancestors(self, concept: str) -> list[str]:
        """``concept`` and every concept broader than it (skos:broader*), in order met."""
        seen, pending = [concept], [concept]
        while pending:
            for parent in self.broader.get(pending.pop(), []):
                if parent not in seen:
                    seen.append(parent)
                    pending.append(parent)
        return seen

    def year(self, policy: Policy) -> int | None:
        """The year of a policy's earliest source: what the year filter reads."""
        years = [int(self.source_dates[s][:4]) for s in policy.sources if s in self.source_dates]
        return min(years, default=None)

    def budget_words(self, policy: Policy) -> dict[str, str] | None:
        return won_in_words(policy.budget) if policy.budget is not None else None


# --- reading the store -------------------------------------------------------------


def _pairs(graph: Graph, predicate: URIRef):
    """(subject IRI, object) of every triple with ``predicate`` whose subject is an
    IRI; an object is a str (an IRI) or a (text, language, datatype IRI) tuple."""
    raw = getattr(graph, "raw", None)
    if raw is not None:
        yield from _oxigraph_pairs(raw, graph.graph_name, predicate)
        return
    for subject, obj in graph.subject_objects(predicate):
        if not isinstance(subject, URIRef):
            continue
        if isinstance(obj, URIRef):
            yield intern(str(subject)), intern(str(obj))
        elif isinstance(obj, Literal):
            yield intern(str(subject)), (str(obj), obj.language or "", str(obj.datatype or ""))


def _oxigraph_pairs(store, graph_name, predicate: URIRef):
    import pyoxigraph as ox

    graph = ox.NamedNode(str(graph_name)) if graph_name is not None else None  # None: all
    quads = store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, graph)
    # IRIs are interned: each is met many times, and one copy each keeps a national
    # catalogue in a few hundred megabytes.
    for quad in quads:
        subject, obj = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if isinstance(obj, ox.NamedNode):
            yield intern(subject.value), intern(obj.value)
        elif isinstance(obj, ox.Literal):
            yield intern(subject.value), (obj.value, obj.language or "", obj.datatype.value)


def read_catalogue(graph: Graph) -> Catalogue:
    """The catalogue of ``graph`` (an rdflib Graph or an Oxigraph store's view)."""
    types: dict[str, set[str]] = defaultdict(set)
    for subject, obj in _pairs(graph, RDF.type):
        if isinstance(obj, str):
            types[subject].add(obj)
    links_by = {key: list(_iri_pairs(graph, prop)) for key, (prop, _en, _ko) in RELATIONS.items()}
    partners = {o for _s, o in links_by["partnerInstitution"]}
    kinds = {
        iri: kind for iri, found in types.items() if (kind := kind_from_types(iri, found, partners))
    }
    catalogue = Catalogue(
        kinds=kinds,
        labels=_texts(graph, RDFS.label, kinds),
        descriptions=_texts(graph, DCTERMS.description, kinds),
        links=sorted(  # in one order whichever store the graph lives in
            (s, o, key)
            for key, pairs in links_by.items()
            for s, o in pairs
            if s in kinds and o in kinds
        ),
        policies={iri: Policy(iri) for iri, kind in kinds.items() if kind == "policy"},
        unit_government={s: o for s, o in links_by["unitOf"]},
        parents={s: o for s, o in links_by["subOrganizationOf"]},
        broader=_grouped(links_by["broader"]),
        source_dates={},
        source_titles=_texts(graph, DCTERMS.title, kinds),
        publishers={s: o for s, o in _iri_pairs(graph, DCTERMS.publisher)},
    )
    _fill_policies(catalogue, links_by)
    _fill_facts(catalogue, graph)
    _fill_governments(catalogue, graph)
    return catalogue


def _fill_governments(catalogue: Catalogue, graph: Graph) -> None:
    """Each government's code (skos:notation typed pg:LegalDongCode) and the names of
    its kind (its org:classification's labels)."""
    governments = set(catalogue.governments)
    for subject, obj in _pairs(graph, SKOS.notation):
        if subject in governments and not isinstance(obj, str) and obj[2] == str(PG.LegalDongCode):
            catalogue.codes[subject] = obj[0]
    classes = {s: o for s, o in _iri_pairs(graph, ORG.classification) if s in governments}
    names = {kind: _labels_of(graph, kind) for kind in set(classes.values())}
    for government, kind in classes.items():
        if names[kind]:
            catalogue.government_kinds[government] = names[kind]


def _labels_of(graph: Graph, iri: str) -> dict[str, str]:
    """One resource's rdfs:label by language (a few kinds of government: looked up, not
    read with every other label again)."""
    raw = getattr(graph, "raw", None)  # an OxigraphView: its store, and its graph's name
    if raw is not None:
        import pyoxigraph as ox

        name = graph.graph_name  # None: the union of a kept store's graphs
        quads = raw.quads_for_pattern(
            ox.NamedNode(iri),
            ox.NamedNode(str(RDFS.label)),
            None,
            ox.NamedNode(str(name)) if name is not None else None,
        )
        found = [(q.object.value, q.object.language) for q in quads]
    else:
        found = [(str(o), o.language) for o in graph.objects(URIRef(iri), RDFS.label)]
    return {
        lang: min(t for t, tag in found if tag == lang)
        for _t, lang in found
        if lang in ("ko", "en")
    }


def _iri_pairs(graph: Graph, predicate: URIRef):
    return ((s, o) for s, o in _pairs(graph, predicate) if isinstance(o, str))


def kind_from_types(iri: str, types: set[str], partners: set[str]) -> str | None:
    """The kind of a resource with the class IRIs ``types``: the first of KINDS whose
    class it has; an organisation is a partner only where some policy names it as one
    (``partners``: the IRIs named so)."""
    for kind, (cls, _en, _ko) in KINDS.items():
        if str(cls) not in types:
            continue
        if kind == "partner" and (str(ORG.FormalOrganization) in types or iri not in partners):
            continue
        return kind
    return None


def _texts(graph: Graph, predicate: URIRef, kinds: dict) -> dict[str, dict[str, str]]:
    """Per resource, its one text per language ("ko", "en"; an untagged text fills a
    missing one); where a resource has several of one language, the least (stable)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for subject, obj in _pairs(graph, predicate):
        if subject not in kinds or isinstance(obj, str):
            continue
        text, language, _datatype = obj
        for lang in (language,) if language else ("ko", "en"):
            kept = found[subject].get(lang)
            if kept is None or (text < kept and language):
                found[subject][lang] = text
    return dict(found)


def _grouped(pairs) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for subject, obj in pairs:
        grouped[subject].append(obj)
    return {key: sorted(values) for key, values in grouped.items()}


_POLICY_LISTS = {
    "usesTechnology": "technologies",
    "targetGroup": "target_groups",
    "partnerInstitution": "partners",
    "policyDomain": "domains",
    "isPartOf": "programmes",
    "wasDerivedFrom": "sources",
}


def _fill_policies(catalogue: Catalogue, links_by: dict) -> None:
    policies = catalogue.policies
    for key, attribute in _POLICY_LISTS.items():
        for subject, obj in links_by[key]:
            if subject in policies and obj in catalogue.kinds:
                getattr(policies[subject], attribute).append(obj)
    for subject, obj in links_by["government"]:
        if subject in policies:
            policies[subject].government = obj
    for subject, obj in links_by["leadDepartment"]:
        if subject in policies and obj in catalogue.kinds:
            policies[subject].department = obj
    for policy in policies.values():
        for attribute in _POLICY_LISTS.values():
            getattr(policy, attribute).sort()


def _fill_facts(catalogue: Catalogue, graph: Graph) -> None:
    policies = catalogue.policies
    for subject, obj in _pairs(graph, PG.budgetKRW):
        if subject in policies and not isinstance(obj, str):
            try:
                policies[subject].budget = Decimal(obj[0])
            except InvalidOperation:
                continue
    for predicate, attribute in ((PG.plannedEnd, "planned_end"), (PG.timeline, "timeline")):
        for subject, obj in _pairs(graph, predicate):
            if subject in policies and not isinstance(obj, str):
                setattr(policies[subject], attribute, obj[0])
    for subject, obj in _pairs(graph, PG.sourceQuote):
        if subject in policies and not isinstance(obj, str):
            policies[subject].quotes.append(obj[0])
    for policy in policies.values():
        policy.quotes.sort()
    for subject, obj in _pairs(graph, DCTERMS.issued):
        if catalogue.kinds.get(subject) == "source" and not isinstance(obj, str):
            catalogue.source_dates[subject] = obj[0]


def is_hub(catalogue: Catalogue, iri: str) -> bool:
    """Whether ``iri`` is a government, programme, source, other organisation or a root
    of a vocabulary (AI, 정책 분야 …): what links most things to most others."""
    kind = catalogue.kinds.get(iri)
    concepts = ("technology", "target-group", "domain")
    return kind in HUB_KINDS or (kind in concepts and iri not in catalogue.broader)
