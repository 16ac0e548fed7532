"""The walls of `policy-graph serve` (issue 26), against real server processes: the
network namespace or --no-sandbox in so many words."""

from __future__ import annotations

import os

from tests.endpoint.test_server_attacks import answer_of
from tests.endpoint.test_server_attacks import running_server as attack_server
from tests.helpers import DATA, run_cli

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
