"""Every saved query on the four-government fixture (tests/data/many-governments), on
both engines: the exact rows it answers when some governments name no department,
one has a programme with strands, and two have a department called 기획조정실."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from policy_graph import api
from policy_graph.errors import UsageError
from policy_graph.graph.vocab import PG
from policy_graph.query.saved import saved_queries
from policy_graph.records.iris import PGID

ENGINES = ("rdflib", "oxigraph")
# Columns that GROUP_CONCAT makes: SPARQL leaves the order inside them open.
CONCATENATED = {"titles": " | ", "technologies": ", ", "otherNames": ", "}
# The queries whose every row is one government's: binding `government` keeps its rows.
PER_GOVERNMENT = (
    "budgets",
    "department-pairs-sharing-technology",
    "governments-overview",
    "partners-and-policies",
    "planned-ends-and-timelines",
    "policies-for-target-group",
    "policies-per-department",
    "policies-per-programme",
    "policies-using-technology",
    "policies-without-partner",
    "policy-stages",
    "programmes",
    "technologies-by-government",
)
TESTED = set()


def covers(name: str):
    """Mark a test as the exact test of saved query ``name`` (see the last test)."""
    TESTED.add(name)
    return lambda function: function


def _plain(column: str, value):
    """A value as written in the expectations: IRIs without the pgid: base, whole
    decimals as ints, concatenations as sorted tuples, years as text."""
    if isinstance(value, str) and value.startswith(str(PGID)):  # an IRI (result_rows: str)
        return value.removeprefix(str(PGID))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if column in CONCATENATED and value is not None:
        return tuple(sorted(str(value).split(CONCATENATED[column])))
    if isinstance(value, Literal):  # one rdflib has no Python type for (a gYear)
        return str(value)
    return value


@pytest.fixture(params=ENGINES)
def ask(request, many_stores):
    """``ask(name, **params)``: the rows of a saved query, as dicts of plain values."""
    engine = request.param

    def ask(name, lang=None, **params):
        result = api.run_query(
            name, params=params, lang=lang, graph=many_stores[engine], engine=engine
        )
        if result.type == "CONSTRUCT":
            return result.graph
        return [{k: _plain(k, v) for k, v in row.items()} for row in api.result_rows(result)]

    return ask


def _iri(path: str) -> str:
    """A parameter value: the IRI of ``path`` (e.g. org/garam) in angle brackets."""
    return f"<{PGID}{path}>"


def _rows(rows, *columns) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in rows}


# --- listings: every policy, with its government, with or without a department -----


@covers("policies-without-partner")
def test_policies_without_partner_include_those_without_a_department(ask):
    rows = ask("policies-without-partner")
    assert _rows(rows, "policy", "government", "governmentName", "departmentName") == {
        ("policy/gwangju-digital-situation-room", "org/gwangju", "광주광역시", "기획조정실"),
        ("policy/gwangju-smart-factory", "org/gwangju", "광주광역시", "일자리경제실"),
        ("policy/gwangju-elderly-health-care", "org/gwangju", "광주광역시", "복지건강국"),
        ("policy/gwangju-airport-relocation-chatbot", "org/gwangju", "광주광역시", "군공항이전추진본부"),
        ("policy/hanbit-public-data-platform", "org/hanbit", "한빛특별시", "인공지능팀"),
        ("policy/hanbit-ai-chatbot-call-centre", "org/hanbit", "한빛특별시", "기획조정실"),
        ("policy/hanbit-ai-academy", "org/hanbit", "한빛특별시", "디지털정책관"),
        ("policy/hanbit-smart-crosswalks", "org/hanbit", "한빛특별시", None),
        ("policy/hanbit-nuri-ai-check-in-calls", "org/hanbit-nuri", "한빛특별시 누리구", None),
        ("policy/hanbit-nuri-chatbot-civil-service-guide", "org/hanbit-nuri", "한빛특별시 누리구", None),
        ("policy/garam-smart-farm-control", "org/garam", "가람군", None),
        ("policy/garam-flood-sensors", "org/garam", "가람군", None),
    }  # fmt: skip
    assert len(rows) == 12
    english = ask("policies-without-partner", lang="en", government=_iri("org/hanbit-nuri"))
    assert _rows(english, "title", "governmentName", "departmentName") == {
        ("AI check-in calls", "Nuri District, Hanbit", None),
        ("Chatbot guide to civil services", "Nuri District, Hanbit", None),
    }


@covers("planned-ends-and-timelines")
def test_planned_ends_and_timelines_of_every_government(ask):
    rows = ask("planned-ends-and-timelines")
    assert [
        (r["policy"], r["governmentName"], r["departmentName"], r["plannedEnd"], r["timeline"])
        for r in rows
    ] == [
        ("policy/gwangju-elderly-health-care", "광주광역시", "복지건강국", None, "올해"),
        ("policy/gwangju-ai-health-management", "광주광역시", "인공지능산업국", None, "연말까지"),
        ("policy/hanbit-ai-chatbot-call-centre", "한빛특별시", "기획조정실", None, "내년 상반기까지"),
        ("policy/hanbit-nuri-ai-check-in-calls", "한빛특별시 누리구", None, None, "오는 3월부터"),
        ("policy/gwangju-smart-factory", "광주광역시", "일자리경제실", "2025", None),
        ("policy/hanbit-ai-academy", "한빛특별시", "디지털정책관", "2025", None),
    ]  # fmt: skip
    # the programme's end (2026) is a programme's, not a policy's: see budgets
    assert all(r["policy"].startswith("policy/") for r in rows)


@covers("policies-for-target-group")
def test_policies_for_older_people_reach_a_district_without_departments(ask):
    rows = ask("policies-for-target-group", group="고령자")
    assert _rows(rows, "groupName", "policy", "governmentName", "departmentName") == {
        ("고령자", "policy/gwangju-ai-health-management", "광주광역시", "인공지능산업국"),
        ("고령자", "policy/gwangju-elderly-health-care", "광주광역시", "복지건강국"),
        # 독거노인 is narrower than 고령자
        ("고령자", "policy/hanbit-nuri-ai-check-in-calls", "한빛특별시 누리구", None),
        ("고령자", "policy/hanbit-nuri-smart-health-care", "한빛특별시 누리구", None),
    }
    everyone = ask("policies-for-target-group")
    assert _rows(everyone, "groupName", "policy", "government") == {
        ("고령자", "policy/gwangju-ai-health-management", "org/gwangju"),
        ("고령자", "policy/gwangju-elderly-health-care", "org/gwangju"),
        ("고령자", "policy/hanbit-nuri-ai-check-in-calls", "org/hanbit-nuri"),
        ("고령자", "policy/hanbit-nuri-smart-health-care", "org/hanbit-nuri"),
        ("독거노인", "policy/hanbit-nuri-ai-check-in-calls", "org/hanbit-nuri"),
        ("구직청년", "policy/hanbit-ai-academy", "org/hanbit"),
        ("시민", "policy/gwangju-ai-health-management", "org/gwangju"),
        ("시민", "policy/hanbit-ai-chatbot-call-centre", "org/hanbit"),
        ("시민", "policy/hanbit-nuri-chatbot-civil-service-guide", "org/hanbit-nuri"),
        ("중소·중견 제조기업", "policy/gwangju-smart-factory", "org/gwangju"),
    }


@covers("policies-using-technology")
def test_ai_policies_through_narrower_technologies_in_every_government(ask, many_graph):
    rows = ask("policies-using-technology")
    assert _rows(rows, "policy", "governmentName", "departmentName", "taggedName") == {
        ("policy/gwangju-smart-factory", "광주광역시", "일자리경제실", "AI"),
        ("policy/gwangju-ai-health-management", "광주광역시", "인공지능산업국", "AI"),
        ("policy/gwangju-elderly-health-care", "광주광역시", "복지건강국", "AI"),
        ("policy/gwangju-airport-relocation-chatbot", "광주광역시", "군공항이전추진본부", "챗봇"),
        ("policy/hanbit-ai-chatbot-call-centre", "한빛특별시", "기획조정실", "챗봇"),
        ("policy/hanbit-ai-academy", "한빛특별시", "디지털정책관", "AI"),
        ("policy/hanbit-nuri-ai-check-in-calls", "한빛특별시 누리구", None, "AI"),
        ("policy/hanbit-nuri-chatbot-civil-service-guide", "한빛특별시 누리구", None, "챗봇"),
    }  # fmt: skip
    ai = URIRef(PGID["technology/ai"])
    derived = {
        _plain("policy", policy)
        for policy, tagged in many_graph.subject_objects(PG.usesTechnology)
        if ai in set(many_graph.transitive_objects(tagged, SKOS.broader))
    }
    assert {r["policy"] for r in rows} == derived
    iot = ask("policies-using-technology", technology=_iri("technology/ict"))
    assert _rows(iot, "policy", "governmentName", "departmentName", "taggedName") == {
        ("policy/gwangju-smart-factory", "광주광역시", "일자리경제실", "5G"),
        ("policy/gwangju-elderly-health-care", "광주광역시", "복지건강국", "IoT"),
        ("policy/hanbit-smart-crosswalks", "한빛특별시", None, "IoT"),
        ("policy/hanbit-nuri-smart-health-care", "한빛특별시 누리구", None, "IoT"),
        ("policy/garam-flood-sensors", "가람군", None, "IoT"),
    }


@covers("partners-and-policies")
def test_partners_of_a_district_policy_without_a_department(ask):
    rows = ask("partners-and-policies")
    assert _rows(rows, "partner", "name", "otherNames", "governmentName", "departmentName") == {
        ("org/district-health-centres", "자치구 보건소", None, "광주광역시", "인공지능산업국"),
        ("org/bitgoeul-health-town", "빛고을건강타운", None, "광주광역시", "인공지능산업국"),
        ("org/nuri-health-centre", "누리구보건소", None, "한빛특별시 누리구", None),
    }
    assert {r["title"] for r in rows} == {"인공지능 건강관리 서비스", "스마트 건강관리"}


@covers("policy-provenance")
def test_provenance_of_a_policy_whose_source_has_no_headline(ask):
    rows = ask("policy-provenance", policy=_iri("policy/hanbit-nuri-ai-check-in-calls"))
    assert rows == [
        {
            "policy": "policy/hanbit-nuri-ai-check-in-calls",
            "government": "org/hanbit-nuri",
            "governmentName": "한빛특별시 누리구",
            "quote": "누리구는 오는 3월부터 혼자 사는 어르신에게 AI가 안부를 묻는 "
            "‘AI 안부전화’ 서비스를 시작한다.",
            "source": "source/nuri-2024-03-05-press-release",
            "sourceTitle": "한빛특별시 누리구 보도자료 (2024-03-05)",
            "publisherName": "한빛특별시 누리구",
            "issued": date(2024, 3, 5),
            "creatorName": None,
            "licence": None,
        }
    ]
    plan = ask("policy-provenance", lang="en", policy=_iri("policy/hanbit-ai-academy"))
    assert _rows(plan, "governmentName", "sourceTitle", "publisherName") == {
        (
            "Hanbit Special City",
            "Hanbit Special City AI master plan (2024–2026)",
            "Hanbit Special City",
        )
    }


# --- grouped by department: a policy without one is its government's --------------


@covers("policies-per-department")
def test_policies_per_department_put_those_without_one_under_their_government(ask):
    rows = ask("policies-per-department")
    assert {
        (r["government"], r["department"], r["name"], r["policies"], r["titles"]) for r in rows
    } == {
        ("org/gwangju", "org/gwangju-planning-coordination", "기획조정실", 1, ("디지털 종합상황실",)),
        ("org/gwangju", "org/gwangju-jobs-economy", "일자리경제실", 1, ("스마트공장 질적 고도화",)),
        ("org/gwangju", "org/gwangju-ai-industry", "인공지능산업국", 1, ("인공지능 건강관리 서비스",)),
        ("org/gwangju", "org/gwangju-welfare-health", "복지건강국", 1,
         ("AI·IoT 기반의 어르신 건강관리서비스",)),
        ("org/gwangju", "org/gwangju-military-airport-relocation", "군공항이전추진본부", 1,
         ("챗봇으로 소통하는 군 공항 이전사업 홈페이지 구축",)),
        ("org/hanbit", "org/hanbit-planning-coordination", "기획조정실", 1, ("AI 챗봇 민원상담센터",)),
        ("org/hanbit", "org/hanbit-digital-policy", "디지털정책관", 1, ("AI 아카데미",)),
        ("org/hanbit", "org/hanbit-ai-team", "인공지능팀", 1, ("공공데이터 통합 빅데이터 플랫폼",)),
        ("org/hanbit", "org/hanbit", "한빛특별시", 1, ("스마트 횡단보도",)),
        ("org/hanbit-nuri", "org/hanbit-nuri", "한빛특별시 누리구", 3,
         ("AI 안부전화", "스마트 건강관리", "챗봇 민원 안내")),
        ("org/garam", "org/garam", "가람군", 2,
         ("IoT 홍수 감시 센서", "농업 빅데이터 기반 스마트팜 관제 시스템")),
    }  # fmt: skip
    assert sum(r["policies"] for r in rows) == 14  # every policy, once
    assert [r["policies"] for r in rows[:2]] == [3, 2]  # most first
    # the same name in two governments: two rows, each with its government
    planning = ask("policies-per-department", dept="기획조정실")
    assert _rows(planning, "governmentName", "department", "policies") == {
        ("광주광역시", "org/gwangju-planning-coordination", 1),
        ("한빛특별시", "org/hanbit-planning-coordination", 1),
    }
    hanbit = ask("policies-per-department", dept="기획조정실", government=_iri("org/hanbit"))
    assert _rows(hanbit, "department", "titles") == {
        ("org/hanbit-planning-coordination", ("AI 챗봇 민원상담센터",))
    }


@covers("technologies-by-departments")
def test_technologies_ranked_by_units_count_governments_without_departments(ask):
    rows = ask("technologies-by-departments")
    assert [(r["name"], r["governments"], r["departments"], r["policies"]) for r in rows] == [
        ("AI", 3, 7, 8),  # four of Gwangju's, two of Hanbit's, and 누리구 as one unit
        ("ICT", 4, 5, 5),
        ("데이터", 3, 5, 5),
        ("IoT", 4, 4, 4),
        ("빅데이터", 3, 3, 3),
        ("챗봇", 3, 3, 3),
        ("5G", 1, 1, 1),
    ]
    nuri = ask("technologies-by-departments", government=_iri("org/hanbit-nuri"))
    assert _rows(nuri, "technology", "governments", "departments", "policies") == {
        ("technology/ai", 1, 1, 2),
        ("technology/chatbot", 1, 1, 1),
        ("technology/ict", 1, 1, 1),
        ("technology/iot", 1, 1, 1),
    }


@covers("department-pairs-sharing-technology")
def test_department_pairs_stay_inside_one_government(ask):
    rows = ask("department-pairs-sharing-technology")
    assert _rows(rows, "governmentName", "first", "second", "shared", "technologies") == {
        ("광주광역시", "인공지능산업국", "복지건강국", 1, ("AI",)),
        ("광주광역시", "인공지능산업국", "일자리경제실", 1, ("AI",)),
        ("광주광역시", "일자리경제실", "기획조정실", 1, ("데이터",)),
        ("광주광역시", "일자리경제실", "복지건강국", 1, ("AI",)),
    }
    # Hanbit's chatbot (기획조정실) and Gwangju's chatbot (군공항이전추진본부) are not a pair
    assert ask("department-pairs-sharing-technology", government=_iri("org/hanbit")) == []


@covers("target-groups-per-technology")
def test_target_groups_per_technology_across_governments(ask):
    rows = ask("target-groups-per-technology")
    assert _rows(rows, "technologyName", "groupName", "governments", "policies") == {
        ("5G", "중소·중견 제조기업", 1, 1),
        ("AI", "고령자", 1, 2),
        ("AI", "구직청년", 1, 1),
        ("AI", "독거노인", 1, 1),
        ("AI", "시민", 1, 1),
        ("AI", "중소·중견 제조기업", 1, 1),
        ("IoT", "고령자", 2, 2),  # Gwangju's and 누리구's
        ("데이터", "중소·중견 제조기업", 1, 1),
        ("빅데이터", "고령자", 1, 1),
        ("빅데이터", "시민", 1, 1),
        ("챗봇", "시민", 2, 2),  # Hanbit's and 누리구's
    }
    nuri = ask("target-groups-per-technology", government=_iri("org/hanbit-nuri"))
    assert _rows(nuri, "technologyName", "groupName", "governments", "policies") == {
        ("AI", "독거노인", 1, 1),
        ("IoT", "고령자", 1, 1),
        ("챗봇", "시민", 1, 1),
    }


# --- budgets: per government and level, never added across them --------------------


@covers("budgets")
def test_budgets_are_totalled_per_government_and_level(ask):
    rows = ask("budgets")
    assert [
        (r["government"], r["level"], r["item"], r["title"], r["budgetKRW"], r["plannedEnd"])
        for r in rows
    ] == [
        ("org/garam", "policy", "policy/garam-smart-farm-control",
         "농업 빅데이터 기반 스마트팜 관제 시스템", 1_200_000_000, None),
        ("org/garam", "policy", None, "합계", 1_200_000_000, None),
        ("org/gwangju", "policy", "policy/gwangju-smart-factory",
         "스마트공장 질적 고도화", 20_000_000_000, "2025"),
        ("org/gwangju", "policy", None, "합계", 20_000_000_000, None),
        ("org/hanbit", "programme", "programme/hanbit-ai-master-plan",
         "한빛 AI 종합계획", 206_400_000_000, "2026"),
        ("org/hanbit", "programme", None, "합계", 206_400_000_000, None),
        ("org/hanbit", "policy", "policy/hanbit-public-data-platform",
         "공공데이터 통합 빅데이터 플랫폼", 3_500_000_000, None),
        ("org/hanbit", "policy", None, "합계", 3_500_000_000, None),
    ]  # fmt: skip
    names = {r["government"]: r["governmentName"] for r in rows}
    assert names == {"org/garam": "가람군", "org/gwangju": "광주광역시", "org/hanbit": "한빛특별시"}
    english = ask("budgets", lang="en", government=_iri("org/hanbit"))
    assert [(r["governmentName"], r["level"], r["title"]) for r in english] == [
        ("Hanbit Special City", "programme", "Hanbit AI master plan"),
        ("Hanbit Special City", "programme", "total"),
        ("Hanbit Special City", "policy", "Integrated big data platform of public data"),
        ("Hanbit Special City", "policy", "total"),
    ]


def test_a_strand_budget_is_a_level_of_its_own(many_records):
    """No strand of the fixture states a budget: give one a budget, in a store of its own."""
    from dataclasses import replace

    from policy_graph.graph.engines import get_engine

    programmes = [
        replace(p, budget_krw=Decimal(50_000_000_000)) if p.id == "ai-talent" else p
        for p in many_records.programmes
    ]
    records = replace(many_records, programmes=programmes)
    answers = {}
    for engine in ENGINES:
        store = get_engine(engine).store_records(records)
        result = api.run_query(
            "budgets", params={"government": _iri("org/hanbit")}, graph=store, engine=engine
        )
        answers[engine] = [
            (_plain("item", row["item"]), row["level"], row["budgetKRW"])
            for row in api.result_rows(result)
        ]
    assert answers["rdflib"] == answers["oxigraph"]
    assert answers["rdflib"] == [
        ("programme/hanbit-ai-master-plan", "programme", 206_400_000_000),
        (None, "programme", 206_400_000_000),
        ("programme/hanbit-ai-talent", "strand", 50_000_000_000),
        (None, "strand", 50_000_000_000),
        ("policy/hanbit-public-data-platform", "policy", 3_500_000_000),
        (None, "policy", 3_500_000_000),
    ]


# --- across governments: the new questions -----------------------------------------


@covers("technologies-by-government")
def test_governments_compared_by_technology(ask):
    rows = ask("technologies-by-government")
    assert {
        (r["government"], r["technology"]): (r["policies"], r["allPolicies"]) for r in rows
    } == {
        ("org/gwangju", "technology/ai"): (4, 5),  # the chatbot counts under AI
        ("org/gwangju", "technology/chatbot"): (1, 5),
        ("org/gwangju", "technology/data"): (3, 5),
        ("org/gwangju", "technology/big-data"): (1, 5),
        ("org/gwangju", "technology/ict"): (2, 5),
        ("org/gwangju", "technology/iot"): (1, 5),
        ("org/gwangju", "technology/5g"): (1, 5),
        ("org/hanbit", "technology/ai"): (2, 4),
        ("org/hanbit", "technology/chatbot"): (1, 4),
        ("org/hanbit", "technology/data"): (1, 4),
        ("org/hanbit", "technology/big-data"): (1, 4),
        ("org/hanbit", "technology/ict"): (1, 4),
        ("org/hanbit", "technology/iot"): (1, 4),
        ("org/hanbit-nuri", "technology/ai"): (2, 3),
        ("org/hanbit-nuri", "technology/chatbot"): (1, 3),
        ("org/hanbit-nuri", "technology/ict"): (1, 3),
        ("org/hanbit-nuri", "technology/iot"): (1, 3),
        ("org/garam", "technology/data"): (1, 2),
        ("org/garam", "technology/big-data"): (1, 2),
        ("org/garam", "technology/ict"): (1, 2),
        ("org/garam", "technology/iot"): (1, 2),
    }
    assert len(rows) == 21
    assert [r["governmentName"] for r in rows] == sorted(r["governmentName"] for r in rows)
    ai = ask("technologies-by-government", lang="en", technology=_iri("technology/ai"))
    assert [(r["governmentName"], r["technologyName"], r["policies"]) for r in ai] == [
        ("Gwangju Metropolitan City", "AI", 4),
        ("Hanbit Special City", "AI", 2),
        ("Nuri District, Hanbit", "AI", 2),
    ]


@covers("policies-per-programme")
def test_policies_per_government_and_programme_through_strands(ask):
    rows = ask("policies-per-programme")
    assert {
        (r["government"], r["programme"], r["strand"], r["policies"], r["titles"]) for r in rows
    } == {
        ("org/gwangju", "programme/gwangju-one-office-one-ai", None, 5, (
            "AI·IoT 기반의 어르신 건강관리서비스", "디지털 종합상황실", "스마트공장 질적 고도화",
            "인공지능 건강관리 서비스", "챗봇으로 소통하는 군 공항 이전사업 홈페이지 구축",
        )),
        ("org/hanbit", "programme/hanbit-ai-master-plan", "programme/hanbit-ai-infrastructure",
         1, ("공공데이터 통합 빅데이터 플랫폼",)),
        ("org/hanbit", "programme/hanbit-ai-master-plan", "programme/hanbit-ai-citizen-services",
         1, ("AI 챗봇 민원상담센터",)),
        ("org/hanbit", "programme/hanbit-ai-master-plan", "programme/hanbit-ai-talent",
         1, ("AI 아카데미",)),
        # in the plan itself, in none of its strands
        ("org/hanbit", "programme/hanbit-ai-master-plan", None, 1, ("스마트 횡단보도",)),
        # in no programme
        ("org/hanbit-nuri", None, None, 3, ("AI 안부전화", "스마트 건강관리", "챗봇 민원 안내")),
        ("org/garam", None, None, 2,
         ("IoT 홍수 감시 센서", "농업 빅데이터 기반 스마트팜 관제 시스템")),
    }  # fmt: skip
    names = _rows(rows, "programme", "programmeName", "strand", "strandName")
    assert ("programme/hanbit-ai-master-plan", "한빛 AI 종합계획", None, None) in names
    assert (
        "programme/hanbit-ai-master-plan",
        "한빛 AI 종합계획",
        "programme/hanbit-ai-talent",
        "AI 인재 양성",
    ) in names
    assert sum(r["policies"] for r in rows) == 14


@covers("governments-overview")
def test_governments_at_a_glance(ask):
    rows = ask("governments-overview")
    assert [
        (
            r["government"],
            r["governmentName"],
            r["kind"],
            r["parent"],
            r["parentName"],
            r["policies"],
            r["departments"],
            r["programmes"],
            r["strands"],
        )
        for r in rows
    ] == [
        ("org/garam", "가람군", "군", None, None, 2, 0, 0, 0),
        ("org/gwangju", "광주광역시", "광역시", None, None, 5, 5, 1, 0),
        ("org/hanbit", "한빛특별시", "특별시", None, None, 4, 3, 1, 3),  # 인공지능팀 too
        ("org/hanbit-nuri", "한빛특별시 누리구", "자치구", "org/hanbit", "한빛특별시", 3, 0, 0, 0),
    ]  # fmt: skip
    english = ask("governments-overview", lang="en", government=_iri("org/hanbit-nuri"))
    assert _rows(english, "governmentName", "kind", "parentName") == {
        ("Nuri District, Hanbit", "autonomous district", "Hanbit Special City")
    }


# --- a CONSTRUCT: one department, not its namesake -----------------------------------


@covers("department-neighbourhood")
def test_a_department_neighbourhood_is_not_its_namesakes(ask):
    department = _iri("org/hanbit-planning-coordination")
    graph = ask("department-neighbourhood", department=department)
    policies = set(graph.subjects(PG.leadDepartment, URIRef(department[1:-1])))
    assert policies == {URIRef(PGID["policy/hanbit-ai-chatbot-call-centre"])}
    assert set(graph.subjects(PG.leadDepartment, None)) == policies  # not Gwangju's 기획조정실
    chatbot, ai = URIRef(PGID["technology/chatbot"]), URIRef(PGID["technology/ai"])
    assert (chatbot, SKOS.broader, ai) in graph
    assert set(graph.objects(None, PG.government)) == {URIRef(PGID["org/hanbit"])}


@covers("programmes")
def test_programmes_with_their_budgets_years_and_policies(ask):
    rows = ask("programmes")
    assert [
        (r["government"], r["programme"], r["partOfName"], r["budgetKRW"], r["budgetKindName"],
         r["plannedEnd"], r["timeline"], r["policies"])
        for r in rows
    ] == [
        ("org/gwangju", "programme/gwangju-one-office-one-ai", None, None, None, None, None, 5),
        ("org/hanbit", "programme/hanbit-ai-master-plan", None, 206_400_000_000, "다년간 총액",
         "2026", None, 4),
        ("org/hanbit", "programme/hanbit-ai-infrastructure", "한빛 AI 종합계획", None, None,
         None, None, 1),
        ("org/hanbit", "programme/hanbit-ai-citizen-services", "한빛 AI 종합계획", None, None,
         None, None, 1),
        ("org/hanbit", "programme/hanbit-ai-talent", "한빛 AI 종합계획", None, None, None,
         None, 1),
    ]  # fmt: skip
    english = ask("programmes", lang="en", government="Hanbit Special City")
    assert [(r["programmeName"], r["budgetKindName"]) for r in english][0] == (
        "Hanbit AI master plan",
        "total over several years",
    )


@covers("policy-stages")
def test_policy_stages_as_their_sources_say(ask):
    rows = ask("policy-stages")
    assert [
        (r["stageName"], r["policy"], r["governmentName"], r["departmentName"]) for r in rows
    ] == [
        ("계획", "policy/garam-flood-sensors", "가람군", None),
        ("계획", "policy/hanbit-nuri-ai-check-in-calls", "한빛특별시 누리구", None),
        ("운영 중", "policy/hanbit-nuri-smart-health-care", "한빛특별시 누리구", None),
    ]
    budgets = ask("budgets")
    kinds = {r["item"]: r["budgetKRW"] for r in budgets if r["item"]}
    assert kinds["policy/garam-smart-farm-control"] == 1_200_000_000
    english = ask("policy-stages", lang="en", government="가람군")
    assert [(r["stageName"], r["title"]) for r in english] == [("planned", "IoT flood sensors")]


# --- parameters that name a resource -----------------------------------------------


@pytest.mark.parametrize("name", ["org/garam", "garam", "가람군", "Garam County"])
def test_a_government_is_named_by_its_iri_id_or_any_label(ask, name):
    value = _iri(name) if "/" in name else name
    rows = ask("policies-without-partner", government=value)
    assert {r["government"] for r in rows} == {"org/garam"} and len(rows) == 2


def test_a_target_group_is_named_by_an_alternative_label_in_either_language(ask):
    by_label = ask("policies-for-target-group", group="고령자")
    assert ask("policies-for-target-group", group="어르신") == by_label
    assert ask("policies-for-target-group", group="elderly") == by_label
    assert {r["policy"] for r in by_label} >= {"policy/hanbit-nuri-ai-check-in-calls"}


def test_a_name_two_governments_share_asks_which(ask):
    with pytest.raises(UsageError) as refused:
        ask("department-neighbourhood", department="기획조정실")
    assert str(refused.value) == (
        "--param department: '기획조정실' names 2 departments; give one by its id or IRI:\n"
        "  기획조정실 (광주광역시): gwangju-planning-coordination\n"
        "  기획조정실 (한빛특별시): hanbit-planning-coordination"
    )


def test_a_name_nothing_has_gets_the_nearest(ask):
    with pytest.raises(UsageError) as refused:
        ask("policies-without-partner", government="가람")
    assert str(refused.value) == (
        "--param government: no government is called '가람' in this graph (nearest: 가람군)"
    )
    with pytest.raises(UsageError) as unknown:
        ask("policies-without-partner", government=_iri("org/nowhere"))
    assert str(unknown.value).startswith(
        "--param government: no government is called "
        "<https://w3id.org/policy-graph/id/org/nowhere> in this graph (known: "
    )


def test_a_government_without_departments_stands_in_for_its_neighbourhood(ask):
    graph = ask("department-neighbourhood", department="가람군")
    garam = URIRef(PGID["org/garam"])
    policies = set(graph.subjects(PG.government, garam))
    assert policies == {URIRef(PGID["policy/garam-smart-farm-control"]),
                        URIRef(PGID["policy/garam-flood-sensors"])}  # fmt: skip
    assert set(graph.subjects(PG.leadDepartment, None)) == set()


# --- every query, every government ---------------------------------------------------


@pytest.mark.parametrize("name", PER_GOVERNMENT)
@pytest.mark.parametrize("government", ["gwangju", "hanbit", "hanbit-nuri", "garam"])
def test_binding_a_government_keeps_that_governments_rows(ask, name, government):
    everything = ask(name)
    assert everything, name
    ours = [r for r in everything if _government(r) == f"org/{government}"]
    assert sorted(ask(name, government=_iri(f"org/{government}")), key=repr) == sorted(
        ours, key=repr
    )


def _government(row) -> str:
    """A row's government; department pairs give its name only (their test shows the names)."""
    if "government" in row:
        return row["government"]
    return {"광주광역시": "org/gwangju", "한빛특별시": "org/hanbit"}[row["governmentName"]]


def test_every_saved_query_is_tested_here_and_takes_a_government_where_it_lists_them():
    catalogue = saved_queries()
    assert set(catalogue) == TESTED
    for name in PER_GOVERNMENT:
        assert catalogue[name].parameter("government") is not None, name
    for name, saved in catalogue.items():
        government = saved.parameter("government")
        if government is not None:
            assert "its IRI, id or name" in government.description, name


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_both_engines_read_the_saved_query_alike(name):
    """The same form and columns from rdflib's parser and from Oxigraph's, and nothing
    that the two read differently (a bare CR ends a comment in Oxigraph only)."""
    import pyoxigraph

    from policy_graph.query.sparql import prepare

    saved = saved_queries()[name]
    assert "\r" not in saved.text
    assert "\\u" not in saved.text.lower(), "write the character, not an escape"
    bound, parsed = prepare(saved.text, api.query_bindings(saved, {}))
    answer = pyoxigraph.Store().query(bound)
    if parsed[1].name == "SelectQuery":
        projection = parsed[1]["projection"]
        columns = [str(item["evar"] if "evar" in item else item["var"]) for item in projection]
        assert [v.value for v in answer.variables] == columns
        # every SELECT names governments, or counts them where it ranks across them
        assert "governmentName" in columns or "governments" in columns, name
    else:
        assert parsed[1].name == "ConstructQuery"
        assert not isinstance(answer, (pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean))


# --- paging: --limit and --offset --------------------------------------------------

SELECTS = sorted(name for name in saved_queries() if name != "department-neighbourhood")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", SELECTS)
def test_pages_are_slices_of_the_whole_answer(many_stores, engine, name):
    """Every page, of every size, is exactly those rows of the unpaged answer, in its
    order; the pages together are the whole answer."""

    def rows(**page):
        result = api.run_query(name, graph=many_stores[engine], engine=engine, **page)
        return [tuple(row) for row in result]

    whole = rows()
    assert len(whole) >= (1 if name == "policy-provenance" else 3), name  # one policy's source
    starts = range(0, len(whole) + 1, 4)  # the last may be a page past the end
    pages = [rows(limit=4, offset=at) for at in starts]
    for at, page in zip(starts, pages, strict=True):
        assert page == whole[at : at + 4], (name, at)
    assert [row for page in pages for row in page] == whole
    assert rows(offset=1) == whole[1:]
