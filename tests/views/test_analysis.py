"""RDF → networkx: nodes, edges, attributes, measures, statistics and exports."""

from __future__ import annotations

import io
import re

import networkx as nx
import pytest
from rdflib import RDF, URIRef

from policy_graph import api
from policy_graph.errors import UsageError
from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID
from policy_graph.views import page_data, pages
from policy_graph.views.analysis import export, statistics, to_networkx

PLANNING = str(PGID["org/gwangju-planning-coordination"])
FACTORY = str(PGID["policy/gwangju-smart-factory"])


def test_overview_nodes_are_the_six_kinds(article_graph):
    view = api.overview_view(article_graph)
    network = view.network
    kinds = nx.get_node_attributes(network, "kind")
    counts = {k: list(kinds.values()).count(k) for k in pages.NETWORK_KINDS}
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
    assert view.data["terms"][_term(view, PLANNING)]["ko"] == "기획조정실"
    assert set(network.predecessors(str(PGID["org/gwangju"]))) == {
        n for n, kind in kinds.items() if kind == "department"
    }


def test_edges_follow_the_properties(article_graph):
    network = to_networkx(article_graph, "ko")
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


def _weights(view) -> dict:
    return {
        (a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1]): w
        for a, b, w in view.network.edges(data="weight")
        if w is not None
    }


def _counted_by_sparql(graph, rows_by: str) -> dict:
    """(row, technology) → policies, as SPARQL counts them through skos:broader*: the
    weights a page must draw, worked out by the query engine, not by views/pages.py."""
    row = (
        "?policy pg:government ?row ."
        if rows_by == "government"
        else "{ ?policy pg:leadDepartment ?row } UNION "
        "{ ?policy pg:government ?row FILTER NOT EXISTS { ?policy pg:leadDepartment ?d } }"
    )
    answer = graph.query(
        f"""SELECT ?row ?technology (COUNT(DISTINCT ?policy) AS ?n) WHERE {{
            ?policy a pg:Policy ; pg:usesTechnology/skos:broader* ?technology . {row}
        }} GROUP BY ?row ?technology""",
        initNs={"pg": PG, "skos": URIRef("http://www.w3.org/2004/02/skos/core#")},
    )
    return {(str(r).rsplit("/", 1)[-1], str(t).rsplit("/", 1)[-1]): int(n) for r, t, n in answer}


def test_department_technology_weights_count_policies_through_broader(article_graph):
    view = api.department_technology_view(article_graph)
    weights = _weights(view)
    assert weights == _counted_by_sparql(article_graph, "department")
    assert weights[("gwangju-planning-coordination", "big-data")] == 1


def test_focus_keeps_its_policies_and_their_concepts_not_every_department(article_graph):
    view = api.focus_view(article_graph, "기획조정실", depth=2)
    kinds = dict(view.network.nodes(data="kind"))
    assert [n for n, k in kinds.items() if k == "department"] == [PLANNING]
    policies = {n for n, k in kinds.items() if k == "policy"}
    led = {str(p) for p in article_graph.subjects(PG.leadDepartment, URIRef(PLANNING))}
    assert policies == led and len(led) == 4
    # their technologies are there; the city is, but not its other departments
    assert str(PGID["technology/big-data"]) in kinds and str(PGID["org/gwangju"]) in kinds
    assert view.data["page"]["focus"] == {"node": _term(view, PLANNING), "depth": 2}
    capped = api.focus_view(article_graph, "기획조정실", depth=3, max_nodes=10)
    assert len(capped.network) == 10 and "10" in capped.note["en"]
    with pytest.raises(UsageError, match="nothing in the graph is called 'no-such-thing'"):
        api.focus_view(article_graph, "no-such-thing")


def _term(view, iri: str) -> int:
    return [page_data.term_iri(view.data, t) for t in view.data["terms"]].index(iri)


def test_a_page_carries_its_policies_with_their_facts(article_graph):
    view = api.overview_view(article_graph)
    terms = view.data["terms"]
    policy = next(
        p for p in view.data["policies"] if page_data.term_iri(view.data, terms[p["t"]]) == FACTORY
    )
    assert terms[policy["t"]]["id"] == "policy/gwangju-smart-factory"  # carried short
    assert policy["budget"] == {"ko": "200억 원", "en": "KRW 20 billion"}
    assert policy["won"] == 20_000_000_000 and policy["end"] == "2025" and policy["year"] == 2021
    assert policy["quote"].startswith("일자리경제실은 관내 중소·중견 제조기업 100개사를")
    technologies = {view.data["terms"][t]["id"].rsplit("/", 1)[-1] for t in policy["tech"]}
    assert technologies == {"ai", "data", "5g"}
    [source] = view.data["sources"].values()
    assert source["date"] == "2021-01-19"
    assert source["title"]["ko"] == "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
    assert len(view.data["policies"]) == 30


def test_statistics_of_the_article(article_graph):
    result = api.graph_statistics(article_graph)
    assert result.counts["policy"] == 30 and result.counts["department"] == 23
    assert result.central_technologies[0] == ("AI", 18, 20)
    # departments whose technologies no other department uses
    assert result.isolated_departments == ["군공항이전추진본부", "자치행정국", "종합건설본부"]
    assert result.central_departments[0][1] == 19 and result.holders == 23
    assert result.sources[0]["date"] == "2021-01-19" and result.governments == 1
    together = [t for group in result.communities for t in group["technologies"]]
    assert len(together) == len(set(together)) and "AI" in together


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
    assert len(view.data["policies"]) == 4 and view.data["page"]["empty"]["en"] == ""
    # Gwangju names a department for every policy: none stand under the government itself.
    elsewhere = api.query_view(
        article_graph, "department-neighbourhood", params={"department": "광주광역시"}
    )
    assert len(elsewhere.network) == 0
    assert elsewhere.data["page"]["empty"]["ko"] == (
        "이 질문에 맞는 것이 그래프에 없습니다 (department=광주광역시). 전체 보기나 부서 × 기술 "
        "보기에서 이름을 찾아 누르고 '여기에 초점'을 고르면 그 주변이 보입니다. 명령으로 다시 "
        "물으려면: policy-graph viz --query department-neighbourhood --param department=…"
    )
    with pytest.raises(UsageError, match="no department is called 'nowhere' in this graph"):
        api.query_view(article_graph, "department-neighbourhood", params={"department": "nowhere"})
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
    view = api.department_technology_view(many_graph)
    governments = {n for n, kind in view.network.nodes(data="kind") if kind == "government"}
    assert governments == {_org("hanbit"), _org("hanbit-nuri"), _org("garam")}
    weights = _weights(view)
    assert weights == _counted_by_sparql(many_graph, "department")
    # smart crosswalks: hanbit's one policy without a unit
    assert {t for (g, t) in weights if g == "hanbit"} == {"iot", "ict"}
    assert view.data["graph"]["rowsBy"] == "department"


def test_the_overview_of_many_is_governments_by_technologies(many_graph):
    view = api.overview_view(many_graph)
    assert view.data["page"]["mode"] == "aggregate"
    weights = _weights(view)
    assert weights == _counted_by_sparql(many_graph, "government")
    assert {g for g, _t in weights} == {"gwangju", "hanbit", "hanbit-nuri", "garam"}
    assert len(view.data["policies"]) == len(set(many_graph.subjects(RDF.type, PG.Policy))) == 14
    # a page per government, linked from the overview's data
    names = [v.name for v in api.government_views(many_graph)]
    assert names == [f"government-{g}" for g in ("garam", "gwangju", "hanbit", "hanbit-nuri")]
    assert set(view.data["pages"].values()) == {f"{n}.html" for n in names}


def test_units_are_named_with_their_government_when_several_are_shown(many_graph):
    data = api.overview_view(many_graph).data
    terms = {page_data.term_iri(data, t): t for t in data["terms"]}
    unit = terms[_org("hanbit-planning-coordination")]
    assert (unit["ko"], unit["nko"]) == ("한빛특별시 기획조정실", "기획조정실")
    assert unit["en"] == "Hanbit Special City Planning and Coordination Office"
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


def test_a_government_page_draws_its_policies_and_no_policy_floats(many_graph):
    catalogue = api.catalogue_of(many_graph)
    everything = list(catalogue.policies.values())
    network = pages.network_view(catalogue, "all", page_data.texts("", ""), everything).network
    kinds = dict(network.nodes(data="kind"))
    assert {n for n, kind in kinds.items() if kind == "government"} == {
        _org(g) for g in ("gwangju", "hanbit", "hanbit-nuri", "garam")
    }
    upward = {"leadDepartment", "government", "unitOf", "subOrganizationOf"}
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
    result = api.graph_statistics(many_graph)
    assert result.counts["government"] == 4 and result.counts["department"] == 8
    assert result.stand_ins == ["가람군", "한빛특별시", "한빛특별시 누리구"]
    assert result.central_technologies[:3] == [("AI", 5, 5), ("IoT", 4, 4), ("빅데이터", 3, 3)]
    # the district shares a technology with 8 of the 10 others
    assert result.holders == 11
    assert result.central_departments[0] == ("한빛특별시 누리구", 8)
    assert "기획조정실" not in [name for name, _n in result.central_departments]
    english = statistics(api.catalogue_of(many_graph), "en")
    assert english.stand_ins == ["Garam County", "Hanbit Special City", "Nuri District, Hanbit"]
    assert english.central_departments[0] == ("Nuri District, Hanbit", 8)
    assert (
        sum(group["holders"] for group in result.communities)
        == result.holders - len([h for h in result.isolated_departments if h])
        or result.communities
    )


def test_a_name_of_several_resources_lists_them_and_asks_for_one(many_graph):
    catalogue = api.catalogue_of(many_graph)
    with pytest.raises(UsageError) as raised:
        pages.find_resource(catalogue, "기획조정실")
    assert str(raised.value) == (
        "'기획조정실' names 2 resources; give one of them by its id or IRI:\n"
        "  광주광역시 기획조정실 (department): gwangju-planning-coordination\n"
        "  한빛특별시 기획조정실 (department): hanbit-planning-coordination"
    )
    with pytest.raises(UsageError, match="^'Planning and Coordination Office' names 2 resources"):
        api.focus_view(many_graph, "Planning and Coordination Office")
    # an IRI, an id or a label with its government names one
    hanbit = _org("hanbit-planning-coordination")
    assert pages.find_resource(catalogue, hanbit) == hanbit
    assert pages.find_resource(catalogue, "hanbit-planning-coordination") == hanbit
    assert pages.find_resource(catalogue, "한빛특별시 기획조정실") == hanbit
    assert pages.find_resource(catalogue, "디지털정책관") == _org("hanbit-digital-policy")


def test_exports_name_units_with_their_government(many_graph):
    parsed = nx.read_graphml(io.BytesIO(export(to_networkx(many_graph), "graphml")))
    labels = {data["label"] for _n, data in parsed.nodes(data=True)}
    assert {"광주광역시 기획조정실", "한빛특별시 기획조정실", "한빛특별시 인공지능팀"} <= labels
    assert "기획조정실" not in labels


def test_a_query_view_past_the_limit_keeps_the_most_connected_and_says_so(article_graph):
    network = nx.DiGraph()
    hub = "urn:x:hub"
    for n in range(pages.MAX_QUERY_NODES + 2):
        network.add_node(f"urn:x:{n:05d}", kind="other", label_ko=str(n))
        network.add_edge(f"urn:x:{n:05d}", hub, relation="rel", relation_key="ex:rel")
    view = pages.query_view(api.catalogue_of(article_graph), network, "big", {"ko": "", "en": ""})
    assert len(view.network) == pages.MAX_QUERY_NODES and hub in view.network
    assert view.note["en"] == (
        "Too many nodes to draw: the 5,000 most connected are shown, 3 left out."
    )
    assert view.data["relations"]["ex:rel"] == {"ko": "ex:rel", "en": "ex:rel"}
    assert {edge[2] for edge in view.data["graph"]["edges"]} == {"ex:rel"}


def test_a_query_views_edges_carry_the_relation_keys_the_page_reads(article_graph):
    view = api.query_view(article_graph, "department-neighbourhood")
    keys = {edge[2] for edge in view.data["graph"]["edges"]}
    assert "leadDepartment" in keys and keys <= set(view.data["relations"])


def test_the_index_lists_every_government_it_counts_those_without_policies_too(tmp_path):
    import shutil

    from tests.helpers import MANY

    data = shutil.copytree(MANY, tmp_path / "data")
    (data / "province.yaml").write_text(
        "governments:\n"
        "  - id: hanbit-province\n"
        "    label: {ko: 한빛도, en: Hanbit Province}\n"
        "    kind: metropolitan-city\n",
        encoding="utf-8",
    )
    views, written = api.make_views(
        data, tmp_path / "g.ttl", out_dir=tmp_path / "v", all_views=True
    )
    index = written["index.html"].read_text(encoding="utf-8")
    covers = re.search(r'<p id="covers">지방정부 (\d+)곳', index)
    rows = re.findall(
        r"<tr><td>(.*?)</td><td class=\"number\">(\d+)</td><td class=\"number\">(\d+)</td></tr>",
        index.split('id="governments-list"')[1].split("</table>")[0],
    )
    assert int(covers.group(1)) == len(rows) == 5
    assert ("한빛도", "0", "0") in rows  # listed, without a page: it has no policy
    # 가람군 names no department: its two policies stand under it, and it is none
    assert ('<a href="government-garam.html">가람군</a>', "2", "0") in rows
