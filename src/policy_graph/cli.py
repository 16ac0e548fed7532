"""The ``policy-graph`` command: options → an api call → output. Exit codes:
0 success; 1 bad input or failed validation; 2 wrong usage."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

FORMAT_NAMES = ("ttl", "nt", "jsonld", "xml", "trig")  # outputs.RDF_FORMATS, kept light for --help

_data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Records folder (default: ./data, else the bundled Gwangju records).",
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
    from .errors import PolicyGraphError

    try:
        return call(*args, **kwargs)
    except PolicyGraphError as error:
        raise _Failure(error) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-graph")
def cli() -> None:
    """Turn public-sector policy records into a validated RDF knowledge graph.

    Exit status: 0 success, 1 bad input or failed validation, 2 wrong usage.
    """


@cli.command()
@_data_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/policy-graph.ttl"),
    show_default=True,
    help="Output file; with several formats, each takes its own suffix.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMAT_NAMES),
    multiple=True,
    help="RDF format (repeatable). Default: ttl.",
)
def build(data_dir: Path | None, out: Path, formats: tuple[str, ...]) -> None:
    """Load, check, convert and validate the records; write the graph."""
    from . import api

    result = _run(api.build, data_dir, out, formats or ("ttl",))
    written = ", ".join(str(p) for p in result.written.values())
    click.echo(f"Built {written} from {result.data_dir} ({result.files} record files)")
    _echo_counts(result)


@cli.command()
@_data_option
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of source texts (<source-id>.txt): also check every quote is verbatim.",
)
def validate(data_dir: Path | None, sources_dir: Path | None) -> None:
    """Do every check of build and write nothing."""
    from . import api

    result = _run(api.validate, data_dir, sources_dir)
    checked = " and quotes" if sources_dir else ""
    click.echo(f"Valid: {result.data_dir} ({result.files} record files){checked}")
    _echo_counts(result)


def _echo_counts(result) -> None:
    for name, count in result.counts.items():
        click.echo(f"  {name:<14}{count:>7}")
    click.echo(f"  {'time':<14}{result.seconds:>7.2f} s")


def main() -> None:
    cli(prog_name="policy-graph")
