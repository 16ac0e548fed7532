"""Progress of long steps: counts on a terminal, nothing when piped."""

from __future__ import annotations

import io

from policy_graph import api
from policy_graph.progress import TerminalProgress
from policy_graph.records.folder import record_files
from tests.helpers import DATA


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_build_reports_every_step_it_takes(tmp_path):
    heard = []
    report = lambda *a: heard.append(a)  # noqa: E731
    api.build(DATA, tmp_path / "graph.ttl", ["ttl", "nt"], report=report, reuse=False)
    files = len(record_files(DATA))
    assert heard[0] == ("reading records", 0, files) and heard[-1] == ("serialising nt", 1, 2)
    assert files > 5 and ("reading records", files, files) in heard
    # The reader processes made each file's triples: they are stored file by file, each
    # in a named graph of the kept store, and the triples that files make together.
    assert ("storing triples (files)", files + 1, files + 1) in heard

    heard.clear()  # again: every file is known by its stats as the first build kept it
    api.build(DATA, tmp_path / "graph.ttl", ["ttl", "nt"], report=report)
    assert heard[0] == ("reading records", files, files)


def test_the_rdflib_engine_reports_converting_policy_by_policy(tmp_path):
    heard = []
    api.build(DATA, tmp_path / "graph.ttl", engine="rdflib", report=lambda *a: heard.append(a))
    assert ("converting to RDF (policies)", 30, 30) in heard


def test_counts_are_drawn_on_a_terminal_and_erased_at_the_end():
    stream = Terminal()
    with TerminalProgress(stream, interval=0) as report:
        report("SHACL, city by city", 1, 3)
        report("SHACL, city by city", 3, 3)
    assert stream.getvalue() == (
        "\r\033[KSHACL, city by city: 1/3\r\033[KSHACL, city by city: 3/3\r\033[K"
    )


def test_nothing_is_written_when_piped():
    stream = io.StringIO()
    with TerminalProgress(stream) as report:
        report("reading records", 1, 1_000)
    assert stream.getvalue() == ""


def test_large_counts_are_grouped_and_updates_throttled():
    stream = Terminal()
    report = TerminalProgress(stream, interval=60)
    report("converting to RDF (policies)", 0, 62_000)
    report("converting to RDF (policies)", 1_000, 62_000)  # too soon: skipped
    report("converting to RDF (policies)", 62_000, 62_000)  # the last one always shows
    assert stream.getvalue().split("\r\033[K")[1:] == [
        "converting to RDF (policies): 0/62,000",
        "converting to RDF (policies): 62,000/62,000",
    ]
