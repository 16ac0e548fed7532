"""The second wall around the endpoint's queries: a process with no network.

:mod:`policy_graph.query.canonical` refuses what reaches outside; this makes sure that
nothing can, however a query is spelled: the process that loads the graph and runs
queries (and every worker it forks) moves into a network namespace of its own, where
the only interface is a loopback that is down. Connections fail with "network is
unreachable"; files stay readable, and sockets opened before (the pipes to the
server) keep working. Linux only: as root the namespace is made directly, otherwise
in a user namespace of its own (unprivileged user namespaces, on by default in
Debian and most distributions). The process must still be single-threaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

# Tests only: the kernel is taken to refuse a namespace, as some containers do.
REFUSE_FOR_TESTS = "POLICY_GRAPH_TEST_REFUSE_NAMESPACE"

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def cut_off_network() -> str | None:
    """Move this process into a network namespace of its own; ``None`` when done,
    else why it could not be (the caller says so: the first wall still stands)."""
    if os.environ.get(REFUSE_FOR_TESTS):
        return f"the kernel refused a network namespace ({REFUSE_FOR_TESTS} is set)"
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux only (this is {sys.platform})"
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError as error:
        return f"cannot load the C library: {error}"
    reasons = []
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return None
        reasons.append(os.strerror(ctypes.get_errno()))
    return f"the kernel refused a network namespace ({'; '.join(dict.fromkeys(reasons))})"
