"""RDF → networkx: the graph that views draw and that analysis measures.

A node is a resource with a kind (policy, department, technology …) and its labels
and facts as attributes; an edge is an object property between two such nodes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS

from ..errors import UsageError
from ..graph.vocab import PG
from .catalogue import KINDS, RELATIONS, kind_from_types

KIND_NAMES = {kind: (en, ko) for kind, (_cls, en, ko) in KINDS.items()} | {
    "other": ("Other", "기타")
}
# The kinds that build's summary counts too, by one definition (Catalogue.count).
COUNTED = ("government", "department", "policy", "source", "technology", "target-group", "partner")
# Properties drawn as edges, with their names for the edge labels, and their keys.
EDGE_NAMES = {prop: (en, ko) for _key, (prop, en, ko) in RELATIONS.items()}
EDGE_KEYS = {prop: key for key, (prop, _en, _ko) in RELATIONS.items()}


def kind_of(graph: Graph, node: URIRef) -> str | None:
    """The kind of a resource of ``graph`` (see :func:`.catalogue.kind_from_types`)."""
    types = {str(t) for t in graph.objects(node, RDF.type)}
    named = (None, PG.partnerInstitution, node) in graph
    return kind_from_types(str(node), types, {str(node)} if named else set())


def _text(graph: Graph, node, predicate, lang: str) -> str:
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    chosen = [o for o in values if o.language == lang] or values
    return str(sorted(chosen)[0]) if chosen else ""


def _amount(value) -> str:
    """A budget for people: 20,000,000,000 (whichever lexical form the store kept)."""
    if not isinstance(value, Literal):
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,f}"


def several_governments(graph: Graph) -> bool:
    """Whether ``graph`` holds more than one government (typed as one, or named as a
    unit's or a policy's): then a unit is named with its government."""
    seen: set = set()
    for found in (
        graph.subjects(RDF.type, ORG.FormalOrganization),
        graph.objects(None, ORG.unitOf),
        graph.objects(None, PG.government),
    ):
        for government in found:
            seen.add(government)
            if len(seen) > 1:
                return True
    return False


def _label(graph: Graph, node, lang: str) -> str:
    return _text(graph, node, RDFS.label, lang) or str(node).rsplit("/", 1)[-1]


def _attributes(graph: Graph, node: URIRef, kind: str, lang: str, several: bool = False) -> dict:
    attributes = {
        "kind": kind,
        "label": _label(graph, node, lang),
        "label_ko": _text(graph, node, RDFS.label, "ko"),
        "label_en": _text(graph, node, RDFS.label, "en"),
    }
    if several:
        attributes.update(_government_names(graph, node, kind, lang, attributes))
    description = _text(graph, node, DCTERMS.description, lang)
    facts = {
        "description": description,
        "budget_krw": _amount(graph.value(node, PG.budgetKRW)),
        "planned_end": _text(graph, node, PG.plannedEnd, ""),
        "timeline": _text(graph, node, PG.timeline, "ko"),
        "quote": " / ".join(sorted(str(q) for q in graph.objects(node, PG.sourceQuote))),
    }
    source = graph.value(node, PROV.wasDerivedFrom)
    if source is not None:
        facts["source"] = _text(graph, source, DCTERMS.title, "ko")
        facts["source_date"] = _text(graph, source, DCTERMS.issued, "")
    attributes.update({key: value for key, value in facts.items() if value})
    return attributes


def _government_names(graph: Graph, node: URIRef, kind: str, lang: str, names: dict) -> dict:
    """Where several governments are shown: a unit's labels with its government's in
    front ("광주광역시 기획조정실"), its own kept as ``name_ko``/``name_en`` (to find it
    by); a policy's or programme's government as a fact."""
    if kind == "department":
        government = graph.value(node, ORG.unitOf)
    elif kind in ("policy", "programme"):
        government = graph.value(node, PG.government)
    else:
        return {}
    if government is None:
        return {}
    named = {"government": _label(graph, government, lang)}
    if kind == "department":
        named |= {
            "label": f"{named['government']} {names['label']}",
            "name_ko": names["label_ko"],
            "name_en": names["label_en"],
        }
        for key, language in (("label_ko", "ko"), ("label_en", "en")):
            if names[key]:
                named[key] = f"{_label(graph, government, language)} {names[key]}"
    return {key: value for key, value in named.items() if value}


def to_networkx(
    graph: Graph,
    lang: str = "ko",
    any_property: bool = False,
) -> nx.DiGraph:
    """The resources of ``graph`` and the object properties between them, with labels
    in ``lang`` and facts as attributes (for exports and CONSTRUCT answers; the views
    draw from the catalogue: see :mod:`.pages`). Where ``graph`` holds several governments,
    a unit is named with its government.

    With ``any_property`` (for the graphs of CONSTRUCT queries), every property
    between two IRIs is an edge, and a resource of no known kind is of kind "other".
    """
    if lang not in ("ko", "en"):
        raise UsageError(f"unknown language {lang!r}; expected ko or en")
    network = nx.DiGraph()
    kind_cache: dict[URIRef, str | None] = {}
    several = several_governments(graph)

    def kind(node) -> str | None:
        if node not in kind_cache:
            found = kind_of(graph, node) if isinstance(node, URIRef) else None
            if found is None and any_property and isinstance(node, URIRef):
                found = "other"
            kind_cache[node] = found
        return kind_cache[node]

    def add_node(node) -> None:
        if str(node) not in network:
            network.add_node(str(node), **_attributes(graph, node, kind(node), lang, several))

    if any_property:
        predicates = sorted({p for p in graph.predicates() if p != RDF.type})
    else:
        predicates = list(EDGE_NAMES)
    for predicate in predicates:
        name_en, name_ko = EDGE_NAMES.get(
            predicate, (graph.namespace_manager.normalizeUri(predicate),) * 2
        )
        for subject, obj in sorted(graph.subject_objects(predicate)):
            if not (kind(subject) and kind(obj)):
                continue
            add_node(subject)
            add_node(obj)
            network.add_edge(
                str(subject),
                str(obj),
                relation=name_ko if lang == "ko" else name_en,
                relation_key=EDGE_KEYS.get(predicate, name_en),
            )
    for subject in sorted(set(graph.subjects(RDF.type, None))):
        if kind(subject):
            add_node(subject)
    return network


@dataclass
class Statistics:
    """The analysis of a graph (from its catalogue, in time linear in its size). A
    "holder" is a department, or a government standing in for one where its policies
    name none (listed in ``stand_ins``)."""

    counts: dict[str, int]
    governments: int
    sources: list[dict]
    central_technologies: list[tuple[str, int, int]]  # (label, holders, policies)
    central_departments: list[tuple[str, int]]  # (label, other holders sharing a technology)
    holders: int
    isolated_departments: list[str]
    communities: list[dict]  # {"technologies": [...], "holders": n, "examples": [...]}
    stand_ins: list[str] = field(default_factory=list)
    # Every government, those without a policy too: (IRI, label, policies, departments),
    # by label.
    government_policies: list[tuple[str, str, int, int]] = field(default_factory=list)


def statistics(catalogue, lang: str = "ko", top: int = 10) -> Statistics:
    """What `policy-graph stats` prints and index.html shows.

    Technologies are ranked by the holders that use them (as tagged); a holder by how
    many others share a technology with it, counted with one bit set per technology
    rather than through a holder × holder projection, which has millions of links at
    national size; communities are Louvain's on the holder–technology graph itself."""
    if lang not in ("ko", "en"):
        raise UsageError(f"unknown language {lang!r}; expected ko or en")
    found = _holders(catalogue)
    holders_of, uses, policies_of, stand_ins, sharing, communities = found
    label = lambda iri: catalogue.display_label(iri, lang)  # noqa: E731
    technologies = sorted(
        ((label(t), len(h), policies_of[t]) for t, h in holders_of.items()),
        key=lambda x: (-x[1], -x[2], x[0]),
    )
    departments = sorted(((label(h), n) for h, n in sharing.items()), key=lambda x: (-x[1], x[0]))
    per_government = Counter(p.government for p in catalogue.policies.values() if p.government)
    units = Counter(
        catalogue.unit_government.get(u) for u, k in catalogue.kinds.items() if k == "department"
    )
    governments = sorted(
        ((g, label(g), per_government[g], units[g]) for g in catalogue.governments),
        key=lambda row: (row[1], row[0]),
    )
    return Statistics(
        counts=resource_counts(catalogue),
        governments=len(catalogue.governments),
        sources=_sources(catalogue, lang),
        central_technologies=technologies[:top],
        central_departments=departments[:top],
        holders=len(uses),
        isolated_departments=sorted(label(h) for h, n in sharing.items() if n == 0),
        communities=_labelled(communities, label),
        stand_ins=sorted(label(g) for g in stand_ins),
        government_policies=governments,
    )


def resource_counts(catalogue) -> dict[str, int]:
    """Per kind, in legend order: governments, departments, policies, sources,
    technologies, target groups and partners as build's summary counts them
    (Catalogue.count); the other kinds as the graph holds them."""
    counted = catalogue.count()
    held = Counter(catalogue.kinds.values())
    counts = {kind: counted.get(kind, 0) if kind in COUNTED else held[kind] for kind in KINDS}
    return {kind: n for kind, n in counts.items() if n}


def _holders(catalogue) -> tuple:
    """What the analysis measures, in IRIs (the same in either language), worked out
    once per catalogue: technologies' holders, holders' technologies, policies per
    technology, stand-in governments, sharing, communities."""
    kept = catalogue.cache.get("holders")
    if kept is not None:
        return kept
    holders_of: dict[str, set[str]] = {}
    uses: dict[str, set[str]] = {}
    policies_of: Counter = Counter()
    stand_ins = set()
    for policy in catalogue.policies.values():
        holder = policy.department or policy.government
        if holder is None:
            continue
        if policy.department is None:
            stand_ins.add(holder)
        for technology in policy.technologies:
            holders_of.setdefault(technology, set()).add(holder)
            uses.setdefault(holder, set()).add(technology)
            policies_of[technology] += 1
    kept = (
        holders_of,
        uses,
        policies_of,
        stand_ins,
        _sharing(holders_of, uses),
        _communities(uses),
    )
    catalogue.cache["holders"] = kept
    return kept


def _sharing(holders_of: dict[str, set[str]], uses: dict[str, set[str]]) -> dict[str, int]:
    """For each holder, how many other holders use one of its technologies: the
    union of one bit set per technology, so no pair of holders is ever listed."""
    bit = {holder: 1 << n for n, holder in enumerate(sorted(uses))}
    mask = {t: sum(bit[h] for h in holders) for t, holders in holders_of.items()}
    shared = {}
    for holder, technologies in uses.items():
        union = 0
        for technology in technologies:
            union |= mask[technology]
        shared[holder] = union.bit_count() - 1
    return shared


def _communities(uses: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Louvain communities (seeded) of the holder–technology graph: (technologies,
    holders) used together, as IRIs."""
    bipartite = nx.Graph()  # built in sorted order: Louvain's answer follows the order
    for holder in sorted(uses):
        for technology in sorted(uses[holder]):
            bipartite.add_edge(("h", holder), ("t", technology))
    if not bipartite.number_of_edges():
        return []
    found = nx.community.louvain_communities(bipartite, seed=7)
    return [
        (
            sorted(iri for side, iri in community if side == "t"),
            sorted(iri for side, iri in community if side == "h"),
        )
        for community in found
    ]


def _labelled(communities, label) -> list[dict]:
    """Communities in words: their technologies, how many holders, a few of them."""
    groups = []
    for technology_iris, holder_iris in communities:
        technologies = sorted(label(iri) for iri in technology_iris)
        holders = sorted(label(iri) for iri in holder_iris)
        if technologies and holders:
            groups.append(
                {"technologies": technologies, "holders": len(holders), "examples": holders[:5]}
            )
    return sorted(groups, key=lambda g: (-g["holders"], g["technologies"]))


def _sources(catalogue, lang: str) -> list[dict]:
    found = []
    for iri, kind in catalogue.kinds.items():
        if kind != "source":
            continue
        titles = catalogue.source_titles.get(iri, {})
        publisher = catalogue.publishers.get(iri)
        found.append(
            {
                "title": titles.get(lang) or titles.get("ko") or catalogue.label(iri, lang),
                "date": catalogue.source_dates.get(iri, ""),
                "publisher": catalogue.label(publisher, lang) if publisher else "",
                "iri": iri,
            }
        )
    return sorted(found, key=lambda s: (s["date"], s["title"]))


def export(network: nx.Graph, fmt: str) -> bytes:
    """``network`` as GraphML or GEXF (for Gephi and Cytoscape), UTF-8, Korean intact."""
    import io

    writers = {"graphml": nx.write_graphml, "gexf": nx.write_gexf}
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r}; expected graphml or gexf")
    buffer = io.BytesIO()
    writers[fmt](network, buffer, encoding="utf-8")
    return buffer.getvalue()
