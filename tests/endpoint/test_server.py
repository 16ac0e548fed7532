"""`policy-graph serve` spoken to by real SPARQL clients and by raw HTTP."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.query import Result

from tests.helpers import DATA, MANY, child_processes, run_cli, serving, wait_for

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `policy-graph serve` process on a free loopback port."""
    work = tmp_path_factory.mktemp("serve")
    with serving(
        work, "--time-limit", "1.5", "--max-rows", "25", "--workers", "3",
        "--data", str(DATA), "--graph-file", str(work / "graph.ttl"),
    ) as running:  # fmt: skip
        yield running


def request(url: str, data: bytes | None = None, headers: dict | None = None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post_query(base: str, query: str, accept: str = "application/sparql-results+json"):
    return request(
        base + "/sparql",
        query.encode("utf-8"),
        {"Content-Type": "application/sparql-query", "Accept": accept},
    )


def test_sparqlwrapper_reads_korean_labels(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server[0] + "/sparql")
    client.setQuery(f'SELECT ?s WHERE {{ ?s <{LABEL}> "기획조정실"@ko }}')
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["s"]["value"] for b in bindings] == [
        "https://w3id.org/policy-graph/id/org/gwangju-planning-coordination"
    ]


def test_rdflib_sparqlstore_queries_the_endpoint(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = Graph(store=SPARQLStore(server[0] + "/sparql", returnFormat="json"))
    rows = list(
        store.query(
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/policy-graph/ontology#Policy> }"
        )
    )
    assert rows[0][0] == Literal(30)


@pytest.mark.parametrize(
    "accept,media",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_in_every_result_format(server, accept, media):
    query = f'SELECT ?label WHERE {{ ?s <{LABEL}> ?label FILTER(?label = "시립도서관"@ko) }}'
    status, headers, body = post_query(server[0], query, accept)
    assert status == 200 and headers.get_content_type() == media
    if media.endswith("json") or media.endswith("xml"):
        parsed = Result.parse(io.BytesIO(body), format="json" if media.endswith("json") else "xml")
        assert [row[0] for row in parsed] == [Literal("시립도서관", lang="ko")]
    elif media == "text/csv":
        assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == [["label"], ["시립도서관"]]
    else:
        assert body.decode("utf-8") == '?label\n"시립도서관"@ko\n'


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_every_rdf_format(server, accept, fmt):
    query = f"CONSTRUCT {{ ?s <{LABEL}> ?l }} WHERE {{ ?s a <https://w3id.org/policy-graph/ontology#Policy> ; <{LABEL}> ?l }}"
    status, headers, body = post_query(server[0], query, accept)
    assert status == 200 and headers.get_content_type() == accept
    assert len(Graph().parse(data=body, format=fmt)) == 60


def test_get_and_form_post_and_format_parameter(server):
    query = "ASK { ?s ?p ?o }"
    status, _h, body = request(server[0] + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200 and json.loads(body)["boolean"] is True
    form = urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "format": "csv"}
    )
    status, headers, body = request(
        server[0] + "/sparql", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and headers.get_content_type() == "text/csv"
    assert len(body.decode().splitlines()) == 3


def test_cors_lets_browser_editors_call(server):
    status, headers, _ = request(
        server[0] + "/sparql", method="OPTIONS", headers={"Origin": "http://yasgui.example"}
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_row_limit_cuts_and_says_so(server):
    status, headers, body = post_query(server[0], f"SELECT ?s ?l WHERE {{ ?s <{LABEL}> ?l }}")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 25
    assert headers["Policy-Graph-Truncated"] == "true; only the first 25 rows are sent"


@pytest.mark.parametrize(
    "content_type,body,status,message",
    [
        ("application/sparql-update", "INSERT DATA { <a:b> <a:c> <a:d> }", 403,
         "this endpoint is read-only: SPARQL Update is refused"),
        ("application/x-www-form-urlencoded", "update=LOAD%20%3Chttp%3A%2F%2Fexample.org%2Fg%3E", 403,
         "this endpoint is read-only: SPARQL Update is refused"),
        ("application/sparql-query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403,
         "SERVICE is refused: this endpoint answers from its own graph only"),
        ("application/sparql-query", "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }", 403,
         "FROM <http://example.org/remote.ttl> is refused: this endpoint has the one graph "
         "<https://w3id.org/policy-graph/id/graph/policy-graph>"),
        ("application/sparql-query", "SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", 403,
         "FROM <http://example.org/g> is refused: this endpoint has the one graph "
         "<https://w3id.org/policy-graph/id/graph/policy-graph>"),
        ("application/sparql-query", "SELECT * WHERE { ?s ?p }", 400, None),
    ],
)  # fmt: skip
def test_writes_and_outside_reaches_are_refused(server, content_type, body, status, message):
    got, _headers, answer = request(
        server[0] + "/sparql", body.encode(), {"Content-Type": content_type}
    )
    assert got == status
    if message:
        assert answer.decode("utf-8") == message + "\n"
    else:
        assert answer.decode("utf-8").startswith("SPARQL syntax error at line 1, column ")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(server, method):
    status, headers, _ = request(
        server[0] + "/sparql", b"x", {"Content-Type": "text/turtle"}, method
    )
    assert status == 405 and headers["Allow"] == "GET, POST, OPTIONS"


def test_a_slow_query_is_stopped_while_others_are_answered(server):
    base, process, _log = server
    slow: dict = {}

    def ask_slow() -> None:
        slow["answer"] = post_query(base, SLOW)
        slow["done"] = time.monotonic()

    thread = threading.Thread(target=ask_slow)
    thread.start()
    time.sleep(0.3)
    status, _h, body = post_query(base, "ASK { ?s ?p ?o }")
    quick_done = time.monotonic()
    assert status == 200 and json.loads(body)["boolean"] is True
    thread.join(30)
    assert "done" in slow and quick_done < slow["done"]
    status, _h, body = slow["answer"]
    assert status == 503
    assert body == b"the query was stopped after its time limit of 1.5 s\n"
    # Its worker was killed (its CPU freed) and replaced: the keeper has its 3 query
    # workers again, beside the pages worker and the spare.
    assert _workers_settle_at(process.pid, 3 + 2)


def _workers_settle_at(server_pid: int, count: int) -> bool:
    keepers = child_processes(server_pid)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if len(keepers) == 1 and len(child_processes(keepers[0])) == count:
            return True
        time.sleep(0.1)
        keepers = child_processes(server_pid)
    return False


def test_oversized_request_is_refused(server, tmp_path):
    """curl, as users send big bodies: it asks first (Expect: 100-continue) and gets
    the 413 before sending. (A client that sends a body past the limit without asking
    may see the connection reset instead: the server does not read it.)"""
    big = tmp_path / "big.rq"
    big.write_bytes(b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 1_500_000)
    curl = subprocess.run(
        ["curl", "-sS", "-w", "\n%{http_code}", "-H", "Content-Type: application/sparql-query",
         "-H", "Expect: 100-continue", "--data-binary", f"@{big}", server[0] + "/sparql"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert curl.returncode == 0, curl.stderr
    assert curl.stdout.endswith("\n413") and "exceeds max_body of 1000000" in curl.stdout


def test_one_log_line_per_request(server):
    base, _process, log = server
    marker = "urn:log-marker-7f3a"
    request(base + "/sparql?" + urllib.parse.urlencode({"query": f"ASK {{ <{marker}> ?p ?o }}"}))
    time.sleep(0.2)
    lines = [
        line for line in log.read_text(encoding="utf-8").splitlines() if "log-marker-7f3a" in line
    ]
    assert len(lines) == 1
    record = json.loads(lines[0])  # one JSON object a line (issue 26)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", record.pop("time"))
    assert isinstance(record.pop("ms"), int)
    assert record == {
        "client": "127.0.0.1",
        "method": "GET",
        "target": "/sparql?query=ASK+%7B+%3Curn%3Alog-marker-7f3a%3E+%3Fp+%3Fo+%7D",
        "status": 200,
        "bytes": 27,
    }


POLICY = "https://w3id.org/policy-graph/id/policy/gwangju-library-collection"
SELECT_ONE = f'SELECT ?s WHERE {{ ?s <{LABEL}> "시립도서관"@ko }}'
CONSTRUCT_ONE = f"CONSTRUCT {{ <{POLICY}> <{LABEL}> ?l }} WHERE {{ <{POLICY}> <{LABEL}> ?l }}"


def _sparqlwrapper(base: str, query: str, fmt: str, method: str):
    import SPARQLWrapper

    client = SPARQLWrapper.SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(getattr(SPARQLWrapper, fmt))
    client.setMethod(getattr(SPARQLWrapper, method))
    return client.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
def test_sparqlwrapper_select_in_each_format(server, fmt, method):
    answer = _sparqlwrapper(server[0], SELECT_ONE, fmt, method)
    org = "https://w3id.org/policy-graph/id/org/gwangju-municipal-library"
    if fmt == "JSON":
        assert [b["s"]["value"] for b in answer["results"]["bindings"]] == [org]
    elif fmt == "XML":  # a DOM of the SPARQL XML results
        assert [node.firstChild.data for node in answer.getElementsByTagName("uri")] == [org]
    else:
        separator = "," if fmt == "CSV" else "\t"
        shown = org if fmt == "CSV" else f"<{org}>"
        assert answer.decode("utf-8").splitlines() == [
            "s" if fmt == "CSV" else "?s",
            shown,
        ], separator


@pytest.mark.filterwarnings("ignore:Sending Accept header")  # SPARQLWrapper's own, for RDF/JSON
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["TURTLE", "N3", "RDF", "RDFXML", "XML", "JSONLD", "JSON"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graphs_in_each_format(server, form, fmt, method):
    query = CONSTRUCT_ONE if form == "CONSTRUCT" else f"DESCRIBE <{POLICY}>"
    answer = _sparqlwrapper(server[0], query, fmt, method)
    graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="turtle")
    labels = {str(o) for o in graph.objects(predicate=rdflib_iri(LABEL))}
    assert labels == {"빅데이터를 활용한 장서 확충", "Growing the library collection with big data"}
    if form == "DESCRIBE":
        assert len(graph) > 2  # every property of the policy, not only its labels


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_sparqlwrapper_ask(server, fmt, method):
    answer = _sparqlwrapper(server[0], f"ASK {{ <{POLICY}> ?p ?o }}", fmt, method)
    if fmt == "JSON":
        assert answer["boolean"] is True
    else:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"


def rdflib_iri(text: str):
    from rdflib import URIRef

    return URIRef(text)


def test_rdflib_sparqlstore_with_its_defaults(server):
    """SPARQLStore asks for SPARQL XML and, for CONSTRUCT, RDF/XML."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = Graph(store=SPARQLStore(server[0] + "/sparql"))
    assert [row[0] for row in store.query(SELECT_ONE)] == [
        rdflib_iri("https://w3id.org/policy-graph/id/org/gwangju-municipal-library")
    ]
    constructed = store.query(CONSTRUCT_ONE).graph
    assert len(constructed) == 2


@pytest.mark.parametrize(
    "accept,media,fmt",
    [
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
    ],
)
def test_graphs_also_in_rdf_xml_n_quads_and_trig(server, accept, media, fmt):
    status, headers, body = post_query(server[0], CONSTRUCT_ONE, accept)
    assert status == 200 and headers.get_content_type() == media
    from rdflib import Dataset

    assert len(Dataset().parse(data=body, format=fmt)) == 2


def test_curl_gets_csv(server):
    curl = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "-H", "Accept: text/csv", "--data-urlencode",
         f"query={SELECT_ONE}", server[0] + "/sparql"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert curl.returncode == 0, curl.stderr
    assert curl.stdout.splitlines() == [
        "s",
        "https://w3id.org/policy-graph/id/org/gwangju-municipal-library",
    ]


def test_every_answer_names_its_build(server):
    _status, headers, _body = post_query(server[0], "ASK {}")
    build = headers["Policy-Graph-Build"]
    assert re.fullmatch(
        r"sha256:[0-9a-f]{64}; built=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; triples=\d+", build
    )
    triples = int(build.rsplit("=", 1)[1])
    _s, _h, body = post_query(server[0], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert triples == int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 1000


def _build(data: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policy_graph", "build", "--data", str(data), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _build_header(base: str) -> str:
    return post_query(base, "ASK {}")[1]["Policy-Graph-Build"]


def test_a_rebuilt_graph_is_served_and_a_broken_one_is_not(tmp_path):
    served, fresh = tmp_path / "graph.ttl", tmp_path / "staging" / "graph.ttl"
    _build(DATA, served)
    options = ("--graph-file", str(served), "--watch-interval", "0.3")
    with serving(tmp_path, *options) as (base, _process, log_path):
        first = _build_header(base)
        _build(MANY, fresh)
        fresh.replace(served)  # as build itself writes: a whole file, renamed
        assert wait_for(lambda: _build_header(base) != first), log_path.read_text()
        second = _build_header(base)
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        rows = json.loads(post_query(base, count)[2])["results"]["bindings"]
        assert second.endswith(f"triples={rows[0]['n']['value']}")
        assert second != first and int(rows[0]["n"]["value"]) > 0

        served.write_text("this is no Turtle <", encoding="utf-8")
        assert wait_for(lambda: "the new graph file fails" in log_path.read_text())
        assert _build_header(base) == second
        served.unlink()
        assert wait_for(lambda: "graph.ttl is gone; still serving" in log_path.read_text())
        assert _build_header(base) == second
    line = next(x for x in log_path.read_text().splitlines() if "the new graph file fails" in x)
    assert (
        f"kept serving {second[:19]}…: the new graph file fails: {served} is not a whole Turtle graph"
        in line
    )


def test_policy_graph_query_endpoint_answers_as_the_local_graph(server, tmp_path):
    """`policy-graph query --endpoint` against our endpoint: the same CSV as the local
    graph gives, for a saved query with a parameter bound."""
    asked = ["query", "policies-using-technology", "--format", "csv"]
    local = run_cli(*asked, "--data", str(DATA), cwd=tmp_path)
    remote = run_cli(*asked, "--endpoint", server[0] + "/sparql", cwd=tmp_path)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and len(local.stdout.splitlines()) > 2


# --- saved queries by name, parameters by name -----------------------------------------


@pytest.fixture(scope="module")
def many_server(tmp_path_factory):
    """`policy-graph serve` on four governments, two of which have a 기획조정실."""
    work = tmp_path_factory.mktemp("serve-many")
    with serving(
        work, "--data", str(MANY), "--graph-file", str(work / "graph.ttl")
    ) as running:  # fmt: skip
        yield running


def _saved(base: str, name: str, **params) -> tuple[int, str]:
    from urllib.parse import urlencode

    status, _headers, body = request(f"{base}/queries/{name}?{urlencode(params)}")
    return status, body.decode("utf-8")


def test_a_saved_query_is_asked_by_name_with_its_parameters_by_name(many_server):
    base = many_server[0]
    status, body = _saved(base, "policies-without-partner", government="가람군", format="csv")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["policy"].rsplit("/", 1)[-1] for r in rows} == {
        "garam-flood-sensors", "garam-smart-farm-control"
    }  # fmt: skip
    status, english = _saved(
        base, "policies-for-target-group", group="어르신", lang="en", format="csv"
    )
    assert status == 200 and "older people," in english


def test_a_saved_querys_parameter_that_names_several_is_a_400_listing_them(many_server):
    base = many_server[0]
    assert _saved(base, "department-neighbourhood", department="기획조정실") == (
        400,
        "parameter department: '기획조정실' names 2 departments; give one by its id or IRI:\n"
        "  기획조정실 (광주광역시): gwangju-planning-coordination\n"
        "  기획조정실 (한빛특별시): hanbit-planning-coordination\n",
    )
    status, body = _saved(base, "policies-without-partner", government="가람")
    assert (status, body) == (
        400,
        "parameter government: no government is called '가람' in this graph (nearest: 가람군)\n",
    )
    assert _saved(base, "budgets", year="2025")[0] == 400
    status, body = _saved(base, "no-such-query")
    assert status == 404 and body.startswith("no saved query 'no-such-query'")


def test_the_kept_store_is_served_and_each_build_of_it_switched_in(tmp_path):
    """Issue 25: on Oxigraph without --graph-file, serve opens the store kept for the
    records (read-only, shared by its workers) and serves each generation a build
    publishes."""
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(MANY, data)
    options = ("--data", str(data), "--store", str(store), "--watch-interval", "0.3")
    title = "SELECT ?t WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?t "
    title += 'FILTER(LANG(?t) = "en" && STRSTARTS(?t, "IoT flood")) }'
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with serving(tmp_path, *options) as (base, _process, log_path):
        first = _build_header(base)
        assert re.fullmatch(r"sha256:[0-9a-f]{64}; built=\S+Z; triples=\d+", first)
        rows = json.loads(post_query(base, count)[2])["results"]["bindings"]
        assert first.endswith(f"triples={rows[0]['n']['value']}")
        assert _values(post_query(base, title)) == ["IoT flood sensors"]
        assert "serving store/gen-1: " in log_path.read_text()

        garam = data / "garam.yaml"
        garam.write_text(
            garam.read_text(encoding="utf-8").replace(
                "en: IoT flood sensors}", "en: IoT flood sensors on the river}"
            ),
            encoding="utf-8",
        )
        built = run_cli("build", "--data", str(data), "--store", str(store), cwd=tmp_path)
        assert built.returncode == 0, built.stderr
        # Each HTTP process (one per core here) switches when it sees the new build.
        assert wait_for(lambda: "SPARQL endpoint:" in log_path.read_text())  # all ready
        processes = log_path.read_text().count('"serving store/gen-1: ')
        assert wait_for(
            lambda: log_path.read_text().count("now serving the new build") == processes, 60
        ), log_path.read_text()
        assert _build_header(base) != first
        assert _values(post_query(base, title)) == ["IoT flood sensors on the river"]
    assert sorted(p.name for p in store.iterdir() if p.name.startswith("gen-")) == [
        "gen-1",
        "gen-2",
    ]


def _values(answer) -> list[str]:
    status, _headers, body = answer
    assert status == 200, body
    bindings = json.loads(body)["results"]["bindings"]
    return [value["value"] for row in bindings for value in row.values()]


def test_the_endpoint_answers_a_repeated_query_from_what_it_kept(server):
    base = server[0]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # kept-answers test"
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    first = request(url, headers={"Accept": "application/sparql-results+json"})
    again = request(url, headers={"Accept": "application/sparql-results+json"})
    fresh = request(
        url, headers={"Accept": "application/sparql-results+json", "Cache-Control": "no-cache"}
    )
    as_csv = request(url, headers={"Accept": "text/csv"})
    assert [answer[0] for answer in (first, again, fresh, as_csv)] == [200] * 4
    assert first[1]["Age"] is None and fresh[1]["Age"] is None and as_csv[1]["Age"] is None
    assert again[1]["Age"] in ("0", "1", "2")
    assert again[2] == first[2] == fresh[2]
    assert int(json.loads(again[2])["results"]["bindings"][0]["n"]["value"]) > 100
    assert again[1]["Policy-Graph-Build"] == first[1]["Policy-Graph-Build"]
    assert as_csv[2].startswith(b"n\r\n")
