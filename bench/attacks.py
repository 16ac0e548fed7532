"""The attacks of issue 26 against a real `policy-graph serve`, and what they got.

    .venv/bin/python bench/attacks.py [--data DIR] [--drips 150] [--drip-every 5]

Starts `serve` on a free loopback port (default: the four governments of
tests/data/many-governments, two workers, the default limits) beside a listener on
loopback that stands for "the network", then:

1. **bypasses**: the query texts that passed the old check (a name ending in ``\\'``,
   a number glued to SERVICE, SERVICE glued to a prefixed name, an IRI that Oxigraph
   reads as less-than and a comment), each sent as GET, form POST and
   sparql-query POST: none may reach the listener;
2. **stall**: four 10-second queries at once (two run, two wait), and meanwhile the
   editor, its script, a resource page, the service description, the VoID and a
   trivial ASK: each must be answered within 1 s;
3. **drip**: ``--drips`` connections (from 127.0.0.2, .3 …, 50 from each, under the
   limit per address) sending one header byte every ``--drip-every`` seconds: each
   must be dropped within the deadline (``--client-timeout``, 10 s, and the check once
   a second), a trivial query answered meanwhile;
4. **size**: a two-way product as CONSTRUCT (185 MB before issue 26) must stop at
   ``--max-triples`` and say so, the server process must not grow by its size, and a
   client that never reads it must lose it within its deadline.

Prints each measure with its bound and exits 1 if any is missed. A run takes about a
minute on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "policy_graph"]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK { ?s a <http://www.w3.org/ns/org#Organization> }"
PRODUCT = "CONSTRUCT { [] <urn:p> ?o } WHERE { ?a ?x ?y . ?b ?z ?o }"  # a two-way product
DEADLINE = 10.0  # --client-timeout's default
CHECK = 1.0  # how often the server looks at deadlines


class Listener:
    """A loopback listener that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stopping = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stopping:
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            connection.close()


def request(
    port: int, method: str, target: str, body: bytes | None = None, headers=None, timeout=30
):
    """(status, seconds, headers text, body) of one request on a fresh connection."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, time.monotonic() - started, response.headers, data
    except OSError as error:
        return None, time.monotonic() - started, None, str(error).encode()
    finally:
        connection.close()


def ask(port: int, text: str, accept="application/sparql-results+json", timeout=30):
    headers = {"Content-Type": "application/sparql-query", "Accept": accept}
    return request(port, "POST", "/sparql", text.encode(), headers, timeout)


def bypasses(listener_port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{listener_port}/"
    return {
        "a name ending in \\'": f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a\\' SERVICE <{base}x> {{ ?s ?p ?o }} ?s ?p 'y' }}",
        "a number glued to SERVICE": f"SELECT * WHERE {{ ?s ?p 20000000000.0SERVICE <{base}x> {{ ?s ?p ?o }} }}",
        "SERVICE glued to a prefixed name": f"PREFIX : <{base}> SELECT * WHERE {{ SERVICE:x {{ }} }}",
        "an IRI read as less-than, then a comment": (
            'SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)#>"""\n'
            f'SERVICE <{base}x> {{ }}\n#"""\n}}'
        ),
    }


def run_bypasses(port: int, listener: Listener, report) -> None:
    before = listener.accepted
    statuses = []
    for name, text in bypasses(listener.port).items():
        for how in ("GET", "form", "sparql-query"):
            if how == "GET":
                answer = request(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
            elif how == "form":
                form = urllib.parse.urlencode({"query": text}).encode()
                answer = request(
                    port,
                    "POST",
                    "/sparql",
                    form,
                    {"Content-Type": "application/x-www-form-urlencoded"},
                )
            else:
                answer = ask(port, text)
            statuses.append(f"{name} [{how}]: {answer[0]}")
            report(f"bypass: {name} [{how}] answered {answer[0]}", answer[0] in (400, 403))
    time.sleep(0.5)
    report(
        f"bypasses: connections that reached the listener: {listener.accepted - before}",
        listener.accepted == before,
    )


def run_stall(port: int, report) -> None:
    slow: list = []
    threads = [
        threading.Thread(target=lambda: slow.append(ask(port, SLOW, timeout=60))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    checks = {
        "editor /": ("GET", "/", None, {}),
        "editor's script": ("GET", "/static/editor.js", None, {}),
        "resource page": ("GET", "/id/org/gwangju", None, {"Accept": "text/html"}),
        "service description": ("GET", "/sparql", None, {"Accept": "text/turtle"}),
        "VoID": ("GET", "/.well-known/void", None, {"Accept": "text/turtle"}),
    }
    for name, (method, target, body, headers) in checks.items():
        status, seconds, _h, _b = request(port, method, target, body, headers)
        report(
            f"stall: {name} answered {status} in {seconds:.2f} s (bound 1 s)",
            status == 200 and seconds < 1,
        )
    status, seconds, _h, body = ask(port, TRIVIAL)
    report(
        f"stall: trivial ASK answered {status} in {seconds:.2f} s (bound 1 s)",
        status == 200 and seconds < 1,
    )
    for thread in threads:
        thread.join(60)
    report(f"stall: the four slow queries answered {sorted(s[0] for s in slow)}", len(slow) == 4)


def open_drips(port: int, count: int) -> list[socket.socket]:
    """``count`` connections, from 127.0.0.2, .3 … (50 from each: under the limit of
    connections per client address), so that the query of 127.0.0.1 is not refused."""
    sockets = []
    for number in range(count):
        source = (f"127.0.0.{2 + number // 50}", 0)
        try:
            sockets.append(
                socket.create_connection(("127.0.0.1", port), timeout=5, source_address=source)
            )
        except OSError:
            break
    return sockets


class Drips:
    """Connections that each send one byte of a request's headers every ``every``
    seconds, and when the server closed each."""

    def __init__(self, sockets: list[socket.socket], every: float) -> None:
        self.sockets, self.every = sockets, every
        self.closed: dict[int, float] = {}
        self.stop = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._drip, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _open(self):
        return [(n, sock) for n, sock in enumerate(self.sockets) if n not in self.closed]

    def _drip(self) -> None:
        line, index = b"GET / HTTP/1.1\r\nHost: x\r\n", 0
        while not self.stop.is_set():
            for number, sock in self._open():
                try:
                    sock.send(line[index % len(line) : index % len(line) + 1])
                except OSError:
                    self.closed.setdefault(number, time.monotonic())
            index += 1
            self.stop.wait(self.every)

    def _watch(self) -> None:
        while not self.stop.is_set() and len(self.closed) < len(self.sockets):
            for number, sock in self._open():
                sock.setblocking(False)
                try:
                    if sock.recv(1) == b"":
                        self.closed[number] = time.monotonic()
                except BlockingIOError:
                    pass
                except OSError:
                    self.closed[number] = time.monotonic()
            time.sleep(0.1)


def run_drip(port: int, count: int, every: float, report) -> None:
    started = time.monotonic()
    drips = Drips(open_drips(port, count), every)
    report(f"drip: {len(drips.sockets)} of {count} connections opened", len(drips.sockets) == count)
    drips.start()
    time.sleep(1)
    status, seconds, _h, _b = ask(port, TRIVIAL)
    report(
        f"drip: a trivial query meanwhile answered {status} in {seconds:.2f} s",
        status == 200 and seconds < 1,
    )
    bound = DEADLINE + CHECK + 2
    while time.monotonic() < started + bound + 5 and len(drips.closed) < len(drips.sockets):
        time.sleep(0.2)
    drips.stop.set()
    for sock in drips.sockets:
        sock.close()
    dropped = [when - started for when in drips.closed.values()]
    latest = max(dropped) if dropped else float("inf")
    report(f"drip: {len(dropped)} of {len(drips.sockets)} dropped, the last after {latest:.1f} s (bound {bound:g} s)",
           len(dropped) == len(drips.sockets) and latest < bound)  # fmt: skip


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def answer_files(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        count += link.startswith(tempfile.gettempdir()) and link.endswith(" (deleted)")
    return count


def run_size(port: int, pid: int, max_triples: int, report) -> None:
    status, seconds, headers, body = ask(port, PRODUCT, accept="application/n-triples", timeout=60)
    cut = headers.get("Policy-Graph-Truncated") if headers else None
    lines = len(body.splitlines())
    report(f"size: the product answered {status}, {lines} triples, {len(body) / 1e6:.1f} MB in {seconds:.1f} s; "
           f"Policy-Graph-Truncated: {cut}", status == 200 and lines <= max_triples and cut is not None)  # fmt: skip
    before = rss_mb(pid)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    target = "/sparql?" + urllib.parse.urlencode({"query": PRODUCT})
    sock.sendall(
        f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/n-triples\r\n\r\n".encode()
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not answer_files(pid):
        time.sleep(0.1)
    ready = time.monotonic()
    grown = rss_mb(pid) - before
    report(f"size: the server grew by {grown:.1f} MB while holding a {len(body) / 1e6:.1f} MB answer "
           "(held in memory: twice its size)", grown < len(body) / 1e6)  # fmt: skip
    while time.monotonic() < deadline and answer_files(pid):
        time.sleep(0.2)
    held = time.monotonic() - ready
    bound = DEADLINE + len(body) / 1e6 + CHECK + 2
    report(
        f"size: an unread answer was dropped after {held:.1f} s (bound {bound:.0f} s)", held < bound
    )
    sock.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "many-governments")
    parser.add_argument("--drips", type=int, default=150)
    parser.add_argument("--drip-every", type=float, default=5.0)
    parser.add_argument("--max-triples", type=int, default=100_000)
    args = parser.parse_args()
    failures: list[str] = []

    def report(line: str, ok: bool) -> None:
        print(("ok    " if ok else "FAIL  ") + line, flush=True)
        if not ok:
            failures.append(line)

    listener = Listener()
    with tempfile.TemporaryDirectory(prefix="policy-graph-attacks-") as work:
        port = _free_port()
        log = Path(work) / "serve.log"
        command = [*CLI, "serve", "--port", str(port), "--workers", "2", "--max-triples",
                   str(args.max_triples), "--data", str(args.data), "--graph-file", f"{work}/graph.ttl"]  # fmt: skip
        with log.open("w") as stream:
            server = subprocess.Popen(command, stdout=stream, stderr=stream, cwd=work)
        try:
            _wait(port, server, log)
            run_bypasses(port, listener, report)
            run_stall(port, report)
            run_drip(port, args.drips, args.drip_every, report)
            run_size(port, server.pid, args.max_triples, report)
            lines = log.read_text(encoding="utf-8").splitlines()
            parsed = sum(1 for line in lines if _is_json(line))
            report(f"log: {parsed} of {len(lines)} lines are JSON objects", parsed == len(lines))
        finally:
            server.terminate()
            server.wait(10)
            listener.stopping = True
    print(f"\n{len(failures)} of the checks failed" if failures else "\nevery check held")
    return 1 if failures else 0


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"serve ended: {log.read_text()[-2000:]}")
        if request(port, "GET", "/sparql?query=ASK%7B%7D", timeout=2)[0] == 200:
            return
        time.sleep(0.3)
    sys.exit("serve did not answer within 120 s")


if __name__ == "__main__":
    sys.exit(main())
