"""The policy-graph command as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph

from policy_graph import load_records
from tests.helpers import DATA, MANY, MINIMAL, REPO, SHIPPED_DATA
from tests.helpers import run_cli as _run


def test_help_lists_the_commands_and_exit_codes(tmp_path):
    result = _run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert (
        "build     Load, check, convert and validate the records; write the graph." in result.stdout
    )
    help_text = " ".join(result.stdout.split())
    assert (
        "Exit status: 0 success; 1 bad input, failed validation or a file that cannot be "
        "read or written; 2 wrong usage; 3 an internal error (run with --debug and report it)."
    ) in help_text


HEAVY = (
    "rdflib",
    "pyoxigraph",
    "oxrdflib",
    "networkx",
    "pyshacl",
    "yaml",
    "jinja2",
    "pyvis",
    "kiwipiepy",
)


def _heavy_modules_after(*args: str) -> tuple[str, str]:
    """What `policy-graph ARGS` printed, and which heavy libraries it imported, in a
    process of its own (the list goes to stderr, after the command's output)."""
    code = (
        "import sys; from policy_graph.cli.main import cli\n"
        f"try: cli({list(args)!r}, prog_name='policy-graph')\n"
        "except SystemExit: pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout, result.stderr.strip()


def test_help_does_not_import_the_heavy_libraries():
    # Start-up (issue 14): --help and each command's --help answer without them.
    for args in (
        ["--help"],
        ["query", "--help"],
        ["build", "--help"],
        ["viz", "--help"],
        ["draft", "--help"],
    ):
        out, heavy = _heavy_modules_after(*args)
        assert out.startswith("Usage: policy-graph "), args
        assert heavy == "", args


def test_queries_lists_without_importing_the_heavy_libraries():
    out, heavy = _heavy_modules_after("queries")
    assert "policies-per-department\n    Policies per department · " in out
    assert heavy == ""


def test_build_writes_the_graph_and_prints_the_summary(tmp_path):
    result = _run("build", "--data", str(DATA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build" / "policy-graph.ttl"
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Built build/policy-graph.ttl from {DATA} (")
    assert "  policies           30" in lines
    assert "  departments        23" in lines
    graph = Graph().parse(out)
    assert f"  {'triples':<14}{len(graph):>7}" in lines
    assert lines[-1].startswith("  time ") and lines[-1].endswith(" s")


def test_build_writes_several_formats_beside_each_other(tmp_path):
    result = _run(
        "build",
        "--data",
        str(MINIMAL),
        "--out",
        "out/g.ttl",
        "--format",
        "ttl",
        "--format",
        "nt",
        "--format",
        "jsonld",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["g.jsonld", "g.nt", "g.ttl"]
    sizes = {len(Graph().parse(tmp_path / "out" / name)) for name in ("g.jsonld", "g.nt", "g.ttl")}
    assert len(sizes) == 1 and sizes.pop() > 200


def test_an_unknown_format_is_a_usage_error(tmp_path):
    result = _run("build", "--data", str(MINIMAL), "--format", "n3", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "Invalid value for '--format': 'n3' is not one of 'ttl', 'nt', 'jsonld', 'xml', 'trig'."
        in result.stderr
    )
    assert not (tmp_path / "build").exists()


def test_a_missing_records_folder_exits_1_and_writes_nothing(tmp_path):
    result = _run("build", "--data", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        result.stderr
        == "nowhere: no such records folder\npolicy-graph: 1 problem found; nothing was written\n"
    )
    assert not (tmp_path / "build").exists()


def test_an_ambiguous_focus_lists_the_matches_and_exits_2(tmp_path):
    graph_file = str(tmp_path / "many.ttl")
    common = ("--data", str(MANY), "--graph-file", graph_file, "--out-dir", "views")
    result = _run("viz", "--focus", "기획조정실", *common, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "policy-graph: '기획조정실' names 2 resources; give one of them by its id or IRI:\n"
        "  광주광역시 기획조정실 (department): gwangju-planning-coordination\n"
        "  한빛특별시 기획조정실 (department): hanbit-planning-coordination\n"
    )
    assert not (tmp_path / "views").exists()
    result = _run("viz", "--focus", "hanbit-planning-coordination", *common, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote views/focus-hanbit-planning-coordination.html (")


def test_stats_counts_governments_without_departments_and_names_units_with_them(tmp_path):
    graph_file = str(tmp_path / "many.ttl")
    result = _run("stats", "--data", str(MANY), "--graph-file", graph_file, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    stand_ins = "가람군, 한빛특별시, 한빛특별시 누리구"
    heading = "Technologies used by most departments (departments, policies; as tagged):"
    assert lines[lines.index(heading) - 1] == (
        "Departments below include 3 governments, for their policies without a department: "
        + stand_ins
    )
    assert lines[lines.index(heading) + 1 :][:2] == ["  AI: 5, 5", "  IoT: 4, 4"]
    assert "Departments sharing a technology with most others (of 10 others):" in lines
    assert "  한빛특별시 누리구: 8" in lines
    start = lines.index(
        "Technologies used together (Louvain communities of departments and technologies):"
    )
    communities = " ".join(lines[start:])
    assert "AI" in communities and "departments" in communities
    assert "기획조정실" not in communities.replace("광주광역시 기획조정실", "").replace(
        "한빛특별시 기획조정실", ""
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("policy_graph-*.whl")
    return built


def test_the_wheel_ships_the_ontology_and_the_records(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"policy_graph/ontology/policy-graph.ttl", "policy_graph/ontology/shapes.ttl"} <= names
    assert "policy_graph/data/gwangju/policies.yaml" in names
    assert "policy_graph/queries/README.md" in names
    assert "policy_graph/queries/policies-per-department.rq" in names
    assert {
        "policy_graph/views/view.html.j2",
        "policy_graph/views/index.html.j2",
        "policy_graph/views/static/view.js",
        "policy_graph/views/static/echarts/echarts.min.js",
        "policy_graph/endpoint/editor.html",
        "policy_graph/endpoint/static/editor.js",
        "policy_graph/endpoint/static/yasgui/yasgui.min.js",
        "policy_graph/endpoint/static/yasgui/yasgui.min.css",
    } <= names


def test_the_wheel_builds_the_article_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    import os

    env = {**os.environ, "PYTHONPATH": str(site)}
    result = _run("build", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert f"from {site / 'policy_graph' / 'data'} (" in result.stdout
    shipped = len(load_records(SHIPPED_DATA).policies)
    assert f"  policies      {shipped:>7}" in result.stdout.splitlines() and shipped > 100
    assert (work / "build" / "policy-graph.ttl").stat().st_size > 10_000
