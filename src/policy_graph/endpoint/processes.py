"""Several HTTP processes on one listening socket: a pre-fork, as gunicorn does.

One Python process answers HTTP under one interpreter lock: its waitress loop and its
request threads take turns, and under load each request waits for the others' turns
(bench/endpoint.py: one process spent about 1.8 ms of CPU per SELECT on the article's
graph, against 0.4 ms in its query worker). With ``serve --processes N`` this process
binds the port once and forks N HTTP processes that all accept from it; each is a
whole endpoint of its own (:func:`policy_graph.endpoint.server.serve_one`): its lanes
of workers, its answers kept, its watch for new builds. Their keepers share the graph
where it is a kept store (opened read-only, its pages in the operating system's
cache); a graph file is loaded by each.

The kernel wakes every process at a new connection and the first to take it keeps it
(a keep-alive client for its whole visit), so four clients could all land in one
process while another idles. Each process therefore says how many connections it holds
(:class:`Share`, in memory shared by all) and takes new ones only while it holds no
more than one over the least loaded process: the least loaded always takes them.

This process only starts them, says when all are ready (or why one could not start:
the first error is raised here, as it would be by one process), starts another when
one ends, and stops them all at Ctrl+C or SIGTERM. It starts no thread, so every fork
is of a single-threaded process.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from multiprocessing.sharedctypes import RawArray

from ..errors import FileError, UsageError

# Connections the kernel holds for a port before they are accepted: several HTTP
# processes' one socket (listen) and a single process's own (transport.make_server).
BACKLOG = 2048
STOP_WAIT = 5.0  # seconds an HTTP process has to stop before it is killed
RESTART_PAUSE = 1.0  # seconds before an HTTP process that ended is replaced
_ERRORS = {"FileError": FileError, "UsageError": UsageError}
_ABSENT = 1 << 62  # the connections of a process not (yet) serving: never the least


class Share:
    """The connections each HTTP process holds, and whether process ``index`` may take
    another: while it holds at most one more than the least loaded one."""

    def __init__(self, loads, index: int) -> None:
        self.loads, self.index = loads, index

    def may_accept(self, holding: int) -> bool:
        self.loads[self.index] = holding
        return holding <= min(self.loads) + 1


def listen(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on every address of ``host`` (one port for all: the first
    one's, when ``port`` is 0)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    listeners: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            listener = socket.socket(family, kind, proto)
            listeners.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if port == 0 and len(listeners) > 1:
                address = (address[0], listeners[0].getsockname()[1], *address[2:])
            listener.bind(address)
            listener.listen(BACKLOG)
    except OSError:
        for listener in listeners:
            listener.close()
        raise
    return listeners


class Forked:
    """The HTTP processes: started, watched, replaced and stopped."""

    def __init__(self, count: int, listeners: list[socket.socket], serve_one, say) -> None:
        self.count, self.listeners, self.serve_one, self.say = count, listeners, serve_one, say
        self.pids: dict[int, int] = {}  # pid: its index in the shared loads
        self.loads = RawArray("q", [_ABSENT] * count)

    def run(self, ready, url: str) -> None:
        """Start every process, call ``ready(url)`` once all answer, keep them going
        until interrupted; FileError or UsageError when one could not start."""
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            for started in [self._start(index) for index in range(self.count)]:
                _raise_unless_ready(started)
            if ready:
                ready(url)
            self._keep_going()
        finally:
            self.stop()

    def _start(self, index: int) -> tuple[int, int]:
        """Fork HTTP process ``index``; its pid and the pipe it says it is ready on."""
        reading, writing = os.pipe()
        parent = os.getpid()
        self.loads[index] = _ABSENT
        pid = os.fork()
        if pid == 0:
            os.close(reading)
            _child(self.listeners, self.serve_one, Share(self.loads, index), writing, parent)
        os.close(writing)
        self.pids[pid] = index
        return pid, reading

    def _keep_going(self) -> None:
        while True:
            pid, status = os.wait()
            index = self.pids.pop(pid, None)
            if index is None:
                continue
            self.loads[index] = _ABSENT
            self.say(f"HTTP process {pid} ended ({_ending(status)}); starting another")
            time.sleep(RESTART_PAUSE)
            try:
                _raise_unless_ready(self._start(index))
            except (FileError, UsageError) as error:
                self.say(f"cannot start another HTTP process: {error}")

    def stop(self) -> None:
        for pid in self.pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT
        while self.pids:
            for pid in list(self.pids):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    del self.pids[pid]
            if self.pids and time.monotonic() > deadline:
                for pid in self.pids:
                    _signal(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.05)


def _child(listeners, serve_one, share: Share, writing: int, parent: int) -> None:
    """An HTTP process: serve until SIGTERM; never returns."""
    from ..records.readers import die_with

    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the first process's to handle
    signal.signal(signal.SIGTERM, _leave)
    word = _Word(writing)
    code = 0
    try:
        serve_one(listeners, share, lambda url: word.say(b"ready"))
    except (FileError, UsageError) as error:
        word.say(f"{type(error).__name__}\t{error}".encode())
        code = 2
    except SystemExit:
        pass
    except BaseException as error:  # noqa: BLE001 - said to the first process, then ended
        word.say(f"FileError\tan HTTP process failed: {error!r}".encode())
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


class _Word:
    """An HTTP process's one word to the first process: "ready" or why not."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def say(self, data: bytes) -> None:
        if self.fd is None:  # said already: the descriptor may be another file's now
            return
        try:
            os.write(self.fd, data)
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _raise_unless_ready(started: tuple[int, int]) -> None:
    """Wait for a new HTTP process's word; raise the error it gives instead of ready."""
    pid, reading = started
    with os.fdopen(reading, "rb") as said:
        word = said.read().decode("utf-8", "replace")
    if word == "ready":
        return
    kind, _, message = word.partition("\t")
    raise _ERRORS.get(kind, FileError)(message or f"HTTP process {pid} ended before it was ready")


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _leave(signum, frame) -> None:
    raise SystemExit(0)
