"""What tests share besides fixtures (those are in conftest.py): where the fixtures'
records are, running the command as a child process, a real `policy-graph serve`,
Debian's Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
# The article's records (Gwangju, 2021-01-19), frozen: exact counts and rows are tested
# on them (see its README.md). The shipped corpus, which grows, is SHIPPED_DATA.
DATA = TEST_DATA / "article"
SHIPPED_DATA = REPO / "data"
MINIMAL = TEST_DATA / "minimal"
# Four governments of four kinds (see its README.md): a metropolitan city, a special
# city with strands and a unit inside a unit, a district and a county with no departments.
MANY = TEST_DATA / "many-governments"
GARAM_SMART_FARM = "농업 빅데이터 기반 스마트팜 관제 시스템"  # a policy of Garam's (MANY) alone
BAD_CASES = sorted(p.name for p in (TEST_DATA / "bad").iterdir() if p.is_dir())
SOURCES = REPO.parent / "shared" / "sources"
ARTICLE = SOURCES / "asiae-2021-01-19-gwangju-1ai.txt"


def cli_command(*args: str) -> list[str]:
    """``policy-graph ARGS`` as a child process runs it: the package under test."""
    return [sys.executable, "-m", "policy_graph", *args]


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``policy-graph ARGS`` run to its end in ``cwd``: exit code, stdout and stderr."""
    return subprocess.run(
        cli_command(*args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def copy_with_edits(case: str, target: Path) -> Path:
    """A copy of the minimal fixture with the edits of ``bad/<case>/edits.yaml`` applied."""
    shutil.copytree(MINIMAL, target)
    edits = yaml.safe_load((TEST_DATA / "bad" / case / "edits.yaml").read_text(encoding="utf-8"))
    for edit in edits:
        path = target / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert text.count(edit["replace"]) == 1, f"{case}: the edit no longer fits {edit['file']}"
        path.write_text(text.replace(edit["replace"], edit["with"]), encoding="utf-8")
    return target


def wait_for(check, seconds: float = 20.0) -> bool:
    """Whether ``check()`` came true within ``seconds`` (asked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def child_processes(pid: int) -> list[int]:
    """The processes that ``pid`` started and that still run (Linux's /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    """Wait until ``url`` answers; fail with the end of ``log`` if ``process`` dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.25)
    process.kill()
    pytest.fail(f"{url} did not answer within {seconds:g} s")


@contextmanager
def serving(work: Path, *options: str, log_name: str = "serve.log", env: dict | None = None):
    """A real `policy-graph serve` with ``options`` on a free loopback port, run in
    ``work`` (its log there, ``env`` its environment); yields its base URL, process and
    log; stopped after."""
    port = free_port()
    log = work / log_name
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(
            cli_command("serve", "--port", str(port), *options),
            cwd=work, stdout=stream, stderr=stream, env=env,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/sparql?query=ASK%7B%7D", process, 60, log)
        yield base, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Debian's Chromium, driven by Playwright (no browser build is downloaded).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def decimals_as_values(graph):
    """``graph`` with each decimal in one lexical form of its value: rdflib's Turtle
    writer writes the decimal "20000000000" as 20000000000.0, which rdflib reads back as
    another literal of the same value."""
    from decimal import Decimal

    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(str(Decimal(str(o)).normalize()), datatype=XSD.decimal)
        out.add((s, p, o))
    return out
