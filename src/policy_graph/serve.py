"""``policy-graph serve``: a read-only SPARQL 1.1 Protocol endpoint on loopback.

Each query runs in a forked child process that shares the loaded store; a query
past its time limit is killed, so its CPU is freed at once and other clients are
answered meanwhile. Writes (SPARQL Update, LOAD, PUT, DELETE …), SERVICE and FROM
an outside graph are refused before anything runs. Every request is bounded: its
body size, how long its client may take to send it, and how long its query runs.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .endpoint import (
    Answer,
    NotAcceptableError,
    RefusedQueryError,
    answer,
    check_query,
    negotiate,
)
from .errors import QueryError
from .sparql import PARSER_LOCK


@dataclass(frozen=True)
class Limits:
    time_limit: float = 10.0  # seconds a query may run
    max_rows: int = 10_000  # SELECT rows in one answer; the rest is cut, and the answer says so
    max_body: int = 1_000_000  # bytes of a request body
    client_timeout: float = 10.0  # seconds a client may take to send its request
    workers: int = 4  # queries running at once; more wait for a place


DISCARD_LIMIT = 64 * 1024 * 1024  # bytes of a refused body read and dropped at most


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, engine, store, limits: Limits, page: bytes, log=sys.stderr):
        super().__init__(address, EndpointHandler)
        self.engine, self.store, self.limits, self.page, self.log = engine, store, limits, page, log
        self.places = threading.BoundedSemaphore(limits.workers)


def _work(engine, store, text, parsed, form, result_format, max_rows, connection) -> None:
    try:
        connection.send(answer(engine, store, text, parsed, form, result_format, max_rows))
    except Exception as error:  # noqa: BLE001 - every failure becomes an HTTP answer
        connection.send(_error_answer(error))
    finally:
        connection.close()


def _error_answer(error: Exception) -> Answer:
    if isinstance(error, RefusedQueryError):
        status = HTTPStatus.FORBIDDEN
    elif isinstance(error, NotAcceptableError):
        status = HTTPStatus.NOT_ACCEPTABLE
    elif isinstance(error, QueryError):
        status = HTTPStatus.BAD_REQUEST
    else:
        status = HTTPStatus.INTERNAL_SERVER_ERROR
        error = f"the query failed: {error}"
    return Answer(status, "text/plain; charset=utf-8", f"{error}\n".encode())


def run_limited(server: EndpointServer, text: str, accept: str | None, fmt: str | None) -> Answer:
    """Answer in a child process that is killed when the time limit passes."""
    limits = server.limits
    try:  # syntax, refusals and negotiation cost no process
        form, parsed = check_query(text)
        result_format = negotiate(form, accept, fmt)
    except QueryError as error:
        return _error_answer(error)
    if not server.places.acquire(timeout=limits.time_limit):
        return Answer(503, "text/plain; charset=utf-8", b"the endpoint is busy; try again\n")
    try:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_work,
            args=(
                server.engine,
                server.store,
                text,
                parsed,
                form,
                result_format,
                limits.max_rows,
                sender,
            ),
            daemon=True,
        )
        # Fork while no other thread is inside rdflib's parser, whose state (and lock)
        # the child inherits: a child forked mid-parse would wait forever. The child
        # inherits the lock held, too: it answers from check_query's parse, never parsing.
        with PARSER_LOCK:
            child.start()
        sender.close()
        try:
            if receiver.poll(limits.time_limit):
                return receiver.recv()
            message = f"the query was stopped after its time limit of {limits.time_limit:g} s\n"
            return Answer(503, "text/plain; charset=utf-8", message.encode())
        except EOFError:
            return Answer(
                500, "text/plain; charset=utf-8", b"the query process ended without an answer\n"
            )
        finally:
            child.kill()
            child.join()
            receiver.close()
    finally:
        server.places.release()


class EndpointHandler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
    server_version = "policy-graph"

    def setup(self) -> None:
        self.timeout = self.server.limits.client_timeout
        super().setup()

    # --- routes ---------------------------------------------------------------

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server's names)
        self._send(Answer(204, "text/plain", b""))

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return self._send(Answer(200, "text/html; charset=utf-8", self.server.page))
        if url.path.startswith("/static/"):
            from .editor import static_file

            found = static_file(url.path[len("/static/") :])
            if found is None:
                return self._send(_plain(404, f"no such file: {url.path}"))
            return self._send(Answer(200, found[1], found[0]))
        if url.path != "/sparql":
            return self._send(_plain(404, f"no such page: {url.path}; the endpoint is /sparql"))
        params = parse_qs(url.query)
        self._query(params)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(_plain(404, f"no such page: {url.path}; the endpoint is /sparql"))
        body = self._body()
        if body is None:
            return
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query)
        if media == "application/x-www-form-urlencoded":
            params.update(parse_qs(body.decode("utf-8", "replace")))
        elif media == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif media == "application/sparql-update":
            return self._send(_plain(403, "this endpoint is read-only: SPARQL Update is refused"))
        else:
            return self._send(_plain(415, f"unsupported Content-Type {media or '(none)'!r}"))
        self._query(params)

    def _refuse_write(self) -> None:
        self._send(_plain(405, "this endpoint is read-only"))

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815

    # --- helpers ----------------------------------------------------------------

    def _query(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._send(_plain(403, "this endpoint is read-only: SPARQL Update is refused"))
        graphs = params.get("default-graph-uri", []) + params.get("named-graph-uri", [])
        if graphs:
            return self._send(
                _plain(403, f"graph {graphs[0]!r} is refused: this endpoint has one graph")
            )
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._send(_plain(400, "give one query: ?query=… or a POST body"))
        fmt = (params.get("format") or [None])[0]
        self._send(run_limited(self.server, queries[0], self.headers.get("Accept"), fmt))

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send(_plain(411, "a POST needs a Content-Length"))
            return None
        if int(length) > self.server.limits.max_body:
            self.close_connection = True
            self._send(_plain(413, f"the request is over {self.server.limits.max_body} bytes"))
            self._discard_body(int(length))
            return None
        return self.rfile.read(int(length))

    def _discard_body(self, length: int) -> None:
        """Read and drop a refused body, within bounds, before the connection closes.

        A client sends its whole body before it reads the answer; closing with the body
        unread makes the kernel reset the connection, and the client sees a broken pipe
        instead of the 413. So drain it as web servers do ("lingering close"), but at
        most DISCARD_LIMIT bytes and for at most the client timeout.
        """
        self.wfile.flush()
        left = min(length, DISCARD_LIMIT)
        deadline = time.monotonic() + self.server.limits.client_timeout
        try:
            while left > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass  # the client went away or was too slow: nothing more to do

    def _send(self, result: Answer) -> None:
        self.send_response(result.status)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(result.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Expose-Headers", "Policy-Graph-Truncated")
        self.send_header("Vary", "Accept")
        if self.close_connection:
            self.send_header("Connection", "close")
        if result.truncated:
            limit = self.server.limits.max_rows
            self.send_header(
                "Policy-Graph-Truncated", f"true; only the first {limit} rows are sent"
            )
        if result.status == 405:
            self.send_header("Allow", "GET, POST, OPTIONS")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)
        self._log(result)

    def _log(self, result: Answer) -> None:
        took = (time.perf_counter() - self._started) * 1000
        cut = " truncated" if result.truncated else ""
        line = (
            f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {self.client_address[0]} {self.command} "
            f"{self.path[:80]} {result.status} {len(result.body)} B {took:.0f} ms{cut}"
        )
        print(line, file=self.server.log, flush=True)

    def handle_one_request(self) -> None:
        self._started = time.perf_counter()
        super().handle_one_request()

    def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's name
        pass  # one line per request is written by _log


def _plain(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", f"{message}\n".encode())


def endpoint_page(saved_queries) -> bytes:
    """The page at ``/``: a query editor with the saved queries as examples. Offline."""
    from .editor import editor_page

    return editor_page(saved_queries)


def serve(engine, store, host: str, port: int, limits: Limits, saved_queries, ready=None) -> None:
    """Serve until interrupted; ``ready(url)`` is called once the port is open."""
    server = EndpointServer((host, port), engine, store, limits, endpoint_page(saved_queries))
    url = f"http://{server.server_address[0]}:{server.server_address[1]}/sparql"
    if ready:
        ready(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()
