"""Validate a graph with pyshacl against ``ontology/shapes.ttl``; results → Problems in
words. On large corpora, city by city, each city's verdict kept while what its graph
is made of is unchanged (:class:`Verdicts`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SH, SKOS

from .. import paths
from ..errors import Problem
from ..records.iris import record_iri
from ..records.model import Policy, Programme, Records, record_name
from ..records.readers import without_cycle_collection
from .triples import build_graph
from .vocab import PG

# The record field that states each predicate, for messages about records.
_FIELDS = {
    RDFS.label: "label",
    SKOS.prefLabel: "label",
    DCTERMS.description: "description",
    PG.government: "government",
    PG.leadDepartment: "lead_department",
    PG.usesTechnology: "technologies",
    PG.targetGroup: "target_groups",
    PG.partnerInstitution: "partners",
    PG.policyDomain: "domains",
    PG.budgetKRW: "budget_krw",
    PG.plannedEnd: "planned_end",
    PG.timeline: "timeline",
    PG.sourceQuote: "quotes",
    PROV.wasDerivedFrom: "source",
    DCTERMS.isPartOf: "programme",
    ORG.unitOf: "government",
    SKOS.broader: "broader",
    SKOS.inScheme: "id",
    DCTERMS.title: "title",
    DCTERMS.publisher: "publisher",
    DCTERMS.issued: "issued",
}


def load_shapes() -> Graph:
    return Graph().parse(paths.shapes_file(), format="turtle")


def record_index(records: Records) -> dict[URIRef, object]:
    """Each resource's IRI → the record that describes it."""
    every = [
        *records.concepts,
        *records.organisations,
        *records.governments,
        *records.units,
        *records.sources,
        *records.programmes,
        *records.policies,
    ]
    with without_cycle_collection():  # an IRI per record: see records/readers.py (1.5 s at 1M)
        return {record_iri(record): record for record in every}


# Past this many policies, SHACL (pyshacl: ~5 s per 100k triples) runs on a sample of
# cities unless the whole run is asked for; the per-record checks always cover all.
SHACL_WHOLE_UP_TO = 2_000
SHACL_SAMPLE_CITIES = 3


def city_by_city(reading) -> bool:
    """Whether :func:`validate_records` checks ``reading``'s records city by city (and
    never asks for the whole graph)."""
    return reading.policies > SHACL_WHOLE_UP_TO


def validate_records(
    reading,
    whole_graph: Callable[[], Graph],
    full: bool = False,
    report=None,
    also: set[str] = frozenset(),
    verdicts=None,
):
    """SHACL where it pays: on ``whole_graph()`` (an rdflib Graph) for corpora of up to
    SHACL_WHOLE_UP_TO policies; past that city by city, on a sample of cities and the
    cities ``also`` names (those of files changed since the last build) or, when
    ``full``, on every city. ``reading`` (a records folder's
    :class:`~policy_graph.records.reading.FolderReading`) gives the records: each
    city's alone, with the shared ones. ``verdicts`` (a :class:`Verdicts`) gives the
    problems of a city validated before exactly as it is now, and keeps the others'.
    Returns the problems and what was covered."""
    if not city_by_city(reading):
        return validate_graph(whole_graph(), record_index(reading.records)), "the whole graph"
    governments = sorted(reading.government_ids)
    sample = set(_sample(governments, SHACL_SAMPLE_CITIES)) | (set(governments) & set(also))
    chosen = governments if full else sorted(sample)
    problems = _validate_shared(reading, verdicts) if chosen else []
    for number, government in enumerate(chosen, 1):
        found = verdicts.get(government) if verdicts else None
        if found is None:
            records = _of_city(reading.of_government(government))
            found = validate_graph(build_graph(records), record_index(records))
            if verdicts:
                verdicts.put(government, found)
        problems += found
        if report:
            report("SHACL, city by city", number, len(chosen))
    if len(chosen) == len(governments):
        return problems, f"every city ({len(chosen)}), one by one"
    changed = len(set(chosen) & set(also))
    changed_words = f", {changed} of them changed since the last build" if changed else ""
    return (
        problems,
        f"a sample of {len(chosen)} of {len(governments)} cities{changed_words} "
        "(--full-shacl for all)",
    )


# A city's graph (Records.of_government) holds every shared record: its own, the
# organisations, concepts and sources. Of those, the shapes read only what a focus node
# reaches: a city's records reach the concepts, organisations and sources they name
# (and their publishers), and what targets a shared record (its labels, a concept's
# scheme and broader concepts) reaches shared records alone, the same in every city's
# graph. So each city is validated with the sources its records name alone (3,226 make
# most of a city's graph at 1M triples), and the shared records once, on their own:
# the same problems, each once.


def _of_city(records: Records) -> Records:
    """A city's records for SHACL: of the sources, those its records name."""
    named = {source for r in [*records.programmes, *records.policies] for source in r.sources}
    return replace(records, sources=[s for s in records.sources if s.id in named])


def _validate_shared(reading, verdicts) -> list[Problem]:
    """The problems of the records that every city's graph holds (organisations,
    concepts and their schemes, sources), validated on their own or kept."""
    found = verdicts.get_shared() if verdicts else None
    if found is None:
        shared = reading.shared_records()
        records = Records(
            organisations=shared.organisations, sources=shared.sources, concepts=shared.concepts
        )
        found = validate_graph(build_graph(records), record_index(records))
        if verdicts:
            verdicts.put_shared(found)
    return found


def _sample(items: list[str], count: int) -> list[str]:
    """``count`` items spread evenly from first to last: the same on every run."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def validate_graph(graph: Graph, records: Mapping[URIRef, object] | None = None) -> list[Problem]:
    """Check ``graph`` against the shapes; each violation is one Problem.

    ``records`` maps IRIs to the records they came from, so that a problem names
    the record's file, line and field; without it, the resource and the property.
    """
    from pyshacl import validate

    # In place: in advanced mode pyshacl would otherwise copy the graph first (a third
    # of its time), in case SHACL rules add triples; our shapes have none, and without
    # inference nothing is added.
    conforms, report, _text = validate(
        graph,
        shacl_graph=load_shapes(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    if conforms:
        return []
    problems = (
        _problem(graph, report, result, records or {})
        for result in report.subjects(RDF.type, SH.ValidationResult)
    )
    return list(dict.fromkeys(problems))  # a shape may say the same thing twice


def _problem(graph: Graph, report: Graph, result, records: Mapping[URIRef, object]) -> Problem:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = str(report.value(result, SH.resultMessage) or "breaks a shape")
    value = report.value(result, SH.value)
    if isinstance(path, BNode):  # a path of steps: name its first step, and where it led
        path = report.value(path, RDF.first)
        value = graph.value(focus, path)
    if value is not None and value != focus:
        message += f" (found {_short(graph, value)})"
    record = records.get(focus)
    if record is None:
        return Problem(record=_short(graph, focus), field=_short(graph, path), message=message)
    field = _FIELDS.get(path, _short(graph, path))
    if field == "label" and isinstance(record, Policy | Programme):
        field = "title"
    return Problem(
        record.origin.file, record.origin.line_of(field), record_name(record), field, message
    )


def _short(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return repr(str(node)) + (f"@{node.language}" if node.language else "")
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rdflib raises several kinds here
            return f"<{node}>"
    return str(node)


class Verdicts:
    """SHACL's problems of each city, kept under a digest of what its graph is made of
    (its records files, every file of shared records, policy-graph's code, ontology and
    shapes): a city whose graph is as it was when it was validated is not validated
    again, its problems are given again."""

    def __init__(self, kept, digests: dict[str, str], reuse: bool = True, shared: str = "") -> None:
        # kept: the records' KeptResults; digests: FolderReading.government_digests;
        # shared: FolderReading.shared_digest
        from .files import tool_digest

        tool = tool_digest()
        self.kept, self.reuse = kept, reuse
        self.keys = {
            government: hashlib.sha256(f"{digest}\0{tool}".encode()).hexdigest()
            for government, digest in digests.items()
        }
        self.shared_key = hashlib.sha256(f"{shared}\0{tool}".encode()).hexdigest()

    @classmethod
    def of(cls, reading, reuse: bool = True) -> Verdicts | None:
        """The verdicts kept beside a records folder's reading; None when it keeps none."""
        if reading.kept is None or reading.government_digests is None:
            return None
        return cls(reading.kept, reading.government_digests, reuse, reading.shared_digest)

    def get_shared(self) -> list[Problem] | None:
        """The problems kept of the shared records as they are now (see get)."""
        return self.kept.load(f"shacl-shared-{self.shared_key}") if self.reuse else None

    def put_shared(self, problems: list[Problem]) -> None:
        self.kept.put(f"shacl-shared-{self.shared_key}", problems)

    def get(self, government: str) -> list[Problem] | None:
        """The problems kept of ``government`` as it is now; None when there are none
        (or the run reuses nothing)."""
        key = self.keys.get(government)
        return self.kept.load(f"shacl-{key}") if key and self.reuse else None

    def put(self, government: str, problems: list[Problem]) -> None:
        key = self.keys.get(government)
        if key:
            self.kept.put(f"shacl-{key}", problems)

    def forget_the_rest(self) -> None:
        """Remove the verdicts that this run did not give or use."""
        self.kept.forget_the_rest("shacl-")
