"""`policy-graph publish` into a real OpenLink Virtuoso, and `query --endpoint` back."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from policy_graph import api
from policy_graph.cli.main import cli
from policy_graph.graph.vocab import GRAPH_IRI
from policy_graph.query.publish import PublishError, is_virtuoso, publish, store_endpoints
from policy_graph.query.sparql import run_remote
from tests.helpers import DATA, free_port, wait_until_answering

VIRTUOSO = shutil.which("virtuoso-t")

VIRTUOSO_MAX_ROWS = 100
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso server of its own: a temporary database, free loopback ports, stopped after."""
    if VIRTUOSO is None:
        pytest.skip(
            "virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource; .ci/run does)"
        )
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(
            dir=folder, sql_port=free_port(), http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS
        ),
        encoding="utf-8",
    )
    log = (folder / "stdout.log").open("w")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{http_port}"
    wait_until_answering(base + "/sparql?query=ASK%7B%7D", process, 120, folder / "virtuoso.log")
    yield {"store": base + "/sparql-graph-crud-auth", "sparql": base + "/sparql"}
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _count(sparql: str) -> int:
    result = run_remote(
        sparql, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o }} }}"
    )
    return int(next(iter(result))[0])


def test_publish_twice_replaces_and_never_duplicates(
    virtuoso, article_graph, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    args = [
        "publish",
        "--data",
        str(DATA),
        "--endpoint",
        virtuoso["store"],
        "--user",
        "dba",
        "--password",
        "dba",
    ]
    for _ in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            f"Published {len(article_graph)} triples to <{GRAPH_IRI}> at {virtuoso['store']}",
            f"Checked: the store counts {len(article_graph)} triples in that graph",
        ]
    assert _count(virtuoso["sparql"]) == len(article_graph) > 1000  # more than ResultSetMaxRows


def test_korean_literals_round_trip_unchanged(virtuoso, article_graph):
    publish(article_graph, virtuoso["store"], str(GRAPH_IRI), "dba", "dba")
    result = run_remote(
        virtuoso["sparql"],
        f"SELECT ?s ?quote WHERE {{ GRAPH <{GRAPH_IRI}> {{ ?s <https://w3id.org/policy-graph/ontology#sourceQuote> ?quote }} }}",
    )
    stored = {(s, q) for s, q in result}
    from policy_graph.graph.vocab import PG

    ours = set(article_graph.subject_objects(PG.sourceQuote))
    assert stored == ours and len(ours) >= 31
    assert any("‘" in str(q) and "·" in str(q) for _s, q in stored)


def test_saved_queries_answer_the_same_from_virtuoso(virtuoso, article_graph):
    publish(article_graph, virtuoso["store"], str(GRAPH_IRI), "dba", "dba")
    for name in ("policies-without-partner", "partners-and-policies", "policies-for-target-group"):
        local = CliRunner().invoke(cli, ["query", name, "--format", "csv", "--data", str(DATA)])
        remote = CliRunner().invoke(
            cli, ["query", name, "--format", "csv", "--endpoint", virtuoso["sparql"]]
        )
        assert remote.exit_code == 0, remote.output
        rows = sorted(csv.reader(io.StringIO(remote.stdout)))
        assert rows == sorted(csv.reader(io.StringIO(local.stdout))) and len(rows) > 3, name
    ask = CliRunner().invoke(
        cli,
        [
            "query",
            "--endpoint",
            virtuoso["sparql"],
            "-e",
            "ASK { ?p <https://w3id.org/policy-graph/ontology#plannedEnd> ?y }",
        ],
    )
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    korean = CliRunner().invoke(
        cli,
        [
            "query",
            "policies-per-department",
            "--param",
            "dept=기획조정실",
            "--format",
            "csv",
            "--endpoint",
            virtuoso["sparql"],
        ],
    )
    assert [row["policies"] for row in csv.DictReader(io.StringIO(korean.stdout))] == ["4"]


# Columns that GROUP_CONCAT makes: SPARQL leaves the order inside them open.
CONCATENATED = {"titles": " | ", "technologies": ", ", "otherNames": ", "}


def _rows(result) -> list:
    """A SELECT answer as sorted rows of plain values; a CONSTRUCT as a set of triples."""
    if result.type == "CONSTRUCT":
        return sorted(map(repr, result.graph))
    rows = [tuple(_plain(k, v) for k, v in row.items()) for row in api.result_rows(result)]
    return sorted(rows, key=repr)


def _plain(column: str, value):
    if value is None:
        return None
    if column in CONCATENATED:
        return tuple(sorted(value.split(CONCATENATED[column])))
    return str(value)


HANBIT = "<https://w3id.org/policy-graph/id/org/hanbit>"


@pytest.mark.parametrize(
    "graph,params,empty",
    [
        # The article states no policy's stage.
        ("article_graph", {}, {"policy-stages"}),
        ("article_graph", {"lang": "en"}, {"policy-stages"}),
        ("many_graph", {}, set()),
        ("many_graph", {"lang": "en"}, set()),
        # Hanbit has no department pairs, no partners, and states no stage.
        (
            "many_graph",
            {"lang": "en", "government": HANBIT},
            {"department-pairs-sharing-technology", "partners-and-policies", "policy-stages"},
        ),
    ],
)
def test_every_saved_query_answers_the_same_from_virtuoso(virtuoso, graph, params, empty, request):
    """Virtuoso 7 sees a VALUES-bound ?lang inside an OPTIONAL only when a FILTER of the
    outer group uses it too, and drops a NOT EXISTS beside three OPTIONALs: each saved
    query is written so that Virtuoso answers as rdflib does, names included."""
    graph = request.getfixturevalue(graph)
    publish(graph, virtuoso["store"], str(GRAPH_IRI), "dba", "dba")
    unanswered = set()
    for saved in api.list_queries():
        lang = params.get("lang") if saved.parameter("lang") else None
        wanted = {k: v for k, v in params.items() if k != "lang" and saved.parameter(k)}
        local = _rows(api.run_query(saved.name, params=wanted, lang=lang, graph=graph))
        remote = _rows(
            api.run_query(saved.name, params=wanted, lang=lang, endpoint=virtuoso["sparql"])
        )
        if len(local) <= VIRTUOSO_MAX_ROWS:
            assert remote == local, saved.name
        else:  # Virtuoso cuts the answer at ResultSetMaxRows, silently
            assert len(remote) == VIRTUOSO_MAX_ROWS, saved.name
            assert all(row in local for row in remote), saved.name
        if not local:
            unanswered.add(saved.name)
    assert unanswered == empty


def test_codes_reach_virtuoso_as_plain_strings_and_paths_still_answer(virtuoso, many_graph):
    """Virtuoso 7 answers a property path beside another pattern with no rows once a
    literal typed with a datatype of our ontology's namespace is stored: codes go to it
    as plain strings, the same lexical form."""
    assert is_virtuoso(virtuoso["store"]) and not is_virtuoso("http://h:3030/ds/data")
    publish(many_graph, virtuoso["store"], str(GRAPH_IRI), "dba", "dba")
    codes = run_remote(
        virtuoso["sparql"],
        "SELECT ?code WHERE { <https://w3id.org/policy-graph/id/org/gwangju> "
        "<http://www.w3.org/2004/02/skos/core#notation> ?code }",
    )
    assert [(str(code), code.datatype) for (code,) in codes] == [("29", None)]
    result = api.run_query("policies-using-technology", endpoint=virtuoso["sparql"])
    assert len(list(result)) == len(
        list(api.run_query("policies-using-technology", graph=many_graph))
    )


def test_a_wrong_password_is_a_clear_error(virtuoso, article_graph):
    with pytest.raises(PublishError, match=r"answered 401"):
        publish(article_graph, virtuoso["store"], str(GRAPH_IRI), "dba", "not-the-password")


def test_store_endpoints_are_guessed_for_known_stores():
    assert (
        store_endpoints("http://h:8890/sparql-graph-crud-auth", None)[1] == "http://h:8890/sparql"
    )
    assert store_endpoints("http://h:3030/ds/data", None)[1] == "http://h:3030/ds/sparql"
    assert (
        store_endpoints("http://h:7200/repositories/r/rdf-graphs/service", None)[1]
        == "http://h:7200/repositories/r"
    )
    with pytest.raises(PublishError, match="give --sparql URL"):
        store_endpoints("http://h/unknown", None)
