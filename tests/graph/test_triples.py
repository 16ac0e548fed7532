"""The graph built from records: the fixture's exact triples, and the article's facts."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from policy_graph.graph.triples import build_graph
from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID
from policy_graph.records.reading import load_records
from tests.helpers import MINIMAL, TEST_DATA

POLICY = PGID["policy/"]
ORGS = PGID["org/"]
TECH = PGID["technology/"]


def _assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _both, only_expected, only_actual = graph_diff(
            to_isomorphic(expected), to_isomorphic(actual)
        )
        raise AssertionError(
            "graphs differ\nonly expected:\n"
            + only_expected.serialize(format="nt")
            + "\nonly built:\n"
            + only_actual.serialize(format="nt")
        )


def test_minimal_records_give_the_expected_graph():
    expected = Graph().parse(TEST_DATA / "minimal-expected.ttl")
    _assert_isomorphic(expected, build_graph(load_records(MINIMAL)))


def test_fixture_policy_has_the_contracts_terms():
    graph = build_graph(load_records(MINIMAL))
    factory = URIRef(POLICY + "gwangju-smart-factory")
    assert (factory, RDF.type, PG.Policy) in graph
    assert graph.value(factory, PG.leadDepartment) == URIRef(ORGS + "gwangju-jobs-economy")
    assert graph.value(factory, PG.government) == URIRef(ORGS + "gwangju")
    budget = graph.value(factory, PG.budgetKRW)
    assert budget == Literal("20000000000", datatype=XSD.decimal)
    assert budget.toPython() == Decimal("20000000000")
    assert graph.value(factory, PG.plannedEnd) == Literal("2025", datatype=XSD.gYear)
    assert (URIRef(ORGS + "gwangju-jobs-economy"), ORG.unitOf, URIRef(ORGS + "gwangju")) in graph
    assert (URIRef(TECH + "chatbot"), SKOS.broader, URIRef(TECH + "ai")) in graph


# --- the article's graph ----------------------------------------------------------


def _policies(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, PG.Policy))


def _labels(graph: Graph, node, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(node, RDFS.label) if o.language == lang]


def _policies_of(graph: Graph, department_ko: str) -> list[URIRef]:
    [unit] = [
        u
        for u in graph.subjects(RDF.type, ORG.OrganizationalUnit)
        if _labels(graph, u, "ko") == [department_ko]
    ]
    return sorted(graph.subjects(PG.leadDepartment, unit))


def _technologies(graph: Graph, policy) -> set[str]:
    return {str(t).rsplit("/", 1)[-1] for t in graph.objects(policy, PG.usesTechnology)}


def _narrower_or_equal(graph: Graph, concept, broader) -> bool:
    return broader in set(graph.transitive_objects(concept, SKOS.broader))


def test_the_article_has_thirty_policies_of_23_departments(article_graph):
    assert len(_policies(article_graph)) == 30
    units = set(article_graph.subjects(RDF.type, ORG.OrganizationalUnit))
    assert len(units) == 23
    assert {article_graph.value(p, PG.leadDepartment) for p in _policies(article_graph)} == units


def test_every_policy_is_complete(article_graph):
    for policy in _policies(article_graph):
        assert len(list(article_graph.objects(policy, PG.leadDepartment))) == 1, policy
        assert len(list(article_graph.objects(policy, PG.government))) == 1, policy
        assert list(article_graph.objects(policy, PG.usesTechnology)), policy
        assert list(article_graph.objects(policy, PG.policyDomain)), policy
        assert len(_labels(article_graph, policy, "ko")) == 1, policy
        assert len(_labels(article_graph, policy, "en")) == 1, policy
        quotes = list(article_graph.objects(policy, PG.sourceQuote))
        assert quotes and all(q.language == "ko" and q.strip() for q in quotes), policy
        assert list(article_graph.objects(policy, PROV.wasDerivedFrom)), policy
        assert (policy, DCTERMS.isPartOf, None) in article_graph


def test_smart_factory_budget_and_end_belong_to_jobs_and_economy(article_graph):
    budgets = list(article_graph.subject_objects(PG.budgetKRW))
    assert len(budgets) == 1
    [(policy, budget)] = budgets
    assert budget.toPython() == Decimal("20000000000")
    assert article_graph.value(policy, PG.plannedEnd) == Literal("2025", datatype=XSD.gYear)
    assert _policies_of(article_graph, "일자리경제실") == [policy]
    assert "스마트공장" in _labels(article_graph, policy, "ko")[0]


def test_5g_is_used_only_by_the_smart_factory(article_graph):
    users = set(article_graph.subjects(PG.usesTechnology, URIRef(TECH + "5g")))
    assert users == set(_policies_of(article_graph, "일자리경제실"))


def test_the_airport_chatbot_is_narrower_than_ai(article_graph):
    [policy] = _policies_of(article_graph, "군공항이전추진본부")
    assert _technologies(article_graph, policy) == {"chatbot"}
    assert _narrower_or_equal(article_graph, URIRef(TECH + "chatbot"), URIRef(TECH + "ai"))


def test_partners_of_the_ai_industry_bureau(article_graph):
    partners = {
        _labels(article_graph, org, "ko")[0]
        for policy in _policies_of(article_graph, "인공지능산업국")
        for org in article_graph.objects(policy, PG.partnerInstitution)
    }
    assert partners == {
        "자치구 보건소",
        "빛고을건강타운",
        "전남대학교병원",
        "조선대학교병원",
        "동구창업센터",
    }
    hospital = URIRef(ORGS + "chonnam-national-university-hospital")
    assert Literal("전대병원", lang="ko") in set(article_graph.objects(hospital, SKOS.altLabel))


def test_no_ai_where_the_article_states_none(article_graph):
    ai = URIRef(TECH + "ai")
    without_ai = {
        "시립도서관": {"big-data"},
        "농업기술센터": {"big-data"},
        "종합건설본부": {"measurement-system"},
    }
    for department, technologies in without_ai.items():
        [policy] = _policies_of(article_graph, department)
        assert _technologies(article_graph, policy) == technologies, department
        for tech in article_graph.objects(policy, PG.usesTechnology):
            assert not _narrower_or_equal(article_graph, tech, ai), department


def test_the_ict_emergency_service_is_not_tagged_ai(article_graph):
    policies = _policies_of(article_graph, "복지건강국")
    tagged = {frozenset(_technologies(article_graph, p)) for p in policies}
    assert tagged == {frozenset({"ai", "iot"}), frozenset({"ict"})}


def test_timelines_keep_the_articles_wording(article_graph):
    timelines = {str(t) for t in article_graph.objects(None, PG.timeline)}
    assert timelines == {"연말까지", "올해", "오는 7월"}


def test_korean_titles_are_the_articles_wording(article_graph, article_text):
    from policy_graph.records.quotes import fold_space

    text = fold_space(article_text)
    for policy in _policies(article_graph):
        [title] = _labels(article_graph, policy, "ko")
        assert fold_space(title) in text, title


def test_department_names_are_as_written(article_graph, article_text):
    for unit in article_graph.subjects(RDF.type, ORG.OrganizationalUnit):
        [name] = _labels(article_graph, unit, "ko")
        assert name in article_text, name


# --- codes, stages, budget kinds, creators, licences ------------------------------


def test_the_fields_that_say_more_than_the_article_become_the_contracts_terms(tmp_path):
    import shutil

    from rdflib.namespace import DCTERMS, SDO, SKOS

    from tests.helpers import MANY

    data = shutil.copytree(MANY, tmp_path / "data")
    path = data / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    publisher: garam\n",
            "    publisher: garam\n    creator: hanbit\n    author: 홍길동\n    licence: kogl-1\n",
        ),
        encoding="utf-8",
    )
    graph = build_graph(load_records(data))
    gwangju, garam = URIRef(ORGS + "gwangju"), URIRef(PGID["source/garam-2024-smart-farming"])
    code = graph.value(gwangju, SKOS.notation)
    assert (str(code), code.datatype) == ("29", PG.LegalDongCode)
    flood = URIRef(POLICY + "garam-flood-sensors")
    assert graph.value(flood, PG.stage) == URIRef(PGID["policy-stage/planned"])
    farm = URIRef(POLICY + "garam-smart-farm-control")
    assert graph.value(farm, PG.budgetKind) == URIRef(PGID["budget-kind/committed"])
    plan = URIRef(PGID["programme/hanbit-ai-master-plan"])
    assert graph.value(plan, PG.budgetKind) == URIRef(PGID["budget-kind/multi-year-total"])
    assert graph.value(garam, DCTERMS.creator) == URIRef(ORGS + "hanbit")
    assert graph.value(garam, SDO.author) == Literal("홍길동", lang="ko")
    assert graph.value(garam, DCTERMS.license) == URIRef(
        "https://www.kogl.or.kr/info/licenseType1.do"
    )
    article = URIRef(PGID["source/asiae-2021-01-19-gwangju-1ai"])
    assert graph.value(article, DCTERMS.license) is None  # no licence said, none written
    stages = set(graph.subjects(SKOS.inScheme, URIRef(PGID["scheme/policy-stages"])))
    assert {s.rsplit("/", 1)[-1] for s in stages} == {
        "planned", "in-preparation", "under-way", "in-operation"
    }  # fmt: skip


def test_a_government_may_be_a_partner(tmp_path):
    import shutil

    from tests.helpers import MANY

    data = shutil.copytree(MANY, tmp_path / "data")
    path = data / "garam.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    stage: planned\n", "    stage: planned\n    partners: [hanbit]\n"),
        "utf-8",
    )
    graph = build_graph(load_records(data))
    flood = URIRef(POLICY + "garam-flood-sensors")
    assert graph.value(flood, PG.partnerInstitution) == URIRef(ORGS + "hanbit")
