"""Work in a forked process beside this one's (graph/beside.py), and a build's SHACL
checked so while it sorts its runs.

A fork is made only where no other thread runs; the test process runs threads of
earlier tests, so each fork is tried in a fresh interpreter of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import policy_graph
from policy_graph.graph.beside import made_beside

SOURCE = str(Path(policy_graph.__file__).resolve().parent.parent)  # this checkout's


def _in_a_fresh_python(code: str, *args: str) -> dict:
    """What ``code`` (run by a new interpreter with ``args``) prints as JSON."""
    env = dict(os.environ, PYTHONPATH=SOURCE)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_work_is_done_in_another_process_while_this_one_does_its_own():
    found = _in_a_fresh_python("""
        import json, os
        from policy_graph.graph.beside import made_beside
        here = []
        there = made_beside(os.getpid, lambda: here.append(os.getpid()))
        print(json.dumps({"parent": os.getpid(), "work": there, "meanwhile": here}))
    """)
    assert found["work"] != found["parent"] and found["meanwhile"] == [found["parent"]]


def test_exceptions_come_back_as_they_were_or_as_one_naming_them():
    found = _in_a_fresh_python("""
        import json
        from policy_graph.errors import InputError, Problem
        from policy_graph.graph.beside import made_beside

        def raising(error):
            def work():
                raise error
            return work

        said = []
        for error in (ValueError("no such city: 'x'"),
                      InputError([Problem("a.yaml", message="broken")])):
            try:
                made_beside(raising(error), lambda: None)
            except Exception as raised:
                said.append([type(raised).__name__, str(raised)])
        print(json.dumps(said))
    """)
    assert found == [
        ["ValueError", "no such city: 'x'"],
        ["RuntimeError", "in the forked process: InputError: a.yaml: broken"],
    ]


def test_with_another_thread_running_both_run_here_one_after_the_other():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        order = []
        pid = made_beside(
            lambda: order.append("work") or os.getpid(), lambda: order.append("meanwhile")
        )
    finally:
        stop.set()
        other.join()
    assert pid == os.getpid() and order == ["meanwhile", "work"]


def test_a_thread_alongside_leaves_the_work_to_a_fork():
    """A thread named alongside (one that loads the store, which the work never uses)
    does not keep the work from a fork; any other one does (above). In a new
    interpreter: no thread of another test runs there."""
    found = _in_a_fresh_python("""
        import json, os, threading
        from policy_graph.graph.beside import made_beside
        stop = threading.Event()
        loading = threading.Thread(target=stop.wait)
        loading.start()
        try:
            pids = [made_beside(os.getpid, lambda: None, alongside=[loading]),
                    made_beside(os.getpid, lambda: None)]
        finally:
            stop.set()
            loading.join()
        print(json.dumps({"here": os.getpid(), "work": pids}))
    """)
    assert found["work"][0] != found["here"] and found["work"][1] == found["here"]


# A build of 4 governments' 12 policies, SHACL city by city past 5 policies, with each
# fork's process id (and, given "unlabelled", the sources' labels gone from SHACL's
# graphs: a problem only SHACL finds).
BUILD = """
    import json, os, sys
    from pathlib import Path
    from rdflib import URIRef
    from rdflib.namespace import RDFS
    from policy_graph import api
    from policy_graph.errors import InputError
    from policy_graph.generate import generate
    from policy_graph.graph import beside, pipeline, shacl
    from policy_graph.graph.triples import build_graph
    from policy_graph.records.iris import PGID

    work = Path(sys.argv[1])
    shacl.SHACL_WHOLE_UP_TO, shacl.SHACL_SAMPLE_CITIES = 5, 2
    forks = []

    def spied(check, meanwhile, **options):
        value, pid = beside.made_beside(lambda: (check(), os.getpid()), meanwhile, **options)
        forks.append(pid)
        return value

    pipeline.made_beside = spied
    if sys.argv[2] == "unlabelled":
        def unlabelled(records):
            graph = build_graph(records)
            for source in records.sources:
                graph.remove((URIRef(PGID[f"source/{source.id}"]), RDFS.label, None))
            return graph
        shacl.build_graph = unlabelled
    generate(work / "data", cities=4, policies_per_city=3, seed=3)
    found = {"parent": os.getpid()}
    try:
        built = api.build(work / "data", work / "g.nt", ["nt"], store_dir=work / "store")
        found.update(shacl=built.shacl, counts=built.counts)
    except InputError as error:
        found["problems"] = [str(problem) for problem in error.problems]
    found.update(forks=forks, written=(work / "g.nt").exists())
    found["store"] = sorted(entry.name for entry in (work / "store").iterdir())
    print(json.dumps(found))
"""


def test_a_build_checked_city_by_city_writes_what_a_validation_then_a_write_would(
    tmp_path, monkeypatch
):
    from policy_graph import api
    from policy_graph.graph import shacl

    found = _in_a_fresh_python(BUILD, str(tmp_path), "as it is")
    assert len(found["forks"]) == 1 and found["forks"][0] != found["parent"]  # in a fork
    assert found["shacl"] == "a sample of 2 of 4 cities (--full-shacl for all)"
    assert found["counts"]["policies"] == 4 * 3 and found["written"]
    assert found["store"] == ["current.json", "gen-1", "leases", "lock"]
    monkeypatch.setattr(shacl, "SHACL_WHOLE_UP_TO", 5)
    monkeypatch.setattr(shacl, "SHACL_SAMPLE_CITIES", 2)
    checked = api.validate(tmp_path / "data", reuse=False)
    assert checked.shacl == found["shacl"] and checked.counts == found["counts"]
    lines = [line for line in (tmp_path / "g.nt").read_bytes().splitlines() if line[:1] != b"#"]
    assert lines == b"".join(checked.triples.chunks()).splitlines()


def test_a_shacl_problem_found_in_the_fork_fails_the_build_and_writes_nothing(tmp_path):
    found = _in_a_fresh_python(BUILD, str(tmp_path), "unlabelled")
    assert len(found["forks"]) == 1 and found["forks"][0] != found["parent"]
    assert found["problems"] and not found["written"]
    assert any("label" in problem for problem in found["problems"]), found["problems"]
    # The store was filled while the fork checked, and never published: gone.
    assert found["store"] == ["lock"]
