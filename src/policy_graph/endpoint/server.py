"""``policy-graph serve``: a read-only SPARQL 1.1 endpoint, its query editor, and a
page for every resource.

The HTTP side is waitress (a production WSGI server: one event loop reads whole
requests, so slow or vanished clients hold no thread and a half-sent request never
runs; keep-alive; a real listen backlog), with deadlines for every request and answer
and limits of connections (:mod:`policy_graph.endpoint.transport`). Requests are
answered by long-lived query workers (:mod:`policy_graph.endpoint.workers`), in lanes
so that pages never wait behind queries, which also read each query, so that its
reading counts against its limits and blocks no one else. The log is one JSON object
a line (:mod:`policy_graph.endpoint.logs`).

Routes: ``/`` the query editor, ``/sparql`` the SPARQL 1.1 Protocol (GET or POST;
with no query, the service description), ``/id/…`` and ``/ontology`` every IRI we
mint, ``/.well-known/void`` the VoID description, ``/dump.nt`` the whole graph.
Writes are refused. When the graph file is rebuilt, a new pool loads it beside the
old one and takes over once ready; every answer names the build it came from.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from ..errors import FileError, UsageError
from .kept_answers import KeptAnswers
from .logs import message_line, request_line, write_line
from .protocol import TRUNCATED_HEADER, Answer, plain
from .workers import BUILD_HEADER, Limits, Pool, PoolRetiredError

__all__ = ["Endpoint", "Limits", "serve"]

_READ_ONLY = "this endpoint is read-only"
_LANGUAGES = ("ko", "en")


class Endpoint:
    """The WSGI application: routes requests to the current pool of workers."""

    def __init__(
        self, engine: str, graph_file: Path, limits: Limits, saved_queries, log=None,
        sandbox: bool = True,
    ):  # fmt: skip
        self.engine, self.graph_file, self.limits = engine, Path(graph_file), limits
        self.sandbox = sandbox  # refuse to serve where the workers can reach the network
        self.saved_queries, self.log = saved_queries, log or sys.stderr
        self.pool: Pool | None = None
        self.kept = KeptAnswers(limits.kept_answers * 1024 * 1024)
        self._page: bytes | None = None
        self._stopped = threading.Event()

    # --- the graph being served ------------------------------------------------------

    def start(self) -> None:
        """Load the graph file in a first pool (FileError when it cannot be served;
        UsageError when its workers could not be cut off the network, unless
        ``sandbox`` is False)."""
        pool = Pool(self.engine, self.graph_file, self.limits, self._say)
        build = pool.start()
        if build.network_wall and self.sandbox:
            pool.close()
            raise UsageError(
                f"cannot cut the query workers off the network: {build.network_wall}. "
                "Serve anyway with --no-sandbox: the query check (SERVICE, FROM and updates "
                "refused) is then the only wall"
            )
        self.pool = pool
        self._say(f"serving {build.file}: {build.triples:,} triples, {build.digest[:19]}…")
        if build.network_wall:
            self._say(
                f"warning: --no-sandbox: the query workers can reach the network: "
                f"{build.network_wall}; SERVICE, FROM and updates are still refused in every query"
            )

    def watch(self, interval: float) -> None:
        """Serve each new build of the graph file, checking every ``interval`` seconds;
        a broken or missing file keeps the graph being served, and the log says why."""
        seen = _stamp(self.graph_file)
        while not self._stopped.wait(interval):
            stamp = _stamp(self.graph_file)
            if stamp == seen:
                continue
            seen = stamp
            if stamp is None:
                serving = self.pool.build.digest[:19]
                self._say(f"{self.graph_file} is gone; still serving {serving}…")
                continue
            if self._stopped.wait(min(interval, 0.5)) or _stamp(self.graph_file) != stamp:
                continue  # still being written: look again next time
            self._switch()

    def _switch(self) -> None:
        fresh = Pool(self.engine, self.graph_file, self.limits, self._say)
        old = self.pool
        try:
            build = fresh.start()
        except FileError as error:
            self._say(f"kept serving {old.build.digest[:19]}…: the new graph file fails: {error}")
            return
        if build.digest == old.build.digest:
            fresh.close()
            return
        if build.network_wall and self.sandbox:
            fresh.close()
            self._say(f"kept serving {old.build.digest[:19]}…: {build.network_wall}")
            return
        self.pool = fresh
        old.retire()
        self.kept.clear()
        self._say(f"now serving the new build {build.digest[:19]}… ({build.triples:,} triples)")

    def stop(self) -> None:
        self._stopped.set()
        if self.pool:
            self.pool.close()

    def _say(self, message: str) -> None:
        write_line(self.log, message_line(message))

    # --- WSGI --------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        answer = self._route(environ)
        vary = _vary(answer)
        headers = [
            ("Content-Type", answer.content_type),
            ("Content-Length", str(answer.length)),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type, Accept"),
            ("Access-Control-Expose-Headers", f"{BUILD_HEADER}, {TRUNCATED_HEADER}"),
            ("Vary", vary),
            ("X-Content-Type-Options", "nosniff"),
            *(header for header in answer.headers if header[0] != "Vary"),
        ]
        if not any(name == BUILD_HEADER for name, _ in answer.headers):
            headers.append((BUILD_HEADER, self.pool.build.header()))
        if answer.status == 405:
            headers.append(("Allow", "GET, POST, OPTIONS"))
        status = HTTPStatus(answer.status)
        start_response(f"{status.value} {status.phrase}", headers)
        took = (time.perf_counter() - started) * 1000
        line = request_line(environ, answer.status, answer.length, took, answer.truncated)
        write_line(self.log, line)
        if answer.file is not None:
            if environ["REQUEST_METHOD"] == "HEAD":  # waitress would send a file wrapper's body
                answer.file.close()
                return [b""]
            return environ["wsgi.file_wrapper"](answer.file, 1 << 16)
        return [answer.body]

    def _route(self, environ) -> Answer:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        if method == "OPTIONS":
            return Answer(204, "text/plain", b"")
        if method not in ("GET", "HEAD", "POST"):
            return plain(405, f"{_READ_ONLY}: {method} is refused")
        if path == "/sparql":
            return self._sparql(environ)
        if method == "POST":
            return plain(405, f"{_READ_ONLY}: POST only to /sparql")
        return self._page_for(environ, path)

    def _page_for(self, environ, path: str) -> Answer:
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        accept = environ.get("HTTP_ACCEPT")
        if path in ("/", "/index.html"):
            return Answer(200, "text/html; charset=utf-8", self._editor_page())
        if path.startswith("/static/"):
            from .editor import static_file

            found = static_file(path[len("/static/") :])
            if found is None:
                return plain(404, f"no such file: {path[:80]}")
            body, content_type = found
            return Answer(200, content_type, body, headers=(("Cache-Control", "max-age=86400"),))
        if path.startswith("/id/") or path == "/ontology":
            request = {
                "kind": "resource",
                "path": path,
                "accept": accept,
                "lang": _language(environ, params),
                "format": _first(params, "format"),
            }
            return self._ask(request, environ)
        if path in ("/.well-known/void", "/void"):
            request = {
                "kind": "void",
                "base": _base(environ),
                "accept": accept,
                "lang": _language(environ, params),
                "format": _first(params, "format"),
            }
            return self._ask(request, environ)
        if path == "/dump.nt":
            return self._ask({"kind": "dump"}, environ)
        if path.startswith("/queries/"):
            request = {
                "kind": "saved",
                "name": path[len("/queries/") :],
                "params": {k: v[0] for k, v in params.items() if k not in ("format", "output")},
                "accept": accept,
                "format": _first(params, "format") or _first(params, "output"),
                "max_rows": self.limits.max_rows,
                "max_triples": self.limits.max_triples,
                "memory_limit": self.limits.memory_limit,
            }
            return self._ask(request, environ)
        return plain(404, f"no such page: {path[:80]}; the SPARQL endpoint is /sparql")

    def _sparql(self, environ) -> Answer:
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if environ["REQUEST_METHOD"] == "POST":
            refused = _read_post(environ, params)
            if refused:
                return refused
        if "update" in params:
            return plain(403, f"{_READ_ONLY}: SPARQL Update is refused")
        graphs = params.get("default-graph-uri", []) + params.get("named-graph-uri", [])
        if graphs:
            return plain(403, f"graph {graphs[0][:80]!r} is refused: this endpoint has one graph")
        queries = params.get("query", [])
        accept = environ.get("HTTP_ACCEPT")
        if not queries:
            return self._ask({"kind": "service", "endpoint": _base(environ) + "/sparql",
                              "accept": accept, "lang": _language(environ, params),
                              "format": _first(params, "format")}, environ)  # fmt: skip
        if len(queries) != 1 or not queries[0].strip():
            return plain(400, "give one query: ?query=… or a POST body")
        request = {
            "kind": "query",
            "query": queries[0],
            "accept": accept,
            "format": _first(params, "format") or _first(params, "output"),
            "max_rows": self.limits.max_rows,
            "max_triples": self.limits.max_triples,
            "memory_limit": self.limits.memory_limit,
        }
        return self._ask(request, environ)

    def _ask(self, request: dict, environ) -> Answer:
        """The answer kept for ``request`` of the build being served, else the current
        pool's (the next pool's when a new build takes over while the request waits
        for a worker), kept for the next time."""
        pool = self.pool
        key = self.kept.key(pool.build.digest, request)
        if not _no_cache(environ):
            kept = self.kept.get(key)
            if kept is not None:
                return kept
        try:
            answer = pool.ask(request)
        except PoolRetiredError:
            pool = self.pool
            key = self.kept.key(pool.build.digest, request)
            answer = pool.ask(request)
        self.kept.put(key, answer)
        return answer

    def _editor_page(self) -> bytes:
        if self._page is None:
            from .editor import editor_page

            self._page = editor_page(self.saved_queries)
        return self._page


def _vary(answer: Answer) -> str:
    """One Vary header: ours and the answer's, each name once."""
    names = ["Accept", "Accept-Language"]
    for name, value in answer.headers:
        if name == "Vary":
            names += [part.strip() for part in value.split(",")]
    return ", ".join(dict.fromkeys(names))


def _read_post(environ, params: dict) -> Answer | None:
    """Add a POST's query to ``params``; an answer when the POST is refused."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    media = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        params["query"] = [body.decode("utf-8", "replace")]
    elif media == "application/sparql-update":
        return plain(403, f"{_READ_ONLY}: SPARQL Update is refused")
    else:
        return plain(415, f"unsupported Content-Type {media[:60] or '(none)'!r}")
    return None


def _no_cache(environ) -> bool:
    """Whether the client asks for an answer not taken from a cache."""
    control = (environ.get("HTTP_CACHE_CONTROL") or "").lower()
    return (
        "no-cache" in control
        or "no-store" in control
        or ((environ.get("HTTP_PRAGMA") or "").lower() == "no-cache")
    )


def _first(params: dict, name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _base(environ) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def _language(environ, params: dict) -> str:
    """``?lang=``, else the first of ours in Accept-Language, else Korean."""
    asked = _first(params, "lang")
    if asked in _LANGUAGES:
        return asked
    for item in (environ.get("HTTP_ACCEPT_LANGUAGE") or "").split(","):
        code = item.split(";")[0].strip().lower()[:2]
        if code in _LANGUAGES:
            return code
    return "ko"


def _stamp(path: Path):
    """What tells a new build: the graph file's, or a kept store's description's."""
    if path.is_dir():
        from ..graph.kept_store import CURRENT

        path = path / CURRENT
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def serve(
    engine: str,
    graph_file: Path,
    host: str,
    port: int,
    limits: Limits,
    saved_queries,
    ready=None,
    watch_interval: float = 2.0,
    sandbox: bool = True,
    processes: int = 1,
) -> None:
    """Serve until interrupted, in ``processes`` HTTP processes (sharing out
    ``limits``' workers, queue and connections); ``ready(url)`` is called once the
    port is open and every process answers. Where the query workers cannot be cut off
    the network, UsageError unless ``sandbox`` is False (``--no-sandbox``)."""
    import functools

    _quiet_waitress()
    if processes == 1:
        serve_one(engine, graph_file, limits, saved_queries, watch_interval, sandbox,
                  ready, host=host, port=port)  # fmt: skip
        return
    from .processes import Forked, listen

    listeners = listen(host, port)
    bound_host, bound_port = listeners[0].getsockname()[:2]
    one = functools.partial(_serve_on, engine, graph_file, limits.shared_by(processes),
                            saved_queries, watch_interval, sandbox)  # fmt: skip
    forked = Forked(processes, listeners, one,
                    lambda message: write_line(sys.stderr, message_line(message)))  # fmt: skip
    forked.run(ready, f"http://{_shown_host(bound_host)}:{bound_port}/sparql")


def _serve_on(engine, graph_file, limits, saved_queries, watch_interval, sandbox,
              listeners, share, ready) -> None:  # fmt: skip
    serve_one(engine, graph_file, limits, saved_queries, watch_interval, sandbox, ready,
              sockets=listeners, share=share)  # fmt: skip


def serve_one(
    engine: str, graph_file: Path, limits: Limits, saved_queries, watch_interval: float,
    sandbox: bool, ready=None, host: str | None = None, port: int | None = None, sockets=None,
    share=None,
) -> None:  # fmt: skip
    """Serve in this process, on ``host``:``port`` or the listening ``sockets`` (taking
    connections while ``share`` allows: see :mod:`.processes`), until interrupted."""
    from .transport import make_server

    # Waitress's loop reads and writes every socket in one thread while the request
    # threads wait on workers: each request passes the interpreter's lock between them
    # several times. With Python's default of 5 ms a thread that has work may wait that
    # long for one that has the lock; 0.5 ms made 30% more SELECTs a second at 4 clients
    # (bench/endpoint.py, two runs each way, 2 cores). This process does nothing else.
    sys.setswitchinterval(0.0005)
    endpoint = Endpoint(engine, graph_file, limits, saved_queries, sandbox=sandbox)
    endpoint.start()
    try:
        server = make_server(endpoint, limits, host=host, port=port, sockets=sockets, share=share)
        if watch_interval > 0:
            threading.Thread(target=endpoint.watch, args=(watch_interval,), daemon=True).start()
        if ready:
            ready(f"http://{_shown_host(server.effective_host)}:{server.effective_port}/sparql")
        server.run()
    finally:
        endpoint.stop()


def _quiet_waitress() -> None:
    """Waitress's own log as our JSON lines."""
    import logging

    from .logs import JsonLines

    waitress_log = logging.getLogger("waitress")
    waitress_log.addHandler(JsonLines(sys.stderr))
    waitress_log.propagate = False


def _shown_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
