"""Every IRI resolves: resource pages, content negotiation, the ontology page, the
service description and the VoID, called as the server calls them, on both engines."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, RDF, RDFS, VOID, XSD

from policy_graph.endpoint import resources
from policy_graph.endpoint.resource_pages import resource_page
from policy_graph.endpoint.resources import (
    SD,
    describe,
    resource_answer,
    service_description,
    void_description,
)
from policy_graph.graph.engines import get_engine
from policy_graph.graph.vocab import GRAPH_IRI, PG
from policy_graph.paths import ontology_file
from policy_graph.records.iris import PGID

ENGINES = ("rdflib", "oxigraph")
POLICY = URIRef(PGID["policy/gwangju-smart-factory"])
DEPARTMENT = URIRef(PGID["org/gwangju-jobs-economy"])
PLANNING = URIRef(PGID["org/gwangju-planning-coordination"])  # leads four policies
GWANGJU = URIRef(PGID["org/gwangju"])
SOURCE_TITLE = "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
BUILD = {"built": "2026-11-30T05:40:12Z", "digest": "sha256:0123abcd", "file": "policy-graph.ttl"}
RDF_FORMS = {  # Accept → how rdflib reads the answer
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def article_stores(article_records):
    return {name: get_engine(name).store_records(article_records) for name in ENGINES}


@pytest.fixture(params=ENGINES)
def engine_store(request, article_stores):
    """(engine, store of the article's graph), once per engine."""
    return get_engine(request.param), article_stores[request.param]


def page_of(engine_store, path: str, lang: str = "ko", accept: str = "text/html") -> str:
    engine, store = engine_store
    answer = resource_answer(engine, store, path, accept, lang)
    assert answer.status == 200, answer.body[:200]
    assert answer.content_type == "text/html; charset=utf-8"
    return answer.body.decode("utf-8")


def test_a_policy_page_has_its_names_quotes_source_and_department(engine_store, article_graph):
    page = page_of(engine_store, "/id/policy/gwangju-smart-factory")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ko">')
    assert "<h1>스마트공장 질적 고도화</h1>" in page
    assert '<p class="other" lang="en">Qualitative upgrade of smart factories</p>' in page
    quotes = list(article_graph.objects(POLICY, PG.sourceQuote))
    assert len(quotes) == 2
    for quote in quotes:
        assert f'<blockquote lang="ko">{html.escape(str(quote), quote=False)}</blockquote>' in page
    assert SOURCE_TITLE in page
    assert '<a href="/id/org/asiae?lang=ko"' in page  # the publisher
    assert "2021-01-19" in page
    assert (
        f'<a href="/id/org/gwangju-jobs-economy?lang=ko" title="{DEPARTMENT}">일자리경제실</a>'
        in (page)
    )
    assert '<a href="/ontology?lang=ko#leadDepartment"' in page
    assert ">담당 부서</a>" in page  # the property's name from the ontology


def test_a_page_in_english(engine_store):
    page = page_of(engine_store, "/id/policy/gwangju-smart-factory", lang="en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<h1>Qualitative upgrade of smart factories</h1>" in page
    assert '<p class="other" lang="ko">스마트공장 질적 고도화</p>' in page
    assert "<h3>Quotes from the source</h3>" in page
    assert ">lead department</a>" in page
    assert ">Jobs and Economy Office</a>" in page
    assert '<a href="?lang=ko" hreflang="ko" lang="ko">한국어</a>' in page
    assert '<a href="?format=ttl">Turtle</a>' in page


def test_a_department_page_lists_its_policies_as_incoming_links(engine_store, article_graph):
    page = page_of(engine_store, "/id/org/gwangju-planning-coordination")
    led = set(article_graph.subjects(PG.leadDepartment, PLANNING))
    assert len(led) == 4
    incoming = page.split("<h2>이 항목을 가리키는 링크</h2>")[1]
    group = incoming.split(
        f'<a href="/ontology?lang=ko#leadDepartment" title="{PG.leadDepartment}">'
    )
    assert len(group) == 2
    assert group[1].startswith('담당 부서</a> <span class="meta">(4)</span></h3><ul><li>')
    listed = group[1].split("</ul>")[0]
    for policy in led:
        slug = str(policy).removeprefix(str(PGID))
        label = next(x for x in article_graph.objects(policy, RDFS.label) if x.language == "ko")
        assert f'<a href="/id/{slug}?lang=ko" title="{policy}">{label}</a>' in listed


@pytest.mark.parametrize("engine_name", ENGINES)
def test_another_government_than_gwangju_resolves(engine_name, many_stores, many_graph):
    engine, store = get_engine(engine_name), many_stores[engine_name]
    answer = resource_answer(engine, store, "/id/org/hanbit", "text/html", "en")
    assert answer.status == 200
    page = answer.body.decode("utf-8")
    assert "<h1>Hanbit Special City</h1>" in page
    policies = set(many_graph.subjects(PG.government, URIRef(PGID["org/hanbit"])))
    assert len(policies) >= 4
    for policy in policies:
        assert f'href="/id/{str(policy).removeprefix(str(PGID))}?lang=en"' in page
    # Its team, a unit inside a unit, links to it; named with no government (it is this one).
    assert '<a href="/id/org/hanbit-ai-team?lang=en"' in page
    # A policy of a district, which names no department, resolves too.
    answer = resource_answer(engine, store, "/id/org/hanbit-nuri", "text/turtle", "ko")
    assert answer.status == 200
    assert (URIRef(PGID["org/hanbit-nuri"]), ORG.subOrganizationOf, URIRef(PGID["org/hanbit"])) in (
        Graph().parse(data=answer.body, format="turtle")
    )


def test_units_listed_from_elsewhere_are_named_with_their_government(engine_store):
    # On a technology's page, the policies of many governments: each names its own.
    page = page_of(engine_store, "/id/technology/ai")
    assert '>스마트공장 질적 고도화</a> <span class="meta">(광주광역시)</span>' in page


def test_the_ontology_page_has_an_anchor_per_class_and_property(engine_store):
    page = page_of(engine_store, "/ontology", lang="en")
    ontology = Graph().parse(ontology_file())
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {
        t
        for kind in kinds
        for t in ontology.subjects(RDF.type, kind)
        if str(t).startswith(str(PG._NS))
    }
    assert len(terms) == 20
    for term in terms:
        assert page.count(f'<section id="{term.removeprefix(str(PG._NS))}">') == 1
    assert "<h1>policy-graph ontology</h1>" in page
    assert (
        '<a href="/ontology?lang=en#Policy" title="https://w3id.org/policy-graph/ontology#Policy">Policy</a> or '
        in page
    )


@pytest.mark.parametrize("accept", RDF_FORMS)
def test_rdf_answers_hold_the_resources_triples(engine_store, article_graph, accept):
    engine, store = engine_store
    answer = resource_answer(engine, store, "/id/org/gwangju-jobs-economy", accept, "ko")
    assert answer.status == 200 and not answer.truncated
    assert answer.content_type.split(";")[0] == accept
    got = Graph().parse(data=answer.body, format=RDF_FORMS[accept])
    subject = DEPARTMENT
    expected = {t for t in article_graph.triples((subject, None, None))}
    expected |= {t for t in article_graph.triples((None, None, subject))}
    linked = {o for _s, _p, o in expected if isinstance(o, URIRef)} | {s for s, _p, _o in expected}
    expected |= {
        (node, RDFS.label, label)
        for node in linked - {subject}
        for label in article_graph.objects(node, RDFS.label)
    }
    assert set(got) == expected
    assert len(expected) > 10


def test_rdf_answers_of_a_policy_parse_on_both_engines_alike(article_stores):
    answers = [
        resource_answer(
            get_engine(name),
            article_stores[name],
            f"/id/{POLICY[len(PGID) :]}",
            "application/n-triples",
            "ko",
        )
        for name in ENGINES
    ]
    graphs = [Graph().parse(data=a.body, format="nt") for a in answers]
    assert len(graphs[0]) == len(graphs[1]) > 20
    assert (POLICY, PG.leadDepartment, DEPARTMENT) in graphs[1]


def test_format_wins_over_accept(engine_store):
    engine, store = engine_store
    answer = resource_answer(engine, store, "/id/org/gwangju", "text/html", "ko", fmt="jsonld")
    assert answer.content_type == "application/ld+json"
    data = json.loads(answer.body)
    assert any(node.get("@id") == str(GWANGJU) for node in data)


@pytest.mark.parametrize(
    ("accept", "form"),
    [
        (None, "text/html; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "text/html; charset=utf-8",
        ),
        ("text/turtle;q=0.9, application/ld+json", "application/ld+json"),
        ("application/*", "application/ld+json"),
        ("application/xhtml+xml", None),
        ("application/json", "application/ld+json"),
        ("text/*", "text/html; charset=utf-8"),
        ("text/html;q=0, */*;q=0.5", "text/turtle; charset=utf-8"),
        ("text/turtle, */*;q=0.1", "text/turtle; charset=utf-8"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/plain", "application/n-triples"),
    ],
)
def test_content_negotiation(engine_store, accept, form):
    engine, store = engine_store
    answer = resource_answer(engine, store, "/id/org/gwangju", accept, "ko")
    assert (answer.status, answer.content_type) == (200, form) if form else answer.status == 406


def test_not_found_and_not_acceptable_say_so_exactly(engine_store):
    engine, store = engine_store
    missing = resource_answer(engine, store, "/id/policy/no-such-policy", "text/turtle", "ko")
    assert (missing.status, missing.content_type) == (404, "text/plain; charset=utf-8")
    assert missing.body == (
        b"no resource <https://w3id.org/policy-graph/id/policy/no-such-policy> in this graph\n"
    )
    page = resource_answer(engine, store, "/id/policy/no-such-policy", None, "en")
    assert page.status == 404 and page.content_type == "text/html; charset=utf-8"
    assert (
        '<p>This graph has no resource <code class="iri">'
        "https://w3id.org/policy-graph/id/policy/no-such-policy</code></p>"
    ) in page.body.decode("utf-8")
    refused = resource_answer(engine, store, "/id/org/gwangju", "image/png", "ko")
    assert (refused.status, refused.content_type) == (406, "text/plain; charset=utf-8")
    assert refused.body == (
        b"cannot answer as image/png: this resource is offered as text/html, text/turtle, "
        b"application/ld+json, application/n-triples, application/rdf+xml\n"
    )
    unknown = resource_answer(engine, store, "/id/org/gwangju", None, "ko", fmt="png")
    assert (unknown.status, unknown.body) == (
        400,
        b"unknown format 'png'; this resource is offered as html, ttl, jsonld, nt, xml\n",
    )


@pytest.mark.parametrize("path", ["/id/", "/id/policy/%3E%20{", "/id/policy/a>b", "/elsewhere"])
def test_paths_that_name_no_iri_of_ours_are_not_found(engine_store, path):
    engine, store = engine_store
    assert resource_answer(engine, store, path, "text/turtle", "ko").status == 404


def test_the_graph_iri_leads_to_the_void(engine_store):
    engine, store = engine_store
    answer = resource_answer(engine, store, f"/id/{GRAPH_IRI[len(PGID) :]}", None, "ko")
    assert (answer.status, answer.headers) == (303, (("Location", "/.well-known/void"),))


def test_a_long_list_is_cut_with_a_count_and_a_query_for_all(engine_store, article_graph):
    engine, store = engine_store
    policies = set(article_graph.subjects(PG.government, GWANGJU))  # and the programme
    assert len(policies) == 31
    description = describe(engine, store, GWANGJU, per_property=5)
    assert description.truncated
    assert len(description.values[("in", PG.government)]) == 5
    page = resource_page(description, "ko").decode("utf-8")
    assert '<p class="meta">외 26건 · <a href="/sparql?query=' in page
    link = page.split('<p class="meta">외 26건 · <a href="')[1].split('"')[0]
    query = parse_qs(urlsplit(html.unescape(link)).query)["query"][0]
    listed = {row[0] for row in engine.query(store, query)}
    assert listed == policies


def test_an_rdf_answer_that_is_cut_says_so(engine_store, monkeypatch):
    engine, store = engine_store
    monkeypatch.setattr(resources, "PER_PROPERTY", 5)
    answer = resource_answer(engine, store, "/id/org/gwangju", "text/turtle", "ko")
    assert answer.truncated
    graph = Graph().parse(data=answer.body, format="turtle")
    assert len(set(graph.subjects(PG.government, GWANGJU))) == 5


@pytest.mark.parametrize("engine_name", ENGINES)
def test_everything_on_a_page_is_escaped(engine_name, tmp_path):
    evil = "<script>alert('x')</script> & \"co\""
    (tmp_path / "evil.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/policy-graph/id/org/evil>"
        f" rdfs:label {json.dumps(evil)}@ko ;\n"
        "  rdfs:seeAlso <javascript:alert(1)> ;\n"
        f"  <https://w3id.org/policy-graph/ontology#timeline> {json.dumps(evil)} .\n",
        encoding="utf-8",
    )
    engine = get_engine(engine_name)
    store = engine.load(tmp_path / "evil.ttl", "ttl")
    page = resource_answer(engine, store, "/id/org/evil", None, "ko").body.decode("utf-8")
    assert "<script" not in page
    assert f"<h1>{html.escape(evil, quote=False)}</h1>" in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"co\"" in page
    assert 'href="javascript:' not in page  # shown, never linked
    assert '<span title="javascript:alert(1)">javascript:alert(1)</span>' in page


def test_the_service_description_describes_the_endpoint(engine_store):
    engine, store = engine_store
    answer = service_description(engine, store, "http://127.0.0.1:8000/sparql", BUILD, None)
    assert (answer.status, answer.content_type) == (200, "text/turtle; charset=utf-8")
    graph = Graph().parse(data=answer.body, format="turtle")
    service = graph.value(None, RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef("http://127.0.0.1:8000/sparql")
    assert graph.value(service, SD.supportedLanguage) == SD.SPARQL11Query
    assert len(set(graph.objects(service, SD.resultFormat))) == 10
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, SD.defaultGraph) == GRAPH_IRI
    assert graph.value(GRAPH_IRI, VOID.triples).toPython() == engine.size(store) == 1327
    assert graph.value(GRAPH_IRI, DCTERMS.modified) == Literal(
        "2026-11-30T05:40:12Z", datatype=XSD.dateTime
    )
    assert b'"2026-11-30T05:40:12Z"^^xsd:dateTime' in answer.body  # as the build wrote it
    assert graph.value(GRAPH_IRI, DCTERMS.identifier) == Literal("sha256:0123abcd")
    as_json = service_description(engine, store, "http://x/sparql", BUILD, "application/ld+json")
    assert len(Graph().parse(data=as_json.body, format="json-ld")) == len(graph)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "lang,heading,button", [("ko", "SPARQL 엔드포인트", "실행"), ("en", "SPARQL endpoint", "Run")]
)
def test_a_browser_gets_the_service_description_as_a_page_with_a_form(
    engine_store, lang, heading, button
):
    """Issue 26: a browser that follows the Service Description link sees a page, not
    raw Turtle: what the endpoint is, its formats and graph, and a form to query it."""
    engine, store = engine_store
    answer = service_description(engine, store, "http://x/sparql", BUILD, BROWSER, lang)
    assert (answer.status, answer.content_type) == (200, "text/html; charset=utf-8")
    page = answer.body.decode()
    assert f"<h1>{heading}</h1>" in page
    assert '<form method="get" action="/sparql">' in page and 'name="query"' in page
    assert f'<button type="submit">{button}</button>' in page
    assert "<code>http://x/sparql</code>" in page and f"<code>{GRAPH_IRI}</code>" in page
    assert (
        "<code>application/sparql-results+json</code>" in page
        and "<code>text/turtle</code>" in page
    )
    assert "<script" not in page
    turtle = service_description(engine, store, "http://x/sparql", BUILD, BROWSER, lang, "ttl")
    assert turtle.content_type == "text/turtle; charset=utf-8"


def test_the_void_counts_the_graph(engine_store, article_graph):
    engine, store = engine_store
    answer = void_description(engine, store, "http://127.0.0.1:8000/", BUILD, None, "ko")
    assert (answer.status, answer.content_type) == (200, "text/turtle; charset=utf-8")
    graph = Graph().parse(data=answer.body, format="turtle")
    dataset = GRAPH_IRI
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, VOID.triples).toPython() == len(article_graph) == 1327
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions[PG.Policy] == len(set(article_graph.subjects(RDF.type, PG.Policy))) == 30
    properties = {
        graph.value(p, VOID.property): graph.value(p, VOID.triples).toPython()
        for p in graph.objects(dataset, VOID.propertyPartition)
    }
    assert sum(properties.values()) == 1327
    assert properties[PG.sourceQuote] == len(
        list(article_graph.triples((None, PG.sourceQuote, None)))
    )
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:8000/sparql")
    assert graph.value(dataset, VOID.dataDump) == URIRef("http://127.0.0.1:8000/dump.nt")
    assert graph.value(dataset, VOID.uriSpace) == Literal(str(PGID))
    assert graph.value(dataset, DCTERMS.license) == URIRef("https://opensource.org/license/mit")
    source = URIRef(PGID["source/asiae-2021-01-19-gwangju-1ai"])
    assert set(graph.objects(dataset, DCTERMS.source)) == {source}
    assert Literal(SOURCE_TITLE, lang="ko") in set(graph.objects(source, RDFS.label))
    page = void_description(engine, store, "http://127.0.0.1:8000", BUILD, "text/html", "en")
    assert page.content_type == "text/html; charset=utf-8"
    text = page.body.decode("utf-8")
    assert '<th scope="row">Triples</th><td>1,327</td>' in text
    assert '<a href="http://127.0.0.1:8000/dump.nt">' in text


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("turtle", "text/turtle; charset=utf-8"), ("ttl", "text/turtle; charset=utf-8"),
        ("json-ld", "application/ld+json"), ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"), ("rdf+xml", "application/rdf+xml"),
        ("xml", "application/rdf+xml"), ("n-triples", "application/n-triples"),
        ("ntriples", "application/n-triples"), ("nt", "application/n-triples"),
        ("text/turtle", "text/turtle; charset=utf-8"), ("html", "text/html; charset=utf-8"),
    ],
)  # fmt: skip
def test_resources_take_the_format_names_that_sparql_takes(engine_store, fmt, media):
    """Issue 26: /id/ pages took ttl|jsonld|nt|xml only, not /sparql's turtle, json-ld, rdf."""
    engine, store = engine_store
    answer = resource_answer(engine, store, "/id/org/gwangju", "text/html", "ko", fmt=fmt)
    assert (answer.status, answer.content_type) == (200, media)


def test_an_unknown_format_of_a_resource_is_a_400(engine_store):
    engine, store = engine_store
    answer = resource_answer(engine, store, "/id/org/gwangju", None, "ko", fmt="gif")
    assert answer.status == 400
    assert (
        answer.body
        == b"unknown format 'gif'; this resource is offered as html, ttl, jsonld, nt, xml\n"
    )


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("jsonld", "application/ld+json"),
        ("turtle", "text/turtle; charset=utf-8"),
        ("nt", "application/n-triples"),
    ],
)
def test_the_void_takes_format(engine_store, fmt, media):
    """Issue 26: /.well-known/void ignored ?format=."""
    engine, store = engine_store
    answer = void_description(engine, store, "http://x/", BUILD, "text/html", "ko", fmt=fmt)
    assert (answer.status, answer.content_type) == (200, media)


def test_a_page_names_the_w3c_terms_in_its_language(engine_store):
    """Issue 26: rdf:type, rdfs:label, org:*, dcterms:* were shown as prefixed names."""
    for lang, names in (("ko", ("유형", "이름", "소속 기관")), ("en", ("type", "name", "unit of"))):
        page = page_of(engine_store, "/id/org/gwangju-jobs-economy", lang)
        for name in names:
            assert f">{name}</a></th>" in page, (lang, name)
        assert (
            ">rdf:type<" not in page and ">rdfs:label<" not in page and ">org:unitOf<" not in page
        )


def test_every_term_the_graph_uses_has_a_korean_and_an_english_name(article_graph):
    from policy_graph.endpoint.resource_pages import term_names

    names = term_names()
    terms = set(article_graph.predicates()) | set(article_graph.objects(None, RDF.type))
    terms |= {s for s in names.subjects(RDF.type, OWL.Class)}
    missing = [
        str(term)
        for term in sorted(terms)
        if {label.language for label in names.objects(term, RDFS.label)} < {"ko", "en"}
    ]
    assert not missing, missing


def test_a_cut_description_says_what_it_holds(engine_store):
    engine, store = engine_store
    answer = resources.resource_answer(
        engine, store, f"/id/{PLANNING[len(str(PGID)) :]}", "text/turtle", "ko"
    )
    whole = not answer.truncated
    original = resources.PER_PROPERTY
    try:
        resources.PER_PROPERTY = 1
        cut = resources.resource_answer(engine, store, "/id/org/gwangju", "text/turtle", "ko")
    finally:
        resources.PER_PROPERTY = original
    assert whole
    assert cut.truncated
    assert (
        "Policy-Graph-Truncated",
        "true; only the first 1 values of each property and direction are sent",
    ) in cut.headers
