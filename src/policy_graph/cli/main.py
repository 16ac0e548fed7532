"""The ``policy-graph`` command: a click group of the commands of :mod:`.curating`,
:mod:`.querying` and :mod:`.viewing`, each options → a library call → output.
Exit codes: 0 success; 1 bad input, failed validation or a file that cannot be read
or written; 2 wrong usage; 3 an internal error (a bug: ``--debug`` shows its
traceback). See :mod:`.failures`."""

from __future__ import annotations

import sys

import click

from ..version import __version__
from . import curating, failures, querying, viewing


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-graph")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    envvar="POLICY_GRAPH_DEBUG",
    callback=failures.set_debug,
    help="Show the traceback of an unexpected error, for a bug report.",
)
def cli() -> None:
    """Turn public-sector policy records into a validated RDF knowledge graph.

    Exit status: 0 success; 1 bad input, failed validation or a file that cannot be
    read or written; 2 wrong usage; 3 an internal error (run with --debug and report it).
    """


for _command in (
    curating.build,
    curating.validate,
    curating.draft,
    curating.generate,
    querying.query,
    querying.queries,
    querying.serve,
    querying.publish,
    viewing.viz,
    viewing.stats,
    viewing.export,
):
    cli.add_command(_command)


def main(looked=None) -> None:
    """The click group, run on the command line; ``looked``: what cli.ready found of the
    kept store, for ``query`` to take (the group's ``obj``)."""
    try:
        cli(prog_name="policy-graph", obj=looked)
    except Exception as error:  # noqa: BLE001 (every failure ends in one line)
        if failures.debugging():
            raise
        message = failures.escaped(failures.unexpected_in_words(error))
        click.echo(f"policy-graph: {message}", err=True)
        sys.exit(3 if failures.is_bug(error) else 1)
