"""Our prefixes and their namespaces as plain text: what ``policy-graph query`` needs
to answer from a kept store without importing rdflib (130 ms of a 0.3 s budget).

:func:`.vocab.prefixes` is this table. ``tests/graph/test_prefixes.py`` holds it to
the namespaces it names: rdflib's (``ORG``, ``SKOS`` …), :class:`.vocab.PG` and
:data:`policy_graph.records.iris.PGID` with ``KIND_PREFIXES`` (which import rdflib,
and so cannot be read from here).
"""

from __future__ import annotations

PGID = "https://w3id.org/policy-graph/id/"  # records.iris.PGID
PG = "https://w3id.org/policy-graph/ontology#"  # vocab.PG

# Each kind of resource's prefix, as records.iris.KIND_PREFIXES names them.
_KINDS = {
    "pgpolicy": "policy",
    "pgorg": "org",
    "pgprogramme": "programme",
    "pgtech": "technology",
    "pgtarget": "target-group",
    "pgdomain": "domain",
    "pgorgtype": "organisation-type",
    "pgstage": "policy-stage",
    "pgbudgetkind": "budget-kind",
    "pgscheme": "scheme",
    "pgsource": "source",
}

# In the order our files declare them (Turtle's @prefix lines follow it).
PREFIXES: dict[str, str] = {
    "pg": PG,
    "pgid": PGID,
    **{prefix: f"{PGID}{kind}/" for prefix, kind in _KINDS.items()},
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
