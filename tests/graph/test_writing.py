"""Graph files from sorted runs: the pieces of runs put in order are the sorted lines."""

from __future__ import annotations

import random

import pytest

from policy_graph.graph.engines import own_ntriples, shared_ntriples
from policy_graph.graph.writing import patched_chunks, sorted_chunks, sorted_lines
from policy_graph.records.iris import KIND_PREFIXES, PGID
from policy_graph.records.reading import FileWork, read_folder
from tests.helpers import DATA, MANY, SHIPPED_DATA


def _joined(chunks) -> bytes:
    return b"".join(bytes(chunk) for chunk in chunks)


@pytest.mark.parametrize("folder", [DATA, MANY, SHIPPED_DATA], ids=["article", "many", "data"])
def test_the_runs_of_a_build_give_its_sorted_lines(folder):
    reading = read_folder(folder, work=FileWork(triples=own_ntriples), reuse=False)
    runs = [shared_ntriples(reading.records), *reading.runs()]
    lines = sorted_lines(runs)
    assert len(lines) > 500 and lines == sorted(set(lines))
    # No triple is made by two files: every line of every run is in the graph once.
    assert len(lines) == sum(run.count(b"\n") for run in runs)
    chunks = sorted_chunks(runs)
    assert _joined(chunks) == b"".join(lines)
    assert len(chunks) < len(lines) / 2  # mostly whole pieces of runs, not lines


def _random_runs(rnd: random.Random) -> list[bytes]:
    """Sorted runs of lines of subjects of our kinds, some lines in two runs."""
    kinds = sorted(KIND_PREFIXES)
    lines = {
        f'<{PGID}{rnd.choice(kinds)}/{rnd.randint(0, 30)}> <http://p> "{rnd.randint(0, 3)}" .\n'
        for _ in range(rnd.randint(0, 60))
    }
    runs: list[list[str]] = [[] for _ in range(rnd.randint(1, 6))]
    for line in sorted(lines):
        for index in rnd.sample(range(len(runs)), rnd.randint(1, min(2, len(runs)))):
            runs[index].append(line)
    return ["".join(sorted(run)).encode() for run in runs]


def test_pieces_in_order_are_the_sorted_lines_however_runs_interleave():
    rnd = random.Random(25)
    for _ in range(3000):
        runs = _random_runs(rnd)
        assert _joined(sorted_chunks(runs)) == b"".join(sorted_lines(runs)), runs


def test_the_lines_that_several_runs_make_are_counted():
    rnd = random.Random(28)
    for _ in range(1000):
        runs = _random_runs(rnd)
        repeated: dict[bytes, int] = {}
        sorted_chunks(runs, repeated)
        lines = [line for run in runs for line in run.splitlines(keepends=True)]
        assert repeated == {line: lines.count(line) for line in lines if lines.count(line) > 1}


def test_a_graph_patched_is_the_graph_of_its_runs_merged_again():
    """Runs taken out and put in (a rebuild's changed, removed and added files), lines
    that several runs make among them: the same lines, and the same count of each
    repeated line, as the runs then held merged anew."""
    rnd = random.Random(29)
    for _ in range(2000):
        runs = _random_runs(rnd)
        repeated: dict[bytes, int] = {}
        graph = _joined(sorted_chunks(runs, repeated))
        out = rnd.sample(range(len(runs)), rnd.randint(0, len(runs)))
        put_in = [run for run in _random_runs(rnd) if rnd.random() < 0.5]
        now = [run for index, run in enumerate(runs) if index not in out] + put_in
        patched = patched_chunks(graph, [runs[index] for index in out], put_in, repeated)
        expected: dict[bytes, int] = {}
        assert _joined(patched) == _joined(sorted_chunks(now, expected)), (runs, out, put_in)
        assert repeated == expected


def test_runs_taken_out_that_the_graph_was_not_made_of_leave_it_unpatched():
    runs = [b"<a> <p> 1 .\n<b> <p> 1 .\n", b"<b> <p> 1 .\n<c> <p> 1 .\n"]
    repeated: dict[bytes, int] = {}
    graph = _joined(sorted_chunks(runs, repeated))
    assert graph == b"<a> <p> 1 .\n<b> <p> 1 .\n<c> <p> 1 .\n"
    assert repeated == {b"<b> <p> 1 .\n": 2}
    # <d> is in no run; <b> is made by two runs, not three.
    for taken_out in ([b"<d> <p> 1 .\n"], [runs[0], runs[1], b"<b> <p> 1 .\n"]):
        assert patched_chunks(graph, taken_out, [b"<e> <p> 1 .\n"], repeated) is None
        assert repeated == {b"<b> <p> 1 .\n": 2}
    patched = patched_chunks(graph, [runs[1]], [], repeated)
    assert _joined(patched) == b"<a> <p> 1 .\n<b> <p> 1 .\n" and repeated == {}


def test_a_kinds_first_line_is_found_as_a_scan_of_the_lines_finds_it():
    from policy_graph.graph.writing import _KIND_STARTS, _first_line_from

    rnd = random.Random(26)
    for _ in range(500):
        run = b"".join(sorted(set(b"".join(_random_runs(rnd)).splitlines(keepends=True))))
        starts = [0, *(i + 1 for i, byte in enumerate(run) if byte == ord("\n"))]
        for key in [*_KIND_STARTS, b"", b"<", b"~"]:
            expected = next((s for s in starts if run[s : s + len(key)] >= key), len(run))
            assert _first_line_from(run, key) == min(expected, len(run)), (run, key)


def test_runs_are_cut_where_each_kind_they_hold_starts():
    from policy_graph.graph.writing import _KIND_STARTS, _pieces

    rnd = random.Random(27)
    odd = [b"<http://other/x> <http://p> 1 .\n", b"_:b <http://p> 1 .\n", b"<~> <http://p> 1 .\n"]
    for _ in range(500):
        lines = set(b"".join(_random_runs(rnd)).splitlines(keepends=True))
        lines |= set(rnd.sample(odd, rnd.randint(0, len(odd))))
        run = b"".join(sorted(lines))
        if not run:
            continue
        starts = [0, *(i + 1 for i, byte in enumerate(run) if byte == ord("\n"))][:-1]
        expected = {0} | {
            next(s for s in starts if run.startswith(key, s))
            for key in _KIND_STARTS
            if any(run.startswith(key, s) for s in starts)
        }
        assert [piece.start for piece in _pieces(run)] == sorted(expected), run
