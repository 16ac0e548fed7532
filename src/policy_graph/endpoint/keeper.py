"""The processes that hold the graph: a keeper, cut off the network, and the workers it
forks (:class:`policy_graph.endpoint.workers.Pool` starts and speaks to them).

The keeper (a fresh interpreter, single-threaded) cuts itself off the network
(:mod:`policy_graph.endpoint.sandbox`), loads the graph file and then only forks
workers when asked. Each worker shares the loaded store with it (copy on write) and
answers requests, one at a time, over a socket pair whose end the keeper hands to the
server. An answer's body travels inline when small; a larger one is written to an
unlinked temporary file whose descriptor is handed over instead, so that the server
streams it without ever holding it (:data:`INLINE`).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.reduction import send_handle
from pathlib import Path

from ..errors import FileError
from .logs import message_line, write_line
from .protocol import Answer, plain
from .workers import Build

_MB = 1024 * 1024
INLINE = _MB  # bytes of a body sent through the socket; a larger one goes as a file


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
        write_line(sys.stderr, message_line(f"cannot count the graph for its VoID now: {error}"))
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
    if path.is_dir():
        return _open_kept(path, wall)
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
    built = _utc(modified)
    build = Build(path.name, f"sha256:{digest.hexdigest()}", built, engine.size(store), wall)
    return engine, store, build


def _open_kept(folder: Path, wall: str | None):
    """The current generation of the store kept in ``folder``, read-only (workers share
    its handle): named by the digest of its description, dated by its publication."""
    from ..graph.engines import get_engine
    from ..graph.kept_store import CURRENT, KeptStore

    described = folder / CURRENT
    try:
        with described.open("rb") as file:
            text = file.read()
            modified = os.fstat(file.fileno()).st_mtime
    except OSError as error:
        raise FileError(f"cannot read the kept store {folder}: {error.strerror}") from None
    store = KeptStore(folder).open(json.loads(text).get("origin"))
    if store is None:
        raise FileError(f"the kept store {folder} changed or cannot be opened: build again")
    built = _utc(modified)
    digest = f"sha256:{hashlib.sha256(text).hexdigest()}"
    build = Build(f"{folder.name}/gen-{store.generation.number}", digest, built, len(store), wall)
    return get_engine("oxigraph"), store, build


def _utc(timestamp: float) -> str:
    """When a build was made, as the Build names it: UTC, ISO 8601 to the second."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        answer = _answer_within_memory(engine, store, build, request)
        if len(answer.body) <= INLINE:
            connection.send(answer)
            continue
        with tempfile.TemporaryFile(prefix="policy-graph-answer-") as file:
            file.write(answer.body)
            file.flush()
            file.seek(0)
            connection.send(replace(answer, body=b"", size=len(answer.body)))
            send_handle(connection, file.fileno(), 0)


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
            request.get("max_rows"), request.get("max_triples"),
        )  # fmt: skip
    if kind == "dump":
        return Answer(200, "application/n-triples", engine.serialise(store, "nt"))
    if kind == "saved":
        from .protocol import answer_saved_query

        return answer_saved_query(
            engine, store, request["name"], request["params"], request.get("accept"),
            request.get("format"), request.get("max_rows"), request.get("max_triples"),
        )  # fmt: skip
    from . import resources

    if kind == "resource":
        return resources.resource_answer(
            engine, store, request["path"], request.get("accept"), request.get("lang"),
            fmt=request.get("format"),
        )  # fmt: skip
    if kind == "service":
        return resources.service_description(
            engine, store, request["endpoint"], build.as_dict(), request.get("accept"),
            request.get("lang"), request.get("format"),
        )  # fmt: skip
    if kind == "void":
        return resources.void_description(
            engine, store, request["base"], build.as_dict(), request.get("accept"),
            request.get("lang"), fmt=request.get("format"),
        )  # fmt: skip
    return plain(404, f"no such request: {kind}")
