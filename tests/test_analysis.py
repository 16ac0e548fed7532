"""RDF → networkx: nodes, edges, attributes, measures, statistics and exports."""

from __future__ import annotations

import io

import networkx as nx
import pytest
from rdflib import URIRef

from policy_graph import api
from policy_graph.analysis import (
    OVERVIEW_KINDS,
    department_technology,
    export,
    find_node,
    focus,
    sizes,
    statistics,
    to_networkx,
)
from policy_graph.errors import UsageError
from policy_graph.vocab import PG, PGID

PLANNING = str(PGID["org/gwangju-planning-coordination"])
FACTORY = str(PGID["policy/gwangju-smart-factory"])


def test_overview_nodes_are_the_six_kinds(article_graph):
    network = to_networkx(article_graph, "ko", OVERVIEW_KINDS, shortcuts=False)
    kinds = nx.get_node_attributes(network, "kind")
    counts = {k: list(kinds.values()).count(k) for k in OVERVIEW_KINDS}
    assert counts == {
        "policy": 30,
        "department": 23,
        "technology": 13,
        "target-group": 10,
        "partner": 5,
        "government": 1,
    }
    assert str(PGID["org/asiae"]) not in network  # a publisher is not a partner
    # one government: labels as they are; every department drawn to it, no policy
    assert network.nodes[PLANNING]["label"] == "기획조정실"
    assert set(network.predecessors(str(PGID["org/gwangju"]))) == {
        n for n, kind in kinds.items() if kind == "department"
    }


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
    network = to_networkx(article_graph, "ko", OVERVIEW_KINDS, shortcuts=False)
    measure, name = sizes(network)
    assert name == "betweenness centrality"
    assert measure == pytest.approx(nx.betweenness_centrality(network.to_undirected()))
    # the city joins its departments, AI their policies
    ranked = sorted(measure, key=measure.get, reverse=True)
    assert ranked[:2] == [str(PGID["org/gwangju"]), str(PGID["technology/ai"])]
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


# --- many governments (tests/data/many-governments) ---------------------------------

GOVERNMENT_LABELS = {"gwangju": "광주광역시", "hanbit": "한빛특별시"}


def _org(slug: str) -> str:
    return str(PGID[f"org/{slug}"])


def _policy(slug: str) -> str:
    return str(PGID[f"policy/{slug}"])


def test_a_policy_without_a_department_counts_under_its_government(many_graph):
    network = department_technology(many_graph)
    governments = {n for n, kind in network.nodes(data="kind") if kind == "government"}
    assert governments == {_org("hanbit"), _org("hanbit-nuri"), _org("garam")}
    edges = {
        (a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1], weight)
        for a, b, weight in network.edges(data="weight")
        if governments & {a, b}
    }
    edges = {
        (g, t, w) if g in ("hanbit", "hanbit-nuri", "garam") else (t, g, w) for g, t, w in edges
    }
    assert edges == {
        ("hanbit-nuri", "ai", 1),
        ("hanbit-nuri", "iot", 1),
        ("hanbit-nuri", "chatbot", 1),
        ("garam", "big-data", 1),
        ("garam", "iot", 1),
        ("hanbit", "iot", 1),  # smart crosswalks; hanbit's other policies name a unit
    }
    # every tag is counted once, under a department or a government
    tagged = len(list(many_graph.subject_objects(PG.usesTechnology)))
    assert sum(weight for *_edge, weight in network.edges(data="weight")) == tagged


def test_units_are_named_with_their_government_when_several_are_shown(many_graph):
    network = to_networkx(many_graph, "ko")
    for government, label in GOVERNMENT_LABELS.items():
        unit = network.nodes[_org(f"{government}-planning-coordination")]
        assert unit["label"] == unit["label_ko"] == f"{label} 기획조정실"
        assert unit["name_ko"] == "기획조정실" and unit["government"] == label
    gwangju = network.nodes[_org("gwangju-planning-coordination")]
    assert gwangju["label_en"] == "Gwangju Metropolitan City Planning and Coordination Office"
    assert gwangju["name_en"] == "Planning and Coordination Office"
    team = to_networkx(many_graph, "en").nodes[_org("hanbit-ai-team")]
    assert team["label"] == "Hanbit Special City AI Team"
    # a government is named as it is; a policy names its government as a fact
    assert network.nodes[_org("hanbit-nuri")]["label"] == "한빛특별시 누리구"
    assert network.nodes[_policy("garam-flood-sensors")]["government"] == "가람군"
    labels = [data["label"] for _node, data in network.nodes(data=True)]
    assert "기획조정실" not in labels


def test_the_overview_draws_governments_and_no_policy_floats(many_graph):
    network = to_networkx(many_graph, "ko", OVERVIEW_KINDS, shortcuts=False)
    kinds = dict(network.nodes(data="kind"))
    assert {n for n, kind in kinds.items() if kind == "government"} == {
        _org(g) for g in ("gwangju", "hanbit", "hanbit-nuri", "garam")
    }
    upward = {"담당 부서", "지방정부", "소속", "상위 조직"}
    up = {
        (a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1])
        for a, b, relation in network.edges(data="relation")
        if relation in upward and kinds[a] != "policy"
    }
    assert up == {
        *((f"gwangju-{u}", "gwangju") for u in ("planning-coordination", "jobs-economy")),
        *((f"gwangju-{u}", "gwangju") for u in ("ai-industry", "welfare-health")),
        ("gwangju-military-airport-relocation", "gwangju"),
        ("hanbit-planning-coordination", "hanbit"),
        ("hanbit-digital-policy", "hanbit"),
        ("hanbit-ai-team", "hanbit-digital-policy"),  # not to hanbit too: the path says it
        ("hanbit-nuri", "hanbit"),
    }
    # each policy goes up to one department, or to its government where it has none
    for policy in (n for n, kind in kinds.items() if kind == "policy"):
        [target] = [b for _a, b, rel in network.out_edges(policy, data="relation") if rel in upward]
        department = many_graph.value(URIRef(policy), PG.leadDepartment)
        government = many_graph.value(URIRef(policy), PG.government)
        assert target == str(department if department is not None else government), policy
    nuri = {a for a, b in network.in_edges(_org("hanbit-nuri")) if kinds[a] == "policy"}
    names = ("ai-check-in-calls", "smart-health-care", "chatbot-civil-service-guide")
    assert nuri == {_policy(f"hanbit-nuri-{name}") for name in names}
    # with shortcuts (focus views, exports), every property is an edge
    full = to_networkx(many_graph, "ko")
    assert full.has_edge(_org("hanbit-ai-team"), _org("hanbit"))
    assert full.has_edge(_policy("hanbit-ai-academy"), _org("hanbit"))


def test_statistics_of_many_governments(many_graph):
    result = statistics(many_graph)
    assert result.counts["government"] == 4 and result.counts["department"] == 8
    assert result.stand_ins == ["가람군", "한빛특별시", "한빛특별시 누리구"]
    assert result.central_technologies == [
        ("AI", 5),
        ("IoT", 4),
        ("빅데이터", 3),
        ("챗봇", 3),
        ("데이터", 2),
    ]
    # the district shares a technology with 8 of the 10 others
    assert result.central_departments[0] == ("한빛특별시 누리구", 0.8)
    grouped = sorted(
        [*(n for group in result.communities for n in group), *result.isolated_departments]
    )
    units = [
        f"{GOVERNMENT_LABELS[g]} {name}"
        for g, names in {
            "gwangju": (
                "기획조정실",
                "일자리경제실",
                "인공지능산업국",
                "복지건강국",
                "군공항이전추진본부",
            ),
            "hanbit": ("기획조정실", "디지털정책관", "인공지능팀"),
        }.items()
        for name in names
    ]
    assert grouped == sorted([*units, *result.stand_ins])
    english = statistics(many_graph, "en")
    assert english.stand_ins == ["Garam County", "Hanbit Special City", "Nuri District, Hanbit"]
    assert english.central_departments[0] == ("Nuri District, Hanbit", 0.8)


def test_a_name_of_several_resources_lists_them_and_asks_for_one(many_graph):
    network = to_networkx(many_graph, "ko")
    with pytest.raises(UsageError) as raised:
        focus(network, "기획조정실")
    assert str(raised.value) == (
        "'기획조정실' names 2 resources; give one of them by its id or IRI:\n"
        "  광주광역시 기획조정실 (department): gwangju-planning-coordination\n"
        "  한빛특별시 기획조정실 (department): hanbit-planning-coordination"
    )
    with pytest.raises(UsageError, match="^'Planning and Coordination Office' names 2 resources"):
        focus(to_networkx(many_graph, "en"), "Planning and Coordination Office")
    # an IRI, an id or a label with its government names one
    hanbit = _org("hanbit-planning-coordination")
    assert find_node(network, hanbit) == hanbit
    assert find_node(network, "hanbit-planning-coordination") == hanbit
    assert find_node(network, "한빛특별시 기획조정실") == hanbit
    assert find_node(network, "디지털정책관") == _org("hanbit-digital-policy")


def test_an_id_shared_by_two_kinds_is_listed_by_iri():
    network = nx.DiGraph()
    network.add_node("urn:x:policy/same", kind="policy", label="하나")
    network.add_node("urn:x:programme/same", kind="programme", label="둘")
    with pytest.raises(UsageError) as raised:
        find_node(network, "same")
    assert str(raised.value).splitlines()[1:] == [
        "  둘 (programme): urn:x:programme/same",
        "  하나 (policy): urn:x:policy/same",
    ]


def test_exports_name_units_with_their_government(many_graph):
    parsed = nx.read_graphml(io.BytesIO(export(to_networkx(many_graph), "graphml")))
    labels = {data["label"] for _n, data in parsed.nodes(data=True)}
    assert {"광주광역시 기획조정실", "한빛특별시 기획조정실", "한빛특별시 인공지능팀"} <= labels
    assert "기획조정실" not in labels
