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
OVERVIEW_KINDS = ("policy", "department", "technology", "target-group", "partner", "government")
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
    ORG.subOrganizationOf: ("sub-organisation of", "상위 조직"),
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
    kinds: tuple[str, ...] | None = None,
    any_property: bool = False,
    shortcuts: bool = True,
) -> nx.DiGraph:
    """The resources of ``graph`` (of ``kinds``; all known kinds by default) and the
    object properties between them, with labels in ``lang`` and facts as attributes.
    Where ``graph`` holds several governments, a unit is named with its government.

    With ``any_property`` (for the graphs of CONSTRUCT queries), every property
    between two IRIs is an edge, and a resource of no known kind is of kind "other".
    Without ``shortcuts`` (the overview), an edge that a longer path already draws
    is left out (see :func:`_is_shortcut`).
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
            kind_cache[node] = None if (found and kinds and found not in kinds) else found
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
            if not shortcuts and _is_shortcut(graph, subject, predicate):
                continue
            add_node(subject)
            add_node(obj)
            network.add_edge(str(subject), str(obj), relation=name_ko if lang == "ko" else name_en)
    for subject in sorted(set(graph.subjects(RDF.type, None))):
        if kind(subject):
            add_node(subject)
    return network


def _is_shortcut(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    """Whether the edge is drawn by a longer path too: a policy's government where the
    policy has a lead department (policy → department → government), a unit's
    government where the unit sits in another unit (unit → unit → government)."""
    if predicate == PG.government:
        return (subject, PG.leadDepartment, None) in graph
    if predicate == ORG.unitOf:
        return (subject, ORG.subOrganizationOf, None) in graph
    return False


def department_technology(graph: Graph, lang: str = "ko") -> nx.Graph:
    """Departments and the technologies their policies use; weight = number of policies.

    A policy without a lead department counts under its government, which stands in
    for a department (a node of kind "government")."""
    network = nx.Graph()
    weights: Counter = Counter()
    kinds: dict = {}
    for policy, technology in graph.subject_objects(PG.usesTechnology):
        holder = graph.value(policy, PG.leadDepartment)
        kind = "department"
        if holder is None:
            holder, kind = graph.value(policy, PG.government), "government"
        if holder is not None:
            weights[(holder, technology)] += 1
            kinds[holder] = kind
    several = several_governments(graph)
    for (holder, technology), weight in sorted(weights.items()):
        for node, kind in ((holder, kinds[holder]), (technology, "technology")):
            if str(node) not in network:
                network.add_node(str(node), **_attributes(graph, node, kind, lang, several))
        network.add_edge(str(holder), str(technology), weight=weight, relation=f"{weight}")
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


NAME_KEYS = ("label", "label_ko", "label_en", "name_ko", "name_en")  # what a node is found by


def find_node(network: nx.DiGraph, key: str) -> str:
    """The node that ``key`` names: its IRI, its id (the end of its IRI) or one of its
    names (a unit's with or without its government). Raises UsageError when nothing
    has that name, or when several resources have it, listing them to choose from."""
    if key in network:
        return key
    matches = sorted(n for n in network if _id(n) == key) or sorted(
        n for n, data in network.nodes(data=True) if key in (data.get(k) for k in NAME_KEYS)
    )
    if not matches:
        raise UsageError(f"nothing in the graph is called {key!r} (give an IRI, an id or a label)")
    if len(matches) > 1:
        raise UsageError(_ambiguous(network, key, matches))
    return matches[0]


def _id(node: str) -> str:
    return node.rsplit("/", 1)[-1]


def _ambiguous(network: nx.DiGraph, key: str, matches: list[str]) -> str:
    """The message for a ``key`` that names several ``matches``: each on its own line,
    with its label, its kind, and its id (its IRI where the id is not unique)."""
    ids = Counter(_id(n) for n in network)
    lines = [f"{key!r} names {len(matches)} resources; give one of them by its id or IRI:"]
    for node in sorted(matches, key=lambda n: (network.nodes[n].get("label", ""), n)):
        data = network.nodes[node]
        kind = KIND_NAMES.get(data.get("kind"), ("resource",))[0].lower()
        name = _id(node) if ids[_id(node)] == 1 else node
        lines.append(f"  {data.get('label', node)} ({kind}): {name}")
    return "\n".join(lines)


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
    """The analysis of a graph. A government stands in for a department where its
    policies name none: it is then among the departments, and listed in ``stand_ins``."""

    counts: dict[str, int]
    central_technologies: list[tuple[str, int]]
    central_departments: list[tuple[str, float]]
    isolated_departments: list[str]
    communities: list[list[str]]
    stand_ins: list[str] = field(default_factory=list)


def statistics(graph: Graph, lang: str = "ko", top: int = 5) -> Statistics:
    """What `policy-graph stats` prints and index.html shows."""
    overview = to_networkx(graph, lang)
    counts = Counter(data["kind"] for _n, data in overview.nodes(data=True))
    bipartite = department_technology(graph, lang)
    kind = dict(bipartite.nodes(data="kind"))
    departments = sorted(n for n in bipartite if kind[n] in ("department", "government"))
    technologies = [n for n in bipartite if kind[n] == "technology"]
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
        stand_ins=sorted(label[d] for d in departments if kind[d] == "government"),
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
