"""Time ``policy-graph query`` as a user meets it: every saved query, each ask a new
process, on the store kept for a records folder (issue 25's targets).

    .venv/bin/python bench/asking.py --data DIR [--store DIR] [--runs 3]
        [--government ID] [--only NAME ...] [--skip NAME ...] [--format csv]
        [--bytecode as-is]

The store must hold the records as they are (``policy-graph build --data DIR`` first,
with the same --store and POLICY_GRAPH_CACHE_DIR): a command that has to build first
is reported and stops the run. For each saved query, with its default parameters and
(where it takes one) with ``--param government=ID`` (default: the first city,
``city0001``):

- first: the first ask after the generation's kept answers are removed (what the
  first researcher to ask after a build waits); with --warmed, after they were kept
  as a build's warming keeps them (timed), as a researcher meets them after a build;
- again: the median of --runs asks after it (the answer kept, where it was worth
  keeping: see ``DiskStore.query``);

wall seconds and, steadier on a shared machine, CPU seconds (user + system, of the
process and its children). Bytecode is cached in a temporary PYTHONPYCACHEPREFIX, as
an installed wheel has it (``--bytecode as-is`` leaves the environment as it is).
Under the table: the targets, one government's answer ≤ 0.3 s from a new process,
every whole answer < 1 s and their median < 0.1 s. ``time_saved_queries`` is the
measurement alone, for bench/national.py. A benchmark, not a test: nothing here
passes or fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import describe
from startup import seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_GOVERNMENT, TARGET_EACH, TARGET_MEDIAN = 0.3, 1.0, 0.1  # seconds, issue 25


def script() -> list[str]:
    """The console script beside this Python (what a user types)."""
    found = Path(sys.executable).parent / "policy-graph"
    return [str(found)] if found.is_file() else [sys.executable, "-m", "policy_graph"]


def forget_answers(data_dir: Path, store_dir: Path | None) -> None:
    """Remove the kept answers of the store's current generation."""
    from policy_graph.graph.kept_store import ANSWERS, KeptStore, folder_for

    generation = KeptStore(folder_for(data_dir, store_dir)).current()
    if generation is None:
        raise SystemExit(f"no store is kept for {data_dir}: run policy-graph build first")
    shutil.rmtree(generation.folder / ANSWERS, ignore_errors=True)


def warm_answers(data_dir: Path, store_dir: Path | None, env: dict[str, str]) -> float:
    """Forget the kept answers, then keep them as a build's warming does (a process of
    its own, as the build starts it): its wall seconds."""
    import time

    from policy_graph.graph.kept_store import KeptStore, folder_for

    forget_answers(data_dir, store_dir)
    folder = folder_for(data_dir, store_dir)
    number = KeptStore(folder).current().number
    started = time.perf_counter()
    command = [sys.executable, "-m", "policy_graph.query.warming", str(folder), str(number)]
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - started


def time_saved_queries(
    data_dir: Path,
    store_dir: Path | None = None,
    runs: int = 3,
    government: str = "city0001",
    only: list[str] | None = None,
    fmt: str = "csv",
    skip: list[str] | None = None,
    env: dict[str, str] | None = None,
    warmed: bool = False,
) -> list[dict]:
    """For each saved query (and each with ``government`` bound, where it takes one):
    its name, ``government`` (None or the id), the first ask's wall and CPU seconds
    after the kept answers were removed, and the medians of ``runs`` asks after it."""
    from policy_graph.query.saved import saved_queries
    from policy_graph.query.sparql import query_form

    env = dict(os.environ if env is None else env)
    base = [*script(), "query", "--data", str(data_dir)]
    if store_dir is not None:
        base += ["--store", str(store_dir)]
    _check_current(base, env)
    figures = []
    for name, saved in saved_queries().items():
        if (only and name not in only) or (skip and name in skip):
            continue
        written = fmt if query_form(saved.text) in ("SELECT", "ASK") else "nt"
        variants = [None] + ([government] if saved.parameter("government") else [])
        for bound in variants:
            command = [*base, "--format", written, name]
            command += ["--param", f"government={bound}"] if bound else []
            if not warmed:
                forget_answers(data_dir, store_dir)
            first = seconds(command, env)
            again = [seconds(command, env) for _ in range(runs)]
            figures.append(
                {
                    "query": name,
                    "government": bound,
                    "first": first,
                    "again": (
                        statistics.median(w for w, _ in again),
                        statistics.median(c for _, c in again),
                    ),
                }
            )
    return figures


def _check_current(base: list[str], env: dict[str, str]) -> None:
    """Stop when the store is not up to date: every ask would build it first."""
    from policy_graph.graph.kept_store import KeptStore, folder_for

    data_dir = Path(base[base.index("--data") + 1])
    store_dir = Path(base[base.index("--store") + 1]) if "--store" in base else None
    previous = os.environ.get("POLICY_GRAPH_CACHE_DIR")
    if "POLICY_GRAPH_CACHE_DIR" in env:
        os.environ["POLICY_GRAPH_CACHE_DIR"] = env["POLICY_GRAPH_CACHE_DIR"]
    try:
        current = KeptStore(folder_for(data_dir, store_dir)).open_if_current(data_dir)
    finally:
        if previous is None:
            os.environ.pop("POLICY_GRAPH_CACHE_DIR", None)
        else:
            os.environ["POLICY_GRAPH_CACHE_DIR"] = previous
    if current is None:
        raise SystemExit(f"the store kept for {data_dir} is not up to date: build it first")


def report(figures: list[dict]) -> str:
    """The table and the targets, in Markdown."""
    lines = [
        "| query | government | first: wall (CPU) s | again: wall (CPU) s |",
        "|---|---|---:|---:|",
    ]
    for row in figures:
        first, again = row["first"], row["again"]
        lines.append(
            f"| {row['query']} | {row['government'] or '—'} | {first[0]:.2f} ({first[1]:.2f}) "
            f"| {again[0]:.3f} ({again[1]:.3f}) |"
        )
    lines.append("")
    whole = [row for row in figures if row["government"] is None]
    bound = [row for row in figures if row["government"] is not None]
    for label, rows, key in (
        ("whole answers, first ask", whole, "first"),
        ("whole answers, asked again", whole, "again"),
    ):
        for index, kind in ((0, "wall"), (1, "CPU")):
            values = [row[key][index] for row in rows]
            met = max(values) < TARGET_EACH and statistics.median(values) < TARGET_MEDIAN
            lines.append(
                f"- {label} ({kind}): median {statistics.median(values):.3f} s, slowest "
                f"{max(values):.3f} s ({'met' if met else 'missed'}) "
                f"[target: each < {TARGET_EACH:g} s, median < {TARGET_MEDIAN:g} s]"
            )
    for key in ("first", "again"):
        for index, kind in ((0, "wall"), (1, "CPU")):
            values = [row[key][index] for row in bound]
            if values:
                slowest = max(values)
                lines.append(
                    f"- one government's answer, {key} ask ({kind}): median "
                    f"{statistics.median(values):.3f} s, slowest {slowest:.3f} s "
                    f"({'met' if slowest <= TARGET_GOVERNMENT else 'missed'}) "
                    f"[target: ≤ {TARGET_GOVERNMENT:g} s]"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the records folder")
    parser.add_argument("--store", type=Path, help="its kept store (default: in the cache)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--government", default="city0001")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--skip", nargs="*", help="saved queries not to ask")
    parser.add_argument(
        "--warmed",
        action="store_true",
        help="keep the answers as a build does (query.warming), timed, before the asks",
    )
    parser.add_argument("--format", default="csv")
    parser.add_argument("--bytecode", choices=("cached", "as-is"), default="cached")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="pycache-") as cache:
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
            subprocess.run([*script(), "--version"], env=env, capture_output=True, check=True)
        if args.warmed:
            took = warm_answers(args.data, args.store, env)
            print(f"Answers kept as after a build (query.warming): {took:.1f} s wall.\n")
        figures = time_saved_queries(
            args.data,
            args.store,
            args.runs,
            args.government,
            args.only,
            args.format,
            args.skip,
            env,
            args.warmed,
        )
    print(
        f"`policy-graph query NAME --format {args.format}` on the store kept for "
        f"{args.data}, each ask a new process; again: median of {args.runs}; bytecode "
        f"{args.bytecode}; {describe()}.\n"
    )
    print(report(figures))


if __name__ == "__main__":
    main()
