"""The ``policy-graph`` command: options → an api call → output. Exit codes:
0 success; 1 bad input, failed validation or a file that cannot be read or written;
2 wrong usage; 3 an internal error (a bug: ``--debug`` shows its traceback)."""

from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from pathlib import Path


class _PathValue:
    """click.Path's ``path_type``: a value comes out as a pathlib.Path, and pathlib
    (with urllib.parse and ipaddress under it) is imported when a command gets a path,
    not for ``--help`` (start-up time: issue 14)."""

    def __new__(cls, value) -> Path:
        from pathlib import Path

        return Path(value)


FORMAT_NAMES = ("ttl", "nt", "jsonld", "xml", "trig")  # outputs.RDF_FORMATS, kept light for --help

_data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=_PathValue),
    help="Records folder (default: ./data, else the bundled Gwangju records).",
)


_graph_file_option = click.option(
    "--graph-file",
    "graph_file",
    type=click.Path(dir_okay=False, path_type=_PathValue),
    help="A graph file: read, rebuilt from its own records when they changed, or built "
    "when missing; never replaced by a graph of other records. Default: "
    "build/policy-graph.ttl when up to date, else a graph kept in the cache folder.",
)


_full_shacl_option = click.option(
    "--full-shacl",
    is_flag=True,
    help="SHACL on every city even past 2,000 policies (default there: a sample of 3 cities).",
)
_fresh_option = click.option(
    "--fresh",
    is_flag=True,
    help="Read every records file again, reusing nothing kept from earlier runs "
    "(by default a file unchanged since the last run is not read again).",
)
ENGINE_NAMES = ("oxigraph", "rdflib")  # engines.ENGINE_NAMES, kept light for --help
_engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default=ENGINE_NAMES[0],
    show_default=True,
    help="Where the graph lives: Oxigraph (fast at any size) or rdflib's pure-Python store.",
)


class _Failure(click.ClickException):
    """A PolicyGraphError as click reports it: every problem on its own line."""

    def __init__(self, error):
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.error = error

    def show(self, file=None) -> None:
        from .errors import InputError

        stream = file or sys.stderr
        if isinstance(self.error, InputError):
            for problem in self.error.problems:
                click.echo(str(problem), file=stream)
            click.echo(f"policy-graph: {self.error.args[0]}; nothing was written", file=stream)
        else:
            click.echo(f"policy-graph: {self.error}", file=stream)


def _run(call, *args, **kwargs):
    """Call the library: its errors become exit codes, its notes lines on stderr as they
    come (a note such as "waiting for another policy-graph writing …" says why a
    command stands still), each once."""
    from .errors import GraphNote, PolicyGraphError

    shown: set[str] = set()
    show_other = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, GraphNote):
            show_other(message, category, filename, lineno, file, line)
        elif str(message) not in shown:
            shown.add(str(message))
            # On a terminal, start the line clean: a progress line may be showing.
            erase = "\r\033[K" if sys.stderr.isatty() else ""
            click.echo(f"{erase}policy-graph: note: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", GraphNote)
        warnings.showwarning = show
        try:
            return call(*args, **kwargs)
        except PolicyGraphError as error:
            if _debug:
                import traceback

                traceback.print_exc()
            raise _Failure(error) from error


_debug = False  # set by --debug: unexpected errors show their traceback


def _set_debug(_context, _parameter, value: bool) -> None:
    global _debug
    _debug = _debug or value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-graph")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    envvar="POLICY_GRAPH_DEBUG",
    callback=_set_debug,
    help="Show the traceback of an unexpected error, for a bug report.",
)
def cli() -> None:
    """Turn public-sector policy records into a validated RDF knowledge graph.

    Exit status: 0 success; 1 bad input, failed validation or a file that cannot be
    read or written; 2 wrong usage; 3 an internal error (run with --debug and report it).
    """


_sources_option = click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=_PathValue),
    help="Folder of source texts (<source-id>.txt): also check every quote is verbatim.",
)
_strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (a budget, year or timeline that no quote states) as errors.",
)


@cli.command()
@_data_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=_PathValue),
    default="build/policy-graph.ttl",
    show_default=True,
    help="Output file; with several formats, each takes its own suffix.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMAT_NAMES),
    multiple=True,
    help="RDF format (repeatable). Default: the one --out's suffix names, else ttl.",
)
@_sources_option
@_strict_option
@_engine_option
@_full_shacl_option
@_fresh_option
def build(data_dir, out, formats, sources_dir, strict, engine, full_shacl, fresh) -> None:
    """Load, check, convert and validate the records; write the graph."""
    from . import api
    from .progress import TerminalProgress

    with TerminalProgress() as report:
        result = _run(
            api.build,
            data_dir,
            out,
            formats,
            engine,
            full_shacl,
            report,
            sources_dir=sources_dir,
            strict=strict,
            reuse=not fresh,
        )
    _echo_warnings(result)
    written = ", ".join(str(p) for p in result.written.values())
    checked = " (quotes checked)" if sources_dir else ""
    click.echo(f"Built {written} from {result.data_dir} ({_files(result)}){checked}")
    _echo_counts(result)


@cli.command()
@_data_option
@_sources_option
@_strict_option
@_engine_option
@_full_shacl_option
@_fresh_option
def validate(data_dir, sources_dir, strict, engine, full_shacl, fresh) -> None:
    """Do every check of build and write no graph."""
    from . import api
    from .progress import TerminalProgress

    with TerminalProgress() as report:
        result = _run(
            api.validate,
            data_dir,
            sources_dir,
            engine,
            full_shacl,
            report,
            strict=strict,
            reuse=not fresh,
        )
    _echo_warnings(result)
    checked = " and quotes" if sources_dir else ""
    click.echo(f"Valid: {result.data_dir} ({_files(result)}){checked}")
    _echo_counts(result)


def _files(result) -> str:
    """How many records files were read, and how many of them were reused unchanged."""
    files = f"{result.files:,} record file{'s' if result.files != 1 else ''}"
    if result.reused:
        return f"{files}, {result.reused:,} unchanged since the last run"
    return files


def _echo_warnings(result) -> None:
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    if result.warnings:
        count = len(result.warnings)
        click.echo(
            f"policy-graph: {count} warning{'s' if count != 1 else ''} "
            "(--strict makes them errors)",
            err=True,
        )


SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")  # results.SELECT_FORMATS
GRAPH_FORMATS = ("ttl", "nt", "jsonld")  # results.GRAPH_FORMATS


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="--param")
        params[name.strip()] = text
    return params


@cli.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", "text", help="The query's text, instead of a name or file.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (a literal; <…> for an IRI). Repeatable.",
)
@click.option("--lang", type=click.Choice(["ko", "en"]), help="Language of labels (saved queries).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SELECT_FORMATS + GRAPH_FORMATS),
    help="SELECT: table (default), csv, tsv, json, xml, md. "
    "CONSTRUCT, DESCRIBE: ttl (default), nt, jsonld.",
)
@click.option(
    "--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint instead of the built graph."
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    help="SELECT: N rows only (after --offset). Default: every row.",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    metavar="M",
    help="SELECT: skip the first M rows of the answer, in its order.",
)
@_data_option
@_graph_file_option
@_engine_option
def query(
    query, text, params, lang, fmt, endpoint, limit, offset, data_dir, graph_file, engine
) -> None:
    """Answer QUERY: a saved query's name, a .rq file, or -e TEXT.

    ASK prints true or false and exits 0 or 1. A syntax error exits 2. --limit and
    --offset page a SELECT: rows M+1 to M+N of the whole answer, in its order.
    """
    from . import api
    from .results import format_result

    params = _parse_params(params)

    def answer():
        graph = None if endpoint else api.open_store(data_dir, graph_file, engine)[1]
        result = api.run_query(
            query,
            text=text,
            params=params,
            lang=lang,
            graph=graph,
            endpoint=endpoint,
            engine=engine,
            limit=limit,
            offset=offset,
        )
        return result, format_result(result, fmt)

    result, output = _run(answer)
    click.echo(output, nl=False)
    if result.type == "ASK" and not result.askAnswer:
        sys.exit(1)


@cli.command()
def queries() -> None:
    """List the saved queries with their titles and parameters."""
    # Not through api, which loads rdflib and the build: only the .rq headers are read.
    from .queries import list_queries

    for saved in _run(list_queries):
        click.echo(f"{saved.name}")
        click.echo(f"    {saved.title} · {saved.title_ko}")
        for parameter in saved.parameters:
            default = f" = {parameter.default}" if parameter.default else ""
            click.echo(f"    --param {parameter.name}{default}: {parameter.description}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port (0: any free port).")
@click.option(
    "--time-limit", type=float, default=10.0, show_default=True, help="Seconds a query may run."
)
@click.option(
    "--max-rows", type=int, default=10_000, show_default=True, help="SELECT rows per answer."
)
@click.option(
    "--memory-limit",
    type=click.IntRange(min=16),
    default=1024,
    show_default=True,
    metavar="MB",
    help="Memory a query may take beyond the graph's own.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Queries answered at once; each worker shares the loaded graph. "
    "[default: the number of CPUs, at least 2]",
)
@click.option(
    "--watch-interval",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to look for a rebuilt graph file to serve (0: never).",
)
@_data_option
@_graph_file_option
@_engine_option
def serve(
    host, port, time_limit, max_rows, memory_limit, workers, watch_interval, data_dir,
    graph_file, engine,
) -> None:  # fmt: skip
    """Serve the graph as a read-only SPARQL 1.1 endpoint: a query editor at /, a page
    for every resource at /id/…, the dataset's VoID at /.well-known/void."""
    from . import api
    from .serve import Limits
    from .serve import serve as serve_forever

    served = _run(api.graph_file_to_serve, data_dir, graph_file, engine)
    workers = workers or max(2, os.cpu_count() or 2)
    limits = Limits(
        time_limit=time_limit, max_rows=max_rows, memory_limit=memory_limit, workers=workers
    )

    def ready(url: str) -> None:
        click.echo(f"SPARQL endpoint: {url}  (query editor: {url[: -len('sparql')]})", err=True)
        click.echo(
            f"read-only; {workers} workers; per query {time_limit:g} s, {memory_limit} MB, "
            f"at most {max_rows} rows. Ctrl+C stops.",
            err=True,
        )

    try:
        _run(
            serve_forever, engine, served, host, port, limits,
            api.list_queries(), ready, watch_interval,
        )  # fmt: skip
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


@cli.command()
@click.option(
    "--endpoint", required=True, metavar="URL", help="The store's Graph Store Protocol endpoint."
)
@click.option(
    "--graph",
    "graph_iri",
    default="https://w3id.org/policy-graph/id/graph/policy-graph",
    show_default=True,
    help="The named graph to replace.",
)
@click.option("--user", help="User name for the store (HTTP digest or basic).")
@click.option(
    "--password", envvar="POLICY_GRAPH_PASSWORD", help="Password (or set POLICY_GRAPH_PASSWORD)."
)
@click.option(
    "--sparql", metavar="URL", help="The store's SPARQL endpoint, if it cannot be guessed."
)
@_data_option
@_graph_file_option
@_engine_option
def publish(endpoint, graph_iri, user, password, sparql, data_dir, graph_file, engine) -> None:
    """Replace a named graph of a triple store with the built graph, then count it there."""
    from . import api
    from .publish import publish as put_graph

    chosen, store = _run(api.open_store, data_dir, graph_file, engine)
    done = _run(put_graph, store, endpoint, graph_iri, user, password, sparql, engine=chosen)
    click.echo(f"Published {done.sent} triples to <{done.graph}> at {done.store}")
    click.echo(f"Checked: the store counts {done.counted} triples in that graph")


_lang_option = click.option(
    "--lang",
    type=click.Choice(["ko", "en"]),
    default="ko",
    show_default=True,
    help="Language of labels.",
)


@cli.command()
@click.option(
    "--all", "all_views", is_flag=True, help="Every view, and index.html with the analysis."
)
@click.option(
    "--focus",
    "focus_key",
    metavar="ID|LABEL",
    help="A view around one resource: its IRI, id or name (a name that several have "
    "exits 2, listing them).",
)
@click.option("--depth", type=int, default=2, show_default=True, help="Steps out from --focus.")
@click.option(
    "--max-nodes", type=int, default=2000, show_default=True, help="Nodes at most in --focus."
)
@click.option("--dept-tech", is_flag=True, help="The department × technology view.")
@click.option(
    "--query", "query", metavar="NAME|FILE.rq", help="A CONSTRUCT query's answer as a view."
)
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="Parameters of --query."
)
@_lang_option
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=_PathValue),
    default="build/views",
    show_default=True,
    help="Where the HTML views go.",
)
@_data_option
@_graph_file_option
@_engine_option
def viz(
    all_views,
    focus_key,
    depth,
    max_nodes,
    dept_tech,
    query,
    params,
    lang,
    out_dir,
    data_dir,
    graph_file,
    engine,
):
    """Write interactive HTML network views (the overview when nothing else is asked)."""
    from . import api

    params = _parse_params(params)

    def make():
        return api.make_views(
            data_dir,
            graph_file,
            engine,
            out_dir,
            lang,
            all_views=all_views,
            focus=(focus_key, depth, max_nodes) if focus_key else None,
            dept_tech=dept_tech,
            query=(query, params) if query else None,
        )

    views, written = _run(make)
    governments = [view.name for view in views if view.name.startswith("government-")]
    if governments:
        folder = written[governments[0] + ".html"].parent
        click.echo(
            f"Wrote {len(governments)} pages {folder}/government-*.html (one per government)"
        )
    for view in views:
        if view.name.startswith("government-"):
            continue
        note = f"; {view.note[lang]}" if view.note[lang] else ""
        size = f"{view.size[0]} nodes, {view.size[1]} edges"
        click.echo(f"Wrote {written[view.name + '.html']} ({size}{note})")
    if "index.html" in written:
        click.echo(f"Wrote {written['index.html']} (links to the views, and the analysis)")


@cli.command()
@_lang_option
@_data_option
@_graph_file_option
@_engine_option
def stats(lang, data_dir, graph_file, engine) -> None:
    """Print the network analysis: counts, central technologies and departments, communities."""
    from . import api
    from .analysis import KIND_NAMES

    result = _run(lambda: api.graph_statistics(api.load_graph(data_dir, graph_file, engine), lang))
    pick = 1 if lang == "ko" else 0
    click.echo(f"Governments: {result.governments}; sources: {len(result.sources)}")
    click.echo("Resources by kind:")
    for kind, count in result.counts.items():
        click.echo(f"  {KIND_NAMES[kind][pick]}: {count}")
    if result.stand_ins:
        click.echo(
            f"Departments below include {len(result.stand_ins)} governments, for their "
            "policies without a department: " + _first(result.stand_ins)
        )
    click.echo("Technologies used by most departments (departments, policies; as tagged):")
    for name, holders, policies in result.central_technologies:
        click.echo(f"  {name}: {holders}, {policies}")
    click.echo(
        f"Departments sharing a technology with most others (of {result.holders - 1} others):"
    )
    for name, value in result.central_departments:
        click.echo(f"  {name}: {value}")
    click.echo("Departments that share no technology with another:")
    click.echo("  " + (_first(result.isolated_departments) or "none"))
    click.echo("Technologies used together (Louvain communities of departments and technologies):")
    for number, group in enumerate(result.communities, 1):
        click.echo(
            f"  {number}. {', '.join(group['technologies'])}: {group['holders']} departments "
            f"({', '.join(group['examples'])}{', …' if group['holders'] > 5 else ''})"
        )


def _first(names: list[str], count: int = 10) -> str:
    """The first ``count`` of ``names``, and how many more."""
    shown = ", ".join(names[:count])
    return shown + (f" and {len(names) - count} more" if len(names) > count else "")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf"]),
    required=True,
    help="For Gephi, Cytoscape.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=_PathValue),
    help="Default: build/policy-graph.FORMAT",
)
@_lang_option
@_data_option
@_graph_file_option
@_engine_option
def export(fmt, out, lang, data_dir, graph_file, engine) -> None:
    """Export the network of the graph as GraphML or GEXF."""
    from pathlib import Path

    from . import api

    out = out or Path(f"build/policy-graph.{fmt}")

    def write() -> Path:
        return api.export_network(api.load_graph(data_dir, graph_file, engine), fmt, out, lang)

    path = _run(write)
    click.echo(f"Wrote {path}")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=_PathValue),
    required=True,
    help="A new or empty records folder.",
)
@click.option(
    "--cities",
    type=click.IntRange(min=1),
    help="How many governments: cities and provinces, with their districts and counties.",
)
@click.option(
    "--triples", type=click.IntRange(min=1), help="Or: about how many triples (sets --cities)."
)
@click.option(
    "--policies-per-city",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Of each government.",
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--one-file",
    is_flag=True,
    help="Every government's records in one file, governments.yaml (a national export): "
    "the same records as a folder per government.",
)
def generate(out, cities, triples, policies_per_city, seed, one_file) -> None:
    """Write a synthetic corpus of N governments' records (for benchmarks), with source texts."""
    from .generate import cities_for, describe
    from .generate import generate as write_corpus
    from .progress import TerminalProgress

    if not cities and not triples:
        raise click.UsageError("give --cities N or --triples N")
    cities = cities or cities_for(triples, policies_per_city)
    with TerminalProgress() as report:
        made = _run(write_corpus, out, cities, policies_per_city, seed, report, one_file)
    click.echo(f"Wrote {made['policies']} policies of {describe(made)} to {out}")
    sources = out / "sources"
    click.echo(f"Check it: policy-graph validate --data {out} --sources {sources}")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=_PathValue))
@click.option("--government", required=True, help="Id of the government whose policies it states.")
@click.option("--source-id", help="Id of the source (default: the file's name without .txt).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=_PathValue),
    help="The records file to write; never over one that exists. Default: ./SOURCE-ID.draft.yaml",
)
@_data_option
def draft(source, government, source_id, out, data_dir) -> None:
    """Draft the policy records a report's text states, for a curator to review."""
    from .api import default_data_dir
    from .draft import draft_file

    path, made = _run(
        draft_file, source, data_dir or default_data_dir(), government, source_id, out
    )
    proposed = sum(len(words) for words in made.proposals.values())
    click.echo(
        f"Wrote {path}: {len(made.policies)} draft policies, {proposed} proposed new "
        "vocabulary words; every guess is marked '# draft:'"
    )
    click.echo(
        "Review it, move it under the records folder, then: policy-graph validate --sources DIR"
    )


def _echo_counts(result) -> None:
    for name, count in result.counts.items():
        click.echo(f"  {name:<14}{count:>7}")
    click.echo(f"  {'SHACL':<14}{result.shacl}")
    click.echo(f"  {'engine':<14}{result.engine.name}")
    click.echo(f"  {'time':<14}{result.seconds:>7.2f} s")


def main() -> None:
    try:
        cli(prog_name="policy-graph")
    except Exception as error:  # noqa: BLE001 (every failure ends in one line)
        if _debug:
            raise
        click.echo(f"policy-graph: {_unexpected_in_words(error)}", err=True)
        sys.exit(3 if _is_bug(error) else 1)


def _is_bug(error: Exception) -> bool:
    """Whether an error is ours rather than the machine's (its files, its memory)."""
    from concurrent.futures.process import BrokenProcessPool

    return not isinstance(error, OSError | MemoryError | BrokenProcessPool)


def _unexpected_in_words(error: Exception) -> str:
    """One line for an error that the library did not turn into a PolicyGraphError:
    the operating system's (a full disk, a vanished file), memory, or a bug."""
    if isinstance(error, OSError):
        paths = " → ".join(str(p) for p in (error.filename, error.filename2) if p is not None)
        reason = error.strerror or str(error)
        return f"{paths}: {reason}" if paths else reason
    if isinstance(error, MemoryError):
        return "out of memory"
    if not _is_bug(error):  # a process that read records in parallel was killed
        return "a process reading the records ended abruptly (out of memory, or killed)"
    from .record_format import excerpt

    text = excerpt(" ".join(str(error).split()), 200)
    return (
        f"internal error: {type(error).__name__}: {text} (a bug: run again with "
        "--debug before the command for the traceback, and report it)"
    )
