"""RDF → networkx: the graph that views draw and that analysis measures.

A node is a resource with a kind (policy, department, technology …) and its labels
and facts as attributes; an edge is an object property between two such nodes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from .errors import UsageError
from .vocab import PG

# Kind of node → (its class, its name in English and Korean). Order = legend order.
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
KIND_NAMES = {kind: (en, ko) for kind, (_cls, en, ko) in KINDS.items()} | {
    "other": ("Other", "기타")
}
OVERVIEW_KINDS = ("policy", "department", "technology", "target-group", "partner")
# Properties drawn as edges, with their names for the edge labels.
EDGE_NAMES = {
    PG.leadDepartment: ("lead department", "담당 부서"),
    PG.usesTechnology: ("uses", "활용 기술"),
    PG.targetGroup: ("serves", "정책 대상"),
    PG.partnerInstitution: ("partner", "협력 기관"),
    PG.policyDomain: ("domain", "정책 분야"),
    PG.government: ("government", "지방정부"),
    SKOS.broader: ("broader", "상위 개념"),
    ORG.unitOf: ("unit of", "소속"),
    DCTERMS.isPartOf: ("part of", "소속 프로그램"),
    PROV.wasDerivedFrom: ("source", "출처"),
}


def kind_of(graph: Graph, node: URIRef) -> str | None:
    """The kind of a resource: the first of KINDS whose class it has; an organisation
    is a partner only where some policy names it as one."""
    types = set(graph.objects(node, RDF.type))
    for kind, (cls, _en, _ko) in KINDS.items():
        if cls not in types:
            continue
        if kind == "partner" and (
            ORG.FormalOrganization in types or (None, PG.partnerInstitution, node) not in graph
        ):
            continue
        return kind
    return None


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


def _attributes(graph: Graph, node: URIRef, kind: str, lang: str) -> dict:
    attributes = {
        "kind": kind,
        "label": _text(graph, node, RDFS.label, lang) or str(node).rsplit("/", 1)[-1],
        "label_ko": _text(graph, node, RDFS.label, "ko"),
        "label_en": _text(graph, node, RDFS.label, "en"),
    }
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


def to_networkx(
    graph: Graph, lang: str = "ko", kinds: tuple[str, ...] | None = None, any_property: bool = False
) -> nx.DiGraph:
    """The resources of ``graph`` (of ``kinds``; all known kinds by default) and the
    object properties between them, with labels in ``lang`` and facts as attributes.

    With ``any_property`` (for the graphs of CONSTRUCT queries), every property
    between two IRIs is an edge, and a resource of no known kind is of kind "other".
    """
    if lang not in ("ko", "en"):
        raise UsageError(f"unknown language {lang!r}; expected ko or en")
    network = nx.DiGraph()
    kind_cache: dict[URIRef, str | None] = {}

    def kind(node) -> str | None:
        if node not in kind_cache:
            found = kind_of(graph, node) if isinstance(node, URIRef) else None
            if found is None and any_property and isinstance(node, URIRef):
                found = "other"
            kind_cache[node] = None if (found and kinds and found not in kinds) else found
        return kind_cache[node]

    if any_property:
        predicates = sorted({p for p in graph.predicates() if p != RDF.type})
    else:
        predicates = list(EDGE_NAMES)
    for predicate in predicates:
        name_en, name_ko = EDGE_NAMES.get(
            predicate, (graph.namespace_manager.normalizeUri(predicate),) * 2
        )
        for subject, obj in sorted(graph.subject_objects(predicate)):
            if kind(subject) and kind(obj):
                for node in (subject, obj):
                    if str(node) not in network:
                        network.add_node(str(node), **_attributes(graph, node, kind(node), lang))
                network.add_edge(
                    str(subject), str(obj), relation=name_ko if lang == "ko" else name_en
                )
    for subject in sorted(set(graph.subjects(RDF.type, None))):
        if kind(subject) and str(subject) not in network:
            network.add_node(str(subject), **_attributes(graph, subject, kind(subject), lang))
    return network


def department_technology(graph: Graph, lang: str = "ko") -> nx.Graph:
    """Departments and the technologies their policies use; weight = number of policies."""
    network = nx.Graph()
    weights: Counter = Counter()
    for policy, technology in graph.subject_objects(PG.usesTechnology):
        department = graph.value(policy, PG.leadDepartment)
        if department is not None:
            weights[(department, technology)] += 1
    for (department, technology), weight in sorted(weights.items()):
        for node, kind in ((department, "department"), (technology, "technology")):
            if str(node) not in network:
                network.add_node(str(node), **_attributes(graph, node, kind, lang))
        network.add_edge(str(department), str(technology), weight=weight, relation=f"{weight}")
    return network


def focus(
    network: nx.DiGraph, key: str, depth: int = 2, max_nodes: int = 2000
) -> tuple[nx.DiGraph, int]:
    """The neighbourhood of the node named by ``key`` (its IRI, the end of its IRI or a
    label), up to ``depth`` steps; at most ``max_nodes`` nodes, nearest first."""
    node = find_node(network, key)
    distances = nx.single_source_shortest_path_length(
        network.to_undirected(as_view=True), node, cutoff=depth
    )
    ordered = sorted(distances, key=lambda n: (distances[n], n))
    kept = ordered[:max_nodes]
    return network.subgraph(kept).copy(), len(ordered) - len(kept)


def find_node(network: nx.DiGraph, key: str) -> str:
    if key in network:
        return key
    matches = sorted(
        n
        for n, data in network.nodes(data=True)
        if key in (n.rsplit("/", 1)[-1], data.get("label_ko"), data.get("label_en"))
    )
    if not matches:
        raise UsageError(f"nothing in the graph is called {key!r} (give an IRI, an id or a label)")
    return matches[0]


def sizes(
    network: nx.Graph, sample: int = 300, degree_past: int = 1000
) -> tuple[dict[str, float], str]:
    """A measure for node sizes, and its name for the legend: betweenness centrality
    (estimated from ``sample`` seeded sources past that size), or degree centrality
    past ``degree_past`` nodes, where betweenness would cost seconds."""
    undirected = network.to_undirected(as_view=True) if network.is_directed() else network
    if len(undirected) > degree_past:
        return nx.degree_centrality(undirected), "degree centrality"
    if len(undirected) <= sample:
        return nx.betweenness_centrality(undirected), "betweenness centrality"
    measure = nx.betweenness_centrality(undirected, k=sample, seed=7)
    return measure, f"betweenness centrality (estimated from {sample} sources)"


@dataclass
class Statistics:
    counts: dict[str, int]
    central_technologies: list[tuple[str, int]]
    central_departments: list[tuple[str, float]]
    isolated_departments: list[str]
    communities: list[list[str]]


def statistics(graph: Graph, lang: str = "ko", top: int = 5) -> Statistics:
    """What `policy-graph stats` prints and index.html shows."""
    overview = to_networkx(graph, lang)
    counts = Counter(data["kind"] for _n, data in overview.nodes(data=True))
    bipartite = department_technology(graph, lang)
    departments = sorted(n for n, d in bipartite.nodes(data=True) if d["kind"] == "department")
    technologies = [n for n, d in bipartite.nodes(data=True) if d["kind"] == "technology"]
    label = {n: d["label"] for n, d in bipartite.nodes(data=True)}
    tech_rank = sorted(
        ((label[t], bipartite.degree(t)) for t in technologies), key=lambda x: (-x[1], x[0])
    )
    projection = nx.bipartite.weighted_projected_graph(bipartite, departments)
    centrality = nx.degree_centrality(projection) if len(projection) > 1 else {}
    dept_rank = sorted(
        ((label[d], round(c, 3)) for d, c in centrality.items()), key=lambda x: (-x[1], x[0])
    )
    isolated = sorted(label[d] for d in projection if projection.degree(d) == 0)
    groups = (
        nx.community.greedy_modularity_communities(projection, weight="weight")
        if len(projection)
        else []
    )
    communities = sorted(
        (sorted(label[d] for d in group) for group in groups if len(group) > 1),
        key=lambda g: (-len(g), g),
    )
    return Statistics(
        counts={kind: counts.get(kind, 0) for kind in KINDS if counts.get(kind)},
        central_technologies=tech_rank[:top],
        central_departments=dept_rank[:top],
        isolated_departments=isolated,
        communities=communities,
    )


def export(network: nx.Graph, fmt: str) -> bytes:
    """``network`` as GraphML or GEXF (for Gephi and Cytoscape), UTF-8, Korean intact."""
    import io

    writers = {"graphml": nx.write_graphml, "gexf": nx.write_gexf}
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r}; expected graphml or gexf")
    buffer = io.BytesIO()
    writers[fmt](network, buffer, encoding="utf-8")
    return buffer.getvalue()
