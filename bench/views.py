"""Benchmark: `viz --all` on a generated corpus beside `build` of it, and how long the
first page (overview.html) and the largest page take to draw in Chromium.

    .venv/bin/python bench/views.py [TRIPLES ...]      # default: 100000

For each size: generate the corpus, `build --engine oxigraph` it, `viz --all` it (wall
time and peak memory of each process, by /usr/bin/time), then open overview.html and
the largest page from disk in Debian's Chromium (1440×900, network blocked) and time
each until it is drawn: the network still (window.policyGraphView.settled) and the tab
it opens on drawn (its section's data-drawn: the map, or the rankings of a corpus
without codes). Prints a Markdown table. A benchmark, not a test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "policy-graph"


def timed(*args: str, cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident MB of one policy-graph run."""
    report = cwd / "time.txt"
    subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(report), str(BIN), *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )
    seconds, kilobytes = report.read_text().split()[-2:]
    return float(seconds), int(kilobytes) // 1024


DRAWN = """() => {
  const view = window.policyGraphView;
  if (!view || !view.settled) return false;
  const tab = view.state.tab;
  return tab === "network" || document.getElementById("tab-" + tab).hasAttribute("data-drawn");
}"""


def draw_seconds(page: Path) -> float | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
        )
        tab = context.new_page()
        started = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_function(DRAWN, timeout=300_000)
        took = time.perf_counter() - started
        browser.close()
    return took


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    print(
        "| triples | build (s) | build MB | viz --all (s) | viz MB | pages | first page drawn (s) "
        "| largest page | drawn (s) |\n|---|---|---|---|---|---|---|---|---|"
    )
    for triples in sizes:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            subprocess.run(
                [str(BIN), "generate", "--out", "corpus", "--triples", str(triples)],
                cwd=work,
                check=True,
                capture_output=True,
            )
            graph = "build/graph.ttl"
            common = ["--data", "corpus", "--engine", "oxigraph"]
            build = timed("build", *common, "--out", graph, cwd=work)
            viz = timed("viz", "--all", "--engine", "oxigraph", "--graph-file", graph, cwd=work)
            pages = sorted((work / "build" / "views").glob("*.html"))
            largest = max(pages, key=lambda p: p.stat().st_size)
            first = draw_seconds(work / "build" / "views" / "overview.html")
            draw = draw_seconds(largest)
            print(
                f"| {triples:,} | {build[0]:.1f} | {build[1]:,} | {viz[0]:.1f} | {viz[1]:,} "
                f"| {len(pages):,} | {_seconds(first)} "
                f"| {largest.name}, {largest.stat().st_size / 2**20:.1f} MB | {_seconds(draw)} |",
                flush=True,
            )


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
