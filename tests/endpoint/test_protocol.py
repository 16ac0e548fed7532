"""What a query worker answers (endpoint.answer_query), on both engines, without HTTP:
the many-governments fixture (four governments), so that no answer is Gwangju's alone."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph
from rdflib.query import Result

from policy_graph.endpoint.protocol import answer_query, negotiate
from policy_graph.errors import QueryError
from policy_graph.graph.engines import get_engine

GOVERNMENTS = "SELECT DISTINCT ?g WHERE { ?policy pg:government ?g } ORDER BY ?g"


@pytest.fixture(params=["oxigraph", "rdflib"])
def engine_and_store(request, many_stores):
    return get_engine(request.param), many_stores[request.param]


def ask(engine_and_store, text, accept=None, fmt=None, max_rows=None):
    engine, store = engine_and_store
    return answer_query(engine, store, text, accept, fmt, max_rows)


def test_rows_are_cut_at_max_rows_and_the_answer_says_so(engine_and_store):
    whole = ask(engine_and_store, GOVERNMENTS)
    governments = [b["g"]["value"] for b in json.loads(whole.body)["results"]["bindings"]]
    assert len(governments) == 4 and not whole.truncated
    cut = ask(engine_and_store, GOVERNMENTS, max_rows=3)
    assert cut.truncated and cut.status == 200
    assert [b["g"]["value"] for b in json.loads(cut.body)["results"]["bindings"]] == governments[:3]


@pytest.mark.parametrize("fmt", ["xml", "csv", "tsv"])
def test_each_table_format_holds_the_same_rows(engine_and_store, fmt):
    whole = json.loads(ask(engine_and_store, GOVERNMENTS).body)["results"]["bindings"]
    answer = ask(engine_and_store, GOVERNMENTS, fmt=fmt, max_rows=2)
    parsed = Result.parse(io.BytesIO(answer.body), format=fmt)
    assert [str(row[0]) for row in parsed] == [b["g"]["value"] for b in whole[:2]]


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
])  # fmt: skip
def test_graphs_in_each_format(engine_and_store, accept, rdflib_format):
    answer = ask(
        engine_and_store,
        "CONSTRUCT { ?g a pg:Government } WHERE { ?policy pg:government ?g }",
        accept,
    )
    assert answer.status == 200 and answer.content_type.startswith(accept)
    assert len(Graph().parse(data=answer.body, format=rdflib_format)) == 4


@pytest.mark.parametrize(
    "text,status,message",
    [
        ("{ ?s ?p }", 400, "SPARQL syntax error at line 1, column 1: a query starts with SELECT, "
         "CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403,
         "SERVICE is refused: this endpoint answers from its own graph only"),
        ("SELECT ?x WHERE { BIND(" + "(" * 250 + "1" + ")" * 250 + " AS ?x) }", 400,
         "the query nests brackets 252 deep; at most 200 can be read"),
    ],
)  # fmt: skip
def test_errors_are_answers(engine_and_store, text, status, message):
    answer = ask(engine_and_store, text)
    assert (answer.status, answer.body.decode()) == (status, message + "\n")


def test_a_syntax_error_points_into_the_clients_text(engine_and_store):
    answer = ask(engine_and_store, "SELECT *\r\n# note\r\nWHERE { ?s ?p ?o . FILTER(?o = ) }")
    assert answer.status == 400
    assert answer.body.decode().startswith("SPARQL syntax error at line 3, column ")


def test_plain_patterns_and_nesting_that_rdflib_could_not_read(many_stores):
    """85 triple patterns and 32 nested brackets: Oxigraph reads them."""
    engine = get_engine("oxigraph")
    patterns = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(85))
    answer = answer_query(
        engine, many_stores["oxigraph"], f"ASK {{ {patterns} }}", None, None, None
    )
    assert json.loads(answer.body)["boolean"] is True
    nested = "SELECT ?x WHERE { BIND(" + "(" * 32 + "1" + ")" * 32 + " AS ?x) }"
    answer = answer_query(engine, many_stores["oxigraph"], nested, None, None, None)
    assert json.loads(answer.body)["results"]["bindings"] == [
        {
            "x": {
                "type": "literal",
                "value": "1",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            }
        }
    ]


@pytest.mark.parametrize(
    "form,accept,fmt,chosen",
    [
        ("SELECT", "text/csv;q=0.5, application/sparql-results+xml", None, "xml"),
        ("SELECT", None, "srj", "json"),
        ("CONSTRUCT", "application/rdf+xml", None, "rdfxml"),
        ("CONSTRUCT", None, "json-ld", "jsonld"),
        ("CONSTRUCT", None, "turtle", "ttl"),
        ("DESCRIBE", "*/*", None, "ttl"),
        ("CONSTRUCT", None, "xml", "rdfxml"),
    ],
)
def test_negotiation_takes_the_names_clients_send(form, accept, fmt, chosen):
    assert negotiate(form, accept, fmt) == chosen


def test_negotiation_says_what_it_offers():
    with pytest.raises(QueryError) as error:
        negotiate("SELECT", None, "yaml")
    assert (
        str(error.value) == "unknown format 'yaml'; a SELECT query answers in csv, json, tsv, xml"
    )


def test_rows_are_written_by_oxigraph_as_they_were(many_stores):
    """The rows kept pass through Oxigraph's TSV and back: every kind of term keeps
    its value, language, datatype and characters (tabs, line breaks, quotes)."""
    import pyoxigraph as ox

    engine = get_engine("oxigraph")
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    objects = [
        ox.Literal('a\ttab, a "quote",\na line break and 한글', language="ko"),
        ox.Literal("12.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("plain"),
        ox.NamedNode("http://example.org/o?x=1&y=<2>".replace("<", "%3C").replace(">", "%3E")),
        ox.BlankNode("b1"),
    ]
    for item in objects:
        store.add(ox.Quad(subject, predicate, item, engine.graph_name))
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY STR(?o)"
    direct = engine.run(store, text).serialize(format=ox.QueryResultsFormat.JSON)
    ours = answer_query(engine, store, text, None, "json", 10)
    assert json.loads(ours.body) == json.loads(direct) and not ours.truncated


def test_a_long_answer_is_cut_while_it_is_written(many_stores):
    """Far more rows than kept (the writer is stopped mid-way): the rows kept are the
    first ones of the whole answer, and the answer says it was cut."""
    engine, store = get_engine("oxigraph"), many_stores["oxigraph"]
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    whole = json.loads(answer_query(engine, store, text, None, "json", None).body)
    assert len(whole["results"]["bindings"]) > 500  # some 100 KB of TSV: many writes
    cut = answer_query(engine, store, text, None, "json", 3)
    assert cut.truncated
    assert json.loads(cut.body)["results"]["bindings"] == whole["results"]["bindings"][:3]


def test_the_rdflib_engine_refuses_what_its_own_parser_reads_as_service(many_stores):
    """rdflib's local names take \\" (SPARQL's do not): to rdflib this is a name, then a
    SERVICE; to SPARQL 1.1 and Oxigraph a string hides it. rdflib's own parse decides."""
    text = (
        'PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a\\" '
        'SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } ?s ?p "y" }'
    )
    answer = answer_query(get_engine("rdflib"), many_stores["rdflib"], text, None, None, None)
    assert answer.status == 403
    assert answer.body == b"SERVICE is refused: this endpoint answers from its own graph only\n"


@pytest.mark.parametrize(
    "fmt,media",
    [("csv", "text/csv; charset=utf-8"), ("tsv", "text/tab-separated-values; charset=utf-8")],
)
def test_ask_answers_in_csv_and_tsv_on_both_engines(engine_and_store, fmt, media):
    """Issue 26: the rdflib engine answered ASK as JSON whatever was asked."""
    answer = ask(engine_and_store, "ASK { ?policy pg:government ?g }", fmt=fmt)
    assert (answer.status, answer.content_type, answer.body) == (200, media, b"true")
    by_accept = ask(
        engine_and_store, "ASK { ?policy pg:government ?g }", accept=media.split(";")[0]
    )
    assert (by_accept.content_type, by_accept.body) == (media, b"true")


def test_an_unknown_function_is_a_400_naming_it():
    """Issue 26: Oxigraph's RuntimeError for a function it does not know was a 500."""
    from policy_graph.graph.engines import get_engine

    engine = get_engine("oxigraph")
    answer = answer_query(
        engine, engine.new_store(), "SELECT (<urn:f>(1) AS ?x) { }", None, None, None
    )
    assert answer.status == 400
    assert answer.body == b"the query failed: The custom function <urn:f> is not supported\n"


def test_a_construct_stops_at_max_triples_and_says_so(engine_and_store):
    text = "CONSTRUCT { ?p pg:government ?g } WHERE { ?p pg:government ?g }"
    whole = ask(engine_and_store, text, accept="application/n-triples")
    count = len(whole.body.splitlines())
    assert count > 5 and not whole.truncated
    engine, store = engine_and_store
    cut = answer_query(engine, store, text, "application/n-triples", None, None, 5)
    assert len(cut.body.splitlines()) == 5
    assert ("Policy-Graph-Truncated", "true; only the first 5 triples are sent") in cut.headers
    described = answer_query(
        engine,
        store,
        "DESCRIBE ?g WHERE { ?p pg:government ?g }",
        "application/n-triples",
        None,
        None,
        3,
    )
    assert len(described.body.splitlines()) == 3 and described.truncated
