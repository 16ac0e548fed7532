"""A parameter's VALUES block copied into the nested groups and subqueries that give the
same answer with it (query/groups.py, through sparql.bind)."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import URIRef

from policy_graph.query.groups import groups_taking
from policy_graph.query.sparql import bind

BOUND = "VALUES (?g) { (<urn:g1>) }"


def _bound(text: str) -> str:
    return bind(text, {"g": URIRef("urn:g1")}, into_groups=True)


def _copies(text: str) -> int:
    """How many groups took a copy of the block (the WHERE group's is not one)."""
    return _bound(text).count(BOUND) - 1


def test_a_subquery_grouped_by_the_variable_takes_its_value():
    text = "SELECT * WHERE { { SELECT ?g (COUNT(?x) AS ?n) WHERE { ?x <urn:in> ?g } GROUP BY ?g } }"
    assert _bound(text) == (
        "SELECT * WHERE {\n  VALUES (?g) { (<urn:g1>) }\n"
        " { SELECT ?g (COUNT(?x) AS ?n) WHERE {\n  VALUES (?g) { (<urn:g1>) }\n"
        " ?x <urn:in> ?g } GROUP BY ?g } }"
    )


def test_only_the_variables_a_subquery_projects_and_groups_by_are_copied():
    text = (
        "SELECT * WHERE { { SELECT ?g ?t (COUNT(?x) AS ?n) WHERE { ?x <urn:in> ?g ; <urn:t> ?t } "
        "GROUP BY ?g ?t } }"
    )
    bound = bind(text, {"g": URIRef("urn:g1"), "lang": URIRef("urn:ko")}, into_groups=True)
    assert bound.count("VALUES (?g ?lang)") == 1
    assert bound.count("VALUES (?g) { (<urn:g1>) }") == 1


@pytest.mark.parametrize(
    "subquery",
    [
        "SELECT ?g WHERE { ?x <urn:in> ?g } LIMIT 10",
        "SELECT ?g WHERE { ?x <urn:in> ?g } OFFSET 1",
        "SELECT ?g WHERE { ?x <urn:in> ?g } VALUES ?x { <urn:x> }",
        "SELECT (?h AS ?g) WHERE { ?x <urn:in> ?h }",
        "SELECT * WHERE { ?x <urn:in> ?g }",
        "SELECT ?g (COUNT(?x) AS ?n) WHERE { ?x <urn:in> ?g ; <urn:t> ?t } GROUP BY STR(?g)",
        "SELECT ?g WHERE { ?x a <urn:T> OPTIONAL { ?x <urn:in> ?g } }",
        "SELECT ?g WHERE { ?x a <urn:T> BIND(<urn:g1> AS ?g) }",
        "SELECT ?g WHERE { VALUES ?g { <urn:g1> UNDEF } ?x a <urn:T> }",
        "SELECT ?g WHERE { { ?x <urn:in> ?g } UNION { ?x a <urn:T> } }",
    ],
)
def test_a_subquery_that_could_answer_otherwise_takes_nothing(subquery):
    assert _copies(f"SELECT * WHERE {{ {{ {subquery} }} }}") == 0


def test_union_branches_that_bind_the_variable_take_it_each():
    text = "SELECT * WHERE { { ?x <urn:in> ?g } UNION { ?x <urn:of> ?g } UNION { ?x a <urn:T> } }"
    assert _copies(text) == 2


def test_a_subquery_binds_it_through_a_union_in_every_branch():
    text = (
        "SELECT * WHERE { { SELECT ?g (COUNT(?x) AS ?n) WHERE { { ?x <urn:in> ?g } "
        "UNION { ?x <urn:of> ?g } } GROUP BY ?g } }"
    )
    assert _copies(text) == 3  # the subquery, and both branches inside it


@pytest.mark.parametrize(
    "group",
    [
        "OPTIONAL { ?x <urn:in> ?g }",
        "MINUS { ?x <urn:in> ?g }",
        "FILTER NOT EXISTS { ?x <urn:in> ?g }",
        "GRAPH ?h { ?x <urn:in> ?g }",
        "VALUES ?g { <urn:g1> }",
    ],
)
def test_groups_that_are_not_joined_take_nothing(group):
    assert _copies(f"SELECT * WHERE {{ ?x a <urn:T> {group} }}") == 0


def test_a_subquery_that_is_all_of_an_optional_or_a_minus_takes_it():
    """Its rows meet only rows of the WHERE group, which all hold the value."""
    subquery = "{ SELECT ?g (COUNT(?x) AS ?n) WHERE { ?x <urn:in> ?g } GROUP BY ?g }"
    for word in ("OPTIONAL", "MINUS"):
        assert _copies(f"SELECT * WHERE {{ ?y <urn:of> ?g {word} {subquery} }}") == 1


def test_braces_in_strings_iris_and_comments_are_no_groups():
    text = 'SELECT * WHERE { ?x <urn:in> "{ ?g }" # { ?x <urn:in> ?g }\n . { ?x <urn:of> ?g } }'
    assert groups_taking(text, text.index("{"), ["g"]) == [(text.index("{ ?x <urn:of>"), ("g",))]


def test_a_text_whose_brackets_do_not_pair_gets_no_copy():
    assert groups_taking("SELECT * WHERE { { ?x <urn:in> ?g }", 15, ["g"]) == []


# A subquery that counts per ?g where some rows have no ?g: had it taken the value, the
# rows without one would have been counted with those of <urn:g1>.
GRAPH = """
<urn:a> a <urn:T> ; <urn:in> <urn:g1> .
<urn:b> a <urn:T> ; <urn:in> <urn:g2> .
<urn:c> a <urn:T> .
"""
COUNTED = """SELECT ?g ?n ?m WHERE {
  { SELECT ?g (COUNT(?x) AS ?n) WHERE { ?x a <urn:T> OPTIONAL { ?x <urn:in> ?g } } GROUP BY ?g }
  { SELECT ?g (COUNT(?x) AS ?m) WHERE { ?x a <urn:T> ; <urn:in> ?g } GROUP BY ?g }
}"""


def test_a_bound_answer_is_the_whole_answers_rows_of_that_value():
    """(On Oxigraph: rdflib lets the WHERE group's values into every subquery, and counts
    the rows without ?g with those of <urn:g1> whatever is copied.)"""
    assert _copies(COUNTED) == 1  # the second subquery only
    store = pyoxigraph.Store()
    store.load(GRAPH.encode(), pyoxigraph.RdfFormat.TURTLE)
    answer = [tuple(term.value for term in row) for row in store.query(_bound(COUNTED))]
    # twice: the rows without ?g counted apart, then joined with <urn:g1>'s
    assert answer == [("urn:g1", "1", "1")] * 2


def test_only_oxigraph_takes_copies():
    text = "SELECT * WHERE { { SELECT ?g WHERE { ?x <urn:in> ?g } } }"
    assert bind(text, {"g": URIRef("urn:g1")}).count(BOUND) == 1
