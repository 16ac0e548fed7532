"""The options that several commands share, and how they read values; kept light, so
that ``policy-graph --help`` imports nothing of the library."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pathlib import Path


class PathValue:
    """click.Path's ``path_type``: a value comes out as a pathlib.Path, and pathlib
    (with urllib.parse and ipaddress under it) is imported when a command gets a path,
    not for ``--help`` (start-up time: issue 14)."""

    def __new__(cls, value) -> Path:
        from pathlib import Path

        return Path(value)


FORMAT_NAMES = ("ttl", "nt", "jsonld", "xml", "trig")  # outputs.RDF_FORMATS, kept light for --help

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=PathValue),
    help="Records folder (default: ./data, else the bundled Gwangju records).",
)


graph_file_option = click.option(
    "--graph-file",
    "graph_file",
    type=click.Path(dir_okay=False, path_type=PathValue),
    help="A graph file: read, rebuilt from its own records when they changed, or built "
    "when missing; never replaced by a graph of other records. Default: on Oxigraph, the "
    "store kept for the records (see --store); on rdflib, build/policy-graph.ttl when up "
    "to date, else a graph kept in the cache folder.",
)


store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=PathValue),
    help="Folder of the Oxigraph store kept for the records: opened in milliseconds while "
    "they are unchanged, brought up to date when they change. Default: one per records "
    "folder in the cache folder.",
)


full_shacl_option = click.option(
    "--full-shacl",
    is_flag=True,
    help="SHACL on every city even past 2,000 policies (default there: a sample of 3 cities).",
)
fresh_option = click.option(
    "--fresh",
    is_flag=True,
    help="Read every records file again, reusing nothing kept from earlier runs "
    "(by default a file unchanged since the last run is not read again).",
)
ENGINE_NAMES = ("oxigraph", "rdflib")  # engines.ENGINE_NAMES, kept light for --help
engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default=ENGINE_NAMES[0],
    show_default=True,
    help="Where the graph lives: Oxigraph (fast at any size) or rdflib's pure-Python store.",
)


sources_option = click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=PathValue),
    multiple=True,
    callback=lambda _context, _parameter, value: list(value) or None,
    help="Folder of source texts (<source-id>.txt): also check every quote is verbatim "
    "(repeatable: each folder is searched in turn).",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (a budget, year or timeline that no quote states) as errors.",
)


lang_option = click.option(
    "--lang",
    type=click.Choice(["ko", "en"]),
    default="ko",
    show_default=True,
    help="Language of labels.",
)


SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")  # results.SELECT_FORMATS
GRAPH_FORMATS = ("ttl", "nt", "jsonld")  # results.GRAPH_FORMATS


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    from .ready import name_and_value  # one reading of a --param, with the ready path's

    params = {}
    for value in values:
        param = name_and_value(value)
        if param is None:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="--param")
        params[param[0]] = param[1]
    return params
