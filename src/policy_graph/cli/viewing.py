"""The viewer's commands: ``viz``, ``stats`` and ``export``."""

from __future__ import annotations

import click

from .failures import run
from .options import (
    PathValue,
    data_option,
    engine_option,
    graph_file_option,
    lang_option,
    parse_params,
    store_option,
)


@click.command()
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
@lang_option
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=PathValue),
    default="build/views",
    show_default=True,
    help="Where the HTML views go.",
)
@data_option
@graph_file_option
@engine_option
@store_option
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
    store_dir,
):
    """Write interactive HTML network views (the overview when nothing else is asked)."""
    from .. import api

    params = parse_params(params)

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
            store_dir=store_dir,
        )

    views, written = run(make)
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


@click.command()
@lang_option
@data_option
@graph_file_option
@engine_option
@store_option
def stats(lang, data_dir, graph_file, engine, store_dir) -> None:
    """Print the network analysis: counts, central technologies and departments, communities."""
    from .. import api
    from ..views.analysis import KIND_NAMES

    result = run(
        lambda: api.graph_statistics(api.load_graph(data_dir, graph_file, engine, store_dir), lang)
    )
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


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf"]),
    required=True,
    help="For Gephi, Cytoscape.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=PathValue),
    help="Default: build/policy-graph.FORMAT",
)
@lang_option
@data_option
@graph_file_option
@engine_option
@store_option
def export(fmt, out, lang, data_dir, graph_file, engine, store_dir) -> None:
    """Export the network of the graph as GraphML or GEXF."""
    from pathlib import Path

    from .. import api

    out = out or Path(f"build/policy-graph.{fmt}")

    def write() -> Path:
        graph = api.load_graph(data_dir, graph_file, engine, store_dir)
        return api.export_network(graph, fmt, out, lang)

    path = run(write)
    click.echo(f"Wrote {path}")
