#!/usr/bin/env python3
"""Set up and run policy-graph's everyday jobs with nothing but Python 3.11+.

    python3 tasks.py demo    # create .venv, install, build the graph and write the views
    python3 tasks.py test    # create .venv, install with test extras, run pytest
    python3 tasks.py lint    # ruff check and format check
    python3 tasks.py docs    # regenerate docs/records.md and docs/records.schema.json
    python3 tasks.py fuzz    # a long fuzz run of broken records: 2,000 random cases

Each job creates ``.venv`` if it is missing and (re)installs the project into it
when ``pyproject.toml`` changed since the last install, so a second run is quick.
Extra arguments after ``test`` and ``fuzz`` go to pytest. ``fuzz`` runs
``tests/test_fuzz.py``'s property with its long profile (``POLICY_GRAPH_FUZZ=long``),
half an hour when nothing fails; ``POLICY_GRAPH_FUZZ_EXAMPLES=N`` sets how many cases.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    completed = subprocess.run([str(c) for c in command], cwd=ROOT)
    if completed.returncode:
        sys.exit(completed.returncode)


def ensure_venv(extras: str = "") -> None:
    """Create .venv and install the project (editable) with ``extras`` unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older python3
        sys.exit(f"policy-graph needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'core'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


def demo(args: list[str]) -> None:
    ensure_venv()
    _run(PYTHON, "-m", "policy_graph", "build", *args)
    _run(PYTHON, "-m", "policy_graph", "viz", "--all")
    print(f"Open {ROOT / 'build' / 'views' / 'index.html'} in a browser.")


def test(args: list[str]) -> None:
    ensure_venv("test")
    _run(PYTHON, "-m", "pytest", *args)


def fuzz(args: list[str]) -> None:
    ensure_venv("test")
    os.environ["POLICY_GRAPH_FUZZ"] = "long"  # the profile of tests/test_fuzz.py
    _run(PYTHON, "-m", "pytest", "tests/test_fuzz.py", "-k", "property", *args)


def lint(args: list[str]) -> None:
    ensure_venv("dev")
    _run(PYTHON, "-m", "ruff", "check", "src", "tests", "examples", "bench", "tasks.py", *args)
    _run(PYTHON, "-m", "ruff", "format", "--check", "src", "tests", "examples", "bench", "tasks.py")


def docs(args: list[str]) -> None:
    ensure_venv()
    code = "from policy_graph.record_docs import write_docs; write_docs('docs')"
    _run(PYTHON, "-c", code)


JOBS = {"demo": demo, "test": test, "fuzz": fuzz, "lint": lint, "docs": docs}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}} [arguments]")
    JOBS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
