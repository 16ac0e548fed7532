"""Benchmark of the pipeline at 10k, 100k and 1M triples on both engines.

    .venv/bin/python bench/pipeline.py [--sizes 10000 100000 1000000] [--runs 3] [--engines rdflib oxigraph]

For each size (a generated corpus, `policy-graph generate`) and engine: the build
(load + check + convert + SHACL + write, as a separate process, with its peak
memory), each saved query and view generation; also `--help` start-up and a query
on the article's graph. Prints a Markdown report and writes it to docs/benchmarks.md
(keeping the sections that bench/national.py, issue 14's targets in one run, and
bench/draft.py write there between their marker lines),
with bench/endpoint.md (the endpoint beside Oxigraph's server: bench/endpoint.py
--notes bench/endpoint.md) and bench/notes.md. Medians of --runs runs. A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "policy_graph"]
ENGINES = ("rdflib", "oxigraph")
SLOW = 10.0  # a query slower than this is run once
CAP = 60  # and one slower than this is stopped


class TooSlow(BaseException):
    """A query past CAP seconds."""


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds and peak memory (MB) of one command in a process of its own."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{process.stderr.read().decode()[-3000:]}")
    return took, usage.ru_maxrss // 1024


def median_run(args, cwd, runs, env=None, before=None) -> tuple[float, int]:
    """Median seconds and largest peak of ``runs`` runs (``before()`` ahead of each)."""
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(run(args, cwd, env))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def measured_apart(function, *args):
    """``function(*args)`` in a fresh process: each engine's queries are timed without
    the garbage of the one before (a 1M-triple rdflib graph left behind made every
    garbage collection of the next engine's queries slow: 10 s for a 1.3 s query)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def query_times(engine_name: str, graph_file: Path, runs: int) -> tuple[dict[str, float], float]:
    from policy_graph import api
    from policy_graph.graph.engines import get_engine

    engine = get_engine(engine_name)
    started = time.perf_counter()
    store = engine.load(graph_file, "nt")
    load = time.perf_counter() - started
    times = {}
    params_of = bench_params(store, engine_name)

    def too_slow(*_args):
        raise TooSlow  # not an Exception: run_query's error handling lets it through

    signal.signal(signal.SIGALRM, too_slow)
    for saved in api.list_queries():
        measured = []
        for _ in range(runs):
            started = time.perf_counter()
            signal.alarm(int(CAP))
            try:
                params = params_of.get(saved.name, {})
                result = api.run_query(saved.name, params=params, graph=store, engine=engine_name)
                len(result) if result.type != "CONSTRUCT" else len(result.graph)
            except TooSlow:
                measured = [float("inf")]
                break
            finally:
                signal.alarm(0)
            measured.append(time.perf_counter() - started)
            if measured[-1] > SLOW:
                break
        times[saved.name] = statistics.median(measured)
    del store
    return times, load


# The saved queries' default parameters name resources of the article, absent from a
# generated corpus: these find the busiest department and one of its policies instead,
# so that the neighbourhood and provenance measured are not empty.
BUSIEST_DEPARTMENT = """
PREFIX pg: <https://w3id.org/policy-graph/ontology#>
SELECT ?department (MIN(STR(?policy)) AS ?one) WHERE { ?policy pg:leadDepartment ?department }
GROUP BY ?department ORDER BY DESC(COUNT(?policy)) STR(?department) LIMIT 1
"""


def bench_params(store, engine_name: str) -> dict[str, dict[str, str]]:
    from policy_graph import api

    row = next(iter(api.run_query(text=BUSIEST_DEPARTMENT, graph=store, engine=engine_name)))
    return {
        "department-neighbourhood": {"department": row.department.n3()},
        "policy-provenance": {"policy": f"<{row.one}>"},
    }


def machine() -> str:
    import pyoxigraph
    import pyshacl
    import rdflib

    return (
        f"{describe()}, Python {platform.python_version()}, rdflib {rdflib.__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}, pyshacl {pyshacl.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `bench/pipeline.py` on {time.strftime('%Y-%m-%d')}: {machine()}.",
        f"Medians of {args.runs} runs; memory is the peak resident size of the build process.",
        "",
    ]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # Graphs that `query` builds for itself are cached: keep them in the work folder.
        os.environ["POLICY_GRAPH_CACHE_DIR"] = str(work / "cache")
        help_time, _ = median_run([*CLI, "--help"], work, 5)
        article_query, _ = median_run(
            [*CLI, "query", "policies-per-department", "--data", str(ROOT / "data")], work, 5
        )
        lines += [
            f"- `policy-graph --help`: {help_time:.2f} s (target < 0.1 s, issue 14; see bench/startup.py)",
            f"- `policy-graph query policies-per-department` on the article's graph: {article_query:.2f} s (target < 0.5 s)",
            "",
        ]
        builds, queries, views = [], {}, []
        for size in args.sizes:
            data = work / f"corpus-{size}"
            subprocess.run(
                [*CLI, "generate", "--out", str(data), "--triples", str(size)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for engine in args.engines:
                out = work / f"graph-{size}-{engine}.nt"
                seconds, memory = median_run(
                    [
                        *CLI,
                        "build",
                        "--engine",
                        engine,
                        "--data",
                        str(data),
                        "--out",
                        str(out),
                        "--format",
                        "nt",
                    ],
                    work,
                    args.runs,
                )
                triples = sum(1 for line in out.open("rb") if not line.startswith(b"#"))
                builds.append((size, engine, triples, seconds, memory))
                print(builds[-1], flush=True)
                times, load = measured_apart(query_times, engine, out, args.runs)
                queries[(size, engine)] = (times, load)
                print(size, engine, "queries", flush=True)
                view_seconds, view_memory = median_run(
                    [
                        *CLI,
                        "viz",
                        "--engine",
                        engine,
                        "--data",
                        str(data),
                        "--graph-file",
                        str(out),
                        "--out-dir",
                        str(work / "views"),
                    ],
                    work,
                    1,
                )
                views.append((size, engine, view_seconds, view_memory))
    lines += [
        "## Build (load + check + convert + SHACL + write N-Triples)",
        "",
        "| triples | engine | seconds | peak MB |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t:,} | {e} | {s:.1f} | {m:,} |" for _size, e, t, s, m in builds]
    lines += ["", "## Saved queries (seconds; the graph already loaded)", ""]
    names = sorted(next(iter(queries.values()))[0])
    header = [f"{size:,} {engine}" for size, engine in queries]
    lines += ["| query | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    lines += [
        "| (load the graph) | " + " | ".join(f"{load:.2f}" for _t, load in queries.values()) + " |"
    ]
    for name in names:
        cells = [
            f"{t[name]:.3f}" if t[name] != float("inf") else f"> {CAP}"
            for t, _l in queries.values()
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    endpoint = Path(__file__).with_name("endpoint.md")
    if endpoint.is_file():  # bench/endpoint.py's last report, kept beside this one
        lines += ["", endpoint.read_text(encoding="utf-8").rstrip()]
    lines += [
        "",
        "## Views (`policy-graph viz`, overview, at most 5,000 nodes drawn)",
        "",
        "| triples | engine | seconds | peak MB |",
        "|---|---|---|---|",
    ]
    lines += [f"| {size:,} | {e} | {s:.1f} | {m:,} |" for size, e, s, m in views]
    notes = Path(__file__).with_name("notes.md")
    if notes.is_file():  # what the numbers mean, written by hand
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    report = "\n".join(lines) + "\n" + kept_sections(args.out)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")


def kept_sections(path: Path) -> str:
    """The sections that other scripts write into the same file, between lines
    ``<!-- NAME: start -->`` and ``<!-- NAME: end -->`` (bench/national.py's, bench/draft.py's
    as pasted): kept as they are."""
    import re

    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    found = re.findall(r"<!-- ([a-z]+): start -->.*?<!-- \1: end -->\n?", text, re.S)
    spans = [re.search(rf"<!-- {n}: start -->.*?<!-- {n}: end -->\n?", text, re.S) for n in found]
    return "".join("\n" + span.group(0) for span in spans)


if __name__ == "__main__":
    main()
