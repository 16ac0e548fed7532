"""The terms of the query contract (``shared/design/data-model.md``): our ontology's
(:class:`PG`), the built graph's name and the prefixes our files and queries use.
The IRIs of our resources are made in :mod:`policy_graph.records.iris`."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .prefixes import PREFIXES

# The name of the built graph: its named graph in TriG, and where `publish` puts it.
GRAPH_IRI = URIRef("https://w3id.org/policy-graph/id/graph/policy-graph")


class PG(DefinedNamespace):
    """policy-graph's own classes and properties (``ontology/policy-graph.ttl``)."""

    _NS = Namespace(PREFIXES["pg"])
    _fail = True

    Policy: URIRef
    Programme: URIRef
    Technology: URIRef
    TargetGroup: URIRef
    PolicyDomain: URIRef
    OrganisationType: URIRef
    PolicyStage: URIRef
    BudgetKind: URIRef
    LegalDongCode: URIRef

    government: URIRef
    leadDepartment: URIRef
    usesTechnology: URIRef
    targetGroup: URIRef
    partnerInstitution: URIRef
    policyDomain: URIRef
    budgetKRW: URIRef
    plannedEnd: URIRef
    timeline: URIRef
    sourceQuote: URIRef
    stage: URIRef
    budgetKind: URIRef


def prefixes() -> dict[str, str]:
    """The prefixes that our Turtle, TriG and SPARQL use, and their namespaces (the
    table of :mod:`.prefixes`, which needs no rdflib)."""
    return dict(PREFIXES)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind :func:`prefixes` in ``graph``."""
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace, replace=True)
    return graph
