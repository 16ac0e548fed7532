"""The one reading of a query's text that the endpoint checks and runs (sparql_text),
and the wall around the process that runs it (sandbox)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

from policy_graph.errors import QueryError
from policy_graph.query.canonical import RefusedQueryError, canonical_query

GRAPH = "https://w3id.org/policy-graph/id/graph/policy-graph"
SERVICE_REFUSED = "SERVICE is refused: this endpoint answers from its own graph only"


def read(text: str):
    return canonical_query(text, GRAPH)


@pytest.mark.parametrize(
    "text",
    [
        # A comment ends at a bare CR (rdflib let it run on, hiding what Oxigraph ran).
        "SELECT * WHERE { #\r SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } \n}",
        # \u takes four hex digits (rdflib took eight, reading another string's end).
        'SELECT * WHERE { BIND("a\\u00000022 AS ?x) } #" AS ?x) SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }',
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053ervice <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { OPTIONAL { SERVICE x:e { ?s ?p ?o } } }",
        "BASE <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o . FILTER EXISTS { SERVICE <x> {} } }",
        "SELECT * WHERE { ?s ?p pg:a.SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        # A string with a line break is no string: what follows is read as code.
        'SELECT * WHERE { ?s ?p "a\n" SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }',
    ],
)
def test_service_is_refused_however_spelled(text):
    with pytest.raises(RefusedQueryError) as refused:
        read(text)
    assert str(refused.value) == SERVICE_REFUSED


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service pg:SERVICE ?o } # SERVICE <http://x/>",
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p $SERVICE }",
    ],
)
def test_service_as_a_name_string_or_iri_is_no_keyword(text):
    assert "SELECT" in read(text).text


def test_the_text_that_runs_has_no_comments_escapes_or_bare_cr():
    query = read('prefix x: <http://a/>\r\nselect * {\r\n # hi\r\n ?s ?p "\\u0041#b" }')
    assert query.text == 'prefix x: <http://a/>\nselect * {\n  \n ?s ?p "A#b" }'


def test_positions_in_the_text_that_runs_point_into_the_clients_text():
    query = read("SELECT *\r\n# a comment\r\nWHERE { \\u003Fs ?p }")
    assert query.text == "SELECT *\n \nWHERE { ?s ?p }"
    assert query.where(3, 13) == (3, 18)  # the closing brace, past the six-character escape


@pytest.mark.parametrize(
    "text,message",
    [
        ('SELECT * WHERE { ?s ?p "\\U00110000" }',
         "SPARQL syntax error at line 1, column 25: \\U00110000 is not a Unicode character"),
        ('SELECT * WHERE {\n ?s ?p "\\uD800" }',
         "SPARQL syntax error at line 2, column 9: \\uD800 is not a Unicode character"),
        ('SELECT * WHERE { ?s ?p "\\u005Cu0041" }',
         "SPARQL syntax error at line 1, column 25: an escape \\u… that makes another escape "
         "is refused (write the character itself)"),
    ],
)  # fmt: skip
def test_escapes_that_name_no_character_are_syntax_errors(text, message):
    with pytest.raises(QueryError) as error:
        read(text)
    assert not isinstance(error.value, RefusedQueryError)
    assert str(error.value) == message


@pytest.mark.parametrize(
    "text,message",
    [
        ("PREFIX x: <http://a/> INSERT DATA { x:a x:b x:c }",
         "this endpoint is read-only: SPARQL Update is refused"),
        ("LOAD <http://127.0.0.1:9/x>", "this endpoint is read-only: SPARQL Update is refused"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
         f"FROM <http://example.org/g> is refused: this endpoint has the one graph <{GRAPH}>"),
        ("SELECT * FROM NAMED pg:g WHERE { ?s ?p ?o }",
         f"FROM pg:g is refused: this endpoint has the one graph <{GRAPH}>"),
    ],
)  # fmt: skip
def test_updates_and_other_datasets_are_refused(text, message):
    with pytest.raises(RefusedQueryError) as refused:
        read(text)
    assert str(refused.value) == message


def test_our_own_graph_may_be_named():
    assert read(f"SELECT * FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}").text.startswith("SELECT")


def test_a_walled_process_reaches_no_listener(tmp_path):
    """The second wall: a process cut off the network (the endpoint's query keeper)
    cannot connect to a listener on this machine, even with Oxigraph's SERVICE."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    script = textwrap.dedent(f"""
        import socket, pyoxigraph
        from policy_graph.endpoint.sandbox import cut_off_network
        assert cut_off_network() is None
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2)
        except OSError as error:
            print("connect:", error.strerror)
        try:
            list(pyoxigraph.Store().query("SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"))
        except OSError as error:
            print("service:", type(error).__name__)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout == "connect: Network is unreachable\nservice: OSError\n"


def test_nesting_counts_brackets_of_code_not_of_strings():
    assert read('SELECT * WHERE { ?s ?p "' + "(" * 300 + '" }').nesting == 1
    assert read("SELECT * WHERE { FILTER(((?o))) }").nesting == 4
