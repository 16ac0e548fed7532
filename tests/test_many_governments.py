"""The many-governments fixture loads, builds and conforms, with every kind of record."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS

from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID
from policy_graph.records.quotes import check_quotes
from tests.helpers import MANY


def test_the_fixture_has_four_governments_of_four_kinds(many_records):
    kinds = {g.id: g.kind for g in many_records.governments}
    assert kinds == {
        "gwangju": "metropolitan-city",
        "hanbit": "special-city",
        "hanbit-nuri": "district",
        "garam": "county",
    }
    without_department = {p.government for p in many_records.policies if not p.lead_department}
    assert without_department == {"hanbit", "hanbit-nuri", "garam"}


def test_every_quote_is_verbatim(many_records, many_sources):
    assert check_quotes(many_records, many_sources) == []


def test_a_unit_inside_a_unit_is_a_unit_of_the_government_too(many_graph):
    team = URIRef(PGID["org/hanbit-ai-team"])
    assert many_graph.value(team, ORG.subOrganizationOf) == URIRef(
        PGID["org/hanbit-digital-policy"]
    )
    assert many_graph.value(team, ORG.unitOf) == URIRef(PGID["org/hanbit"])


def test_a_district_is_part_of_its_city(many_graph):
    district = URIRef(PGID["org/hanbit-nuri"])
    assert many_graph.value(district, ORG.subOrganizationOf) == URIRef(PGID["org/hanbit"])
    assert many_graph.value(None, ORG.unitOf, district) is None  # it names no department


def test_strands_are_part_of_their_programme(many_graph):
    plan = URIRef(PGID["programme/hanbit-ai-master-plan"])
    strands = {
        s
        for s in many_graph.subjects(DCTERMS.isPartOf, plan)
        if (s, RDF.type, PG.Programme) in many_graph
    }
    assert strands == {
        URIRef(PGID[f"programme/hanbit-{slug}"])
        for slug in ("ai-infrastructure", "ai-citizen-services", "ai-talent")
    }
    academy = URIRef(PGID["policy/hanbit-ai-academy"])
    assert many_graph.value(academy, DCTERMS.isPartOf) == URIRef(PGID["programme/hanbit-ai-talent"])


def test_a_source_without_a_headline_is_named_by_publisher_kind_and_date(many_graph):
    source = URIRef(PGID["source/nuri-2024-03-05-press-release"])
    labels = {label.language: str(label) for label in many_graph.objects(source, RDFS.label)}
    assert labels == {
        "ko": "한빛특별시 누리구 보도자료 (2024-03-05)",
        "en": "Nuri District, Hanbit press release, 2024-03-05",
    }
    assert many_graph.value(source, DCTERMS.title) is None


def test_the_fixture_readme_names_every_government():
    readme = (MANY / "README.md").read_text(encoding="utf-8")
    for government in ("`gwangju`", "`hanbit`", "`hanbit-nuri`", "`garam`"):
        assert government in readme
