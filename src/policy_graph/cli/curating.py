"""The curator's commands: ``build``, ``validate``, ``draft`` and ``generate``."""

from __future__ import annotations

import click

from ..errors import printable
from .failures import run
from .options import (
    FORMAT_NAMES,
    PathValue,
    data_option,
    engine_option,
    fresh_option,
    full_shacl_option,
    sources_option,
    store_option,
    strict_option,
)


@click.command()
@data_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=PathValue),
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
@sources_option
@strict_option
@engine_option
@full_shacl_option
@fresh_option
@store_option
def build(
    data_dir, out, formats, sources_dir, strict, engine, full_shacl, fresh, store_dir
) -> None:
    """Load, check, convert and validate the records; write the graph."""
    from .. import api
    from ..progress import TerminalProgress

    with TerminalProgress() as report:
        result = run(
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
            store_dir=store_dir,
        )
    _keep_answers_later(result)
    _echo_warnings(result)
    written = ", ".join(printable(str(p)) for p in result.written.values())
    checked = " (quotes checked)" if sources_dir else ""
    data = printable(str(result.data_dir))
    click.echo(f"Built {written} from {data} ({_files(result)}){checked}")
    _echo_counts(result)


@click.command()
@data_option
@sources_option
@strict_option
@engine_option
@full_shacl_option
@fresh_option
@store_option
def validate(data_dir, sources_dir, strict, engine, full_shacl, fresh, store_dir) -> None:
    """Do every check of build and write no graph."""
    from .. import api
    from ..progress import TerminalProgress

    with TerminalProgress() as report:
        result = run(
            api.validate,
            data_dir,
            sources_dir,
            engine,
            full_shacl,
            report,
            strict=strict,
            reuse=not fresh,
            store_dir=store_dir,
        )
    _keep_answers_later(result)
    _echo_warnings(result)
    checked = " and quotes" if sources_dir else ""
    click.echo(f"Valid: {printable(str(result.data_dir))} ({_files(result)}){checked}")
    _echo_counts(result)


def _keep_answers_later(result) -> None:
    """A new kept store's saved answers, found in the background (see
    :mod:`policy_graph.query.warming`): the first to ask reads them."""
    if hasattr(result.graph, "generation"):  # a kept store
        from ..query.asking import start_warming

        if start_warming(result.graph):
            click.echo(
                "Finding the saved queries' answers in the background, at low priority "
                "(POLICY_GRAPH_WARM=0 turns this off)",
                err=True,
            )


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


def _echo_counts(result) -> None:
    for name, count in result.counts.items():
        click.echo(f"  {name:<14}{count:>7}")
    click.echo(f"  {'SHACL':<14}{result.shacl}")
    click.echo(f"  {'engine':<14}{result.engine.name}")
    click.echo(f"  {'time':<14}{result.seconds:>7.2f} s")


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=PathValue),
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
    from ..generate import cities_for, describe
    from ..generate import generate as write_corpus
    from ..progress import TerminalProgress

    if not cities and not triples:
        raise click.UsageError("give --cities N or --triples N")
    cities = cities or cities_for(triples, policies_per_city)
    with TerminalProgress() as report:
        made = run(write_corpus, out, cities, policies_per_city, seed, report, one_file)
    click.echo(f"Wrote {made['policies']} policies of {describe(made)} to {out}")
    sources = out / "sources"
    click.echo(f"Check it: policy-graph validate --data {out} --sources {sources}")


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=PathValue))
@click.option("--government", required=True, help="Id of the government whose policies it states.")
@click.option("--source-id", help="Id of the source (default: the file's name without .txt).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=PathValue),
    help="The records file to write; never over one that exists. Default: ./SOURCE-ID.draft.yaml",
)
@data_option
def draft(source, government, source_id, out, data_dir) -> None:
    """Draft the policy records a report's text states, for a curator to review."""
    from ..draft.policies import draft_file
    from ..records.folder import default_data_dir

    path, made = run(draft_file, source, data_dir or default_data_dir(), government, source_id, out)
    proposed = sum(len(words) for words in made.proposals.values())
    click.echo(
        f"Wrote {path}: {len(made.policies)} draft policies, {proposed} proposed new "
        "vocabulary words; every guess is marked '# draft:'"
    )
    click.echo(
        "Review it, move it under the records folder, then: policy-graph validate --sources DIR"
    )
