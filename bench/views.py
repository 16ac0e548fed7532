"""Benchmark: how long a view of N nodes takes to write, and to settle in Chromium.

    .venv/bin/python bench/views.py [N ...]        # default: 1000 5000

Prints a Markdown table (median of 3 runs). A benchmark, not a test: the numbers
depend on the machine, so nothing here passes or fails.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from policy_graph.viz import View, render

KINDS = ["policy", "department", "technology", "target-group", "partner"]


def synthetic(n: int, seed: int = 7) -> nx.DiGraph:
    """A policy-shaped network: policies linked to a department and a few technologies."""
    rng = random.Random(seed)
    network = nx.DiGraph()
    for i in range(n):
        kind = KINDS[0] if i % 3 else rng.choice(KINDS[1:])
        network.add_node(
            f"urn:n:{i:06d}",
            kind=kind,
            label=f"노드 {i}",
            label_ko=f"노드 {i}",
            label_en=f"node {i}",
        )
    nodes = sorted(network)
    for i, node in enumerate(nodes):
        for other in rng.sample(nodes, 2):
            if other != node:
                network.add_edge(node, other, relation="uses")
    return network


def settle_seconds(path: Path) -> float | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function(
            "window.policyGraphView && window.policyGraphView.settled", timeout=120_000
        )
        took = time.perf_counter() - started
        browser.close()
    return took


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000]
    print("| nodes | edges | write (s) | settle in Chromium (s) |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            network = synthetic(n)
            writes, settles = [], []
            for run in range(3):
                started = time.perf_counter()
                page = render(View("bench", "bench", network))
                path = Path(folder) / f"bench-{n}-{run}.html"
                path.write_text(page, encoding="utf-8")
                writes.append(time.perf_counter() - started)
                settle = settle_seconds(path)
                if settle is not None:
                    settles.append(settle)
            settle_text = f"{statistics.median(settles):.2f}" if settles else "(no chromium)"
            write_text = f"{statistics.median(writes):.2f}"
            print(f"| {n} | {network.number_of_edges()} | {write_text} | {settle_text} |")


if __name__ == "__main__":
    main()
