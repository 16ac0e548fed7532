"""The researcher's commands: ``query``, ``queries``, ``serve`` and ``publish``."""

from __future__ import annotations

import os
import sys

import click

from .failures import run
from .options import (
    GRAPH_FORMATS,
    SELECT_FORMATS,
    data_option,
    engine_option,
    graph_file_option,
    parse_params,
    store_option,
)


@click.command()
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
@data_option
@graph_file_option
@engine_option
@store_option
def query(
    query, text, params, lang, fmt, endpoint, limit, offset, data_dir, graph_file, engine,
    store_dir,
) -> None:  # fmt: skip
    """Answer QUERY: a saved query's name, a .rq file, or -e TEXT.

    ASK prints true or false and exits 0 or 1. A syntax error exits 2. --limit and
    --offset page a SELECT: rows M+1 to M+N of the whole answer, in its order.
    """
    # Not through api, which loads rdflib: a kept store answers without it (issue 25).
    from ..query.asking import written_answer

    written = run(
        written_answer,
        query,
        fmt,
        text=text,
        params=parse_params(params),
        lang=lang,
        data_dir=data_dir,
        graph_file=graph_file,
        engine=engine,
        store_dir=store_dir,
        endpoint=endpoint,
        limit=limit,
        offset=offset,
        looked=click.get_current_context().obj,  # what cli.ready found, if it looked
    )
    click.echo(written.data, nl=False)
    if written.ask is False:
        sys.exit(1)


@click.command()
def queries() -> None:
    """List the saved queries with their titles and parameters."""
    # Not through api, which loads rdflib and the build: only the .rq headers are read.
    from ..query.saved import list_queries

    for saved in run(list_queries):
        click.echo(f"{saved.name}")
        click.echo(f"    {saved.title} · {saved.title_ko}")
        for parameter in saved.parameters:
            default = f" = {parameter.default}" if parameter.default else ""
            click.echo(f"    --param {parameter.name}{default}: {parameter.description}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port (0: any free port).")
@click.option(
    "--time-limit", type=float, default=10.0, show_default=True, help="Seconds a query may run."
)
@click.option(
    "--max-rows", type=int, default=10_000, show_default=True, help="SELECT rows per answer."
)
@click.option(
    "--max-triples",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="CONSTRUCT and DESCRIBE triples per answer.",
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
    "--queue",
    type=click.IntRange(0, 1000),
    default=64,
    show_default=True,
    help="Queries that may wait for a worker; past them, 503 with Retry-After.",
)
@click.option(
    "--client-timeout",
    type=click.FloatRange(min=0.5),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time a request may take to arrive (headers and body), and a client to start "
    "taking its answer (plus 1 s per MB of it).",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Connections open at once; more wait to be accepted.",
)
@click.option(
    "--client-connection-limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Connections open at once from one address; more are closed at once.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="HTTP processes accepting on the port, each with its share of the workers, "
    "queue and connections. [default: the number of CPUs, at most 4, when serving the "
    "kept store; 1 when loading a graph file, which each process would hold]",
)
@click.option(
    "--kept-answers",
    type=click.IntRange(min=0),
    default=64,
    show_default=True,
    metavar="MB",
    help="Answers kept for the same request of the same build, in each HTTP process "
    "(0: none; a request with Cache-Control: no-cache is always answered anew).",
)
@click.option(
    "--watch-interval",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to look for a rebuilt graph file to serve (0: never).",
)
@click.option(
    "--no-sandbox",
    "no_sandbox",
    is_flag=True,
    help="Serve even where the query workers cannot be cut off the network (a container "
    "that refuses network namespaces): the query check is then the only wall.",
)
@data_option
@graph_file_option
@engine_option
@store_option
def serve(
    host, port, time_limit, max_rows, max_triples, memory_limit, workers, queue,
    client_timeout, connection_limit, client_connection_limit, processes, kept_answers,
    watch_interval, no_sandbox,
    data_dir, graph_file, engine, store_dir,
) -> None:  # fmt: skip
    """Serve the graph as a read-only SPARQL 1.1 endpoint: a query editor at /, a page
    for every resource at /id/…, the dataset's VoID at /.well-known/void."""
    from .. import api
    from ..endpoint.logs import message_line
    from ..endpoint.server import Limits
    from ..endpoint.server import serve as serve_forever

    served = run(api.graph_file_to_serve, data_dir, graph_file, engine, store_dir)
    workers = workers or max(2, os.cpu_count() or 2)
    processes = processes or (min(4, os.cpu_count() or 1) if served.is_dir() else 1)
    limits = Limits(
        time_limit=time_limit, max_rows=max_rows, max_triples=max_triples,
        memory_limit=memory_limit, workers=workers, queue=queue, client_timeout=client_timeout,
        connection_limit=connection_limit, client_connections=client_connection_limit,
        kept_answers=kept_answers,
    )  # fmt: skip

    def ready(url: str) -> None:
        said = (
            f"SPARQL endpoint: {url}  (query editor: {url[: -len('sparql')]}); read-only; "
            f"{_http_processes(processes)}{workers} query workers and {queue} waiting; "
            f"per query {time_limit:g} s, "
            f"{memory_limit} MB, at most {max_rows} rows or {max_triples} triples. Ctrl+C stops."
        )
        click.echo(message_line(said), err=True)

    try:
        run(
            serve_forever, engine, served, host, port, limits,
            api.list_queries(), ready, watch_interval, not no_sandbox, processes,
        )  # fmt: skip
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


def _http_processes(count: int) -> str:
    return f"{count} HTTP processes sharing " if count > 1 else ""


@click.command()
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
@data_option
@graph_file_option
@engine_option
@store_option
def publish(
    endpoint, graph_iri, user, password, sparql, data_dir, graph_file, engine, store_dir
) -> None:
    """Replace a named graph of a triple store with the built graph, then count it there."""
    from .. import api
    from ..query.publish import publish as put_graph

    chosen, store = run(api.open_store, data_dir, graph_file, engine, store_dir)
    done = run(put_graph, store, endpoint, graph_iri, user, password, sparql, engine=chosen)
    click.echo(f"Published {done.sent} triples to <{done.graph}> at {done.store}")
    click.echo(f"Checked: the store counts {done.counted} triples in that graph")
