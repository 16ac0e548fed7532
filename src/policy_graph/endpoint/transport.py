"""The endpoint's HTTP side: waitress, with the deadlines and limits it lacks.

Waitress reads whole requests in one event loop before any work is done, keeps
connections alive, listens with a real backlog and drops a connection that stays
silent for ``channel_timeout``. What it does not do, this module adds:

- a **total deadline per request**: its headers and body must arrive within
  ``client_timeout`` seconds of its first byte (a client that sends one byte every few
  seconds is never silent, and held a connection for ever);
- a **deadline per answer**: a client must take an answer within ``client_timeout``
  seconds plus one second per :data:`MIN_RATE` bytes of it (one that reads nothing
  held a large answer, and its temporary file, for as long as it liked);
- **no 100 Continue before a refusal**: a request whose announced body is over the
  limit gets its 413 at once, also when it sends ``Expect: 100-continue`` (waitress
  said "100 Continue" first, and refused only once the body came);
- **a limit of connections per client address**, beside waitress's overall
  ``connection_limit``: one client cannot take every connection.

Deadlines are checked once a second (waitress's ``cleanup_interval``).
"""

from __future__ import annotations

import logging
import socket
import time
import types

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from .processes import BACKLOG

MIN_RATE = 1_000_000  # bytes a second that a client must take an answer at, on average
CHECK_EVERY = 1  # seconds between the checks of deadlines


class GuardedChannel(HTTPChannel):
    """A connection whose requests and answers have deadlines."""

    reading_since: float | None = None  # when the first byte of the request being read came
    answer_since: float | None = None  # when the answer being sent was first written
    answer_bytes = 0

    def received(self, data):
        if data and self.request is None and self.reading_since is None:
            self.reading_since = time.monotonic()
        done = super().received(data)
        if self.request is None:  # every request read whole (or none begun)
            self.reading_since = None
        return done

    def send_continue(self):
        # A request already refused (a body announced over the limit) gets no "100
        # Continue": its client would send the body before it sees the refusal.
        if self.request is not None and self.request.error is not None:
            return
        super().send_continue()

    def write_soon(self, data):
        if data:
            if self.answer_since is None:
                self.answer_since, self.answer_bytes = time.monotonic(), 0
            self.answer_bytes += len(data)
        return super().write_soon(data)

    def late(self, now: float, client_timeout: float) -> str | None:
        """Why this connection is past a deadline at ``now``, or None."""
        if self.reading_since is not None and now - self.reading_since > client_timeout:
            return "request"
        if self.answer_since is not None:
            if not self.total_outbufs_len:
                self.answer_since = None  # taken whole
            elif now - self.answer_since > client_timeout + self.answer_bytes / MIN_RATE:
                return "answer"
        return None


def _maintenance(self, now):
    """Waitress's check of silent connections, then the deadlines of this module."""
    BaseWSGIServer.maintenance(self, now)
    timeout = self.adj.channel_timeout
    monotonic = time.monotonic()
    for channel in list(self.active_channels.values()):
        if isinstance(channel, GuardedChannel) and channel.late(monotonic, timeout):
            channel.will_close = True
            # A socket whose client reads nothing never becomes writable, so a close
            # left for the next write would never come; closed here, its descriptor
            # would still be polled in this turn of the loop. Shut down, the socket
            # hangs up, and the loop closes the connection in its next turn.
            try:
                channel.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _accept(self, per_client: int):
    """Waitress's accept, then a limit of connections from one address."""
    before = set(self.active_channels)
    BaseWSGIServer.handle_accept(self)
    for fd in set(self.active_channels) - before:
        channel = self.active_channels[fd]
        address = channel.addr[0] if isinstance(channel.addr, tuple) else channel.addr
        same = sum(
            1
            for other in self.active_channels.values()
            if isinstance(other.addr, tuple) and other.addr[0] == address
        )
        if same > per_client:
            channel.handle_close()


def _readable_in_turn(self, share) -> bool:
    """Waitress's readiness to accept, while no other process holds fewer connections."""
    return BaseWSGIServer.readable(self) and share.may_accept(len(self.active_channels))


def make_server(app, limits, host=None, port=None, sockets=None, share=None):
    """A waitress server of ``app`` on ``host``:``port`` (or on listening ``sockets``,
    shared with other processes: it takes connections while ``share.may_accept``
    allows) with ``limits``' deadlines and connection limits (see the module's
    docstring)."""
    # Waitress warns at every request that waits for a thread ("Task queue depth is
    # 1"): under load that is every request, and it says nothing a client limit does not.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    channels: dict = {}
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    server = create_server(
        app,
        map=channels,
        **where,
        threads=limits.threads,
        backlog=BACKLOG,
        connection_limit=limits.connection_limit,
        channel_timeout=limits.client_timeout,
        cleanup_interval=CHECK_EVERY,
        # poll(), not select(): no limit of 1,024 descriptors, and a hung-up socket
        # is reported (the deadlines above rely on it).
        asyncore_use_poll=True,
        # Waitress reads a body whole before the application sees it; one announced
        # past this gets 413 at once, before it is sent.
        max_request_body_size=limits.max_body,
        ident="policy-graph",
        # Nothing here reads X-Forwarded-* headers: no need to wrap every request in
        # the middleware that strips them.
        clear_untrusted_proxy_headers=False,
        expose_tracebacks=False,
    )
    for listener in list(channels.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = GuardedChannel
            listener.maintenance = types.MethodType(_maintenance, listener)
            per_client = limits.client_connections
            listener.handle_accept = types.MethodType(
                lambda self, per_client=per_client: _accept(self, per_client), listener
            )
            if share is not None:
                listener.readable = types.MethodType(
                    lambda self: _readable_in_turn(self, share), listener
                )
    return server
