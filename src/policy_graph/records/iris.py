"""The IRI of each record: ``https://w3id.org/policy-graph/id/<kind>/<slug>``, made of
ids, never looked up. The graph (:mod:`policy_graph.graph`) names resources by them,
and the checks across files (:mod:`.checks`) refuse two records that would share one.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

from .model import Concept, Government, Organisation, Policy, Programme, Source, Unit

PGID = Namespace("https://w3id.org/policy-graph/id/")

# One readable prefix per kind of resource, as the contract asks (Turtle cannot
# write ``pgid:policy/x``). The kind is also the first segment of the IRI path.
KIND_PREFIXES = {
    "policy": "pgpolicy",
    "org": "pgorg",
    "programme": "pgprogramme",
    "technology": "pgtech",
    "target-group": "pgtarget",
    "domain": "pgdomain",
    "organisation-type": "pgorgtype",
    "policy-stage": "pgstage",
    "budget-kind": "pgbudgetkind",
    "scheme": "pgscheme",
    "source": "pgsource",
}


def iri(kind: str, slug: str) -> URIRef:
    """The IRI of a resource of ``kind`` (a key of KIND_PREFIXES) with ``slug``."""
    if kind not in KIND_PREFIXES:
        raise KeyError(f"unknown kind of resource: {kind!r}")
    return PGID[f"{kind}/{slug}"]


def unit_iri(government: str, unit: str) -> URIRef:
    return iri("org", f"{government}-{unit}")


def policy_iri(policy: Policy) -> URIRef:
    return iri("policy", f"{policy.government}-{policy.id}")


def programme_iri(government: str, programme: str) -> URIRef:
    return iri("programme", f"{government}-{programme}")


def record_iri(record) -> URIRef:
    """The IRI of the resource a record describes."""
    return PGID[record_path(record)]


def record_path(record) -> str:
    """The IRI of the resource a record describes, after PGID (``policy/gwangju-x``):
    made without rdflib, for the checks across files (see :mod:`.checks`)."""
    if isinstance(record, Policy | Programme):
        kind = "policy" if isinstance(record, Policy) else "programme"
        return f"{kind}/{record.government}-{record.id}"
    if isinstance(record, Unit):
        return f"org/{record.government}-{record.id}"
    if isinstance(record, Government | Organisation):
        return f"org/{record.id}"
    if isinstance(record, Source):
        return f"source/{record.id}"
    if isinstance(record, Concept):
        return f"{record.kind}/{record.id}"
    raise TypeError(f"not a record: {record!r}")
