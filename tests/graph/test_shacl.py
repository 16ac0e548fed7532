"""SHACL validation: the article's graph conforms; a broken graph fails in words."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import ORG, XSD

from policy_graph.graph.shacl import record_index, validate_graph
from policy_graph.graph.triples import build_graph
from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID
from policy_graph.records.reading import load_records
from tests.helpers import MINIMAL

FACTORY = URIRef(PGID["policy/gwangju-smart-factory"])


def _minimal():
    records = load_records(MINIMAL)
    return records, build_graph(records)


def test_the_fixture_conforms():
    records, graph = _minimal()
    assert validate_graph(graph, record_index(records)) == []


def test_a_second_budget_is_reported_against_its_record():
    records, graph = _minimal()
    graph.add((FACTORY, PG.budgetKRW, Literal("5", datatype=XSD.decimal)))
    [problem] = validate_graph(graph, record_index(records))
    assert str(problem).endswith(
        "policies.yaml:13: policy smart-factory: budget_krw: "
        "has at most one budget, a positive xsd:decimal of won"
    )


def test_a_policy_without_technology_is_reported_in_words():
    records, graph = _minimal()
    graph.remove((FACTORY, PG.usesTechnology, None))
    [problem] = validate_graph(graph, record_index(records))
    assert problem.record == "policy smart-factory"
    assert problem.field == "technologies"
    assert problem.message == "needs at least one technology, a pg:Technology"
    assert "sh:" not in str(problem) and "ValidationResult" not in str(problem)


def test_a_lead_department_of_another_government_is_reported():
    _records, graph = _minimal()
    department = URIRef(PGID["org/gwangju-jobs-economy"])
    graph.remove((department, ORG.unitOf, None))
    graph.add((department, ORG.unitOf, URIRef(PGID["org/asiae"])))
    problems = {str(p) for p in validate_graph(graph)}
    assert problems == {
        "pgpolicy:gwangju-smart-factory: pg:leadDepartment: "
        "its lead department is not a unit of its government (found pgorg:gwangju-jobs-economy)"
    }


def test_a_year_that_is_not_a_gyear_is_reported_without_records():
    _records, graph = _minimal()
    graph.remove((FACTORY, PG.plannedEnd, None))
    graph.add((FACTORY, PG.plannedEnd, Literal("2025-12-31", datatype=XSD.date)))
    [problem] = validate_graph(graph)
    assert str(problem) == (
        "pgpolicy:gwangju-smart-factory: pg:plannedEnd: has at most one planned end, an xsd:gYear "
        "(found '2025-12-31')"
    )


def test_validation_leaves_the_graph_as_it_was():
    # pyshacl runs in place (no copy): right only while the shapes hold no SHACL rules,
    # which would add triples to the graph itself.
    records, graph = _minimal()
    before = set(graph)
    graph.remove((FACTORY, PG.usesTechnology, None))
    removed = before - set(graph)
    assert removed and validate_graph(graph, record_index(records))
    assert set(graph) == before - removed


def test_city_by_city_finds_what_each_citys_whole_graph_finds(tmp_path, monkeypatch):
    """A city's graph holds the sources its records name, and the shared records are
    validated once on their own: the problems are those of every city's graph with
    every shared record in it (as Records.of_government gives them)."""
    from rdflib.namespace import RDFS

    from policy_graph.generate import generate
    from policy_graph.graph import shacl
    from policy_graph.records.reading import read_folder

    generate(tmp_path / "data", cities=4, policies_per_city=3, seed=3)
    reading = read_folder(tmp_path / "data")

    def broken(records):
        """The graph without the sources' labels, nor one technology of each policy."""
        graph = build_graph(records)
        for source in records.sources:
            graph.remove((URIRef(PGID[f"source/{source.id}"]), RDFS.label, None))
        for policy in records.policies[:1]:
            policy_iri = URIRef(PGID[f"policy/{policy.government}-{policy.id}"])
            graph.remove((policy_iri, PG.usesTechnology, None))
        return graph

    monkeypatch.setattr(shacl, "build_graph", broken)
    monkeypatch.setattr(shacl, "SHACL_WHOLE_UP_TO", 1)
    monkeypatch.setattr(shacl, "SHACL_SAMPLE_CITIES", 2)
    problems, covered = shacl.validate_records(reading, None)
    first, *_, last = sorted(reading.government_ids)
    expected = set()
    for government in (first, last):  # the sample: the sources of the others are named by none
        records = reading.of_government(government)
        expected |= set(validate_graph(broken(records), record_index(records)))
    assert covered == "a sample of 2 of 4 cities (--full-shacl for all)"
    assert set(problems) == expected  # (a referenced source's, twice: as in every city before)
    assert sum("source" in p.record for p in expected) == len(reading.shared_records().sources)
    assert sum(p.field == "technologies" for p in expected) == 2
