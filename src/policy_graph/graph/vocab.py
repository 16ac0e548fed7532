"""The terms of the query contract (``shared/design/data-model.md``): our ontology's
(:class:`PG`), the built graph's name and the prefixes our files and queries use.
The IRIs of our resources are made in :mod:`policy_graph.records.iris`."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

from ..records.iris import KIND_PREFIXES, PGID

# The name of the built graph: its named graph in TriG, and where `publish` puts it.
GRAPH_IRI = URIRef("https://w3id.org/policy-graph/id/graph/policy-graph")


class PG(DefinedNamespace):
    """policy-graph's own classes and properties (``ontology/policy-graph.ttl``)."""

    _NS = Namespace("https://w3id.org/policy-graph/ontology#")
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
    """The prefixes that our Turtle, TriG and SPARQL use, and their namespaces."""
    ours = {"pg": str(PG._NS), "pgid": str(PGID)}
    ours |= {prefix: str(PGID[f"{kind}/"]) for kind, prefix in KIND_PREFIXES.items()}
    reused = {"org": ORG, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "schema": SDO}
    reused |= {"owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}
    return ours | {prefix: str(namespace) for prefix, namespace in reused.items()}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind :func:`prefixes` in ``graph``."""
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace, replace=True)
    return graph
