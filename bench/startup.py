"""Start-up time of the commands that should answer at once (issue 14: under 0.1 s).

    .venv/bin/python bench/startup.py [--runs 10] [--script PATH]

Runs each command ``--runs`` times, each in a fresh process (the commands in turn,
so that a busy moment of the machine falls on all of them alike), and prints a
Markdown table of the median wall time beside the target, and the median CPU time
(user + system), which depends less on what else the machine runs. By default it
runs the installed console script beside this Python (``policy-graph``, what a user types),
else ``python -m policy_graph``; PYTHONPATH is passed on, so that
``PYTHONPATH=src .venv/bin/python bench/startup.py`` measures a checkout.

Two columns: as this environment runs it (with PYTHONDONTWRITEBYTECODE set, every
module of a source checkout is compiled at each start) and with bytecode cached, as
in an installed wheel (in a temporary PYTHONPYCACHEPREFIX, after one warm-up run, so
that the checkout stays clean). Two rows show the floor that policy-graph cannot go
below: Python itself, and Python importing click. A benchmark, not a test: nothing
here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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
FLOOR = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
}


def default_script() -> list[str]:
    """The console script installed beside this Python, else ``python -m policy_graph``."""
    script = Path(sys.executable).parent / "policy-graph"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "policy_graph"]


def seconds(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``, in a process
    of its own. CPU time hardly depends on what else the machine runs; wall time does."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def medians(
    commands: dict[str, list[str]], env: dict[str, str], runs: int
) -> dict[str, tuple[float, float]]:
    """The median wall and CPU time of each command, run in turn ``runs`` times after a
    warm-up."""
    for command in commands.values():
        seconds(command, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(seconds(command, env))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--script", help="The command to run (default: the console script).")
    args = parser.parse_args()
    script = [args.script] if args.script else default_script()
    commands = {f"policy-graph {' '.join(c)}": script + c for c in COMMANDS} | FLOOR
    as_is = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="pycache-") as cache:
        cached = {k: v for k, v in as_is.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        plain = medians(commands, as_is, args.runs)
        warm = medians(commands, cached, args.runs)
    bytecode = "not written" if as_is.get("PYTHONDONTWRITEBYTECODE") else "as found"
    print(f"Start-up of `{' '.join(script)}`, median of {args.runs} runs; {describe()}.\n")
    print(
        f"| command | wall (s), bytecode {bytecode} | wall (s), bytecode cached "
        "| CPU (s), bytecode cached | target (s) |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in commands:
        target = f"{TARGET}" if name.startswith("policy-graph") else "(floor)"
        row = f"{plain[name][0]:.3f} | {warm[name][0]:.3f} | {warm[name][1]:.3f}"
        print(f"| `{name}` | {row} | {target} |")


if __name__ == "__main__":
    main()
