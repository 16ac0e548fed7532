"""The saved queries, each checked against facts of the article, and `policy-graph query`."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.query import Result

from policy_graph import api
from policy_graph.cli.main import cli
from policy_graph.errors import QueryError, UsageError
from policy_graph.graph.vocab import PG
from policy_graph.query.saved import saved_queries
from policy_graph.records.iris import PGID
from tests.helpers import DATA


def _run(article_graph, name, **params) -> Result:
    lang = params.pop("lang", None)
    return api.run_query(name, params=params, lang=lang, graph=article_graph)


def _column(result, name) -> list[str]:
    return [str(row[name]) if row[name] is not None else None for row in result]


def _dept_of_policies(graph: Graph, technology: URIRef) -> set:
    """Departments whose policies are tagged with ``technology`` or a narrower one (in Python)."""
    return {
        graph.value(policy, PG.leadDepartment)
        for policy, tagged in graph.subject_objects(PG.usesTechnology)
        if technology in set(graph.transitive_objects(tagged, SKOS.broader))
    }


def test_the_catalogue_has_at_least_twelve_documented_queries():
    catalogue = saved_queries()
    assert len(catalogue) >= 12
    for saved in catalogue.values():
        assert saved.title and saved.title_ko and len(saved.description) > 40, saved.name
        assert saved.text.lstrip().startswith("# title:"), saved.name


def test_policies_per_department(article_graph):
    result = _run(article_graph, "policies-per-department")
    rows = {str(r.name): int(r.policies) for r in result}
    assert len(rows) == 23 and sum(rows.values()) == 30
    assert rows["기획조정실"] == 4
    assert next(iter(result)).name.value == "기획조정실"  # most policies first
    [only] = list(
        _run(
            article_graph,
            "policies-per-department",
            dept="Planning and Coordination Office",
            lang="en",
        )
    )
    assert int(only.policies) == 4
    assert "Digital situation room" in str(only.titles)
    assert str(only.governmentName) == "Gwangju Metropolitan City"


def test_technologies_ranked_by_departments(article_graph):
    result = list(_run(article_graph, "technologies-by-departments"))
    ranked = {str(r.name): int(r.departments) for r in result}
    ai = URIRef(PGID["technology/ai"])
    assert str(result[0].name) == "AI"
    assert ranked["AI"] == len(_dept_of_policies(article_graph, ai))
    assert ranked["5G"] == 1 and ranked["챗봇"] == 1
    # the chatbot's department counts under AI
    chatbot_department = URIRef(PGID["org/gwangju-military-airport-relocation"])
    assert chatbot_department in _dept_of_policies(article_graph, ai)


def test_policies_for_a_target_group_reach_narrower_groups(article_graph):
    result = _run(article_graph, "policies-for-target-group", group="고령자")
    titles = set(_column(result, "title"))
    assert (
        "ICT활용 독거노인·장애인 응급안전안심서비스" in titles
    )  # 독거노인 is narrower than 고령자
    assert "AI·IoT 기반의 어르신 건강관리서비스" in titles
    assert "인공지능 건강관리 서비스" in titles
    assert len(titles) == 3
    everyone = _run(article_graph, "policies-for-target-group", lang="en")
    assert "job-seeking young people" in set(_column(everyone, "groupName"))


def test_policies_using_ai_or_narrower(article_graph):
    result = _run(article_graph, "policies-using-technology")
    titles = set(_column(result, "title"))
    assert "챗봇으로 소통하는 군 공항 이전사업 홈페이지 구축" in titles
    assert "빅데이터를 활용한 장서 확충" not in titles
    assert "ICT활용 독거노인·장애인 응급안전안심서비스" not in titles
    ai = URIRef(PGID["technology/ai"])
    expected = {
        p
        for p, t in article_graph.subject_objects(PG.usesTechnology)
        if ai in set(article_graph.transitive_objects(t, SKOS.broader))
    }
    assert {URIRef(p) for p in _column(result, "policy")} == expected
    big_data = _run(
        article_graph, "policies-using-technology", technology=f"<{PGID}technology/data>"
    )
    assert "빅데이터를 활용한 장서 확충" in set(_column(big_data, "title"))


def test_partners_and_their_policies(article_graph):
    result = _run(article_graph, "partners-and-policies")
    names = set(_column(result, "name"))
    assert names == {
        "자치구 보건소",
        "빛고을건강타운",
        "전남대학교병원",
        "조선대학교병원",
        "동구창업센터",
    }
    assert set(_column(result, "departmentName")) == {"인공지능산업국"}
    other = {str(r.name): str(r.otherNames) for r in result if r.otherNames is not None}
    assert other == {"전남대학교병원": "전대병원", "조선대학교병원": "조대병원"}


def test_department_pairs_share_technologies(article_graph):
    result = _run(article_graph, "department-pairs-sharing-technology")
    pairs = {frozenset((str(r.first), str(r.second))): str(r.technologies) for r in result}
    shared = pairs[frozenset(("일자리경제실", "기획조정실"))]
    assert set(shared.split(", ")) == {"AI", "데이터"}
    assert all("5G" not in technologies for technologies in pairs.values())
    assert frozenset(("시립도서관", "농업기술센터")) in pairs  # both use big data only


def test_budgets_listed_and_totalled(article_graph):
    rows = list(_run(article_graph, "budgets"))
    assert [str(r.title) for r in rows] == ["스마트공장 질적 고도화", "합계"]
    assert [r.budgetKRW.toPython() for r in rows] == [20_000_000_000, 20_000_000_000]
    assert str(rows[0].plannedEnd) == "2025"
    # one government, one level: the total is Gwangju's total of policy budgets
    assert {(str(r.governmentName), str(r.level)) for r in rows} == {("광주광역시", "policy")}
    assert rows[0].government == rows[1].government == URIRef(PGID["org/gwangju"])


def test_planned_ends_and_timelines(article_graph):
    result = _run(article_graph, "planned-ends-and-timelines")
    when = {str(r.departmentName): (r.plannedEnd, r.timeline) for r in result}
    assert {k: (str(e) if e else None, str(t) if t else None) for k, (e, t) in when.items()} == {
        "일자리경제실": ("2025", None),
        "인공지능산업국": (None, "연말까지"),
        "복지건강국": (None, "올해"),
        "여성가족국": (None, "오는 7월"),
    }
    assert set(_column(result, "governmentName")) == {"광주광역시"}


def test_policies_without_partner(article_graph):
    result = _run(article_graph, "policies-without-partner")
    with_partner = set(article_graph.subjects(PG.partnerInstitution, None))
    all_policies = set(article_graph.subjects(RDF.type, PG.Policy))
    assert {URIRef(p) for p in _column(result, "policy")} == all_policies - with_partner
    assert "인공지능산업국" not in set(_column(result, "departmentName"))
    assert len(with_partner) == 2


def test_target_groups_per_technology(article_graph):
    result = _run(article_graph, "target-groups-per-technology")
    reach = {(str(r.technologyName), str(r.groupName)): int(r.policies) for r in result}
    assert reach[("AI", "고령자")] == 2
    assert reach[("ICT", "독거노인")] == 1
    assert reach[("5G", "중소·중견 제조기업")] == 1
    assert ("AI", "독거노인") not in reach


def test_policy_provenance(article_graph, article_text):
    result = list(_run(article_graph, "policy-provenance"))
    assert len(result) == 2
    for row in result:
        assert str(row.quote) in article_text
        assert str(row.sourceTitle) == "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
        assert str(row.publisherName) == "아시아경제"
        assert str(row.issued) == "2021-01-19"


def test_department_neighbourhood_is_a_graph(article_graph):
    result = _run(article_graph, "department-neighbourhood")
    assert result.type == "CONSTRUCT"
    graph = result.graph
    department = URIRef(PGID["org/gwangju-planning-coordination"])
    policies = set(graph.subjects(PG.leadDepartment, department))
    assert len(policies) == 4
    technologies = {str(t).rsplit("/", 1)[1] for t in graph.objects(None, PG.usesTechnology)}
    assert technologies == {"data", "digital", "ai", "big-data", "online"}
    assert (
        URIRef(PGID["technology/big-data"]),
        SKOS.broader,
        URIRef(PGID["technology/data"]),
    ) in graph
    assert not set(graph.subjects(PG.leadDepartment, URIRef(PGID["org/gwangju-jobs-economy"])))


# --- the command ------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path_factory, monkeypatch):
    """`policy-graph query` run where ./data holds the article's records (the command
    builds their graph once and keeps it in the test session's cache folder)."""
    work = tmp_path_factory.getbasetemp() / "article-work"
    if not work.exists():
        shutil.copytree(DATA, work / "data")
    monkeypatch.chdir(work)
    return CliRunner()


def test_queries_lists_names_and_titles(runner):
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    assert "policies-per-department\n    Policies per department · 부서별 정책\n" in result.stdout
    assert "    --param lang = ko: the language of names and titles (ko or en)" in result.stdout


def test_table_aligns_korean_wide_characters(runner):
    from policy_graph.query.results import display_width

    result = runner.invoke(cli, ["query", "planned-ends-and-timelines", "--format", "table"])
    header, rule, *rows, count = result.stdout.splitlines()
    assert count == "(4 rows)" and len(rows) == 4
    starts = [display_width(header[: header.index(name)]) for name in header.split()]
    for row in rows:
        for start in (s for s in starts[1:] if s < display_width(row)):
            # each column starts at the same screen column as its heading, after a gap
            cut = next(i for i in range(len(row) + 1) if display_width(row[:i]) >= start)
            assert display_width(row[:cut]) == start and row[cut - 2 : cut] == "  ", row
    assert any(display_width(row) != len(row) for row in rows)  # there are wide characters


def test_csv_and_tsv_follow_the_sparql_specs(runner):
    out = runner.invoke(cli, ["query", "budgets", "--format", "csv"]).stdout_bytes
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    assert rows[0] == [
        "government", "governmentName", "level", "item", "title", "budgetKRW", "plannedEnd"
    ]  # fmt: skip
    assert rows[1][4] == "스마트공장 질적 고도화" and rows[2][4] == "합계"
    assert b"\r\n" in out
    tsv = runner.invoke(cli, ["query", "budgets", "--format", "tsv"]).stdout
    lines = tsv.splitlines()
    assert lines[0] == (
        "?government\t?governmentName\t?level\t?item\t?title\t?budgetKRW\t?plannedEnd"
    )
    assert lines[1].startswith(
        '<https://w3id.org/policy-graph/id/org/gwangju>\t"광주광역시"@ko\t"policy"\t'
        "<https://w3id.org/policy-graph/id/policy/gwangju-smart-factory>\t"
    )
    assert '"스마트공장 질적 고도화"@ko' in lines[1]
    parsed = list(
        Result.parse(io.BytesIO(tsv.encode("utf-8")), format="tsv")
    )  # rdflib's TSV parser
    assert [str(row[4]) for row in parsed] == ["스마트공장 질적 고도화", "합계"]
    assert parsed[1][3] is None and parsed[0][5].toPython() == 20_000_000_000


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_json_and_xml_parse_back_with_rdflib(runner, fmt):
    out = runner.invoke(cli, ["query", "policies-per-department", "--format", fmt]).stdout_bytes
    parsed = Result.parse(io.BytesIO(out), format=fmt)
    assert len(parsed) == 23
    if fmt == "json":
        assert json.loads(out)["head"]["vars"] == [
            "government", "governmentName", "department", "name", "policies", "titles"
        ]  # fmt: skip


def test_markdown_table(runner):
    out = runner.invoke(cli, ["query", "budgets", "--format", "md"]).stdout
    assert out.splitlines()[:2] == [
        "| government | governmentName | level | item | title | budgetKRW | plannedEnd |",
        "|---|---|---|---|---|---|---|",
    ]


@pytest.mark.parametrize("fmt,parse", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_output_parses_back(runner, fmt, parse):
    out = runner.invoke(cli, ["query", "department-neighbourhood", "--format", fmt]).stdout_bytes
    assert len(Graph().parse(data=out, format=parse)) > 40


def test_ask_prints_true_or_false_with_exit_status(runner):
    yes = runner.invoke(
        cli, ["query", "-e", "ASK { ?p <https://w3id.org/policy-graph/ontology#budgetKRW> ?b }"]
    )
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = runner.invoke(
        cli, ["query", "-e", "ASK { ?p <https://w3id.org/policy-graph/ontology#plannedEnd> 1999 }"]
    )
    assert (no.exit_code, no.stdout) == (1, "false\n")


def test_korean_parameter_binds_by_value(runner):
    result = runner.invoke(
        cli, ["query", "policies-per-department", "--param", "dept=기획조정실", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == ["기획조정실"]


def test_a_value_with_quotes_and_braces_stays_one_literal(runner):
    hostile = 'x" } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    result = runner.invoke(
        cli, ["query", "policies-per-department", "--param", f"dept={hostile}", "--format", "csv"]
    )
    assert result.exit_code == 0
    assert {row["name"] for row in csv.DictReader(io.StringIO(result.stdout))} <= {""}
    query = "SELECT ?v WHERE { BIND(?x AS ?v) }"
    echoed = runner.invoke(
        cli, ["query", "-e", query, "--param", f"x={hostile}", "--format", "csv"]
    )
    assert list(csv.reader(io.StringIO(echoed.stdout)))[1] == [hostile]


def test_syntax_error_shows_line_and_column_and_exits_2(runner):
    result = runner.invoke(cli, ["query", "-e", "SELECT ?s\nWHERE { ?s ?p }"])
    assert result.exit_code == 2
    assert result.stderr.startswith("policy-graph: SPARQL syntax error at line 2, column ")


def test_syntax_error_with_a_parameter_is_shown_where_the_user_wrote_it(runner):
    text = "SELECT ?s\nWHERE {\n  ?s ?p }"
    plain = runner.invoke(cli, ["query", "-e", text])
    bound = runner.invoke(cli, ["query", "-e", text, "--param", "p=<urn:x>"])
    assert bound.exit_code == 2
    assert bound.stderr == plain.stderr
    assert bound.stderr.startswith("policy-graph: SPARQL syntax error at line 3, column ")


def test_a_parameter_that_is_not_an_iri_is_refused(runner):
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    result = runner.invoke(cli, ["query", "-e", text, "--param", "p=<urn:a b>"])
    assert result.exit_code == 2
    assert result.stderr == (
        "policy-graph: parameter p: <urn:a b> is not an IRI (no spaces, <, >, quotes)\n"
    )


def test_an_update_is_not_a_query(runner):
    result = runner.invoke(cli, ["query", "-e", "INSERT DATA { <a:b> <a:c> <a:d> }"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "policy-graph: this is a SPARQL Update; policy-graph answers queries only\n"
    )


def test_unknown_saved_query_lists_the_known(runner):
    result = runner.invoke(cli, ["query", "policies-per-dept"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "policy-graph: no saved query 'policies-per-dept'; the saved queries are:\n  budgets\n"
    )
    assert "  policies-per-department\n" in result.stderr


def test_unknown_parameter_of_a_saved_query(runner):
    result = runner.invoke(cli, ["query", "budgets", "--param", "year=2025"])
    assert result.exit_code == 2
    assert result.stderr == (
        "policy-graph: the saved query 'budgets' has no parameter 'year' "
        "(its parameters: government, lang)\n"
    )


# --- paging -----------------------------------------------------------------------


def test_a_page_is_those_rows_of_the_whole_answer(runner):
    def csv_rows(*options):
        args = ["query", "policies-per-department", "--format", "csv", *options]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.stderr
        return list(csv.reader(io.StringIO(result.stdout)))

    whole = csv_rows()
    assert len(whole) == 24  # the header and 23 departments
    assert csv_rows("--limit", "5", "--offset", "3") == [whole[0], *whole[4:9]]
    assert csv_rows("--offset", "20") == [whole[0], *whole[21:]]
    assert csv_rows("--limit", "5", "--offset", "30") == [whole[0]]


def test_paging_takes_a_select_and_a_count(runner):
    ask = runner.invoke(cli, ["query", "-e", "ASK { ?s ?p ?o }", "--limit", "1"])
    assert (ask.exit_code, ask.stderr) == (
        2,
        "policy-graph: --limit and --offset page the rows of a SELECT; this is an ASK query\n",
    )
    negative = runner.invoke(cli, ["query", "budgets", "--offset", "-1"])
    assert negative.exit_code == 2
    assert "Invalid value for '--offset': -1 is not in the range x>=0." in negative.stderr


def test_a_page_of_a_query_with_its_own_limit_is_a_slice_of_its_answer():
    from policy_graph.query.sparql import page

    text = 'SELECT * WHERE { ?s ?p "LIMIT 7" } ORDER BY ?s OFFSET 100 LIMIT 50 # LIMIT 9'
    assert page(text, 10, 45) == (
        'SELECT * WHERE { ?s ?p "LIMIT 7" } ORDER BY ?s \nLIMIT 5 OFFSET 145\n  # LIMIT 9'
    )
    assert page(text, None, 60).count("LIMIT 0 OFFSET 160") == 1
    values = "SELECT ?s WHERE { { SELECT ?s { ?s ?p ?o } LIMIT 3 } } VALUES ?s { <urn:a> }"
    assert page(values, 2, 1) == (
        "SELECT ?s WHERE { { SELECT ?s { ?s ?p ?o } LIMIT 3 } } \nLIMIT 2 OFFSET 1\nVALUES ?s { <urn:a> }"
    )
    assert page(values, None, 0) == values
    exists = "SELECT (EXISTS { ?s ?p ?o } AS ?any) WHERE { ?s ?p ?o } LIMIT 10"
    assert page(exists, 3, 8) == (
        "SELECT (EXISTS { ?s ?p ?o } AS ?any) WHERE { ?s ?p ?o } \nLIMIT 2 OFFSET 8\n"
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("name", ["governments-overview", "policies-without-partner"])
def test_oxigraph_writes_the_standard_results_the_rdflib_engine_answers(many_stores, name, fmt):
    """Oxigraph's own writer (no rdflib term made) against the rdflib engine's answer,
    both read back by rdflib's parser of that format."""
    from policy_graph.query.results import format_result

    written = {
        engine: format_result(
            api.run_query(name, graph=many_stores[engine], engine=engine, limit=50), fmt
        )
        for engine in ("oxigraph", "rdflib")
    }
    if fmt == "csv":  # CSV keeps no types: compare the text
        assert written["oxigraph"] == written["rdflib"]
        assert written["oxigraph"].count(b"\r\n") >= 4 and b"org/garam," in written["oxigraph"]
        return
    parsed = {
        engine: Result.parse(io.BytesIO(data), format=fmt) for engine, data in written.items()
    }
    assert len(parsed["oxigraph"]) >= 3
    assert parsed["oxigraph"].vars == parsed["rdflib"].vars
    assert list(parsed["oxigraph"]) == list(parsed["rdflib"])


def test_counts_of_zero_are_written_as_zero_in_xml(many_stores):
    """rdflib's own XML writer writes a literal whose value is false (0) as empty text."""
    from policy_graph.query.results import format_result

    for engine in ("oxigraph", "rdflib"):
        result = api.run_query("governments-overview", graph=many_stores[engine], engine=engine)
        data = format_result(result, "xml")
        assert b'<literal datatype="http://www.w3.org/2001/XMLSchema#integer">0</literal>' in data
        parsed = Result.parse(io.BytesIO(data), format="xml")
        garam = next(row for row in parsed if str(row.government).endswith("/org/garam"))
        assert garam.departments.toPython() == 0 and garam.policies.toPython() == 2


def test_an_oxigraph_answer_is_written_by_oxigraph_until_its_rows_are_read(many_stores):
    """Then by rdflib, from the rows read (the answer is asked again for them)."""
    store = many_stores["oxigraph"]
    unread = api.run_query("governments-overview", graph=store, engine="oxigraph")
    data = unread.written("csv")
    assert data.startswith(b"government,governmentName,kind,parent,parentName,policies,")
    assert len(unread) == 4  # its rows can still be read, all of them
    read = api.run_query("governments-overview", graph=store, engine="oxigraph")
    assert len(read) == 4 and read.written("csv") is None


def test_oxigraph_reports_syntax_errors_where_the_user_wrote_them(many_stores):
    """Oxigraph reads the text itself; rdflib's parse then says where it breaks."""
    store = many_stores["oxigraph"]
    with pytest.raises(QueryError) as error:
        api.run_query(text="SELECT ?s\nWHERE {\n  ?s ?p }", graph=store, engine="oxigraph")
    assert str(error.value).startswith("SPARQL syntax error at line 3, column ")
    with pytest.raises(QueryError, match="^this is a SPARQL Update; policy-graph answers"):
        api.run_query(text="INSERT DATA { <a:b> <a:c> <a:d> }", graph=store, engine="oxigraph")
    with pytest.raises(UsageError) as refused:
        api.run_query(text="ASK { ?s ?p ?o }", graph=store, engine="oxigraph", limit=1)
    assert str(refused.value) == (
        "--limit and --offset page the rows of a SELECT; this is an ASK query"
    )
