"""Issues 14 and 25's targets at national scale, each beside the engine's own figure, in one run.

    .venv/bin/python bench/national.py [--corpus DIR | --triples 1000000] [--runs 3]
        [--queries-runs 3] [--one-file-policies 0] [--out docs/benchmarks.md]

On a generated corpus (``policy-graph generate``; or a copy of ``--corpus``), as the
user runs them, each command in a process of its own (wall time, peak memory):

1. build: ``build --format nt --fresh`` (records → validated graph → N-Triples, every
   file read) beside pyoxigraph loading that same N-Triples file (``bulk_load``), into
   memory (issue 25's anchor) and into a store on disk (what the build fills);
2. rebuild: after one city's policies file changes (a title), ``build`` again with
   what the first build kept; then a ``--fresh`` build of the same records, and
   whether the two graph files are the same bytes (their headers aside);
3. questions: every saved query asked of the kept store by a new process, after the
   answers are kept as a build keeps them (bench/asking.py --warmed: issue 25's
   targets); and on Oxigraph with the graph loaded once (bench/queries.py);
4. one file (with ``--one-file-policies N``, see bench/one_file.py);
5. start-up: ``policy-graph --help`` and ``policy-graph queries`` (bench/startup.py).

``--queries-runs 0 --asking-runs 0 --startup-runs 0``: the builds alone (1 and 2).

Prints a Markdown section and, with --out, puts it in that file between the lines
``<!-- national: start -->`` and ``<!-- national: end -->`` (added at the end the first
time). A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import bytecode_cached, describe
from pipeline import median_run, run
from sections import write_section

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "policy_graph"]
START, END = "<!-- national: start -->", "<!-- national: end -->"
LOAD = """
import sys, pyoxigraph
store = pyoxigraph.Store()
store.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.N_TRIPLES,
                to_graph=pyoxigraph.NamedNode("https://w3id.org/policy-graph/graph"))
assert len(store) > 0
"""
# The same load into an on-disk store (in the folder argv[2]), as the kept store is.
LOAD_ON_DISK = LOAD.replace("pyoxigraph.Store()", "pyoxigraph.Store(sys.argv[2])").replace(
    "assert len(store) > 0", "store.flush()\nassert len(store) > 0"
)


def graph_bytes(path: Path) -> bytes:
    return b"".join(line for line in path.open("rb") if not line.startswith(b"#"))


def change_one_city(corpus: Path, round_: list[int]) -> None:
    """Change one title in one city's policies file (another word each round)."""
    files = sorted(corpus.glob("governments/*/policies.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    marker = "\n    en: "
    at = text.index(marker) + len(marker)
    round_[0] += 1
    path.write_text(f"{text[:at]}Revised {round_[0]} {text[at:]}", encoding="utf-8")


def build_figures(corpus: Path, work: Path, env: dict[str, str], runs: int) -> dict:
    out = work / "graph.nt"
    build = [*CLI, "build", "--data", str(corpus), "--out", str(out), "--format", "nt"]
    figures = {"clean": median_run([*build, "--fresh"], work, runs, env)}
    figures["triples"] = sum(1 for line in out.open("rb") if not line.startswith(b"#"))
    figures["load"] = median_run([sys.executable, "-c", LOAD, str(out)], work, runs, env)
    on_disk = work / "on-disk"
    figures["load_on_disk"] = median_run(
        [sys.executable, "-c", LOAD_ON_DISK, str(out), str(on_disk)], work, runs, env,
        lambda: shutil.rmtree(on_disk, ignore_errors=True),
    )  # fmt: skip
    figures["unchanged"] = median_run(build, work, runs, env)
    edits = [0]
    edit = lambda: change_one_city(corpus, edits)  # noqa: E731
    figures["rebuild"] = median_run(build, work, runs, env, edit)
    clean = work / "clean.nt"
    clean_build = [*CLI, "build", "--data", str(corpus), "--out", str(clean), "--format", "nt"]
    run([*clean_build, "--fresh"], work, env)
    figures["identical"] = graph_bytes(out) == graph_bytes(clean)
    figures["graph"] = out
    return figures


def query_figures(graph: Path, runs: int) -> list[str]:
    """bench/queries.py's table for ``graph`` (its own lines, as it prints them)."""
    command = [sys.executable, str(ROOT / "bench" / "queries.py"), str(graph), "--runs", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout.rstrip().splitlines()


def asking_figures(corpus: Path, env: dict[str, str], runs: int) -> list[str]:
    """bench/asking.py's table on the store the builds kept for ``corpus``: every saved
    query asked by a new process, the answers kept as a build's warming keeps them."""
    command = [sys.executable, str(ROOT / "bench" / "asking.py"), "--data", str(corpus),
               "--runs", str(runs), "--warmed"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return done.stdout.rstrip().splitlines()


def startup_figures(runs: int) -> list[str]:
    command = [sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout.rstrip().splitlines()


def one_file_figures(policies: int) -> list[str]:
    script = ROOT / "bench" / "one_file.py"
    if not policies or not script.is_file():
        return []
    command = [sys.executable, str(script), "--policies", str(policies)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout.rstrip().splitlines()


def report(
    figures: dict, queries: list[str], startup: list[str], one_file: list[str], asking: list[str]
) -> str:
    clean, peak = figures["clean"]
    load, load_peak = figures["load"]
    on_disk, on_disk_peak = figures["load_on_disk"]
    rebuild, rebuild_peak = figures["rebuild"]
    unchanged, unchanged_peak = figures["unchanged"]
    same = "the same bytes" if figures["identical"] else "**different**"
    lines = [
        START,
        "## National scale (issues 14 and 25): the targets, measured in one run",
        "",
        f"Measured by `bench/national.py` on {time.strftime('%Y-%m-%d')}: {describe()}; "
        f"load average {os.getloadavg()[0]:.2f} at the end. A generated corpus of "
        f"{figures['triples']:,} triples, Oxigraph engine, each command in a process of "
        "its own, its bytecode cached as an installed wheel has it (wall time, peak "
        "resident memory).",
        "",
        "| target | measured | the engine's own | target |",
        "|---|---|---|---|",
        f"| 1. build, records → validated N-Triples (`build --fresh`) | {clean:.1f} s, "
        f"{peak:,} MB | pyoxigraph loads that N-Triples in {load:.1f} s, {load_peak:,} MB: "
        f"**{clean / load:.1f}×**; into a store on disk (what the build keeps) in "
        f"{on_disk:.1f} s, {on_disk_peak:,} MB: {clean / on_disk:.1f}× | ≤ 4×, < 1 GB "
        "(issue 25) |",
        f"| 2. rebuild after one city's file changed | {rebuild:.1f} s, {rebuild_peak:,} MB; "
        f"graph {same} as a clean build's | the load alone: {load:.1f} s | ≤ 2 s |",
        f"| (rebuild, nothing changed) | {unchanged:.1f} s, {unchanged_peak:,} MB | | |",
        "",
    ]
    if asking:
        lines += ["### 3. Questions on the kept store (issue 25)", "", *asking, ""]
    if queries:
        lines += ["### 3a. Saved queries, the graph loaded once", "", *queries, ""]
    if one_file:
        lines += ["### 4. One records file", "", *one_file, ""]
    if startup:
        lines += ["### 5. Start-up", "", *startup, ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="A records folder to copy (else generated).")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries-runs", type=int, default=3)
    parser.add_argument(
        "--asking-runs", type=int, default=3, help="bench/asking.py's runs (0: not asked)"
    )
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--one-file-policies", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="national-") as folder:
        work = Path(folder)
        # No warming in the background after each build: it would take the cores from
        # the next command timed (bench/asking.py --warmed keeps the answers, timed).
        env = dict(os.environ, POLICY_GRAPH_CACHE_DIR=str(work / "cache"), POLICY_GRAPH_WARM="0")
        env = bytecode_cached(env, work / "pycache")
        subprocess.run([*CLI, "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
        corpus = work / "corpus"
        if args.corpus:
            shutil.copytree(args.corpus, corpus)
        else:
            generate = [*CLI, "generate", "--out", str(corpus), "--triples", str(args.triples)]
            subprocess.run(generate, check=True, stdout=subprocess.DEVNULL, env=env)
        figures = build_figures(corpus, work, env, args.runs)
        print(figures, flush=True)
        queries = query_figures(figures["graph"], args.queries_runs) if args.queries_runs else []
        asking = asking_figures(corpus, env, args.asking_runs) if args.asking_runs else []
    one_file = one_file_figures(args.one_file_policies)
    startup = startup_figures(args.startup_runs) if args.startup_runs else []
    section = report(figures, queries, startup, one_file, asking)
    print(section)
    if args.out:
        write_section(args.out, section, START, END)


if __name__ == "__main__":
    main()
