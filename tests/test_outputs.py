"""Serialising: every format parses back to the same graph; writes are atomic."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from policy_graph.errors import UsageError
from policy_graph.outputs import RDF_FORMATS, output_paths, serialise, write_atomic
from policy_graph.vocab import GRAPH_IRI


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_every_format_parses_back_to_an_isomorphic_graph(article_graph, name):
    data = serialise(article_graph, name)
    fmt = RDF_FORMATS[name]
    if name == "trig":
        dataset = Dataset()
        dataset.parse(data=data, format="trig")
        parsed = dataset.graph(GRAPH_IRI)
    else:
        parsed = Graph().parse(data=data, format=fmt.rdflib_name)
    assert len(parsed) == len(article_graph) > 500
    assert isomorphic(parsed, article_graph)


def test_turtle_uses_one_readable_prefix_per_kind(article_graph):
    turtle = serialise(article_graph, "ttl").decode("utf-8")
    for line in (
        "@prefix pgpolicy: <https://w3id.org/policy-graph/id/policy/> .",
        "@prefix pgorg: <https://w3id.org/policy-graph/id/org/> .",
        "@prefix pgtech: <https://w3id.org/policy-graph/id/technology/> .",
        "@prefix pg: <https://w3id.org/policy-graph/ontology#> .",
    ):
        assert line in turtle
    assert "pgorg:gwangju-jobs-economy" in turtle
    assert "일자리경제실" in turtle  # UTF-8, not escaped


def test_n_triples_are_sorted_so_rebuilds_diff_cleanly(article_graph):
    lines = serialise(article_graph, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(article_graph)


def test_serialising_twice_gives_the_same_bytes(article_graph):
    for name in RDF_FORMATS:
        assert serialise(article_graph, name) == serialise(article_graph, name), name


def test_unknown_format_is_a_usage_error(article_graph):
    with pytest.raises(
        UsageError, match="unknown RDF format 'n3'; expected one of ttl, nt, jsonld, xml, trig"
    ):
        serialise(article_graph, "n3")


def test_one_format_goes_to_the_named_path_and_several_take_their_suffixes(tmp_path):
    out = tmp_path / "graph.ttl"
    assert output_paths(out, ["nt"]) == {"nt": out}
    assert output_paths(out, ["ttl", "jsonld", "xml"]) == {
        "ttl": tmp_path / "graph.ttl",
        "jsonld": tmp_path / "graph.jsonld",
        "xml": tmp_path / "graph.rdf",
    }


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "out.ttl"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.ttl"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    import os

    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
