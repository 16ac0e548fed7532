"""The two engines (rdflib, Oxigraph) give the same graph and the same answers, on
the article and on a small generated corpus; the generator and SHACL at scale."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from policy_graph import api
from policy_graph.cli.main import cli
from policy_graph.errors import UsageError
from policy_graph.generate import generate
from policy_graph.graph import shacl as validate_module
from policy_graph.graph.engines import get_engine
from policy_graph.graph.vocab import PG
from tests.helpers import DATA, decimals_as_values, free_port, wait_until_answering

CONCATENATED = {"technologies": ", ", "otherNames": ", ", "titles": " | "}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Six governments: two cities and a province with departments, a unit inside a
    unit, strands; districts and a county that name no department."""
    out = tmp_path_factory.mktemp("generated") / "corpus"
    made = generate(out, cities=6, policies_per_city=12, seed=11)
    assert made["district"] and made["county"] and made["province"], made
    return out


def _stores(data_dir: Path):
    """The records of ``data_dir`` in each engine's store."""
    records = api.load_records(data_dir)
    return {name: get_engine(name).store_records(records) for name in ("rdflib", "oxigraph")}


def _term(term, column: str):
    """A term as a comparable value: the order inside a GROUP_CONCAT is not defined
    by SPARQL, and 2E10 may be written 20000000000 or 20000000000.0 as a decimal."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        return Decimal(str(term))
    if column in CONCATENATED:
        assert term.language is None and term.datatype is None, (column, term)
        return tuple(sorted(str(term).split(CONCATENATED[column])))
    return term


def _answer(result):
    if result.type == "ASK":
        return result.askAnswer
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph
    names = [str(v) for v in result.vars]
    return names, sorted(
        (tuple(_term(row[v], str(v)) for v in result.vars) for row in result), key=repr
    )


def _assert_same_answers(stores, params):
    non_empty = 0
    for saved in api.list_queries():
        answers = {}
        for name, store in stores.items():
            wanted = {p.name: params[p.name] for p in saved.parameters if p.name in params}
            result = api.run_query(saved.name, params=wanted, graph=store, engine=name)
            answers[name] = _answer(result)
        rdflib_answer, oxigraph_answer = answers["rdflib"], answers["oxigraph"]
        if isinstance(rdflib_answer, Graph):
            assert len(rdflib_answer) > 0, saved.name
            assert isomorphic(
                decimals_as_values(rdflib_answer), decimals_as_values(oxigraph_answer)
            ), saved.name
            non_empty += 1
        else:
            assert rdflib_answer == oxigraph_answer, saved.name
            non_empty += bool(rdflib_answer[1])
    assert non_empty >= len(api.list_queries()) - 1, "too many saved queries answered nothing"


def test_every_saved_query_answers_the_same_on_both_engines_for_the_article():
    _assert_same_answers(_stores(DATA), {})


def test_every_saved_query_answers_the_same_on_both_engines_for_a_generated_corpus(generated):
    stores = _stores(generated)
    led = sorted(stores["rdflib"].subject_objects(PG.leadDepartment))
    policy, department = led[0]
    assert "/policy/city0001-policy-" in str(policy), policy
    params = {"department": department.n3(), "policy": policy.n3()}
    _assert_same_answers(stores, params)


def test_our_prefixes_are_declared_on_both_engines():
    text = "SELECT ?title WHERE { pgpolicy:gwangju-smart-factory rdfs:label ?title FILTER(LANG(?title) = 'ko') }"
    for name, store in _stores(DATA).items():
        rows = api.result_rows(api.run_query(text=text, graph=store, engine=name))
        assert rows == [{"title": "스마트공장 질적 고도화"}], name


def test_python_rows_are_the_same_on_both_engines():
    rows = {}
    for name, store in _stores(DATA).items():
        result = api.run_query("budgets", graph=store, engine=name)
        rows[name] = sorted(api.result_rows(result), key=repr)
    # repr, not ==: Decimal("20000000000.0") == Decimal("20000000000"), yet a notebook
    # shows them differently
    assert repr(rows["rdflib"]) == repr(rows["oxigraph"])
    assert "Decimal('20000000000')" in repr(rows["rdflib"])


def test_both_engines_write_the_same_graph(tmp_path):
    written = {}
    for engine in ("rdflib", "oxigraph"):
        result = api.build(DATA, tmp_path / engine / "graph.nt", ["nt", "ttl"], engine=engine)
        assert result.counts["policies"] == 30 and result.counts["departments"] == 23
        written[engine] = [Graph().parse(path) for path in result.written.values()]
    rdflib_nt, rdflib_ttl = (decimals_as_values(g) for g in written["rdflib"])
    oxigraph_nt, oxigraph_ttl = (decimals_as_values(g) for g in written["oxigraph"])
    assert len(rdflib_nt) > 500
    assert isomorphic(rdflib_nt, oxigraph_nt)
    assert isomorphic(rdflib_ttl, oxigraph_ttl)


def test_an_oxigraph_build_reads_back_into_oxigraph(tmp_path):
    result = api.build(DATA, tmp_path / "graph.ttl", engine="oxigraph")
    engine = get_engine("oxigraph")
    store = engine.load(result.written["ttl"], "ttl")
    assert engine.size(store) == result.counts["triples"]
    copy = engine.to_rdflib(store)
    label = Literal("일자리경제실", lang="ko")
    assert (URIRef("https://w3id.org/policy-graph/id/org/gwangju-jobs-economy"), None, None) in copy
    assert len(list(copy.subjects(None, label))) == 1


def test_the_engine_is_chosen_on_the_command_line(tmp_path):
    runner = CliRunner()
    for engine in ("rdflib", "oxigraph"):
        result = runner.invoke(
            cli,
            [
                "build",
                "--engine",
                engine,
                "--data",
                str(DATA),
                "--out",
                str(tmp_path / f"{engine}.ttl"),
            ],
        )
        assert result.exit_code == 0, result.output
        assert f"  engine        {engine}\n" in result.output
    result = runner.invoke(cli, ["build", "--engine", "jena"])
    assert result.exit_code == 2
    assert "'jena' is not one of 'oxigraph', 'rdflib'" in result.output


def test_query_and_viz_take_the_engine(tmp_path):
    runner = CliRunner()
    graph_file = str(tmp_path / "graph.ttl")
    common = ["--data", str(DATA), "--graph-file", graph_file]
    answers = {}
    for engine in ("rdflib", "oxigraph"):
        result = runner.invoke(
            cli, ["query", "budgets", "--format", "csv", "--engine", engine, *common]
        )
        assert result.exit_code == 0, result.output
        answers[engine] = result.output
        views = tmp_path / f"views-{engine}"
        result = runner.invoke(
            cli, ["viz", "--all", "--engine", engine, "--out-dir", str(views), *common]
        )
        assert result.exit_code == 0, result.output
    assert "스마트공장 질적 고도화" in answers["rdflib"]
    assert answers["rdflib"].replace(".0,", ",") == answers["oxigraph"].replace(".0,", ",")

    def files(folder):
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())

    pages = files(tmp_path / "views-rdflib")
    assert "overview.html" in pages and "query-department-neighbourhood.html" in pages
    assert "assets/view.js" in pages
    assert pages == files(tmp_path / "views-oxigraph")
    for page in pages:
        rdflib_page = (tmp_path / "views-rdflib" / page).read_bytes()
        assert rdflib_page == (tmp_path / "views-oxigraph" / page).read_bytes(), page


def test_networkx_reads_oxigraph_through_a_view_not_a_copy(tmp_path):
    graph_file = tmp_path / "graph.ttl"
    graph = api.load_graph(DATA, graph_file, engine="oxigraph")
    assert type(graph).__name__ == "OxigraphView"
    assert len(graph) == api.build(DATA, tmp_path / "again.ttl").counts["triples"]
    # one store: the view reads the store kept for the records, which only builds change
    assert graph.oxigraph.union and graph.raw is graph.oxigraph.store
    asked = api.run_query(
        text="ASK { ?p a <https://w3id.org/policy-graph/ontology#Policy> }", graph=graph
    )
    assert asked.askAnswer is True
    marker = (URIRef("urn:x:s"), URIRef("urn:x:p"), Literal("view"))
    with pytest.raises(UsageError, match="a view of the store kept for its records"):
        graph.add(marker)


def _network(network) -> tuple[list, list]:
    return sorted(network.nodes(data=True)), sorted(network.edges(data=True))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_networks_statistics_and_views_are_the_same_on_both_engines_for_many_governments(
    many_stores, lang
):
    from policy_graph.views import page_data, pages
    from policy_graph.views.analysis import statistics, to_networkx
    from policy_graph.views.catalogue import read_catalogue
    from policy_graph.views.html import render

    graphs = {name: get_engine(name).view(store) for name, store in many_stores.items()}
    assert type(graphs["oxigraph"]).__name__ == "OxigraphView"
    made = {}
    for name, graph in graphs.items():
        made[name] = {
            "network": _network(to_networkx(graph, lang)),
            "catalogue": read_catalogue(graph),
            "overview": _network(
                pages.network_view(
                    read_catalogue(graph),
                    "all",
                    page_data.texts("", ""),
                    list(read_catalogue(graph).policies.values()),
                ).network
            ),
            "statistics": statistics(read_catalogue(graph), lang),
            "pages": [
                render(view, lang)
                for view in (
                    api.overview_view(graph),
                    *api.government_views(graph),
                    api.department_technology_view(graph),
                    api.focus_view(graph, "hanbit-nuri", 1),
                )
            ],
        }
    assert made["rdflib"]["statistics"].stand_ins  # not an empty analysis
    assert len(made["rdflib"]["overview"][0]) > 40
    for part in made["rdflib"]:
        assert made["rdflib"][part] == made["oxigraph"][part], part


# --- the generator ----------------------------------------------------------------


def test_the_generator_is_deterministic(tmp_path):
    generate(tmp_path / "a", cities=6, policies_per_city=5, seed=3)
    generate(tmp_path / "b", cities=6, policies_per_city=5, seed=3)
    generate(tmp_path / "c", cities=6, policies_per_city=5, seed=4)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert Path("governments/district0002/policies.yaml") in files
    assert Path("sources/synthetic-city0001.txt") in files
    assert files == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    policies = Path("governments/city0001/policies.yaml")
    assert (tmp_path / "a" / policies).read_bytes() != (tmp_path / "c" / policies).read_bytes()


def test_the_generated_corpus_passes_every_check_with_its_quotes(generated):
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(generated), "--sources", str(generated / "sources")]
    )
    assert result.exit_code == 0, result.output
    assert "  policies           72\n" in result.output
    # every unit, however deep, counted from the files as written
    units = sum(
        path.read_text(encoding="utf-8").count("unit_type: ")
        for path in (generated / "governments").glob("*/government.yaml")
    )
    assert units > 40
    assert f"  departments   {units:>7}\n" in result.output


def test_triples_sets_the_number_of_cities(tmp_path):
    result = CliRunner().invoke(
        cli, ["generate", "--out", str(tmp_path / "c"), "--triples", "20000"]
    )
    assert result.exit_code == 0, result.output
    built = api.build(tmp_path / "c", tmp_path / "c.nt", ["nt"])
    assert 18_000 < built.counts["triples"] < 22_000


# --- SHACL at scale ------------------------------------------------------------------


def test_large_corpora_run_shacl_on_a_sample_and_all_with_full_shacl(generated, monkeypatch):
    monkeypatch.setattr(validate_module, "SHACL_WHOLE_UP_TO", 10)
    monkeypatch.setattr(validate_module, "SHACL_SAMPLE_CITIES", 2)
    sampled = api.validate(generated, engine="oxigraph")
    assert sampled.shacl == "a sample of 2 of 6 cities (--full-shacl for all)"
    full = api.validate(generated, engine="oxigraph", full_shacl=True)
    assert full.shacl == "every city (6), one by one"
    small = api.validate(generated, engine="rdflib")
    assert small.shacl == "a sample of 2 of 6 cities (--full-shacl for all)"


def test_record_checks_cover_every_city_when_shacl_is_sampled(tmp_path, monkeypatch):
    monkeypatch.setattr(validate_module, "SHACL_WHOLE_UP_TO", 1)
    monkeypatch.setattr(validate_module, "SHACL_SAMPLE_CITIES", 1)
    generate(tmp_path / "c", cities=3, policies_per_city=4, seed=5)
    # the province: SHACL's sample of one is the first government, city0001
    policies = tmp_path / "c" / "governments" / "province0003" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    led = re.search(r"- id: (\S+)\n  government: \S+\n  lead_department: (\S+)", text)
    policy, department = led.groups()
    line = text[: text.index("lead_department: ")].count("\n") + 1
    policies.write_text(
        text.replace("lead_department: ", "lead_department: x-", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["validate", "--data", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert result.output == (
        f"{policies}:{line}: policy {policy}: lead_department: unknown department of "
        f"province0003 'x-{department}' (did you mean '{department}'?)\n"
        "policy-graph: 1 problem found; nothing was written\n"
    )


# --- the endpoint on each engine ----------------------------------------------------


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_the_endpoint_answers_concurrent_clients_on_each_engine(engine, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "policy_graph", "serve", "--engine", engine, "--port", str(port),
             "--data", str(DATA), "--graph-file", str(tmp_path / "graph.ttl")],
            cwd=tmp_path, stderr=stream,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        wait_until_answering(url + "?query=ASK%7B%7D", process, 60, log)
        query = (
            "PREFIX pg: <https://w3id.org/policy-graph/ontology#> "
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pg:Policy }"
        )
        body = urllib.parse.urlencode({"query": query}).encode()
        answers, failures = [], []

        def client():
            for _ in range(5):
                request = urllib.request.Request(url, body, {"Accept": "text/csv"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        answers.append((response.status, response.read().decode()))
                except OSError as error:
                    failures.append(repr(error))

        threads = [threading.Thread(target=client) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert answers == [(200, "n\r\n30\r\n")] * 30
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_records_read_in_parallel_are_the_records_read_in_turn(tmp_path, monkeypatch):
    from policy_graph.errors import InputError
    from policy_graph.records import readers
    from policy_graph.records.reading import load_records

    generate(tmp_path / "c", cities=4, policies_per_city=6, seed=9)
    broken = tmp_path / "c" / "governments" / "province0003" / "policies.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("lead_department: ", "lead_department: x-", 1), encoding="utf-8")
    outcomes = []
    for parallel_from in (10_000, 1):
        monkeypatch.setattr(readers, "PARALLEL_FROM_FILES", parallel_from)
        monkeypatch.setattr(readers, "CHUNK", 2)
        with pytest.raises(InputError) as failure:
            load_records(tmp_path / "c")
        outcomes.append([str(p) for p in failure.value.problems])
    assert len(outcomes[0]) == 1 and str(broken) in outcomes[0][0]
    assert outcomes[0] == outcomes[1]
    broken.write_text(text, encoding="utf-8")
    loaded = []
    for parallel_from in (10_000, 1):
        monkeypatch.setattr(readers, "PARALLEL_FROM_FILES", parallel_from)
        loaded.append(load_records(tmp_path / "c"))
    assert len(loaded[0].policies) == 24
    assert loaded[0] == loaded[1]


def test_texts_that_n_triples_escapes_reach_the_oxigraph_store_unchanged(tmp_path):
    # The Oxigraph engine loads the records' triples as N-Triples lines: quotes,
    # backslashes and line breaks must be escaped, and nothing else changed.
    import shutil

    from tests.helpers import MINIMAL

    shutil.copytree(MINIMAL, tmp_path / "data")
    policies = tmp_path / "data" / "policies.yaml"
    # YAML's double-quoted form: \" \\ \t \n \r \u2028 are YAML's escapes.
    awkward = r'"a \"quoted\" \\u0041 back\\slash,\ttab,\nnew line,\r\nCRLF, \u2028 and 😀"'
    text = policies.read_text(encoding="utf-8").replace(
        "en: Smart factory upgrade}", f"en: {awkward}}}", 1
    )
    policies.write_text(text, encoding="utf-8")
    expected = 'a "quoted" \\u0041 back\\slash,\ttab,\nnew line,\r\nCRLF, \u2028 and 😀'
    graphs = {}
    for engine in ("rdflib", "oxigraph"):
        result = api.validate(tmp_path / "data", engine=engine)
        graphs[engine] = result.engine.to_rdflib(result.graph)
    factory = URIRef("https://w3id.org/policy-graph/id/policy/gwangju-smart-factory")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for graph in graphs.values():
        assert Literal(expected, lang="en") in set(graph.objects(factory, label))
    assert len(graphs["oxigraph"]) > 100
    assert isomorphic(*(decimals_as_values(graphs[engine]) for engine in ("rdflib", "oxigraph")))
