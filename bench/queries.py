"""Time each saved query on Oxigraph, the graph loaded once, as the engine and as a user
meets it.

    .venv/bin/python bench/queries.py GRAPH.nt [--runs 5] [--only NAME ...]
        [--queries DIR] [--before DIR] [--answers DIR] [--page 100] [--government IRI]

Loads GRAPH (N-Triples) into an in-memory Oxigraph store as our named graph, the
way the oxigraph engine does, binds each query's default parameters (as
`policy-graph query` would), and runs it --runs times. Prints a Markdown table, per
query:

- whole: the store's own `query`, every row read (median seconds, least CPU seconds:
  steadier than the median on a shared machine);
- page: the first --page rows, the query paged as `query --limit N` pages it;
- csv: the whole answer through our library as `policy-graph query NAME --format csv`
  makes it (rdflib's check of the text, the engine, Oxigraph's CSV writer), with no
  process start or graph load;
- government: the whole answer for one government (`--param government=<IRI>`, where
  the query takes it), every row read: the government with most policies unless
  --government names one;

and rows. Under the table: median and slowest of each column, against issue 14's
targets (each under 1 s, the median under 0.1 s).

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


def bound_text(saved, government: str | None = None) -> str:
    """The query's text with its default parameters bound, as the CLI binds them (and
    ``government``, an IRI, where given)."""
    from policy_graph.query.sparql import bind, parse_value

    defaults = {p.name: parse_value(p.default) for p in saved.parameters if p.default}
    if government:
        defaults["government"] = parse_value(f"<{government}>")
    return bind(saved.text, defaults)


LARGEST_GOVERNMENT = """
SELECT ?government (COUNT(?policy) AS ?policies)
WHERE { ?policy a pg:Policy ; pg:government ?government }
GROUP BY ?government ORDER BY DESC(?policies) ?government LIMIT 1
"""


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


TARGET_EACH, TARGET_MEDIAN = 1.0, 0.1  # seconds, issue 14


def through_engine(engine, store, saved, page_size=None) -> tuple[float, float, int]:
    """Seconds and CPU seconds to answer ``saved`` as `policy-graph query` does and
    write it as CSV; and the bytes written."""
    from policy_graph.api import query_bindings
    from policy_graph.query.results import format_result
    from policy_graph.query.sparql import execute

    started, cpu = time.perf_counter(), time.process_time()
    bindings = query_bindings(saved, {})
    result = execute(store, saved.text, bindings, engine, limit=page_size)
    data = format_result(result, "csv")
    return time.perf_counter() - started, time.process_time() - cpu, len(data)


def measure(runs, store, engine, saved, versions, paged, governments):
    """Seconds and CPU seconds of each version, of the first page, of the CSV and of
    one government's answer (lists, one per run; empty where the query is not a SELECT
    or takes no government), and each version's rows. The versions alternate run by
    run, so that each meets the same load."""
    keys = (*versions, "page", "csv", *governments)
    seconds, cpu, rows = {key: [] for key in keys}, {key: [] for key in keys}, {}
    from policy_graph.graph import vocab

    graph, prefixes = engine.graph_name, vocab.prefixes()
    for _ in range(runs):
        for version, text in versions.items():
            wall, used, rows[version] = timed(store, text, graph, prefixes)
            seconds[version].append(wall)
            cpu[version].append(used)
        if paged is not None:
            wall, used, _rows = timed(store, paged, graph, prefixes)
            seconds["page"].append(wall)
            cpu["page"].append(used)
            wall, used, _size = through_engine(engine, store, saved)
            seconds["csv"].append(wall)
            cpu["csv"].append(used)
        for key, text in governments.items():
            wall, used, _rows = timed(store, text, graph, prefixes)
            seconds[key].append(wall)
            cpu[key].append(used)
    return seconds, cpu, rows


def table_row(name, seconds, cpu, rows, comparing: bool, totals) -> str:
    """The query's line of the table; each column's median added to ``totals``."""

    def cell(key: str) -> str:
        if not seconds.get(key):
            return "—"
        return f"{statistics.median(seconds[key]):.3f} ({min(cpu[key]):.3f})"

    for key in ("after", "page", "csv", "government", "before", "before government"):
        if seconds.get(key):
            totals[key].append((statistics.median(seconds[key]), min(cpu[key])))
    cells = [cell("after"), cell("page"), cell("csv"), cell("government")]
    if comparing:
        cells.insert(0, cell("before") if "before" in rows else "— (new)")
        cells.insert(4, cell("before government"))
    line = f"| {name} | {' | '.join(cells)} | {len(rows['after']):,} |"
    if comparing:
        same = "before" in rows and comparable(rows["before"]) == comparable(rows["after"])
        line += " (new) |" if "before" not in rows else f" {'yes' if same else 'NO'} |"
    return line


def summary(label: str, figures: list[tuple[float, float]]) -> str:
    """Median and slowest over the queries, of their median seconds and (steadier on a
    shared machine) of their least CPU seconds, against the targets."""
    parts = []
    for kind, values in (("s", [f[0] for f in figures]), ("s CPU", [f[1] for f in figures])):
        median, slowest = statistics.median(values), max(values)
        ok = slowest < TARGET_EACH and median < TARGET_MEDIAN
        parts.append(
            f"median {median:.3f} {kind}, slowest {slowest:.3f} {kind} "
            f"({'met' if ok else 'missed'})"
        )
    return (
        f"- {label}: {'; '.join(parts)} "
        f"[target: each < {TARGET_EACH:g} s, median < {TARGET_MEDIAN:g} s]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="an N-Triples file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="these queries only (their names)")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--before", type=Path, help="older versions of the queries, to compare")
    parser.add_argument("--answers", type=Path, help="write each query's rows here")
    parser.add_argument("--page", type=int, default=100, help="rows of the first page")
    parser.add_argument("--government", help="the government's IRI (default: most policies)")
    args = parser.parse_args()

    import pyoxigraph as ox

    from policy_graph.graph import vocab
    from policy_graph.graph.engines import get_engine
    from policy_graph.query.saved import saved_queries
    from policy_graph.query.sparql import page, query_form

    graph = ox.NamedNode(str(vocab.GRAPH_IRI))
    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=str(args.graph), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    loaded = time.perf_counter() - started
    before = saved_queries(args.before) if args.before else {}
    engine = get_engine("oxigraph")
    government = args.government or str(next(iter(engine.run(store, LARGEST_GOVERNMENT)))[0].value)

    print(f"{args.graph}: {len(store):,} triples, loaded in {loaded:.1f} s; {describe()}")
    print(
        f"{args.runs} runs of each; seconds: median, and least CPU; whole: every row read; "
        f"page: the first {args.page} rows; csv: through our engine to CSV; "
        f"government: <{government}>'s answer\n"
    )
    head = "| query | whole | page | csv | government | rows |"
    if before:
        head = (
            "| query | before: whole | whole | page | csv | before: government | government"
            " | rows | same answer |"
        )
    print(head + "\n" + "|---" * (head.count("|") - 1) + "|")
    totals: dict[str, list[tuple[float, float]]] = {
        "after": [],
        "page": [],
        "csv": [],
        "government": [],
        "before government": [],
        "before": [],
    }
    for name, saved in saved_queries(args.queries).items():
        if args.only and name not in args.only:
            continue
        versions = {"after": bound_text(saved)}
        if name in before:
            versions = {"before": bound_text(before[name]), **versions}
        paged = page(versions["after"], args.page) if query_form(saved.text) == "SELECT" else None
        governments = {}
        if saved.parameter("government"):
            if name in before:
                governments["before government"] = bound_text(before[name], government)
            governments["government"] = bound_text(saved, government)
        seconds, cpu, rows = measure(args.runs, store, engine, saved, versions, paged, governments)

        line = table_row(name, seconds, cpu, rows, bool(before), totals)
        print(line, flush=True)
        if args.answers:
            args.answers.mkdir(parents=True, exist_ok=True)
            lines = "".join(row + "\n" for row in comparable(rows["after"]))
            (args.answers / f"{name}.txt").write_text(lines, encoding="utf-8")
    print()
    if totals["before"]:
        print(summary("before: whole answer, every row read", totals["before"]))
    print(summary("whole answer, every row read", totals["after"]))
    print(summary(f"first page ({args.page} rows; SELECT only)", totals["page"]))
    print(summary("whole answer to CSV through our engine (SELECT only)", totals["csv"]))
    if totals["before government"]:
        print(summary("before: one government's answer", totals["before government"]))
    print(summary("one government's answer (queries that take one)", totals["government"]))


if __name__ == "__main__":
    main()
