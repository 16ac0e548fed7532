"""The walls of `policy-graph serve` (issue 26), against real server processes and real
sockets: the network namespace or --no-sandbox in so many words; no request waiting
behind another's query; deadlines for slow clients and unread answers; every answer
bounded; Expect: 100-continue; the log."""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.endpoint.test_server_attacks import Reply, answer_of, ask, exchange
from tests.endpoint.test_server_attacks import running_server as attack_server
from tests.helpers import DATA, run_cli, wait_for

REFUSE_NAMESPACE = {**os.environ, "POLICY_GRAPH_TEST_REFUSE_NAMESPACE": "1"}


def test_serve_refuses_to_start_without_its_network_namespace(tmp_path):
    done = run_cli(
        "serve", "--port", "0", "--data", str(DATA), "--graph-file", str(tmp_path / "g.ttl"),
        cwd=tmp_path, env=REFUSE_NAMESPACE,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "policy-graph: cannot cut the query workers off the network: the kernel refused a "
        "network namespace (POLICY_GRAPH_TEST_REFUSE_NAMESPACE is set). Serve anyway with "
        "--no-sandbox: the query check (SERVICE, FROM and updates refused) is then the only wall"
    )


def test_no_sandbox_serves_and_says_so(tmp_path):
    with attack_server(tmp_path, "no-sandbox", 2.0, "--no-sandbox", env=REFUSE_NAMESPACE) as server:
        reply = answer_of(server, "ASK { ?s ?p ?o }")
        assert reply.status == 200
        assert answer_of(server, "SELECT * { SERVICE <urn:x> { } }").status == 403
        log = server.log.read_text(encoding="utf-8")
    assert "warning: --no-sandbox: the query workers can reach the network" in log


# --- no request waits behind another's query ------------------------------------------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = 'ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> "시립도서관"@ko }'
LIBRARY = "/id/org/gwangju-municipal-library"


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory):
    """Two query workers; a time limit long enough that slow queries hold them while
    the test looks around."""
    work = tmp_path_factory.mktemp("busy")
    with attack_server(work, "busy", 8.0, "--workers", "2", "--client-timeout", "2") as server:
        yield server


def timed(server, method: str, target: str, body=None, headers=None) -> Reply:
    return exchange(server, method, target, body, headers or {}, timeout=15)


def test_pages_and_trivial_queries_are_answered_while_every_worker_is_busy(busy_server):
    """Issue 26: with two workers and four 8-second queries (two run, two wait), the
    editor, its script, a resource page, the service description, the VoID, a saved
    query's page … and a trivial ASK are each answered within 1 s."""
    slow: list = []

    def send_slow() -> None:
        slow.append(ask(busy_server, SLOW, timeout=30))

    threads = [threading.Thread(target=send_slow) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # the two waiting ones have tried the spare worker and wait on
    replies = {
        "editor": timed(busy_server, "GET", "/"),
        "script": timed(busy_server, "GET", "/static/editor.js"),
        "resource page": timed(busy_server, "GET", LIBRARY, headers={"Accept": "text/html"}),
        "service description": timed(
            busy_server, "GET", "/sparql", headers={"Accept": "text/turtle"}
        ),
        "VoID": timed(busy_server, "GET", "/.well-known/void", headers={"Accept": "text/turtle"}),
        "trivial ASK": ask(busy_server, TRIVIAL, timeout=15),
    }
    for thread in threads:
        thread.join(30)
    for name, reply in replies.items():
        assert reply.status == 200, (name, reply.status, reply.text[:200])
        assert reply.seconds < 1, f"{name} took {reply.seconds:.2f} s while the workers were busy"
    assert json.loads(replies["trivial ASK"].body)["boolean"] is True
    assert sorted(reply.status for reply in slow) == [503] * 4
    # Two were stopped at their time limit; two waited for a worker until theirs (or got
    # one in the last moment, and were stopped at once).
    allowed = {
        "the query was stopped after its time limit of 8 s",
        "the endpoint is busy: every worker is answering; try again in 8 s",
    }
    assert {reply.text.strip() for reply in slow} <= allowed


def test_a_full_queue_answers_503_with_retry_after_at_once(tmp_path):
    """One worker and no queue: a query past the one running and the spare's try gets
    503 with Retry-After at once, not after waiting out the time limit."""
    with attack_server(tmp_path, "queue", 6.0, "--workers", "1", "--queue", "0") as server:
        first = threading.Thread(target=ask, args=(server, SLOW), kwargs={"timeout": 30})
        first.start()
        time.sleep(0.8)
        reply = ask(server, SLOW, timeout=30)
        first.join(30)
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "6"
    assert (
        reply.text
        == "the endpoint is busy: 1 requests are being answered or wait; try again in 6 s\n"
    )
    assert reply.seconds < 1


# --- slow clients, unread answers, connection limits ------------------------------------


def drip(sockets: list[socket.socket], data: bytes, stop: threading.Event, every: float) -> None:
    """Send ``data`` one byte every ``every`` seconds on each socket, until stopped."""
    for byte in itertools.cycle(data):
        for sock in sockets:
            try:
                sock.send(bytes([byte]))
            except OSError:
                pass
        if stop.wait(every):
            return


def closed_at(sock: socket.socket, deadline: float) -> float | None:
    """When the server closed ``sock`` (monotonic), or None if still open at ``deadline``."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except TimeoutError:
            return None
        except OSError:
            return time.monotonic()
        if not data:
            return time.monotonic()
    return None


def test_slow_drip_clients_are_dropped_within_the_deadline(busy_server):
    """Issue 26: 60 connections that send their headers, or their body, one byte every
    0.5 s (never silent) are each dropped within --client-timeout (2 s) and the check
    that runs every second, with a margin; a query sent meanwhile is answered."""
    started = time.monotonic()
    headers = [socket.create_connection((busy_server.host, busy_server.port)) for _ in range(30)]
    bodies = [socket.create_connection((busy_server.host, busy_server.port)) for _ in range(30)]
    for sock in bodies:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 500\r\n\r\n"
        )
    stop = threading.Event()
    drips = [
        threading.Thread(target=drip, args=(headers, b"GET / HTTP/1.1\r\nHost: x\r\n", stop, 0.5)),
        threading.Thread(target=drip, args=(bodies, TRIVIAL.encode(), stop, 0.5)),
    ]
    for thread in drips:
        thread.start()
    try:
        reply = ask(busy_server, TRIVIAL, timeout=10)
        closed = [closed_at(sock, started + 6) for sock in headers + bodies]
    finally:
        stop.set()
        for thread in drips:
            thread.join(5)
        for sock in headers + bodies:
            sock.close()
    assert reply.status == 200 and reply.seconds < 1
    still_open = sum(when is None for when in closed)
    assert still_open == 0, f"{still_open} of 60 slow clients still connected after 6 s"
    latest = max(when - started for when in closed)
    assert latest < 2 + 1 + 2, f"the last slow client was dropped after {latest:.1f} s"


def test_a_client_past_its_connection_limit_is_refused_the_others_stay(tmp_path):
    with attack_server(tmp_path, "per-client", 2.0, "--client-connection-limit", "5") as server:
        held = [socket.create_connection((server.host, server.port)) for _ in range(5)]
        time.sleep(0.3)
        extra = socket.create_connection((server.host, server.port))
        assert closed_at(extra, time.monotonic() + 3) is not None
        for sock in held:  # the five may still send a request and get its answer
            sock.settimeout(5)
        held[0].sendall(
            b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
        )
        assert held[0].recv(100).startswith(b"HTTP/1.1 200 ")
        for sock in [*held, extra]:
            sock.close()


def server_fds(pid: int) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            pass
    return found


def is_answer_file(link: str) -> bool:
    """An answer handed over as a file: an unlinked temporary file (O_TMPFILE)."""
    return link.startswith(tempfile.gettempdir()) and link.endswith(" (deleted)")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


# A triple of a new blank node for each of 1.8 million solutions: far more triples than
# --max-triples lets out (the two-way product of issue 26).
BIG = "CONSTRUCT { [] <urn:p> ?o } WHERE { ?a ?x ?y . ?b ?z ?o }"


def test_an_answer_a_client_does_not_read_is_bounded_and_dropped(tmp_path):
    """Issue 26: a CONSTRUCT stops at --max-triples and says so; its answer (several
    MB) reaches the server as a file, not in its memory; a client that never reads it
    loses it after --client-timeout plus a second per MB, and the file goes with it."""
    options = ("--client-timeout", "2", "--max-triples", "100000")
    with attack_server(tmp_path, "unread", 20.0, *options) as server:
        pid = server.process.pid
        before = rss_mb(pid)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before the window opens
        sock.connect((server.host, server.port))
        target = "/sparql?" + urllib.parse.urlencode({"query": BIG})
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/n-triples\r\n\r\n".encode()
        )
        started = time.monotonic()
        deadline = started + 20
        while time.monotonic() < deadline and not any(is_answer_file(f) for f in server_fds(pid)):
            time.sleep(0.1)
        held = [f for f in server_fds(pid) if is_answer_file(f)]
        assert held, "the answer was not handed over as a file"
        grown = rss_mb(pid) - before
        started = time.monotonic()  # the answer is ready: its deadline runs
        while time.monotonic() < deadline and any(is_answer_file(f) for f in server_fds(pid)):
            time.sleep(0.2)
        dropped = time.monotonic() - started
        assert not any(is_answer_file(f) for f in server_fds(pid)), "still held after 20 s"
        sock.settimeout(10)
        head = sock.recv(4096)
        sock.close()
        # HEAD: the same headers, and no body (waitress sends a file's whatever is asked).
        with socket.create_connection((server.host, server.port), timeout=30) as probe:
            probe.sendall(
                f"HEAD {target} HTTP/1.1\r\nHost: x\r\nAccept: application/n-triples\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := probe.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\n"), answer[:300]
    assert int(re.search(rb"Content-Length: (\d+)", answer)[1]) > 6_000_000
    assert head.startswith(b"HTTP/1.1 200 "), head[:100]
    assert b"Policy-Graph-Truncated: true; only the first 100000 triples are sent" in head
    length = int(re.search(rb"Content-Length: (\d+)", head)[1])
    assert length > 6_000_000
    # Held in memory, the answer would have grown the server by twice its size at least
    # (its bytes, then their copy); sent from a file, by a socket buffer's worth.
    assert grown < length / 1_000_000, (
        f"the server grew by {grown:.1f} MB for a {length / 1e6:.1f} MB answer"
    )
    # Its deadline: --client-timeout, a second per MB, and the check once a second.
    assert dropped < 2 + length / 1_000_000 + 1 + 2, f"dropped after {dropped:.1f} s"


def test_expect_100_continue_over_the_limit_gets_413_and_no_continue(busy_server):
    """Issue 26: a body announced over 1 MB with Expect: 100-continue is refused before
    any of it is sent (waitress answered "100 Continue", and 413 only once it came)."""
    with socket.create_connection((busy_server.host, busy_server.port), timeout=5) as client:
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"
        )
        started = time.monotonic()
        first = client.recv(200)
    assert first.startswith(b"HTTP/1.1 413 "), first
    assert b"100 Continue" not in first
    assert time.monotonic() - started < 2


def test_expect_100_continue_within_the_limit_continues(busy_server):
    body = TRIVIAL.encode()
    with socket.create_connection((busy_server.host, busy_server.port), timeout=5) as client:
        client.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: text/csv\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body)
        )
        assert client.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        client.sendall(body)
        assert client.recv(100).startswith(b"HTTP/1.1 200 ")


# --- workers reaped after a reload --------------------------------------------------------


def process_states(pid: int) -> dict[int, str]:
    """The state (R, S, Z …) of ``pid``'s children."""
    states = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            try:
                stat = Path(f"/proc/{child}/stat").read_text()
            except OSError:
                continue
            states[int(child)] = stat.rsplit(")", 1)[1].split()[0]
    return states


def test_the_old_keeper_and_workers_are_reaped_after_a_reload(tmp_path):
    """Issue 26: after a rebuilt graph takes over, the old pool's keeper is waited for
    (it was left a zombie of the server) and the new one is its only child."""
    from tests.endpoint.test_server import _build, _build_header
    from tests.helpers import MANY, serving

    served, fresh = tmp_path / "graph.ttl", tmp_path / "staging" / "graph.ttl"
    _build(DATA, served)
    with serving(tmp_path, "--graph-file", str(served), "--watch-interval", "0.3") as (
        base,
        process,
        log,
    ):
        first = _build_header(base)
        (keeper,) = process_states(process.pid)
        _build(MANY, fresh)
        fresh.replace(served)
        assert wait_for(lambda: _build_header(base) != first), log.read_text()
        assert wait_for(lambda: keeper not in process_states(process.pid), 10), process_states(
            process.pid
        )
        states = process_states(process.pid)
    assert len(states) == 1 and "Z" not in states.values(), states


# --- the log: one JSON object a line, whatever the client sends -------------------------


def test_no_request_can_forge_or_colour_a_log_line(busy_server):
    """Issue 26: %0a wrote a fake "now serving the new build" line, %1b[31m sent a
    terminal escape, NUL bytes were logged. Every line is now one JSON object, and no
    line holds a control or bidi character."""
    marker = "forge-7b2d"
    fake = "%0a2026-01-01T00:00:00%20now%20serving%20the%20new%20build%20sha256:feed%0d"
    targets = [
        f"/id/{marker}{fake}",
        f"/id/{marker}%1b[31mred%1b[0m%00nul%e2%80%aertl%c2%85nel%e2%80%a8ls",
        f"/sparql?query={marker}%0a%0dx",
    ]
    for target in targets:
        exchange(busy_server, "GET", target)
    # A request line sent raw, with an escape, a bidi override and a NEL in its bytes:
    # waitress refuses it before our application (and its log line) sees it.
    with socket.create_connection((busy_server.host, busy_server.port), timeout=5) as raw:
        raw.sendall(f"GET /id/{marker}\x1b[2J\u202e\x85 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 400 ")
    time.sleep(0.3)
    text = busy_server.log.read_text(encoding="utf-8")
    lines = text.splitlines()
    ours = [line for line in lines if marker in line]
    assert len(ours) == 3, ours
    for line in lines:
        record = json.loads(line)  # every line, not only ours
        assert set(record) >= {"time"}
        assert not re.search(
            "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]", line
        ), line
    assert not any(json.loads(line).get("message", "").startswith("now serving") for line in lines)
    first = json.loads(ours[0])
    assert first["target"] == f"/id/{marker}{fake}"  # the target as sent, percent escapes and all
    assert first["status"] == 404


# --- the lesser endpoint items ------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/id/org/gwangju", "/.well-known/void", "/sparql", "/ontology", "/sparql?query=ASK%7B%7D"],
)
def test_vary_names_each_header_once(busy_server, target):
    """Issue 26: answers said Vary twice, or repeated its names."""
    reply = timed(busy_server, "GET", target, headers={"Accept": "text/turtle, */*;q=0.1"})
    assert reply.status == 200
    assert reply.headers.get_all("Vary") == ["Accept, Accept-Language"]


def test_the_void_and_resources_take_format_names_over_http(busy_server):
    void = timed(
        busy_server, "GET", "/.well-known/void?format=json-ld", headers={"Accept": "text/html"}
    )
    assert (void.status, void.headers["Content-Type"]) == (200, "application/ld+json")
    page = timed(
        busy_server, "GET", "/id/org/gwangju?format=turtle", headers={"Accept": "text/html"}
    )
    assert (page.status, page.headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")


def test_a_browser_following_the_service_description_gets_a_page(busy_server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reply = timed(
        busy_server, "GET", "/sparql", headers={"Accept": browser, "Accept-Language": "en"}
    )
    assert (reply.status, reply.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert '<form method="get" action="/sparql">' in reply.text
    assert f"<code>http://{busy_server.host}:{busy_server.port}/sparql</code>" in reply.text
