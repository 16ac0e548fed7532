"""Serialising: every format parses back to the same graph. Writing: a set of files or a
folder is replaced together, dead writers' leftovers go (tests/test_output_sets.py kills
and starves real writers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from policy_graph.errors import FileError, UsageError
from policy_graph.graph.vocab import GRAPH_IRI
from policy_graph.outputs import (
    RDF_FORMATS,
    output_paths,
    serialise,
    write_atomic,
    write_files,
    write_folder,
)
from tests.helpers import decimals_as_values


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
    assert isomorphic(decimals_as_values(parsed), decimals_as_values(article_graph))


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
    # Nor a lock file, nor a journal: the lock file goes when the writer lets go.
    assert [p.name for p in target.parent.iterdir()] == ["out.ttl"]


def test_a_set_of_files_is_replaced_together(tmp_path):
    old = {tmp_path / "g.ttl": b"old turtle", tmp_path / "g.nt": b"old triples"}
    write_files(old)
    write_files({tmp_path / "g.ttl": b"new turtle", tmp_path / "g.nt": b"new triples"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "g.ttl": b"new turtle",
        "g.nt": b"new triples",
    }


def test_a_new_file_keeps_the_old_ones_permissions(tmp_path):
    target = tmp_path / "g.ttl"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o640
    write_atomic(tmp_path / "fresh.ttl", b"new")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "fresh.ttl").stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_out_under_a_regular_file_is_a_file_error_naming_it(tmp_path):
    (tmp_path / "build").write_text("not a folder")
    with pytest.raises(FileError) as raised:
        write_atomic(tmp_path / "build" / "sub" / "g.ttl", b"data")
    assert str(raised.value) == (
        f"cannot write {tmp_path}/build/sub/g.ttl: {tmp_path}/build is a file, not a folder"
    )


def test_a_folder_in_the_way_of_one_file_changes_none_of_the_set(tmp_path):
    (tmp_path / "g.ttl").write_bytes(b"old turtle")
    (tmp_path / "g.nt").mkdir()
    with pytest.raises(FileError, match=f"^cannot write {tmp_path}/g.nt: it is a folder$"):
        write_files({tmp_path / "g.ttl": b"new turtle", tmp_path / "g.nt": b"new triples"})
    assert (tmp_path / "g.ttl").read_bytes() == b"old turtle"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt", "g.ttl"]


@pytest.fixture
def pids():
    """A PID that runs (a sleeping child) and one that no longer does (a child that ended)."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    sleeping = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield {"running": sleeping.pid, "ended": ended.pid}
    sleeping.kill()
    sleeping.wait()


def test_the_next_write_removes_dead_writers_leftovers_only(tmp_path, pids):
    ended, running = pids["ended"], pids["running"]
    leftovers = {
        f".g.ttl.pg-{ended}-0123abcd.tmp": "dead writer's file",
        f".g.ttl.pg-{running}-0123abcd.tmp": "live writer's file",
        f".views.pg-{ended}-89abcdef.tmp": "dead writer's folder",
        f".views.pg-{running}-89abcdef.tmp": "live writer's folder",
        ".g.ttl.12345.tmp": "not ours: no pg- mark",
    }
    for name, what in leftovers.items():
        if "folder" in what:
            (tmp_path / name).mkdir()
            (tmp_path / name / "overview.html").write_text(what)
        else:
            (tmp_path / name).write_text(what)
    write_atomic(tmp_path / "g.ttl", b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["g.ttl", ".g.ttl.12345.tmp"] + [name for name, what in leftovers.items() if "live" in what]
    )


def test_a_views_folder_keeps_the_files_this_run_does_not_write(tmp_path):
    views = tmp_path / "views"
    write_folder(views, {"overview.html": b"first", "index.html": b"first index"})
    (views / "mine.html").write_text("a view of mine")
    (views / "notes").mkdir()
    (views / "notes" / "todo.txt").write_text("keep me")
    (views / ".overview.html.ab12_x9z.tmp").write_text("left by an earlier version")
    views.chmod(0o750)
    write_folder(views, {"overview.html": b"second"})
    assert _tree(views) == {
        "overview.html": b"second",
        "index.html": b"first index",
        "mine.html": b"a view of mine",
        "notes/todo.txt": b"keep me",
    }
    assert views.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["views"]


def test_a_views_folder_reached_by_a_symbolic_link_is_replaced_where_it_is(tmp_path):
    (tmp_path / "site").mkdir()
    write_folder(tmp_path / "site" / "views", {"overview.html": b"first"})
    (tmp_path / "views").symlink_to(tmp_path / "site" / "views")
    write_folder(tmp_path / "views", {"overview.html": b"second"})
    assert (tmp_path / "views").is_symlink()
    assert _tree(tmp_path / "site" / "views") == {"overview.html": b"second"}


def test_a_views_folder_that_holds_the_working_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept.txt").write_text("mine")
    with pytest.raises(UsageError) as raised:
        write_folder(Path("."), {"overview.html": b"page"})
    assert str(raised.value) == (
        "cannot write into .: it is replaced whole and holds the working directory; "
        "name a folder of its own"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
