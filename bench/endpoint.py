"""Our endpoint side by side with Oxigraph's own server, on one graph, one load generator.

    .venv/bin/python bench/endpoint.py [--article] [--size 1000000] [--graph-file FILE]
        [--seconds 10] [--warmup 2] [--clients 4 16 64] [--serve-args "--opt V"] [--notes FILE]
        [--out docs/benchmarks.md]

For each graph (the article's, built here, by default; a generated corpus of about
--size triples; or a built --graph-file, copied so that nothing rewrites it) both
servers are started on free ports: `policy-graph serve` (of the store kept for the
records, as `serve --data` opens it; of the file for a --graph-file) and
`oxigraph serve-read-only`
on a store loaded from the same file into our named graph, queried as the union
default graph, which is how our engine reads it. Both must give the same number of
rows to each query before anything is timed. Then each query at each concurrency, for
--seconds after one --warmup per server and query: requests per second and latency
(p50, p99) from `wrk` (one thread, one keep-alive connection per client; its own CPU
is measured and printed), and the CPU the server's processes spent per answer.

The `oxigraph` command is the `oxigraph` package of PyPI at pyoxigraph's version,
installed into .bench/oxigraph-venv (or --oxigraph PATH); `wrk` is Debian's package
(`apt-get install wrk`). Prints a Markdown report; --notes FILE appends it to FILE;
--out FILE puts it in FILE between ``<!-- endpoint: start -->`` and
``<!-- endpoint: end -->`` (at the end the first time).
A benchmark, not a test: nothing passes or fails but a cell with an error answer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from machine import describe
from sections import write_section

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"  # kept between runs: the oxigraph venv
CLI = [sys.executable, "-m", "policy_graph"]
START, END = "<!-- endpoint: start -->", "<!-- endpoint: end -->"
TIME_LIMIT = 10  # seconds, ours (Oxigraph's is left out: see start_oxigraph)
TICKS = os.sysconf("SC_CLK_TCK")

# The README's query (policies that use AI or a narrower technology, Korean titles)
# asked of one government: the one with the most policies (Gwangju in the article's
# graph, 21 rows; on 1M generated triples some 15 rows, where the README's question of
# all governments is an export of 17,773, past our --max-rows). With the prefixes
# declared: Oxigraph predeclares none.
PREFIXES = """PREFIX pg: <https://w3id.org/policy-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
BUSIEST_GOVERNMENT = (
    PREFIXES
    + """SELECT ?government WHERE { ?policy pg:government ?government }
GROUP BY ?government ORDER BY DESC(COUNT(?policy)) STR(?government) LIMIT 1"""
)
SELECT = (
    PREFIXES
    + """SELECT ?policy ?title WHERE {
  ?policy pg:government <GOVERNMENT> ;
          pg:usesTechnology/skos:broader* <https://w3id.org/policy-graph/id/technology/ai> ;
          rdfs:label ?title .
  FILTER(lang(?title) = "ko")
}"""
)
CONSTRUCT = (
    PREFIXES
    + """CONSTRUCT { ?policy rdfs:label ?title ; pg:usesTechnology ?technology } WHERE {
  ?policy pg:government <GOVERNMENT> ; pg:usesTechnology ?technology ; rdfs:label ?title .
  ?technology skos:broader* <https://w3id.org/policy-graph/id/technology/ai> .
}"""
)
QUERY_TEMPLATES = {  # name → (text, Accept)
    "select": (SELECT, "application/sparql-results+json"),
    "select-new": (SELECT, "application/sparql-results+json"),
    "ask": ("ASK {}", "application/sparql-results+json"),
    "construct": (CONSTRUCT, "application/n-triples"),
}
# Queries whose every request is a new text (the same query, then a comment with the
# request's number): no answer kept from an earlier request can be given.
EACH_NEW = {"select-new"}

# wrk's summary as one line that needs no parsing of its human-readable report.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# … and a request of its own each time: the query's text ends with "# RUN-N"
# (URL-encoded, after a line break), N counting the requests of this run of wrk and
# RUN drawn at random for it: the warm-up's texts, and an earlier cell's, are not asked
# again (each server would answer them from the answers it keeps).
EACH_NEW_SCRIPT = (
    WRK_SCRIPT
    + """
math.randomseed(os.time() + os.clock() * 1000000)
run = math.random(1, 2147483647)
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "%0A%23" .. run .. "-" .. counter)
end
"""
)


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str  # the query endpoint
    log: Path

    def cpu_seconds(self) -> float:
        """CPU of the server and every process under it, the reaped ones included."""
        return sum(_own_and_reaped_cpu(pid) for pid in _tree(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own group: workers too
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Cell:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    server_cpu: float  # seconds
    wrk_cpu: float  # share of one core

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def failed(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in self.errors.items() if n)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after the command name, which may hold spaces


def _own_and_reaped_cpu(pid: int) -> float:
    fields = _stat(pid)  # fields[11:15]: utime, stime, cutime, cstime
    return sum(int(f) for f in fields[11:15]) / TICKS if fields else 0.0


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                parents[int(entry.name)] = int(fields[1])
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command(work: Path) -> Path:
    """The `oxigraph` command of the version of our pyoxigraph, in a venv of its own."""
    import pyoxigraph

    venv = work / "oxigraph-venv"
    command = venv / "bin" / "oxigraph"
    wanted = f"oxigraph {pyoxigraph.__version__}"
    if command.exists() and _output([str(command), "--version"]) == wanted:
        return command
    print(f"installing {wanted} into {venv}", file=sys.stderr, flush=True)
    work.mkdir(exist_ok=True)
    (work / ".gitignore").write_text("*\n")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"oxigraph=={pyoxigraph.__version__}"],
        check=True,
    )
    return command


def _output(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else ""


def built_graphs(args, folder: Path) -> list[tuple[str, Path, Path | None]]:
    """(label, N-Triples or other graph file, its records folder or None) of each
    graph asked for; a graph built from records has its store kept beside it."""
    graphs = []
    if args.article or not (args.size or args.graph_file):
        graphs.append(("article", _built(ROOT / "data", folder / "article.nt"), ROOT / "data"))
    for size in args.size:
        corpus = folder / f"corpus-{size}"
        print(f"generating and building about {size:,} triples", file=sys.stderr, flush=True)
        _cli("generate", "--out", str(corpus), "--triples", str(size))
        out = _built(corpus, folder / f"generated-{size}.nt")
        graphs.append((f"generated {size:,}", out, corpus))
    for given in args.graph_file:
        # A copy: `serve` rebuilds a graph file whose records changed, and this one is
        # someone else's. Moved away from its records, it is used as it is.
        copy = folder / f"given-{len(graphs)}{given.suffix}"
        shutil.copyfile(given, copy)
        graphs.append((given.name, copy, None))
    return graphs


def _built(records: Path, out: Path) -> Path:
    _cli("build", "--data", str(records), "--out", str(out), "--format", "nt",
         "--store", str(_store_of(out)))  # fmt: skip
    return out


def _cli(*args: str) -> None:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed: policy-graph {' '.join(args)}\n{done.stderr[-2000:]}")


def start_ours(graph: Path, records: Path | None, folder: Path, extra: list[str]) -> Server:
    """`policy-graph serve` of the store kept for ``records`` (as `serve --data` opens
    it), or of the graph file where there are no records."""
    port = free_port()
    log = folder / f"ours-{port}.log"
    command = [*CLI, "serve", "--port", str(port), "--engine", "oxigraph"]
    if records is None:
        command += ["--graph-file", str(graph)]
    else:
        command += ["--data", str(records), "--store", str(_store_of(graph))]
    command += ["--time-limit", str(TIME_LIMIT), *extra]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True
        )
    return Server("ours", process, f"http://127.0.0.1:{port}/sparql", log)


def _store_of(graph: Path) -> Path:
    return graph.with_name(f"{graph.stem}-store")


def start_oxigraph(command: Path, graph: Path, folder: Path) -> Server:
    from policy_graph.graph.vocab import GRAPH_IRI

    store = folder / f"oxigraph-{graph.stem}"
    if not store.exists():
        load = [str(command), "load", "--location", str(store), "--file", str(graph)]
        if graph.suffix not in (".trig", ".nq"):  # a dataset names its graphs itself
            load += ["--graph", str(GRAPH_IRI)]
        # Then compacted, as Oxigraph advises for "a read-only SPARQL endpoint under
        # heavy load" (serve-read-only does not compact in the background).
        for step in (load, [str(command), "optimize", "--location", str(store)]):
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"failed: {' '.join(step)}\n{done.stderr[-2000:]}")
    port = free_port()
    log = folder / f"oxigraph-{port}.log"
    serve = [str(command), "serve-read-only", "--location", str(store)]
    # No --timeout-s: in 0.5.13 it starts a thread per query that sleeps for the
    # timeout, and at thousands of requests/s the server runs out of threads (500
    # "Resource temporarily unavailable", then a panic).
    serve += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            serve, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True
        )
    return Server("oxigraph", process, f"http://127.0.0.1:{port}/query", log)


def wait_ready(server: Server, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} server stopped:\n{server.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.url + "?query=ASK%7B%7D", timeout=5) as reply:
                reply.read()
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{server.name} server not answering after {seconds:g} s: {server.url}")


def query_url(server: Server, text: str) -> str:
    return server.url + "?" + urllib.parse.urlencode({"query": text})


def answer_size(server: Server, text: str, accept: str) -> str:
    """What the answer holds: SELECT rows, ASK's boolean, or distinct triples."""
    request = urllib.request.Request(query_url(server, text), headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as reply:
        body = reply.read()
        truncated = reply.headers.get("Policy-Graph-Truncated")
    if truncated:
        raise SystemExit(f"{server.name} cut the answer ({truncated}): choose a smaller query")
    if accept == "application/n-triples":
        return f"{len({line for line in body.splitlines() if line.strip()})} triples"
    data = json.loads(body)
    if "boolean" in data:
        return f"ASK {data['boolean']}"
    return f"{len(data['results']['bindings'])} rows"


def select_rows(server: Server, text: str) -> list[dict]:
    headers = {"Accept": "application/sparql-results+json"}
    request = urllib.request.Request(query_url(server, text), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())["results"]["bindings"]


def queries_for(server: Server) -> dict[str, tuple[str, str]]:
    """The queries, asking of the graph's busiest government."""
    rows = select_rows(server, BUSIEST_GOVERNMENT)
    if not rows:
        raise SystemExit("the graph has no policy with a pg:government")
    government = rows[0]["government"]["value"]
    return {
        name: (text.replace("GOVERNMENT", government), accept)
        for name, (text, accept) in QUERY_TEMPLATES.items()
    }


COUNT = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"


def check_same_answers(servers: list[Server], label: str, queries: dict) -> int:
    """The graph's triples, once both servers were found to give the same answers."""
    counts = {s.name: int(select_rows(s, COUNT)[0]["triples"]["value"]) for s in servers}
    if len(set(counts.values())) != 1:
        raise SystemExit(f"{label}: the servers hold different graphs: {counts} triples")
    for name, (text, accept) in queries.items():
        sizes = {server.name: answer_size(server, text, accept) for server in servers}
        if len(set(sizes.values())) != 1:
            raise SystemExit(f"{label}, {name}: the servers' answers differ: {sizes}")
        if sizes["ours"] in ("0 rows", "0 triples"):
            raise SystemExit(f"{label}, {name}: an empty answer measures nothing")
        print(f"{label}, {name}: both answer {sizes['ours']}", file=sys.stderr, flush=True)
    return counts["ours"]


def measure(server: Server, wrk: str, script: Path, query, clients: int, seconds: int) -> Cell:
    """``query`` (text, Accept) sent by ``clients`` connections for ``seconds``, with
    wrk's ``script``."""
    text, accept = query
    command = [wrk, "-t", "1", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s"]
    command += ["-s", str(script), "-H", f"Accept: {accept}", query_url(server, text)]
    out = script.with_name("wrk.out")
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    with out.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)  # the rusage of wrk alone
    took = time.perf_counter() - started
    server_cpu = server.cpu_seconds() - cpu_before
    printed = out.read_text(errors="replace")
    result = [line for line in printed.splitlines() if line.startswith("RESULT ")]
    if server.process.poll() is not None:
        raise SystemExit(f"{server.name} server stopped:\n{server.log.read_text()[-2000:]}")
    if status != 0 or not result:
        raise SystemExit(f"wrk failed: {' '.join(command)}\n{printed[-2000:]}")
    requests, micros, p50, p99, *errors = (int(v) for v in result[0].split()[1:])
    return Cell(
        requests=requests,
        seconds=micros / 1e6,
        p50_ms=p50 / 1000,
        p99_ms=p99 / 1000,
        errors=dict(zip(("connect", "read", "write", "non-2xx", "timeout"), errors)),
        server_cpu=server_cpu,
        wrk_cpu=(usage.ru_utime + usage.ru_stime) / took,
    )


def bench_graph(label, graph, records, args, oxigraph, wrk, folder) -> list[tuple]:
    servers = [start_ours(graph, records, folder, shlex.split(args.serve_args)), None]
    try:
        servers[1] = start_oxigraph(oxigraph, graph, folder)
        for server in servers:
            wait_ready(server)
        queries = queries_for(servers[1])
        triples = check_same_answers(servers, label, queries)
        label = f"{label} ({triples:,})"
        scripts = {False: folder / "summary.lua", True: folder / "each-new.lua"}
        scripts[False].write_text(WRK_SCRIPT)
        scripts[True].write_text(EACH_NEW_SCRIPT)
        rows = []
        for name, query in queries.items():
            script = scripts[name in EACH_NEW]
            for server in servers:
                measure(server, wrk, script, query, 4, args.warmup)
            for i, clients in enumerate(args.clients):
                # Each cell alternates which server goes first: drift of the shared
                # machine's load then falls on both alike.
                order = servers if i % 2 == 0 else servers[::-1]
                cells = {
                    s.name: measure(s, wrk, script, query, clients, args.seconds) for s in order
                }
                rows.append((label, name, clients, cells["ours"], cells["oxigraph"]))
                print(_row(rows[-1]), file=sys.stderr, flush=True)
        return rows
    finally:
        for server in servers:
            if server is not None:
                server.stop()


def _cell_text(cell: Cell) -> str:
    if cell.failed():
        return f"failed: {cell.failed()} | | "
    return f"{cell.rate:,.1f} | {cell.p50_ms:,.1f} | {cell.p99_ms:,.1f}"


def _row(row) -> str:
    label, name, clients, ours, theirs = row
    ratio = f"{ours.rate / theirs.rate:.3f}" if theirs.rate else "—"
    return f"| {label} | {name} | {clients} | {_cell_text(ours)} | {_cell_text(theirs)} | {ratio} |"


def _git(folder: str, *args: str) -> str:
    done = subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def versions(oxigraph: Path, wrk: str) -> str:
    import pyoxigraph

    import policy_graph

    # The checkout that `python -m policy_graph` runs from (PYTHONPATH may name another).
    code = str(Path(policy_graph.__file__).parent)
    commit = _git(code, "rev-parse", "--short", "HEAD") or "not from git"
    dirty = _git(code, "status", "--porcelain", "--untracked-files=no", ".")
    return (
        f"policy-graph {policy_graph.__version__} ({commit}{', modified' if dirty else ''}), "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
        f"{_output([str(oxigraph), '--version'])}, {_output([wrk, '--version']).split(' [')[0]}"
    )


def report(rows, args, oxigraph, wrk, load_before) -> str:
    wrk_cpu = [cell.wrk_cpu for row in rows for cell in row[3:]]
    ours = " ".join(["policy-graph serve --data RECORDS --store STORE --engine oxigraph "
                     "--time-limit", str(TIME_LIMIT)])  # fmt: skip
    ours = f"{ours} {args.serve_args}".strip()
    load_after, cores = os.getloadavg()[0], len(os.sched_getaffinity(0))
    # Only the load before counts: during the run the servers and wrk are the load.
    busy = (
        f"; **the machine was busy** before the run (more than {cores} processes wanting "
        f"its {cores} cores), so every figure may be low; compare only the figures of one run"
        if load_before > cores
        else ""
    )
    paragraphs = [
        f"Measured by `bench/endpoint.py` on {time.strftime('%Y-%m-%d')}: {describe()}; "
        f"{versions(oxigraph, wrk)}. Load average before and after (the run's own load "
        f"included): {load_before:.2f}, {load_after:.2f}{busy}.",
        f"Each cell: {args.seconds} s of `wrk -t 1 -c CLIENTS` (one thread, one keep-alive "
        "HTTP/1.1 connection per client, GET `?query=`), after "
        f"{args.warmup} s of warm-up per server and query. wrk runs on the same cores as "
        f"the servers; it used {statistics.median(wrk_cpu):.0%} of one core (median of the "
        f"cells; at most {max(wrk_cpu):.0%}, at Oxigraph's fastest): a load generator in "
        "Python would take much of a core from the servers at Oxigraph's rates.",
        f"`{ours}`; `oxigraph serve-read-only --union-default-graph` (without "
        "`--timeout-s`, which in 0.5.13 starts a sleeping thread per query and runs out "
        "of threads at thousands of requests per second) on a store loaded by "
        "`oxigraph load --graph` with our graph's IRI, the graph our engine queries as its "
        "default, then `oxigraph optimize`. Neither has an option for threads: Oxigraph "
        "runs a thread per connection; ours as its version does. Before timing, both servers gave the same "
        "triple count and the same number of rows (distinct triples for CONSTRUCT) to "
        "each query.",
        "Queries: `select` is the README's (policies that use AI or a narrower "
        "technology, Korean titles) asked of one government, the one with the most "
        "policies (Gwangju in the article's graph); `select-new` the same with every "
        "request a new text (a comment numbering it), so that ours answers none from the "
        "answers it keeps; `construct` the same as a graph; `ask` is `ASK {}`. SELECT "
        "and ASK answer SPARQL JSON, CONSTRUCT N-Triples. Ours serves the store `build` "
        "kept for the records, in as many HTTP processes as it chooses by default (one "
        "per core, at most 4), each keeping the answers it gave for the same request "
        "of the same build.",
    ]
    lines = [
        "## Endpoint: `policy-graph serve` beside `oxigraph serve-read-only`",
        "",
        *(line for text in paragraphs for line in (*textwrap.wrap(text, 88), "")),
        "| graph (triples) | query | clients | ours req/s | p50 ms | p99 ms "
        "| oxigraph req/s | p50 ms | p99 ms | ours/oxigraph |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(_row(row) for row in rows),
        "",
        "CPU per answer (ms), of all the server's processes, children included:",
        "",
        "| graph (triples) | query | clients | ours | oxigraph |",
        "|---|---|---|---|---|",
    ]
    for label, name, clients, *cells in rows:
        per = [f"{c.server_cpu / c.requests * 1000:.2f}" if c.requests else "—" for c in cells]
        lines.append(f"| {label} | {name} | {clients} | {per[0]} | {per[1]} |")
    lines += [
        "",
        "Targets of issue 25 for SELECTs: at 4 and at 16 clients ≥ 0.7× Oxigraph's req/s "
        "with p99 < 50 ms; at 64 clients no error and p99 < 200 ms (`ask` measures what "
        "each request costs beside its query; `select-new` is the SELECT with every "
        "request a new text, so that no kept answer serves it):",
        "",
    ]
    lines += [_target_line(row) for row in rows if row[1].startswith("select")]
    return "\n".join(lines) + "\n"


def _target_line(row) -> str:
    label, name, clients, ours, theirs = row
    ratio = ours.rate / theirs.rate if theirs.rate else 0.0
    if clients >= 64:
        met = not ours.failed() and ours.p99_ms < 200
        wanted = "no error, p99 < 200 ms"
    else:
        met = ratio >= 0.7 and ours.p99_ms < 50 and not ours.failed()
        wanted = "≥ 0.7×, p99 < 50 ms"
    errors = f", errors: {ours.failed()}" if ours.failed() else ""
    return (
        f"- {label}, {name}, {clients} clients ({wanted}): {ratio:.3f} of Oxigraph's "
        f"req/s, p99 {ours.p99_ms:,.1f} ms{errors}: {'met' if met else '**missed**'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", action="store_true", help="the article's graph (default)")
    parser.add_argument(
        "--size",
        type=int,
        action="append",
        default=[],
        metavar="TRIPLES",
        help="a corpus of about this many triples, generated and built (repeatable)",
    )
    parser.add_argument(
        "--graph-file",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a graph file that `build` wrote (.nt, .ttl, .trig…), served from a copy (repeatable)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="per cell")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per server and query")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument(
        "--serve-args", default="", help='more options for policy-graph serve, e.g. "--workers 2"'
    )
    parser.add_argument("--oxigraph", type=Path, help="an oxigraph command to use")
    parser.add_argument("--notes", type=Path, help="append the report to this file")
    parser.add_argument("--out", type=Path, help="put the report in this file, between markers")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")
    load_before = os.getloadavg()[0]
    oxigraph = args.oxigraph or oxigraph_command(WORK)
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as name:
        folder = Path(name)
        # Graphs that a command builds for itself are cached: keep them in the work folder.
        os.environ["POLICY_GRAPH_CACHE_DIR"] = str(folder / "cache")
        graphs = built_graphs(args, folder)
        rows = []
        for label, graph, records in graphs:
            rows += bench_graph(label, graph, records, args, oxigraph, wrk, folder)
    text = report(rows, args, oxigraph, wrk, load_before)
    print(text)
    if args.notes:
        with args.notes.open("a", encoding="utf-8") as notes:
            notes.write("\n" + text)
    if args.out:
        write_section(args.out, f"{START}\n{text}{END}\n", START, END)
    failed = [row for row in rows if row[3].failed() or row[4].failed()]
    if failed:
        raise SystemExit(f"{len(failed)} cells had error answers: see the table")


if __name__ == "__main__":
    main()
