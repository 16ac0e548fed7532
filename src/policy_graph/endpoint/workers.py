"""The endpoint's query workers: long-lived processes that hold the graph.

A :class:`Pool` starts one *keeper* process (:mod:`policy_graph.endpoint.keeper`) that
cuts itself off the network, loads the graph file and then only forks workers when
asked, each sharing the loaded store. Forking from the keeper, never from the
server's own threaded process, keeps a fork from inheriting another thread's locks.

The workers stand in three lanes, so that no request waits behind another's query:

- ``queries`` (``--workers`` of them): SPARQL queries, saved queries, the dump;
- ``pages``: one worker for the pages of resources, the VoID and the service
  description, which no query can hold up;
- ``spare``: one worker that a query tries first when every query worker is busy, for
  at most :data:`SPARE_TRY` seconds (a trivial query is answered at once; a slow one is
  stopped there and waits for a query worker, its time counted).

A lane takes as many requests as it has workers plus a queue (``--queue`` for queries,
:data:`PAGE_QUEUE` for pages); past that a request gets 503 with ``Retry-After`` at once.
A worker past its time limit is killed and replaced; a memory limit (an address-space
limit set around each request) makes a query that grows too big fail, and its worker
is replaced too. Rebuilt graphs get a new pool beside the old one (:mod:`.server`).
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle
from pathlib import Path

from ..errors import FileError
from .protocol import Answer, plain

BUILD_HEADER = "Policy-Graph-Build"  # on every answer: the build it came from
QUERY_KINDS = ("query", "saved", "dump")  # the queries lane; the rest are pages
SPARE_TRY = 0.25  # seconds a query may run on the spare worker when all are busy
PAGE_QUEUE = 8  # page requests that may wait for the pages worker
STATIC_THREADS = 4  # request threads left for the editor and its files, at the least


@dataclass(frozen=True)
class Limits:
    time_limit: float = 10.0  # seconds a request may take in its worker, waiting included
    max_rows: int = 10_000  # SELECT rows in one answer; the rest is cut, and the answer says so
    max_triples: int = 100_000  # CONSTRUCT and DESCRIBE triples in one answer, likewise
    memory_limit: int = 1024  # MB a request may allocate beyond what its worker holds
    max_body: int = 1_000_000  # bytes of a request body
    client_timeout: float = 10.0  # seconds a request may take to arrive, headers and body
    workers: int = 4  # queries answered at once
    queue: int = 64  # queries that may wait for a worker; past them, 503 and Retry-After
    connection_limit: int = 1000  # connections open at once; past them, new ones wait
    client_connections: int = 100  # connections open at once from one address
    kept_answers: int = 64  # MB of answers each HTTP process keeps for the same requests

    def shared_by(self, processes: int) -> Limits:
        """Each of ``processes`` HTTP processes' share of the workers, the queue and
        the connections (each keeps ``kept_answers`` and ``client_connections`` whole)."""
        return replace(
            self,
            workers=math.ceil(self.workers / processes),
            queue=math.ceil(self.queue / processes),
            connection_limit=math.ceil(self.connection_limit / processes),
        )

    @property
    def threads(self) -> int:
        """Request threads: one for every request a lane may hold, and some to spare
        for requests that need no worker (the editor, its files)."""
        return self.workers + self.queue + 1 + PAGE_QUEUE + 1 + STATIC_THREADS


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
    """A keeper process holding one loaded graph, and its workers in their lanes."""

    def __init__(self, engine: str, path: Path, limits: Limits, say=None) -> None:
        self.engine, self.path, self.limits = engine, Path(path), limits
        self.say = say or (lambda message: print(message, file=sys.stderr, flush=True))
        self.build: Build | None = None
        self.retired = False
        self.keeper: subprocess.Popen | None = None
        self._free: dict[str, list[_Worker]] = {"queries": [], "pages": [], "spare": []}
        self._asking = {"queries": 0, "pages": 0}  # requests in a lane, waiting or answered
        self._changed = threading.Condition()  # a worker freed, a lane's count, retirement
        self._keeper_lock = threading.Lock()  # one conversation with the keeper at a time

    # --- start and stop ---------------------------------------------------------------

    def start(self) -> Build:
        """Start the keeper, wait until it has loaded the graph and fork the workers;
        FileError with the keeper's reason when the graph cannot be loaded."""
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", "from policy_graph.endpoint.keeper import keep; keep()"]
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
        lanes = ["queries"] * self.limits.workers + ["pages", "spare"]
        for lane in lanes:
            self._free[lane].append(self._fork())
        return self.build

    def retire(self) -> None:
        """Stop taking requests; workers end as they finish, then the keeper."""
        with self._changed:
            self.retired = True
            self._changed.notify_all()
        self._close_idle()

    def close(self) -> None:
        with self._changed:
            self.retired = True
            self._changed.notify_all()
        self._close_idle()
        self.control.close()
        self.keeper.kill()
        self.keeper.wait()

    def _close_idle(self) -> None:
        with self._changed:
            idle = [worker for lane in self._free.values() for worker in lane]
            for lane in self._free.values():
                lane.clear()
            done = self.retired and not any(self._asking.values())
        for worker in idle:
            worker.stop()
        with self._keeper_lock:
            if done and not self.control.closed:
                self.control.close()  # the keeper reads the end of its input and ends
                # … and is waited for, so that it is no zombie of this process.
                threading.Thread(target=self.keeper.wait, daemon=True).start()

    def _fork(self) -> _Worker:
        with self._keeper_lock:
            self.control.send("fork")
            pid = self.control.recv()
            handle = recv_handle(self.control)
        return _Worker(pid, Connection(handle))

    # --- requests ----------------------------------------------------------------------

    def ask(self, request: dict) -> Answer:
        """The answer of a free worker of the request's lane, within the time limit
        (waiting counts); 503 when the lane is full, none is free in time, or the
        limits are hit. PoolRetiredError when a newer build took over before a worker
        was free: the caller asks the new pool."""
        lane = "queries" if request["kind"] in QUERY_KINDS else "pages"
        capacity = self.limits.workers + self.limits.queue if lane == "queries" else 1 + PAGE_QUEUE
        with self._changed:
            if self.retired:
                raise PoolRetiredError
            if self._asking[lane] >= capacity:
                return self._busy_answer(f"{capacity} requests are being answered or wait")
            self._asking[lane] += 1
        try:
            return self._answer(request, lane)
        finally:
            with self._changed:
                self._asking[lane] -= 1
            if self.retired:
                self._close_idle()

    def _answer(self, request: dict, lane: str) -> Answer:
        limits = self.limits
        started = time.monotonic()
        deadline = started + limits.time_limit
        lanes = ("queries", "spare") if lane == "queries" else ("pages",)
        while True:
            taken = self._take(lanes, deadline)
            if taken is None:
                return self._busy_answer("every worker is answering")
            where, worker = taken
            left = deadline - time.monotonic()
            answer = self._run(
                worker, where, request, min(left, SPARE_TRY) if where == "spare" else left
            )
            if answer is not None:
                return answer
            if where == "spare" and time.monotonic() < deadline:
                lanes = ("queries",)  # too slow for the spare: it waits for a query worker
                continue
            return plain(
                503, f"the query was stopped after its time limit of {limits.time_limit:g} s"
            )

    def _take(self, lanes: tuple[str, ...], deadline: float) -> tuple[str, _Worker] | None:
        """A free worker of the first of ``lanes`` that has one, as soon as there is
        one; None at the deadline; PoolRetiredError when a newer build takes over."""
        with self._changed:
            while True:
                if self.retired:
                    raise PoolRetiredError
                for lane in lanes:
                    if self._free[lane]:
                        return lane, self._free[lane].pop()
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(min(left, 0.5))

    def _run(self, worker: _Worker, lane: str, request: dict, seconds: float) -> Answer | None:
        """``worker``'s answer within ``seconds`` (None when it took longer: the worker
        is replaced); the worker goes back to its lane when it answered."""
        healthy = False
        try:
            worker.connection.send(request)
            if not worker.connection.poll(max(0.0, seconds)):
                return None
            answer = worker.connection.recv()
            if answer.size is not None:  # the body is in a file: take its descriptor
                answer = replace(answer, file=os.fdopen(recv_handle(worker.connection), "rb"))
            healthy = True
            return replace(answer, headers=(*answer.headers, (BUILD_HEADER, self.build.header())))
        except (EOFError, OSError):
            self.say(f"worker {worker.pid} ended while answering")
            return plain(
                503,
                "the query was stopped: it went over the memory limit of "
                f"{self.limits.memory_limit} MB (or its worker failed: see the server's log)",
            )
        finally:
            self._give_back(worker, lane, healthy)

    def _give_back(self, worker: _Worker, lane: str, healthy: bool) -> None:
        with self._changed:
            if healthy and not self.retired:
                self._free[lane].append(worker)
                self._changed.notify_all()
                return
        worker.stop()
        if not self.retired:  # a new worker in its place, without keeping the client waiting
            threading.Thread(target=self._replace, args=(lane,), daemon=True).start()

    def _replace(self, lane: str) -> None:
        try:
            worker = self._fork()
        except (EOFError, OSError) as error:
            self.say(f"cannot start a query worker: {error}")
            return
        with self._changed:
            if self.retired:
                worker.stop()
                return
            self._free[lane].append(worker)
            self._changed.notify_all()

    def _busy_answer(self, why: str) -> Answer:
        retry = str(max(1, math.ceil(self.limits.time_limit)))
        return plain(
            503, f"the endpoint is busy: {why}; try again in {retry} s",
            headers=(("Retry-After", retry),),
        )  # fmt: skip
