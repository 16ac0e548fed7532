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
        "SELECT * WHERE { ?s ?p pg:a. SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
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
        # One local name, as SPARQL 1.1 and Oxigraph both read it (Oxigraph then finds
        # an IRI where none may stand: a syntax error, not a SERVICE).
        "SELECT * WHERE { ?s ?p pg:a.SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        "SELECT * WHERE { ?s ?p _:service }",
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


# --- issue 26: the check reads every token as Oxigraph does ----------------------------

LISTENER = "http://127.0.0.1:9/x"


@pytest.mark.parametrize(
    "text",
    [
        # A local name ending in an escaped quote is no string's start (it hid what
        # follows up to the next quote).
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a\\' SERVICE <{LISTENER}> {{ ?s ?p ?o }} ?s ?p 'y' }}",
        # A number glued to the keyword: Oxigraph reads the number, then SERVICE.
        f"SELECT * WHERE {{ ?s ?p 20000000000.0SERVICE <{LISTENER}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p 1e5SERVICE <{LISTENER}> {{ ?s ?p ?o }} }}",
        # Oxigraph ends a local name at its second run of dots: ex:a.b, then .SERVICE
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a.b.SERVICE <{LISTENER}> {{ }} }}",
        # U+10000 is a letter of a name in SPARQL 1.1, not in Oxigraph: ex:a, 𐀀, SERVICE.
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a\U00010000 SERVICE <{LISTENER}> {{ }} }}",
        # A relative IRI without BASE is none to Oxigraph: "<" is less-than, the rest code.
        f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a <service> 2) SERVICE <{LISTENER}> {{ }} }}",
    ],
)
def test_the_tokens_oxigraph_reads_cannot_hide_service(text):
    with pytest.raises(RefusedQueryError) as refused:
        read(text)
    assert str(refused.value).startswith(SERVICE_REFUSED)


@pytest.mark.parametrize(
    "text,shown",
    [
        (f"PREFIX : <{LISTENER}/> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}", "SERVICE:x"),
        (f"PREFIX s: <{LISTENER}/> SELECT * WHERE {{ SERVICEs:x {{ }} }}", "SERVICEs:x"),
        (f"SELECT * WHERE {{ ?s ?p trueSERVICE <{LISTENER}> {{ }} }}", "trueSERVICE"),
        (f"SELECT * WHERE {{ ?s ?p 1eSERVICE <{LISTENER}> {{ }} }}", "eSERVICE"),
    ],
)
def test_a_keyword_glued_to_a_word_or_prefix_is_read_as_oxigraph_reads_it(text, shown):
    with pytest.raises(RefusedQueryError) as refused:
        read(text)
    assert str(refused.value) == f"{SERVICE_REFUSED} ({shown} holds SERVICE as Oxigraph reads it)"


@pytest.mark.parametrize(
    "text,message",
    [
        ("PREFIX : <urn:g> ASKFROM:x { }",
         f"FROM ASKFROM:x is refused: this endpoint has the one graph <{GRAPH}>"),
        ("SELECT *FROMNAMED<urn:g> { }",
         f"FROM FROMNAMED is refused: this endpoint has the one graph <{GRAPH}>"),
        ("PREFIX : <urn:g> LOAD:x", "this endpoint is read-only: SPARQL Update is refused"),
        ("LOAD<urn:g>", "this endpoint is read-only: SPARQL Update is refused"),
    ],
)  # fmt: skip
def test_glued_from_and_updates_are_refused(text, message):
    with pytest.raises(RefusedQueryError) as refused:
        read(text)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\\#b }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\\'b . ?s ?p 'x' }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a%23b }",
        "SELECT * WHERE { ?s ?p <http://example.org/a#b> }",
    ],
)
def test_an_escaped_hash_or_quote_in_a_name_is_neither_comment_nor_string(text):
    assert read(text).text == text


def test_an_iri_that_oxigraph_cannot_read_and_that_would_open_a_comment_is_refused():
    text = (
        'SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)#>"""\n'
        f'SERVICE <{LISTENER}> {{ }}\n#"""\n}}'
    )
    with pytest.raises(QueryError) as error:
        read(text)
    assert not isinstance(error.value, RefusedQueryError)
    assert str(error.value) == (
        "SPARQL syntax error at line 1, column 55: <?b)#> is no IRI that Oxigraph reads "
        "(write an absolute IRI, or one relative to BASE), and the ' or # in it would be "
        "read as code"
    )


def test_a_relative_iri_after_base_is_an_iri():
    text = "BASE <http://example.org/> SELECT * WHERE { ?s ?p <#me> }"
    assert read(text).text == text


def test_a_text_that_spec_and_oxigraph_read_apart_is_a_syntax_error():
    # SPARQL 1.1: one name up to the second quote; Oxigraph: ex:a.b, then .c, \, and a string.
    text = "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a.b.c\\' . ?s ?p 'x' }"
    with pytest.raises(QueryError) as error:
        read(text)
    assert not isinstance(error.value, RefusedQueryError)
    assert str(error.value) == (
        "SPARQL syntax error at line 1, column 47, near \"ex:a.b.c\\\\' . ?s ?p 'x' }\": "
        "SPARQL 1.1 and Oxigraph read this differently (where a name, string, IRI or "
        "comment ends); write it so that it has one reading"
    )
