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
