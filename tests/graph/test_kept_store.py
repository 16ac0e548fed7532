"""Issue 25: the store kept for a records folder. A build replaces the named graphs of the
files that changed and nothing else, a removed file's triples leave it, an update cut
short is never read, and the graph files are the same bytes however they were built."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph
import pytest

from policy_graph import api
from policy_graph.errors import InputError, UsageError
from policy_graph.graph.engines import get_engine
from policy_graph.graph.kept_store import (
    CURRENT,
    GLANCE,
    HELD,
    SHARED_GRAPH,
    KeptStore,
    graph_of_file,
)
from policy_graph.graph.store_loads import Filling, update
from policy_graph.records.folder import record_files
from tests.helpers import DATA, MANY, MINIMAL, copy_with_edits

FLOOD_SENSORS = "https://w3id.org/policy-graph/id/policy/garam-flood-sensors"
ASK_FLOOD = f"ASK {{ <{FLOOD_SENSORS}> ?p ?o }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def records(tmp_path) -> Path:
    """MANY with Garam's second policy in a file of its own, garam-more.yaml."""
    folder = tmp_path / "records"
    shutil.copytree(MANY, folder)
    garam = folder / "garam.yaml"
    head, tail = garam.read_text(encoding="utf-8").split("\n  - id: flood-sensors")
    garam.write_text(head + "\n", encoding="utf-8")
    (folder / "garam-more.yaml").write_text(
        "policies:\n  - id: flood-sensors" + tail, encoding="utf-8"
    )
    return folder


def _update(records: Path, store: Path, **options):
    return api.validate(records, store_dir=store, **options).graph


def _union_ntriples(store) -> bytes:
    return get_engine("oxigraph").serialise(store, "nt")


def _fresh_ntriples(records: Path, tmp_path: Path) -> bytes:
    """The graph of ``records`` built by rdflib's engine, with no store kept anywhere."""
    built = api.build(records, tmp_path / "fresh.nt", engine="rdflib", reuse=False)
    return get_engine("rdflib").serialise(built.graph, "nt")


def _ask(store, text: str) -> bool:
    return api.run_query(text=text, graph=store, engine="oxigraph").askAnswer


def test_each_file_is_a_named_graph_and_queries_read_their_union(records, tmp_path):
    store = _update(records, tmp_path / "store")
    files = sorted(p.relative_to(records).as_posix() for p in records.rglob("*.yaml"))
    held = store.generation
    assert set(held.graphs) == {SHARED_GRAPH} | {graph_of_file(f) for f in files}
    assert held.counts[graph_of_file("garam-more.yaml")] > 0 and held.counts[SHARED_GRAPH] > 0
    assert _union_ntriples(store) == _fresh_ntriples(records, tmp_path)
    assert len(store) == _fresh_ntriples(records, tmp_path).count(b"\n")
    assert _ask(store, ASK_FLOOD)


def test_a_store_filled_in_several_loads_holds_every_graph(records, tmp_path, monkeypatch):
    """Loads of a few lines each (as a million-triple store is filled in loads of a
    quarter of a million): the same quads, each in its file's graph."""
    from policy_graph.graph import store_loads

    whole = _update(records, tmp_path / "whole")
    loads, chunks_of = [], store_loads.Chunks
    monkeypatch.setattr(store_loads, "LOAD_LINES", 40)
    monkeypatch.setattr(store_loads, "Chunks", lambda load: loads.append(1) or chunks_of(load))
    parted = _update(records, tmp_path / "parted")
    assert len(loads) >= 3
    quads = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"
    assert (
        api.run_query(text=quads, graph=parted, engine="oxigraph").bindings
        == api.run_query(text=quads, graph=whole, engine="oxigraph").bindings
    )
    assert parted.generation.counts == whole.generation.counts
    assert _union_ntriples(parted) == _fresh_ntriples(records, tmp_path)


def test_a_changed_file_replaces_its_own_graph_and_nothing_else(records, tmp_path):
    before = _update(records, tmp_path / "store").generation
    garam = records / "garam.yaml"
    garam.write_text(
        garam.read_text(encoding="utf-8").replace("스마트팜 관제 시스템을 구축한다", "관제를 한다"),
        encoding="utf-8",
    )
    after = _update(records, tmp_path / "store")
    changed = {name for name, key in after.generation.graphs.items() if before.graphs[name] != key}
    assert changed == {graph_of_file("garam.yaml")}
    assert after.generation.number == before.number + 1
    assert _union_ntriples(after) == _fresh_ntriples(records, tmp_path)


def test_a_removed_files_triples_leave_the_store(records, tmp_path):
    first = _update(records, tmp_path / "store")
    assert _ask(first, ASK_FLOOD)
    (records / "garam-more.yaml").unlink()

    second = _update(records, tmp_path / "store")

    assert not _ask(second, ASK_FLOOD)
    assert graph_of_file("garam-more.yaml") not in second.generation.graphs
    assert _union_ntriples(second) == _fresh_ntriples(records, tmp_path)
    assert len(second) < len(first)


def test_a_build_that_changes_most_files_fills_a_new_store_whole(records, tmp_path):
    _update(records, tmp_path / "store")
    for path in records.rglob("*.yaml"):  # a comment changes every file's key
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    store = _update(records, tmp_path / "store")
    assert _union_ntriples(store) == _fresh_ntriples(records, tmp_path)


def test_a_build_of_the_records_the_store_holds_makes_no_generation(records, tmp_path):
    first = _update(records, tmp_path / "store").generation
    assert _update(records, tmp_path / "store").generation.number == first.number
    fresh = _update(records, tmp_path / "store", reuse=False).generation  # --fresh: all again
    assert fresh.number == first.number + 1 and fresh.counts == first.counts


def test_an_update_that_fails_midway_leaves_the_last_generation_read(records, tmp_path):
    kept = KeptStore(tmp_path / "store")
    first = _update(records, tmp_path / "store")
    triples, number = len(first), first.generation.number

    def broken():
        yield b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
        raise OSError("disk full")

    graphs = {SHARED_GRAPH: ("another", broken)}
    with pytest.raises(OSError, match="disk full"):
        update(kept, graphs, {"records": "else"})
    reopened = kept.open()
    assert reopened.generation.number == number and len(reopened) == triples
    assert _ask(reopened, ASK_FLOOD)
    # The next update clears what the failed one left and publishes a whole generation.
    later = _update(records, tmp_path / "store", reuse=False)
    assert later.generation.number > number + 1 and len(later) == triples
    assert sorted(p.name for p in kept.folder.glob("gen-*")) == [
        f"gen-{number}",
        f"gen-{later.generation.number}",
    ]


def test_a_store_filled_as_records_are_read_is_not_left_when_they_fail(tmp_path):
    """A clean build loads each file's graph while the next files are read; records
    with problems fail it, and the generation begun goes with it (the store's turn
    too: the next build fills one)."""
    records = copy_with_edits("duplicate-id", tmp_path / "records")
    with pytest.raises(InputError):
        api.validate(records, store_dir=tmp_path / "store")
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["lock"]
    shutil.rmtree(records)
    shutil.copytree(MINIMAL, records)
    heard = []
    add = Filling.add

    def spied(filling, name, runs):
        heard.append(name)
        add(filling, name, runs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Filling, "add", spied)
        built = api.validate(records, store_dir=tmp_path / "store", reuse=False).graph
    files = sorted(graph_of_file(p.relative_to(records).as_posix()) for p in record_files(records))
    # Each records file's graph as it was read, then the shared one.
    assert sorted(heard[:-1]) == files and heard[-1] == SHARED_GRAPH
    assert sorted(built.generation.graphs) == sorted([*files, SHARED_GRAPH])
    assert _union_ntriples(built) == _fresh_ntriples(records, tmp_path)


def test_a_filling_whose_load_fails_leaves_no_generation(records, tmp_path):
    kept = KeptStore(tmp_path / "store")
    filling = Filling(kept)

    def broken():
        yield b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
        raise OSError("disk full")

    filling.add(SHARED_GRAPH, broken)
    with pytest.raises(OSError, match="disk full"):
        filling.finish({SHARED_GRAPH: ("x", broken)}, {"records": "else"})
    assert sorted(p.name for p in kept.folder.iterdir()) == ["lock"]
    assert kept.current() is None
    assert len(_update(records, tmp_path / "store")) > 0  # the turn was let go


KILLED_MIDWAY = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from policy_graph.graph.kept_store import SHARED_GRAPH, KeptStore
    from policy_graph.graph.store_loads import update

    def runs():
        yield b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\\n" * 1000
        Path(sys.argv[2]).write_text("loading")
        time.sleep(600)
        yield b""

    update(KeptStore(Path(sys.argv[1])), {SHARED_GRAPH: ("x", runs)}, {"records": "else"})
    """
)


def test_a_store_killed_mid_update_is_read_as_it_was(records, tmp_path):
    first = _update(records, tmp_path / "store")
    triples, number = len(first), first.generation.number
    marker = tmp_path / "loading"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MIDWAY, str(tmp_path / "store"), str(marker)]
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the update never started loading"
        assert (tmp_path / "store" / f"gen-{number + 1}").is_dir()  # half written
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    reopened = KeptStore(tmp_path / "store").open()
    assert reopened.generation.number == number and len(reopened) == triples
    assert _union_ntriples(reopened) == _union_ntriples(first)
    # The kept store is opened by a command as it was: the records are unchanged.
    assert api.open_store(records, store_dir=tmp_path / "store")[1].generation.number == number


def test_a_view_of_the_kept_store_takes_no_triples(records, tmp_path):
    graph = api.load_graph(records, engine="oxigraph", store_dir=tmp_path / "store")
    with pytest.raises(UsageError, match="only builds change: copy it"):
        graph.add(next(iter(graph)))


def test_store_is_the_oxigraph_engines_alone(records, tmp_path):
    with pytest.raises(UsageError) as refused:
        api.validate(records, engine="rdflib", store_dir=tmp_path / "store")
    assert str(refused.value) == "--store is the Oxigraph engine's; --engine rdflib keeps no store"
    with pytest.raises(UsageError) as refused:
        api.open_store(records, tmp_path / "g.ttl", store_dir=tmp_path / "store")
    assert str(refused.value) == "--store and --graph-file name two graphs: name one"
    assert not (tmp_path / "store").exists()


# --- the graph files: the same bytes however they were built ------------------------


@pytest.mark.parametrize("fmt", ["nt", "ttl", "xml", "trig", "jsonld"])
def test_graph_files_are_the_same_bytes_from_either_engine_and_any_rebuild(fmt, tmp_path):
    records = tmp_path / "records"
    shutil.copytree(DATA, records)
    out = tmp_path / f"graph.{'rdf' if fmt == 'xml' else fmt}"

    def built(engine: str = "oxigraph", reuse: bool = True) -> bytes:
        store = tmp_path / "store" if engine == "oxigraph" else None
        api.build(records, out, [fmt], engine=engine, reuse=reuse, store_dir=store)
        return out.read_bytes()

    clean = built(reuse=False)
    assert built("rdflib", reuse=False) == clean
    policies = records / "gwangju" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    policies.write_text(text + "# edited\n", encoding="utf-8")
    edited = built()  # incremental: one file's graph replaced
    policies.write_text(text, encoding="utf-8")
    assert built() == clean  # and back
    assert _without_header(edited) == _without_header(clean)  # only the digests differ
    assert edited != clean or fmt == "jsonld"  # JSON-LD has no header


def _without_header(data: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(line for line in lines[:3] if not line.startswith((b"# ", b"<!-- "))) + (
        b"\n".join([b"", *lines[3:]])
    )


def _body(path: Path) -> bytes:
    return b"".join(line for line in path.open("rb") if not line.startswith(b"#"))


def test_a_rebuild_patches_the_graph_file_of_the_build_its_store_holds(records, tmp_path):
    """A rebuild takes the changed files' old lines out of the graph file of the build
    the store holds and puts their new ones in: the same bytes as a build from nothing
    (by rdflib's engine, of a copy of the records) whether a file changed, went or came,
    or the records that several files share changed; where those lines are damaged, the
    runs are merged as before."""
    out, copy = tmp_path / "g.nt", tmp_path / "copy"

    def rebuilt():
        built = api.build(records, out, ["nt"], store_dir=tmp_path / "store")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(records, copy)
        api.build(copy, tmp_path / "fresh.nt", ["nt"], engine="rdflib", reuse=False)
        assert _body(out) == _body(tmp_path / "fresh.nt")
        return built

    assert not rebuilt().triples.patched  # no build before
    _edit_garam(records, "관제를 한다")
    assert rebuilt().triples.patched
    more = (records / "garam-more.yaml").read_text(encoding="utf-8")
    (records / "garam-more.yaml").unlink()
    assert rebuilt().triples.patched
    (records / "garam-more.yaml").write_text(more, encoding="utf-8")
    assert rebuilt().triples.patched
    organisations = records / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    organisations.write_text(text.replace("en: Asia Economy", "en: Asia Kyungjeh"), "utf-8")
    built = rebuilt()
    assert built.triples.patched and b"Asia Kyungjeh" in _body(out)
    lines = built.graph.generation.folder / "lines" / "graph.nt"
    lines.write_bytes(lines.read_bytes()[:-100])  # cut short (a full disk)
    _edit_garam(records, "관제를 또 한다")
    assert not rebuilt().triples.patched


def _edit_garam(records: Path, words: str) -> None:
    garam = records / "garam.yaml"
    text = garam.read_text(encoding="utf-8")
    garam.write_text(text.replace("스마트팜 관제 시스템을 구축한다", words), encoding="utf-8")


def test_a_generation_a_reader_holds_is_kept_until_it_lets_go(records, tmp_path):
    """A serve that has not yet switched to a newer build reads the generation it
    opened: an update removes a generation only when no reader holds its lease."""
    folder = tmp_path / "store"
    held = _update(records, folder)  # generation 1, held by this reader from here
    held_number = held.generation.number
    reader = KeptStore(folder).open()
    assert reader.generation.number == held_number
    del held  # only the reader holds it now
    for words in ("관제를 한다", "관제를 또 한다", "관제를 다시 한다"):
        _edit_garam(records, words)
        newest = _update(records, folder)
    assert newest.generation.number == held_number + 3
    assert (folder / f"gen-{held_number}").is_dir()  # held: still there
    assert _ask(reader, ASK_FLOOD)  # and still read whole
    assert not (folder / f"gen-{held_number + 1}").exists()  # nobody held this one

    reader.lease.close()
    del reader
    _edit_garam(records, "관제를 끝낸다")
    _update(records, folder)
    assert not (folder / f"gen-{held_number}").exists()
    assert not (folder / "leases" / f"gen-{held_number}").exists()


def test_current_json_names_the_build_and_its_generation_holds_the_graphs(records, tmp_path):
    """What every query reads is a few hundred bytes: each named graph's key (4,229 of
    them at 1M triples, 0.9 MB) is in the generation's folder, for the next update."""
    held = _update(records, tmp_path / "store").generation
    current = json.loads((tmp_path / "store" / CURRENT).read_text(encoding="utf-8"))
    assert set(current) == {"generation", "origin", "build", "triples"}
    assert (current["build"], current["triples"]) == (held.digest, held.triples)
    again = KeptStore(tmp_path / "store").current()
    assert again.graphs == held.graphs and again.counts == held.counts
    assert again.triples == sum(held.counts.values())


def test_a_current_json_of_an_older_version_is_read_as_it_was(records, tmp_path):
    store = tmp_path / "store"
    held = _update(records, store).generation
    older = {
        "generation": held.number,
        "origin": held.origin,
        "graphs": held.graphs,
        "counts": held.counts,
    }
    (store / CURRENT).write_text(json.dumps(older), encoding="utf-8")
    (held.folder / HELD).unlink()
    read = KeptStore(store).current()
    assert (read.graphs, read.counts, read.triples) == (held.graphs, held.counts, held.triples)
    assert read.digest == held.digest  # the answers kept for it are still its own
    assert _update(records, store).generation.number == held.number  # nothing to store again


def test_a_store_opened_lazily_opens_oxigraphs_store_when_first_queried(
    records, tmp_path, monkeypatch
):
    _update(records, tmp_path / "store")
    opened = []
    read_only = pyoxigraph.Store.read_only
    monkeypatch.setattr(
        pyoxigraph.Store, "read_only", lambda path: opened.append(path) or read_only(path)
    )
    store = KeptStore(tmp_path / "store").open(lazily=True)
    assert opened == []
    assert _ask(store, ASK_FLOOD) and opened == [str(store.generation.folder)]


def test_a_glance_left_by_a_reader_is_read_until_a_file_changes(records, tmp_path):
    a_minute_ago = time.time() - 60
    for path in [*records.rglob("*"), records]:
        os.utime(path, (a_minute_ago, a_minute_ago))
    store = _update(records, tmp_path / "store")
    glance = store.generation.folder / GLANCE
    assert not glance.exists()
    assert KeptStore(tmp_path / "store").open_if_current(records) is not None
    assert {"./", "garam-more.yaml"} <= set(glance.read_text(encoding="utf-8").splitlines())
    assert KeptStore(tmp_path / "store").open_if_current(records) is not None
    glance.write_bytes(b"\xff damaged")  # not UTF-8: the folder is walked, a glance left anew
    assert KeptStore(tmp_path / "store").open_if_current(records) is not None
    assert "garam-more.yaml" in glance.read_text(encoding="utf-8").splitlines()
    (records / "garam-more.yaml").write_text("policies: []\n", encoding="utf-8")
    assert KeptStore(tmp_path / "store").open_if_current(records) is None
