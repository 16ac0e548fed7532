"""RDF → networkx: nodes, edges, attributes, measures, statistics and exports."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from policy_graph import api
from policy_graph.analysis import (
    OVERVIEW_KINDS,
    department_technology,
    export,
    focus,
    sizes,
    statistics,
    to_networkx,
)
from policy_graph.errors import UsageError
from policy_graph.vocab import PG, PGID

PLANNING = str(PGID["org/gwangju-planning-coordination"])
FACTORY = str(PGID["policy/gwangju-smart-factory"])


def test_overview_nodes_are_the_five_kinds(article_graph):
    network = to_networkx(article_graph, "ko", OVERVIEW_KINDS)
    kinds = nx.get_node_attributes(network, "kind")
    counts = {k: list(kinds.values()).count(k) for k in OVERVIEW_KINDS}
    assert counts == {
        "policy": 30,
        "department": 23,
        "technology": 13,
        "target-group": 10,
        "partner": 5,
    }
    assert str(PGID["org/asiae"]) not in network  # a publisher is not a partner


def test_edges_follow_the_properties(article_graph):
    network = to_networkx(article_graph, "ko", OVERVIEW_KINDS)
    assert (
        network.edges[FACTORY, PLANNING.replace("planning-coordination", "jobs-economy")][
            "relation"
        ]
        == "담당 부서"
    )
    assert network.has_edge(str(PGID["technology/chatbot"]), str(PGID["technology/ai"]))
    uses = {
        b for a, b, d in network.edges(data=True) if a == FACTORY and d["relation"] == "활용 기술"
    }
    assert uses == {str(PGID[f"technology/{t}"]) for t in ("ai", "data", "5g")}


def test_node_attributes_carry_the_facts(article_graph):
    network = to_networkx(article_graph, "en")
    factory = network.nodes[FACTORY]
    assert factory["label"] == "Qualitative upgrade of smart factories"
    assert factory["label_ko"] == "스마트공장 질적 고도화"
    assert factory["budget_krw"] == "20,000,000,000" and factory["planned_end"] == "2025"
    assert factory["quote"].startswith("일자리경제실은 관내 중소·중견 제조기업 100개사를")
    assert factory["source"] == "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
    assert factory["source_date"] == "2021-01-19"


def test_department_technology_weights_count_policies(article_graph):
    network = department_technology(article_graph)
    assert network.edges[PLANNING, str(PGID["technology/ai"])]["weight"] == 1
    assert network.edges[PLANNING, str(PGID["technology/big-data"])]["weight"] == 1
    assert network.edges[PLANNING, str(PGID["technology/data"])]["weight"] == 1
    tagged = len(list(article_graph.subject_objects(PG.usesTechnology)))
    assert sum(d["weight"] for *_e, d in network.edges(data=True)) == tagged


def test_focus_by_label_and_depth(article_graph):
    network = to_networkx(article_graph)
    around, left_out = focus(network, "기획조정실", depth=1)
    assert PLANNING in around and left_out == 0
    assert {n for n in around if n != PLANNING} == set(network.predecessors(PLANNING)) | set(
        network.successors(PLANNING)
    )
    capped, left_out = focus(network, "기획조정실", depth=3, max_nodes=10)
    assert len(capped) == 10 and left_out > 0
    with pytest.raises(UsageError, match="nothing in the graph is called 'no-such-thing'"):
        focus(network, "no-such-thing")


def test_sizes_use_betweenness_and_name_it(article_graph):
    network = to_networkx(article_graph, "ko", OVERVIEW_KINDS)
    measure, name = sizes(network)
    assert name == "betweenness centrality"
    assert measure == pytest.approx(nx.betweenness_centrality(network.to_undirected()))
    assert max(measure, key=measure.get) == str(PGID["technology/ai"])
    _sampled, sampled_name = sizes(network, sample=20)
    assert sampled_name == "betweenness centrality (estimated from 20 sources)"


def test_statistics_of_the_article(article_graph):
    result = statistics(article_graph)
    assert result.counts["policy"] == 30 and result.counts["department"] == 23
    assert result.central_technologies[0] == ("AI", 18)
    # departments whose technologies no other department uses
    assert result.isolated_departments == ["군공항이전추진본부", "자치행정국", "종합건설본부"]
    grouped = [name for group in result.communities for name in group]
    assert len(grouped) == len(set(grouped)) == 23 - 3


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_exports_parse_back_with_korean_labels(article_graph, fmt, read):
    network = to_networkx(article_graph)
    parsed = read(io.BytesIO(export(network, fmt)))
    assert parsed.number_of_nodes() == network.number_of_nodes() > 100
    assert parsed.number_of_edges() == network.number_of_edges()
    labels = {data.get("label_ko") for _n, data in parsed.nodes(data=True)}
    assert "기획조정실" in labels and "전남대학교병원" in labels


def test_query_view_draws_a_construct_answer(article_graph):
    view = api.query_view(article_graph, "department-neighbourhood")
    kinds = nx.get_node_attributes(view.network, "kind")
    assert kinds[PLANNING] == "department"
    assert sum(1 for k in kinds.values() if k == "policy") == 4
    with pytest.raises(
        UsageError, match="a view needs a CONSTRUCT or DESCRIBE query; this is a SELECT query"
    ):
        api.query_view(article_graph, "budgets")
