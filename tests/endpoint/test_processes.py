"""`serve --processes N`: several HTTP processes on one port (issue 25), each with its
own lanes, answers kept and watch for new builds."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.sharedctypes import RawArray
from pathlib import Path

import pytest

from policy_graph.endpoint.processes import Share
from policy_graph.endpoint.sandbox import REFUSE_FOR_TESTS
from policy_graph.endpoint.workers import Limits
from tests.helpers import MANY, child_processes, run_cli, serving, wait_for

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _ask(base: str, query: str = COUNT, headers: dict | None = None):
    """One request on a new connection: status, headers, body."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(
            "GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
            headers={"Accept": "application/sparql-results+json", **(headers or {})},
        )  # fmt: skip
        reply = connection.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        connection.close()


def _established(pid: int, port: int) -> int:
    """Connections to ``port`` that process ``pid`` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:
                held += 1
    return held


@pytest.fixture
def two_processes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MANY, data)
    options = ("--data", str(data), "--graph-file", str(tmp_path / "graph.nt"),
               "--processes", "2", "--workers", "2", "--watch-interval", "0.3")  # fmt: skip
    with serving(tmp_path, *options) as running:
        base, process, log = running
        assert wait_for(lambda: "2 HTTP processes sharing" in log.read_text()), log.read_text()
        yield data, tmp_path / "graph.nt", running


def test_two_http_processes_each_with_its_keeper_answer_on_one_port(two_processes):
    _data, _graph, (base, process, log) = two_processes
    http_processes = child_processes(process.pid)
    assert len(http_processes) == 2
    for pid in http_processes:  # each its own keeper, with its lanes' workers under it
        keepers = child_processes(pid)
        assert len(keepers) == 1
        assert len(child_processes(keepers[0])) == 1 + 2  # a query worker, the pages', the spare
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: _ask(base, f"{COUNT} # {i}"), range(64)))
    assert {status for status, _, _ in answers} == {200}
    counts = {json.loads(body)["results"]["bindings"][0]["n"]["value"] for *_, body in answers}
    assert len(counts) == 1 and int(counts.pop()) > 100
    assert log.read_text().count('"serving graph.nt: ') == 2


def test_connections_are_shared_out_between_the_processes(two_processes):
    _data, _graph, (base, process, _log) = two_processes
    port = urllib.parse.urlsplit(base).port
    held = []
    for _ in range(6):  # keep-alive connections, opened one after another
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/sparql?query=ASK%7B%7D")
        connection.getresponse().read()
        held.append(connection)
    try:
        per_process = sorted(_established(pid, port) for pid in child_processes(process.pid))
        assert sum(per_process) == 6
        assert per_process[1] - per_process[0] <= 2, per_process
    finally:
        for connection in held:
            connection.close()


def test_an_http_process_that_ends_is_replaced(two_processes):
    _data, _graph, (base, process, log) = two_processes
    first, second = child_processes(process.pid)
    os.kill(first, signal.SIGKILL)
    assert wait_for(
        lambda: len(child_processes(process.pid)) == 2 and first not in child_processes(process.pid)
    )
    assert f"HTTP process {first} ended (signal SIGKILL); starting another" in log.read_text()
    assert wait_for(lambda: log.read_text().count('"serving graph.nt: ') == 3)
    assert {_ask(base, f"{COUNT} # after {i}")[0] for i in range(10)} == {200}
    assert second in child_processes(process.pid)


def test_a_rebuild_reaches_every_process_and_a_stop_leaves_none(two_processes):
    data, graph, (base, process, log) = two_processes
    before = _ask(base)[1]["Policy-Graph-Build"]
    garam = data / "garam.yaml"
    text = garam.read_text(encoding="utf-8")
    garam.write_text(text.replace("en: IoT flood sensors}", "en: IoT flood sensors rebuilt}"),
                     encoding="utf-8")  # fmt: skip
    built = run_cli("build", "--data", str(data), "--out", str(graph), cwd=graph.parent)
    assert built.returncode == 0, built.stderr

    def every_connection_sees_the_new_build() -> bool:
        builds = {_ask(base, f"{COUNT} # {i}")[1]["Policy-Graph-Build"] for i in range(8)}
        return builds != {before} and len(builds) == 1

    assert wait_for(lambda: log.read_text().count("now serving the new build sha256:") == 2, 60), (
        log.read_text()[-2000:]
    )
    assert every_connection_sees_the_new_build()

    everyone = [pid for child in child_processes(process.pid) for pid in _tree(child)]
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert wait_for(lambda: not any(_alive(pid) for pid in everyone), 10)


def _tree(pid: int) -> list[int]:
    return [pid, *(grand for child in child_processes(pid) for grand in _tree(child))]


def test_a_process_that_cannot_start_fails_the_serve_with_its_reason(tmp_path):
    refusing = {**os.environ, REFUSE_FOR_TESTS: "1"}  # no network namespace for the workers
    done = run_cli("serve", "--port", "0", "--data", str(MANY), "--graph-file",
                   str(tmp_path / "graph.nt"), "--processes", "2", cwd=tmp_path,
                   env=refusing)  # fmt: skip
    assert done.returncode == 2
    assert re.search(r"cannot cut the query workers off the network: .*--no-sandbox",
                     done.stderr), done.stderr  # fmt: skip
    assert "Traceback" not in done.stderr and "SPARQL endpoint:" not in done.stderr


def test_limits_are_shared_out_and_kept_answers_are_per_process():
    limits = Limits(workers=5, queue=64, connection_limit=1000, client_connections=100)
    shared = limits.shared_by(2)
    assert (shared.workers, shared.queue, shared.connection_limit) == (3, 32, 500)
    assert (shared.client_connections, shared.kept_answers) == (100, limits.kept_answers)


def test_a_process_takes_connections_while_none_holds_two_fewer():
    loads = RawArray("q", [0, 0, 0])
    first, second, third = (Share(loads, index) for index in range(3))
    assert first.may_accept(1) and second.may_accept(1) and third.may_accept(0)
    assert not first.may_accept(2)  # the third holds none: two more is too many
    assert third.may_accept(1)
    assert first.may_accept(2)
