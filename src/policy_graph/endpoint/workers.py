"""The endpoint's query workers: long-lived processes that hold the graph.

A :class:`Pool` starts one *keeper* process (a fresh interpreter, single-threaded)
that cuts itself off the network (:mod:`policy_graph.endpoint.sandbox`), loads the graph file
and then only forks workers when asked: each worker shares the loaded store with it
(copy on write) and answers requests, one at a time, over a socket pair whose end
the keeper hands to the server. Forking from the keeper, never from the server's own
threaded process, keeps a fork from inheriting another thread's locks.

A worker past its time limit is killed and replaced; a memory limit (an address-space
limit set around each request) makes a query that grows too big fail, and its worker
is replaced too. Rebuilt graphs get a new pool beside the old one (:mod:`.server`).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path

from ..errors import FileError
from .protocol import Answer, plain

_MB = 1024 * 1024
BUILD_HEADER = "Policy-Graph-Build"  # on every answer: the build it came from


@dataclass(frozen=True)
class Limits:
    time_limit: float = 10.0  # seconds a request may take in its worker, reading included
    max_rows: int = 10_000  # SELECT rows in one answer; the rest is cut, and the answer says so
    memory_limit: int = 1024  # MB a request may allocate beyond what its worker holds
    max_body: int = 1_000_000  # bytes of a request body
    client_timeout: float = 10.0  # seconds a connection may stay silent
    workers: int = 4  # requests answered at once; more wait for a worker


@dataclass(frozen=True)
class Build:
    """Which build a pool serves: every answer names it."""

    file: str
    digest: str  # "sha256:…" of the graph file as it was loaded
    built: str  # the file's modification time, UTC, ISO 8601
    triples: int
    network_wall: str | None  # why the workers could not be cut off the network, if so

    def header(self) -> str:
        return f"{self.digest}; built={self.built}; triples={self.triples}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "digest": self.digest,
            "built": self.built,
            "triples": self.triples,
        }


class PoolRetiredError(Exception):
    """The pool was replaced by one serving a newer build."""


class _Worker:
    def __init__(self, pid: int, connection: Connection) -> None:
        self.pid, self.connection = pid, connection

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.connection.close()


class Pool:
    """A keeper process holding one loaded graph, and its workers."""

    def __init__(self, engine: str, path: Path, limits: Limits, log=sys.stderr) -> None:
        self.engine, self.path, self.limits, self.log = engine, Path(path), limits, log
        self.idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self.build: Build | None = None
        self.retired = False
        self._busy = 0
        self._lock = threading.Lock()  # one conversation with the keeper at a time

    # --- start and stop ---------------------------------------------------------------

    def start(self) -> Build:
        """Start the keeper, wait until it has loaded the graph and fork the workers;
        FileError with the keeper's reason when the graph cannot be loaded."""
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", "from policy_graph.endpoint.workers import keep; keep()"]
        config = {"engine": self.engine, "path": str(self.path), "fd": theirs.fileno(),
                  "parent": os.getpid()}  # fmt: skip
        self.keeper = subprocess.Popen(
            [*command, json.dumps(config)], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL
        )
        theirs.close()
        self.control = Connection(ours.detach())
        try:
            status, detail = self.control.recv()
        except (EOFError, OSError):
            self.control.close()
            self.keeper.wait()
            raise FileError(f"cannot load {self.path}: its loader ended without a word") from None
        if status != "ready":
            self.close()
            raise FileError(detail)
        self.build = Build(**detail)
        for _ in range(self.limits.workers):
            self.idle.put(self._fork())
        return self.build

    def retire(self) -> None:
        """Stop taking requests; workers end as they finish, then the keeper."""
        with self._lock:
            self.retired = True
        self._close_idle()

    def close(self) -> None:
        self.retired = True
        self._close_idle()
        self.control.close()
        self.keeper.kill()
        self.keeper.wait()

    def _close_idle(self) -> None:
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                break
        with self._lock:
            if self.retired and self._busy == 0 and not self.control.closed:
                self.control.close()  # the keeper reads the end of its input and ends

    def _fork(self) -> _Worker:
        with self._lock:
            self.control.send("fork")
            pid = self.control.recv()
            handle = recv_handle(self.control)
        return _Worker(pid, Connection(handle))

    # --- requests ----------------------------------------------------------------------

    def ask(self, request: dict) -> Answer:
        """The answer of a free worker to ``request``, within the time limit (waiting
        for a worker counts); 503 when there is none free or the limits are hit."""
        limits = self.limits
        started = time.monotonic()
        with self._lock:  # counted from now: a retired pool keeps its keeper until 0
            self._busy += 1
        try:
            worker = self._free_worker(started + limits.time_limit)
        except PoolRetiredError:
            self._give_back(None, False)
            raise
        if worker is None:
            self._give_back(None, False)
            return plain(503, "the endpoint is busy: every worker is answering; try again")
        healthy = False
        try:
            worker.connection.send(request)
            left = max(0.0, limits.time_limit - (time.monotonic() - started))
            if not worker.connection.poll(left):
                return plain(
                    503, f"the query was stopped after its time limit of {limits.time_limit:g} s"
                )
            answer = worker.connection.recv()
            healthy = True
            return replace(answer, headers=(*answer.headers, (BUILD_HEADER, self.build.header())))
        except (EOFError, OSError):
            print(f"worker {worker.pid} ended while answering", file=self.log, flush=True)
            return plain(
                503,
                f"the query was stopped: it went over the memory limit of {limits.memory_limit} MB "
                "(or its worker failed: see the server's log)",
            )
        finally:
            self._give_back(worker, healthy)

    def _free_worker(self, deadline: float) -> _Worker | None:
        """A worker as soon as one is free; None at the deadline. PoolRetiredError when a
        newer build takes over meanwhile: the caller asks the new pool."""
        while not self.retired:
            try:
                return self.idle.get(timeout=max(0.0, min(0.1, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return None
        raise PoolRetiredError

    def _give_back(self, worker: _Worker | None, healthy: bool) -> None:
        """The request is done with ``worker`` (None: it got none)."""
        with self._lock:
            self._busy -= 1
            retired = self.retired
        if worker is not None and healthy and not retired:
            self.idle.put(worker)
            return
        if worker is not None:
            worker.stop()
        if retired:
            self._close_idle()
        elif worker is not None:  # a new worker in its place, without keeping the client waiting
            threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        try:
            self.idle.put(self._fork())
        except (EOFError, OSError) as error:
            print(f"cannot start a query worker: {error}", file=self.log, flush=True)


# --- the keeper and its workers (run in their own processes) ---------------------------


def keep() -> None:
    """The keeper's main: cut off the network, load the graph, fork workers on demand."""
    config = json.loads(sys.argv[-1])
    from ..records.readers import die_with
    from .sandbox import cut_off_network

    die_with(config["parent"])
    # Ctrl+C in a terminal reaches the whole process group: the server stops the
    # keeper and its workers itself, without a traceback from each of them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    control = Connection(config["fd"])
    wall = cut_off_network()
    try:
        engine, store, build = _load(config["engine"], Path(config["path"]), wall)
    except FileError as error:
        control.send(("failed", str(error)))
        return
    except Exception as error:  # noqa: BLE001 - any failure to load is reported as one line
        control.send(("failed", f"cannot load {config['path']}: {error}"))
        return
    try:
        _count_once(engine, store, build)
    except Exception as error:  # noqa: BLE001 - the VoID then counts when first asked
        print(f"cannot count the graph for its VoID now: {error}", file=sys.stderr, flush=True)
    control.send(("ready", build.__dict__))
    signal.signal(signal.SIGCHLD, _reap)
    while True:
        try:
            control.recv()
        except (EOFError, OSError):
            return
        _fork_worker(control, engine, store, build)


def _count_once(engine, store, build: Build) -> None:
    """Count the VoID's classes and properties before forking: every worker inherits
    the counts (a scan of the whole graph: about a second at a million triples)."""
    from .resources import dataset_facts

    dataset_facts(engine, store, "", build.as_dict())


def _reap(_signal, _frame) -> None:
    """Wait for every worker that ended (so that none is left a zombie, and the CPU
    time of a worker killed at its time limit is counted, as the system counts it)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _load(engine_name: str, path: Path, wall: str | None):
    from ..graph.engines import get_engine
    from ..graph.files import read_header
    from ..graph.loading import load_graph_file

    engine = get_engine(engine_name)
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
        modified = os.fstat(file.fileno()).st_mtime
        # The file as opened, even if a rebuild renames another over its name meanwhile:
        # the digest names exactly the graph that is loaded.
        opened = Path(f"/proc/self/fd/{file.fileno()}")
        store = load_graph_file(engine, path, read_header(opened), read_from=opened)
    built = datetime.fromtimestamp(modified, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    build = Build(path.name, f"sha256:{digest.hexdigest()}", built, engine.size(store), wall)
    return engine, store, build


def _fork_worker(control: Connection, engine, store, build: Build) -> None:
    ours, theirs = socket.socketpair()
    keeper = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            ours.close()
            from ..records.readers import die_with

            die_with(keeper)
            _serve_requests(Connection(theirs.detach()), engine, store, build)
        finally:
            os._exit(0)
    theirs.close()
    control.send(pid)
    send_handle(control, ours.fileno(), pid)
    ours.close()


def _serve_requests(connection: Connection, engine, store, build: Build) -> None:
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_answer_within_memory(engine, store, build, request))


def _answer_within_memory(engine, store, build: Build, request: dict) -> Answer:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = request.get("memory_limit")
    if limit:
        allowed = _address_space() + limit * _MB
        resource.setrlimit(resource.RLIMIT_AS, (min(allowed, hard) if hard > 0 else allowed, hard))
    try:
        return answer_request(engine, store, build, request)
    except MemoryError:
        return plain(503, f"the query was stopped: it went over the memory limit of {limit} MB")
    except RecursionError:
        return plain(400, "the query is nested too deeply to be read")
    except Exception as error:  # noqa: BLE001 - a worker answers, whatever happens
        return plain(500, f"the request failed: {type(error).__name__}: {error}")
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def answer_request(engine, store, build: Build, request: dict) -> Answer:
    """What a worker does with one request (its ``kind`` says which)."""
    kind = request["kind"]
    if kind == "query":
        from .protocol import answer_query

        return answer_query(
            engine, store, request["query"], request.get("accept"), request.get("format"),
            request.get("max_rows"),
        )  # fmt: skip
    if kind == "dump":
        return Answer(200, "application/n-triples", engine.serialise(store, "nt"))
    if kind == "saved":
        from .protocol import answer_saved_query

        return answer_saved_query(
            engine, store, request["name"], request["params"], request.get("accept"),
            request.get("format"), request.get("max_rows"),
        )  # fmt: skip
    from . import resources

    if kind == "resource":
        return resources.resource_answer(
            engine, store, request["path"], request.get("accept"), request.get("lang"),
            fmt=request.get("format"),
        )  # fmt: skip
    if kind == "service":
        return resources.service_description(
            engine, store, request["endpoint"], build.as_dict(), request.get("accept")
        )
    if kind == "void":
        return resources.void_description(
            engine, store, request["base"], build.as_dict(), request.get("accept"),
            request.get("lang"),
        )  # fmt: skip
    return plain(404, f"no such request: {kind}")
