"""Start-up time of the commands that should answer at once (issue 14: under 0.1 s).

    .venv/bin/python bench/startup.py [--runs 10] [--script PATH]

Runs each command ``--runs`` times, each in a fresh process, and prints a Markdown
table of the median wall time beside the target. By default it runs the installed
console script beside this Python (``policy-graph``, what a user types), else
``python -m policy_graph``; PYTHONPATH is passed on, so that
``PYTHONPATH=src .venv/bin/python bench/startup.py`` measures a checkout. A benchmark,
not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe

TARGET = 0.1  # seconds: issue 14
COMMANDS = (
    ["--help"],
    ["--version"],
    ["queries"],
    ["build", "--help"],
    ["query", "--help"],
    ["serve", "--help"],
    ["viz", "--help"],
)


def default_script() -> list[str]:
    """The console script installed beside this Python, else ``python -m policy_graph``."""
    script = Path(sys.executable).parent / "policy-graph"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "policy_graph"]


def seconds(command: list[str]) -> float:
    """Wall time of one run of ``command``, in a process of its own."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--script", help="The command to run (default: the console script).")
    args = parser.parse_args()
    script = [args.script] if args.script else default_script()
    print(f"Start-up of `{' '.join(script)}`, median of {args.runs} runs; {describe()}.\n")
    print("| command | median (s) | target (s) |")
    print("|---|---:|---:|")
    for command in COMMANDS:
        runs = [seconds(script + command) for _ in range(args.runs)]
        median = statistics.median(runs)
        mark = "" if median < TARGET else " (over)"
        print(f"| `policy-graph {' '.join(command)}` | {median:.3f}{mark} | {TARGET} |")


if __name__ == "__main__":
    main()
