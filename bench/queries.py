"""Time each saved query on Oxigraph, the graph loaded once.

    .venv/bin/python bench/queries.py GRAPH.nt [--runs 5] [--only NAME ...]
        [--queries DIR] [--before DIR] [--answers DIR]

Loads GRAPH (N-Triples) into an in-memory Oxigraph store as our named graph, the
way the oxigraph engine does, binds each query's default parameters (as
`policy-graph query` would), and runs it --runs times through the store's own
`query`, reading every row. Prints a Markdown table: query, median seconds, least
CPU seconds (steadier than the median on a shared machine), rows.

--before DIR times that directory's version of each query too (e.g. `git archive`
of an older commit's queries/), alternating run by run with the current one so
that both meet the same load, and says whether the two answers are the same rows
in the same order. --answers DIR writes each query's rows there (one line per row,
terms in N-Triples form). A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from machine import describe  # noqa: E402


def bound_text(saved) -> str:
    """The query's text with its default parameters bound, as the CLI binds them."""
    from policy_graph.sparql import bind, parse_value

    defaults = {p.name: parse_value(p.default) for p in saved.parameters if p.default}
    return bind(saved.text, defaults)


def timed(store, text: str, graph, prefixes) -> tuple[float, float, list]:
    """Seconds and CPU seconds to answer ``text`` and read every row, and the rows."""
    started, cpu = time.perf_counter(), time.process_time()
    rows = [
        tuple(solution) for solution in store.query(text, default_graph=graph, prefixes=prefixes)
    ]
    return time.perf_counter() - started, time.process_time() - cpu, rows


def row_line(row) -> str:
    return " ".join("UNDEF" if term is None else str(term) for term in row)


def comparable(rows) -> list[str]:
    """The rows as lines, each GROUP_CONCAT list sorted: the order of a group's
    values is the store's, and may change from run to run."""
    import re

    def sort_list(match):
        return '"' + "|".join(sorted(re.split(r", | \| ", match[1]))) + '"'

    return [re.sub(r'"([^"]*(?:, | \| )[^"]*)"', sort_list, row_line(row)) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="an N-Triples file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="these queries only (their names)")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--before", type=Path, help="older versions of the queries, to compare")
    parser.add_argument("--answers", type=Path, help="write each query's rows here")
    args = parser.parse_args()

    import pyoxigraph as ox

    from policy_graph import vocab
    from policy_graph.queries import saved_queries

    graph = ox.NamedNode(str(vocab.GRAPH_IRI))
    prefixes = vocab.prefixes()
    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=str(args.graph), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    loaded = time.perf_counter() - started
    before = saved_queries(args.before) if args.before else {}

    print(f"{args.graph}: {len(store):,} triples, loaded in {loaded:.1f} s; {describe()}")
    print(f"{args.runs} runs of each, every row read\n")
    if before:
        print(
            "| query | before: median (s) | least CPU (s) | after: median (s) | least CPU (s)"
            " | rows | same answer |\n|---|---|---|---|---|---|---|"
        )
    else:
        print("| query | median (s) | least CPU (s) | rows |\n|---|---|---|---|")
    for name, saved in saved_queries(args.queries).items():
        if args.only and name not in args.only:
            continue
        versions = {"after": bound_text(saved)}
        if name in before:
            versions = {"before": bound_text(before[name]), **versions}
        seconds = {version: [] for version in versions}
        cpu = {version: [] for version in versions}
        rows = {}
        for _ in range(args.runs):
            for version, text in versions.items():
                wall, used, rows[version] = timed(store, text, graph, prefixes)
                seconds[version].append(wall)
                cpu[version].append(used)
        cells = [f"{statistics.median(seconds[v]):.3f} | {min(cpu[v]):.3f}" for v in versions]
        if before and "before" not in versions:
            cells.insert(0, "— | —")  # a query new since then
        line = f"| {name} | {' | '.join(cells)} | {len(rows['after']):,} |"
        if before:
            same = "before" in rows and comparable(rows["before"]) == comparable(rows["after"])
            line += " (new) |" if "before" not in rows else f" {'yes' if same else 'NO'} |"
        print(line, flush=True)
        if args.answers:
            args.answers.mkdir(parents=True, exist_ok=True)
            lines = "".join(row + "\n" for row in comparable(rows["after"]))
            (args.answers / f"{name}.txt").write_text(lines, encoding="utf-8")


if __name__ == "__main__":
    main()
