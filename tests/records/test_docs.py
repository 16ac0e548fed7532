"""The README keeps up with the code: its quick start, its commands, its saved queries."""

from __future__ import annotations

import re

from policy_graph.cli.main import cli
from policy_graph.query.saved import saved_queries
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_the_two_commands_that_ci_runs():
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    assert block.splitlines() == ["python3 tasks.py demo", "python3 tasks.py test"]
    assert "python3 tasks.py test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"policy-graph {name}" in README, name


def test_every_saved_query_is_in_the_readme_table():
    for name in saved_queries():
        assert f"| `{name}` |" in README, name
