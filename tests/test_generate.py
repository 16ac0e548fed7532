"""The generator makes the variety of many governments (the many-governments fixture's
kinds): cities and provinces with departments, a unit inside a unit, districts and
counties that name none, programmes with budgets, end years and strands, and the same
department names in every city; its IRIs never collide. Engine equality and quotes
on a generated corpus: tests/test_engines.py."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Literal
from rdflib.namespace import ORG, RDF, RDFS

from policy_graph import load_records
from policy_graph.cli.main import cli
from policy_graph.generate import (
    EOK,
    TOP_KINDS,
    _object,
    _topic,
    generate,
    government_slug,
    plan_governments,
)
from policy_graph.graph.triples import build_graph
from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID, record_iri

TYPE = "https://w3id.org/policy-graph/id/organisation-type/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A small generated corpus: (its folder, what generate says it made, its graph)."""
    out = tmp_path_factory.mktemp("generated") / "corpus"
    made = generate(out, cities=10, policies_per_city=8, seed=7)
    return out, made, build_graph(load_records(out))


def _governments(out: Path) -> list[dict]:
    """The government records as written (read with PyYAML, not our loader)."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))["governments"][0]
        for path in sorted((out / "governments").glob("*/government.yaml"))
    ]


def _rows(graph, query: str) -> set[tuple]:
    prefixes = (
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX pg: <https://w3id.org/policy-graph/ontology#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    )
    return {tuple(row) for row in graph.query(prefixes + query)}


def _kind(graph, government) -> str:
    return str(graph.value(government, ORG.classification)).removeprefix(TYPE)


def test_the_first_four_governments_are_one_of_each_kind(tmp_path):
    generate(tmp_path / "c", cities=4, policies_per_city=2, seed=1)
    governments = [(g["id"], g["kind"], g.get("part_of")) for g in _governments(tmp_path / "c")]
    assert governments == [
        ("city0001", "metropolitan-city", None),
        ("county0004", "county", "province0003"),
        ("district0002", "district", "city0001"),
        ("province0003", "province", None),
    ]


def test_districts_and_counties_sit_in_a_city_or_province_and_name_no_department(corpus):
    out, made, graph = corpus
    inside = _rows(
        graph,
        "SELECT ?g ?parent WHERE { ?g a org:FormalOrganization ; org:subOrganizationOf ?parent }",
    )
    assert len(inside) == made["district"] + made["county"] >= 4
    for government, parent in inside:
        assert _kind(graph, government) in ("district", "county")
        assert _kind(graph, parent) in TOP_KINDS
        if _kind(graph, government) == "district":
            assert _kind(graph, parent) != "province"
        assert (None, ORG.unitOf, government) not in graph
        policies = set(graph.subjects(PG.government, government)) & set(
            graph.subjects(RDF.type, PG.Policy)
        )
        assert len(policies) == 8
        assert all(graph.value(p, PG.leadDepartment) is None for p in policies)
    # the policies of a city name a department, most of them, not all
    led = _rows(graph, "SELECT ?p WHERE { ?p a pg:Policy ; pg:leadDepartment ?d }")
    top_level = made["policies"] - 8 * len(inside)
    assert top_level * 0.7 < len(led) < top_level


def test_every_city_and_province_has_a_planning_office_under_the_same_slug(corpus):
    out, made, graph = corpus
    top_level = {g["id"] for g in _governments(out) if "part_of" not in g}
    assert len(top_level) == made["governments"] - made["district"] - made["county"] >= 3
    offices = set(graph.subjects(RDFS.label, Literal("기획조정실", lang="ko")))
    assert offices == {PGID[f"org/{g}-planning-coordination"] for g in top_level}


def test_units_sit_inside_units_of_their_own_government(corpus):
    _out, _made, graph = corpus
    nested = _rows(
        graph,
        "SELECT ?unit ?holder WHERE { ?unit a org:OrganizationalUnit ; org:subOrganizationOf ?holder }",
    )
    assert len(nested) >= 2
    for unit, holder in nested:
        assert (holder, RDF.type, ORG.OrganizationalUnit) in graph
        assert graph.value(unit, ORG.unitOf) == graph.value(holder, ORG.unitOf)
    # a team in a division in an office: three levels
    deepest = _rows(
        graph,
        "SELECT ?unit WHERE { ?unit org:subOrganizationOf/org:subOrganizationOf ?office . "
        "?office a org:OrganizationalUnit }",
    )
    assert deepest


def test_programmes_have_a_budget_an_end_year_and_strands_with_policies(corpus):
    _out, made, graph = corpus
    plans = _rows(
        graph,
        "SELECT ?plan ?budget ?end ?quote WHERE { ?plan a pg:Programme ; pg:budgetKRW ?budget ; "
        "pg:plannedEnd ?end ; pg:sourceQuote ?quote FILTER NOT EXISTS { ?plan dcterms:isPartOf ?x } }",
    )
    top_level = made["governments"] - made["district"] - made["county"]
    assert len({plan for plan, *_ in plans}) == top_level
    for plan, budget, end, quote in plans:
        assert f"총 {int(Decimal(str(budget))) // EOK}억 원" in quote and f"{end}년까지" in quote
    strands = _rows(
        graph,
        "SELECT ?strand ?plan WHERE { ?strand a pg:Programme ; dcterms:isPartOf ?plan . "
        "?strand pg:government ?g . ?plan pg:government ?g }",
    )
    assert {plan for _strand, plan in strands} <= {plan for plan, *_ in plans}
    assert len(strands) == len(
        _rows(graph, "SELECT ?s WHERE { ?s a pg:Programme ; dcterms:isPartOf ?p }")
    )
    assert len(strands) >= 4
    in_strand = _rows(
        graph, "SELECT ?p WHERE { ?p a pg:Policy ; dcterms:isPartOf/dcterms:isPartOf ?plan }"
    )
    in_plan = _rows(
        graph,
        "SELECT ?p WHERE { ?p a pg:Policy ; dcterms:isPartOf ?plan . "
        "?plan pg:budgetKRW ?b FILTER NOT EXISTS { ?plan dcterms:isPartOf ?x } }",
    )
    in_none = _rows(
        graph, "SELECT ?p WHERE { ?p a pg:Policy FILTER NOT EXISTS { ?p dcterms:isPartOf ?x } }"
    )
    assert in_strand and in_plan and in_none


def test_policy_budgets_end_years_and_timelines_are_in_their_quotes(corpus):
    _out, _made, graph = corpus
    found = {}
    for predicate, said in (
        (PG.budgetKRW, lambda v: f"{int(Decimal(str(v))) // EOK}억 원을 들여"),
        (PG.plannedEnd, lambda v: f"{v}년까지"),
        (PG.timeline, str),
    ):
        policies = [
            (p, v) for p, v in graph.subject_objects(predicate) if (p, RDF.type, PG.Policy) in graph
        ]
        found[predicate] = len(policies)
        for policy, value in policies:
            assert said(value) in str(graph.value(policy, PG.sourceQuote)), policy
    assert all(found.values()), found


def test_a_district_press_release_may_have_no_headline(corpus):
    out, _made, graph = corpus
    sources = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    untitled = [s for s in sources if "title" not in s]
    assert untitled and all(s["type"] == "press-release" for s in untitled)
    assert all(
        s["publisher"].startswith("district") or s["publisher"].startswith("county")
        for s in untitled
    )
    published_by_government = [
        s for s in sources if s["publisher"] == s["id"].removeprefix("synthetic-")
    ]
    assert len(published_by_government) > len(untitled)


def test_government_slugs_are_one_word_so_iris_never_collide():
    # a government 'a' with a unit 'b-c' and a government 'a-b' with a unit 'c' would
    # both be org/a-b-c; no slug has a '-', so the government is what precedes the first
    for kind in (*TOP_KINDS, "district", "county"):
        for number in (1, 42, 9999, 123456):
            assert re.fullmatch(r"[a-z]+[0-9]{4,}", government_slug(kind, number))
    plan = plan_governments(random.Random(3), 3000)
    assert len({g.slug for g in plan}) == 3000


def test_no_two_records_of_a_generated_corpus_share_an_iri(tmp_path):
    generate(tmp_path / "c", cities=120, policies_per_city=2, seed=5)
    records = load_records(tmp_path / "c")
    every = [
        *records.governments,
        *records.units,
        *records.organisations,
        *records.sources,
        *records.programmes,
        *records.policies,
    ]
    iris = [record_iri(r) for r in every]
    assert len(set(iris)) == len(iris) > 1_000
    for unit in records.units:
        assert (
            str(record_iri(unit)).removeprefix(str(PGID["org/"])).split("-", 1)[0]
            == unit.government
        )


def test_the_mix_is_mostly_districts_and_counties_inside_the_government_before_them():
    for seed in (1, 2):
        plan = plan_governments(random.Random(seed), 1000)
        top = [g for g in plan if g.top_level]
        assert 150 < len(top) < 350
        latest = None
        for government in plan:
            if government.top_level:
                latest = government
                continue
            assert government.parent is latest
            if latest.kind == "province":
                assert government.kind == "county"
        for government in top:
            names = [g.short for g in plan if g.parent is government]
            assert len(names) == len(set(names))
    kinds = [[g.kind for g in plan_governments(random.Random(s), 100)] for s in (1, 2)]
    assert kinds[0][:4] == kinds[1][:4] and kinds[0] != kinds[1]


def test_districts_are_named_with_their_city_and_by_their_own_name():
    plan = plan_governments(random.Random(1), 2)
    district = plan[1]
    assert district.ko == f"가상광역시 1 {district.short}" and district.short.endswith("구")
    assert district.en.endswith(", Synthetic Metropolitan City 1")


def test_korean_particles_follow_the_last_syllable():
    assert _topic("누리구") == "누리구는"
    assert _topic("기획조정실") == "기획조정실은"
    assert _topic("가상광역시 1") == "가상광역시 1은"
    assert _topic("가상도 2") == "가상도 2는"
    assert _object("보건의료 사업 3") == "보건의료 사업 3을"
    assert _object("복지 사업 4") == "복지 사업 4를"


def test_the_command_says_what_it_made(tmp_path):
    out = tmp_path / "c"
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(out), "--cities", "4", "--policies-per-city", "3"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote 12 policies of 4 governments (1 metropolitan city, 1 province, 1 district, "
        f"1 county) to {out}\n"
        f"Check it: policy-graph validate --data {out} --sources {out / 'sources'}\n"
    )


def test_the_command_writes_only_into_a_new_or_empty_folder(tmp_path):
    (tmp_path / "records").mkdir()
    kept = tmp_path / "records" / "organisations.yaml"
    kept.write_text("organisations: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(tmp_path / "records"), "--cities", "2"]
    )
    assert result.exit_code == 2
    assert result.output == (
        f"policy-graph: {tmp_path / 'records'} is not empty: generate writes a new corpus into "
        "a new or empty folder (records left from another corpus would mix with it)\n"
    )
    assert kept.read_text(encoding="utf-8") == "organisations: []\n"
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == ["organisations.yaml"]
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(tmp_path / "empty"), "--cities", "1"]
    )
    assert result.exit_code == 0, result.output


def test_every_government_has_at_least_one_policy(tmp_path):
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(tmp_path / "c"), "--cities", "3", "--policies-per-city", "0"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--policies-per-city': 0 is not in the range x>=1." in result.output
    assert not (tmp_path / "c").exists()


def _graph_lines(path: Path) -> list[str]:
    """An N-Triples file's triples, without the header lines that name its records folder."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]


def test_one_file_holds_the_same_records_and_builds_the_same_graph(tmp_path):
    """A national export (--one-file) is the per-government corpus in one file:
    byte for byte the same triples, so that benchmarks compare reading alone."""
    runner = CliRunner()
    for name, extra in (("folders", []), ("one", ["--one-file"])):
        args = ["generate", "--out", str(tmp_path / name), "--cities", "6"]
        result = runner.invoke(cli, [*args, "--policies-per-city", "3", *extra])
        assert result.exit_code == 0, result.output
    one = tmp_path / "one"
    assert sorted(p.name for p in one.glob("*.yaml")) == [
        "governments.yaml",
        "organisations.yaml",
        "sources.yaml",
    ]
    assert not (one / "governments").exists()
    written = yaml.safe_load((one / "governments.yaml").read_text(encoding="utf-8"))
    assert list(written) == ["governments", "programmes", "policies"]
    assert [g["id"] for g in written["governments"]] == sorted(
        p.name for p in (tmp_path / "folders" / "governments").iterdir()
    )
    assert len(written["policies"]) == 18
    for name in ("folders", "one"):
        args = ["build", "--data", str(tmp_path / name), "--format", "nt"]
        result = runner.invoke(cli, [*args, "--out", str(tmp_path / f"{name}.nt")])
        assert result.exit_code == 0, result.output
    triples = _graph_lines(tmp_path / "folders.nt")
    assert len(triples) > 18 * 14
    assert _graph_lines(tmp_path / "one.nt") == triples
