"""Work in a forked process beside this one's (graph/beside.py), and a build's SHACL
checked so while it sorts its runs."""

from __future__ import annotations

import os
import threading

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from policy_graph import api
from policy_graph.errors import InputError, Problem
from policy_graph.generate import generate
from policy_graph.graph import pipeline, shacl
from policy_graph.graph.beside import made_beside
from policy_graph.graph.triples import build_graph
from policy_graph.records.iris import PGID


def test_the_work_is_done_in_another_process_while_this_one_does_its_own():
    here = os.getpid()
    done_here = []
    pid = made_beside(os.getpid, lambda: done_here.append(os.getpid()))
    assert pid != here and done_here == [here]


def test_an_exception_of_the_work_is_raised_here_as_it_was():
    def failing():
        raise ValueError("no such city: 'x'")

    with pytest.raises(ValueError, match="^no such city: 'x'$"):
        made_beside(failing, lambda: None)


def test_an_exception_that_pickle_cannot_carry_comes_as_one_naming_it():
    def failing():
        raise InputError([Problem("a.yaml", message="broken")])

    with pytest.raises(RuntimeError, match=r"^in the forked process: InputError: "):
        made_beside(failing, lambda: None)


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


@pytest.fixture
def city_by_city(monkeypatch):
    """SHACL city by city past 5 policies; each fork's process id, as it hands back."""
    monkeypatch.setattr(shacl, "SHACL_WHOLE_UP_TO", 5)
    monkeypatch.setattr(shacl, "SHACL_SAMPLE_CITIES", 2)
    forked = []

    def spied(work, meanwhile):
        return made_beside(lambda: (work(), os.getpid()), meanwhile)

    def unwrapped(work, meanwhile):
        value, pid = spied(work, meanwhile)
        forked.append(pid)
        return value

    monkeypatch.setattr(pipeline, "made_beside", unwrapped)
    return forked


def test_a_build_checked_city_by_city_writes_what_a_validation_then_a_write_would(
    tmp_path, city_by_city
):
    generate(tmp_path / "data", cities=4, policies_per_city=3, seed=3)
    built = api.build(tmp_path / "data", tmp_path / "g.nt", ["nt"])
    assert built.shacl == "a sample of 2 of 4 cities (--full-shacl for all)"
    assert len(city_by_city) == 1 and city_by_city[0] != os.getpid()  # checked in a fork
    checked = api.validate(tmp_path / "data", reuse=False)
    assert checked.shacl == built.shacl and checked.counts == built.counts
    lines = [line for line in (tmp_path / "g.nt").read_bytes().splitlines() if line[:1] != b"#"]
    assert lines == b"".join(checked.triples.chunks()).splitlines()
    assert built.counts["policies"] == 4 * 3


def test_a_shacl_problem_found_in_the_fork_fails_the_build_and_writes_nothing(
    tmp_path, city_by_city, monkeypatch
):
    generate(tmp_path / "data", cities=4, policies_per_city=3, seed=3)

    def unlabelled(records):  # the sources without their labels: SHACL's problem
        graph = build_graph(records)
        for source in records.sources:
            graph.remove((URIRef(PGID[f"source/{source.id}"]), RDFS.label, None))
        return graph

    monkeypatch.setattr(shacl, "build_graph", unlabelled)
    with pytest.raises(InputError) as raised:
        api.build(tmp_path / "data", tmp_path / "g.nt", ["nt"])
    fields = {problem.field for problem in raised.value.problems}
    assert "label" in " ".join(str(problem) for problem in raised.value.problems), fields
    assert not (tmp_path / "g.nt").exists()
    assert len(city_by_city) == 1 and city_by_city[0] != os.getpid()  # found in the fork
