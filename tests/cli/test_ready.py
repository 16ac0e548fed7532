"""Issue 25: ``policy-graph query NAME`` prints an answer ready for its request before
click is imported (cli.ready), the same bytes as the command printed when it found it;
a request that is not plain, or not answered before, goes to click as always."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from policy_graph import api
from policy_graph.cli.ready import ready_request
from tests.helpers import GARAM_SMART_FARM, MANY, REPO


@pytest.mark.parametrize(
    ("args", "request_"),
    [
        (["query", "budgets"], {"name": "budgets", "params": {}, "fmt": "table"}),
        (
            ["query", "budgets", "--format=csv", "--param", "government=가람군", "--lang", "en"],
            {"name": "budgets", "params": {"government": "가람군"}, "fmt": "csv", "lang": "en"},
        ),
        (
            ["query", "budgets", "--data", "d", "--store=s", "--param=a=1=2", "--param", "a=3"],
            {
                "name": "budgets",
                "params": {"a": "3"},
                "fmt": "table",
                "data_dir": "d",
                "store_dir": "s",
            },
        ),  # fmt: skip
        (
            ["query", "--format", "csv", "budgets"],
            {"name": "budgets", "params": {}, "fmt": "csv"},
        ),  # fmt: skip
        (
            ["query", "budgets", "--param", " a =x"],
            {"name": "budgets", "params": {"a": "x"}, "fmt": "table"},
        ),  # fmt: skip
    ],
)
def test_a_plain_request_is_read_as_the_query_command_reads_it(args, request_):
    assert ready_request(args) == request_


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["query"],
        ["queries", "budgets"],
        ["query", "budgets", "policies-per-department"],
        ["query", "-e", "ASK {}"],
        ["query", "budgets", "--limit", "5"],
        ["query", "budgets", "--offset=5"],
        ["query", "budgets", "--endpoint", "http://example.org/sparql"],
        ["query", "budgets", "--engine", "rdflib"],
        ["query", "budgets", "--graph-file", "g.nt"],
        ["query", "budgets", "--format", "csv", "--format", "tsv"],
        ["query", "budgets", "--format"],
        ["query", "budgets", "--format="],
        ["query", "budgets", "--data", "--format"],
        ["query", "budgets", "--param", "government"],
        ["query", "budgets", "--param", "=x"],
        ["query", "budgets", "--help"],
        ["query", "budgets", "--", "x"],
        ["query", "budgets", "extra"],
        ["--debug", "query", "budgets"],
    ],
)
def test_anything_else_is_left_to_click(args):
    assert ready_request(args) is None


def _ask(*args: str, cwd) -> tuple[str, bool]:
    """``policy-graph ARGS`` in a new process (the console script's main): what it
    printed, and whether click was imported."""
    code = (
        "import sys; from policy_graph.cli import main; sys.argv = ['policy-graph', *sys.argv[1:]]\n"
        "try: main()\nfinally: print('click' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, check=True
    )
    return done.stdout, done.stderr.strip().splitlines()[-1] == "True"


def test_the_command_prints_a_ready_answer_without_click(tmp_path):
    records, store = tmp_path / "records", tmp_path / "store"
    shutil.copytree(MANY, records)
    api.validate(records, store_dir=store)
    where = ["--data", str(records), "--store", str(store)]
    for government, has_smart_farm in (("garam", True), ("gwangju", False)):
        args = ["query", "budgets", *where, "--param", f"government={government}"]
        found, with_click = _ask(*args, cwd=REPO)
        assert with_click and (GARAM_SMART_FARM in found) == has_smart_farm
        assert _ask(*args, cwd=REPO) == (found, False)
        assert _ask(*args, "--format=csv", cwd=REPO)[1]  # another request: found by click
    with (records / "garam.yaml").open("a", encoding="utf-8") as garam:
        garam.write("# a comment: the records changed, a new build\n")
    changed = ["query", "budgets", *where, "--param", "government=garam"]
    assert _ask(*changed, cwd=REPO)[1]


def test_a_request_not_ready_looks_at_the_records_once(tmp_path):
    records, store = tmp_path / "records", tmp_path / "store"
    shutil.copytree(MANY, records)
    api.validate(records, store_dir=store)
    args = ["query", "budgets", "--data", str(records), "--store", str(store)]
    _ask(*args, cwd=REPO)  # the glance left for the next reader
    code = (
        "import sys; from policy_graph.graph import files; glance = files.glance_digest\n"
        "looks = []; files.glance_digest = lambda *a: looks.append(a) or glance(*a)\n"
        "from policy_graph.cli import main; sys.argv = ['policy-graph', *sys.argv[1:]]\n"
        "try: main()\nfinally: print(len(looks), file=sys.stderr)"
    )
    for fmt in ("tsv", "tsv"):  # found with click (one look, handed over), then ready
        done = subprocess.run(
            [sys.executable, "-c", code, *args, "--format", fmt, "--param", "government=garam"],
            capture_output=True, text=True, cwd=REPO, check=True,
        )  # fmt: skip
        assert GARAM_SMART_FARM in done.stdout
        assert done.stderr.strip().splitlines()[-1] == "1"
