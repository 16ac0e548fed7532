"""Failures that are not in the records: unreadable or truncated graph files, paths
that cannot be written, and errors nobody foresaw. Each ends in one line on stderr
and a documented exit code; --debug shows the traceback instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL
from tests.helpers import run_cli as _run

# The article's default query, answered from a graph file that is not whole.
QUERY = ("query", "policies-per-department")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The minimal records built as Turtle and N-Triples."""
    folder = tmp_path_factory.mktemp("built")
    result = _run(
        "build", "--data", str(MINIMAL), "--out", "graph.ttl", "--format", "ttl",
        "--format", "nt", cwd=folder,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(("suffix", "title"), [(".ttl", "Turtle"), (".nt", "N-Triples")])
def test_a_truncated_graph_file_is_one_line_naming_it(built, tmp_path, engine, suffix, title):
    whole = (built / f"graph{suffix}").read_bytes()
    # Cut inside a line, as a full disk or an interrupted copy would.
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(whole[: whole.index(b"\n", len(whole) // 2) - 5])
    result = _run(*QUERY, "--graph-file", cut.name, "--engine", engine, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"policy-graph: {cut.name} is not a whole {title} graph (")
    assert lines[0].endswith("): rebuild it with policy-graph build, or name another --graph-file")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_file_of_another_kind_is_not_a_graph(tmp_path, engine):
    (tmp_path / "photo.ttl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = _run(*QUERY, "--graph-file", "photo.ttl", "--engine", engine, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "policy-graph: note: photo.ttl does not record which records it was built from; "
        "using it as it is (it may be stale)",
        result.stderr.splitlines()[1],
    ]
    assert result.stderr.splitlines()[1].startswith(
        "policy-graph: photo.ttl is not a whole Turtle graph ("
    )


def test_an_output_under_a_regular_file_is_one_line(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    result = _run("build", "--data", str(MINIMAL), "--out", "taken/graph.ttl", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "policy-graph: cannot write taken/graph.ttl: taken is a file, not a folder"
    ]
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "a file, not a folder\n"


def test_debug_shows_the_traceback_before_the_line(tmp_path):
    (tmp_path / "taken").write_text("", encoding="utf-8")
    args = ("build", "--data", str(MINIMAL), "--out", "taken/graph.ttl")
    shown = _run("--debug", *args, cwd=tmp_path)
    assert shown.returncode == 1
    assert shown.stderr.startswith("Traceback (most recent call last):")
    assert shown.stderr.splitlines()[-1] == (
        "policy-graph: cannot write taken/graph.ttl: taken is a file, not a folder"
    )
    quiet = _run(*args, cwd=tmp_path)
    assert "Traceback" not in quiet.stderr


def test_an_unforeseen_error_is_one_line_that_asks_for_a_report():
    from policy_graph.cli.failures import unexpected_in_words

    error = LookupError("a value nobody expected\nover two lines")
    assert unexpected_in_words(error) == (
        "internal error: LookupError: a value nobody expected over two lines (a bug: run "
        "again with --debug before the command for the traceback, and report it)"
    )
    assert unexpected_in_words(IsADirectoryError(21, "Is a directory", "data/x.yaml")) == (
        "data/x.yaml: Is a directory"
    )
    from concurrent.futures.process import BrokenProcessPool

    assert unexpected_in_words(BrokenProcessPool("terminated abruptly")) == (
        "a process reading the records ended abruptly (out of memory, or killed)"
    )
    long = unexpected_in_words(ValueError("x" * 10_000))
    assert len(long) < 320 and "x" * 200 + "…" in long


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_graph_file_cut_at_a_line_is_told_by_its_triple_count(built, tmp_path, engine):
    """Cut between two lines, N-Triples still parses: the header's count tells."""
    lines = (built / "graph.nt").read_bytes().splitlines(keepends=True)
    header = lines[1].decode()
    assert '"triples": ' in header
    total = int(header.split('"triples": ')[1].split("}")[0].split(",")[0])
    assert total == len(lines) - 2  # two comment lines, then one triple a line
    cut = tmp_path / "cut.nt"
    cut.write_bytes(b"".join(lines[:40]))
    result = _run(*QUERY, "--graph-file", "cut.nt", "--engine", engine, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"policy-graph: cut.nt holds 38 triples where its header says {total:,}: it was "
        "cut short or edited; rebuild it with policy-graph build"
    ]
    whole = _run(*QUERY, "--graph-file", str(built / "graph.nt"), "--engine", engine, cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr


def test_the_out_suffix_chooses_the_format_and_a_mismatch_is_refused(tmp_path):
    from click.testing import CliRunner

    from policy_graph.cli.main import cli

    runner = CliRunner()
    built = runner.invoke(cli, ["build", "--data", str(MINIMAL), "--out", str(tmp_path / "g.nt")])
    assert built.exit_code == 0, built.output
    lines = (tmp_path / "g.nt").read_text(encoding="utf-8").splitlines()
    first = next(line for line in lines if line[:1] != "#")
    assert first.startswith("<https://w3id.org/policy-graph/") and first.endswith(" .")

    out = tmp_path / "other.nt"
    refused = runner.invoke(
        cli, ["build", "--data", str(MINIMAL), "--out", str(out), "--format", "ttl"]
    )
    assert refused.exit_code == 2 and not out.exists()
    assert refused.output.splitlines()[-1] == (
        f"policy-graph: --out {out} names a N-Triples file, but --format is ttl: give the file the "
        "suffix .ttl, or drop --format (the suffix then chooses it)"
    )
