"""The ``policy-graph`` command (click), a thin layer over the library: options are
parsed and results printed here, everything else is done by the stages' packages.

:func:`main`, the console script, prints an answer that is ready for a plain
``query NAME`` request before click is imported (see :mod:`.ready`)."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """``policy-graph``: a ready answer printed at once, else the click group."""
    from .ready import print_ready_answer

    printed, looked = print_ready_answer(sys.argv[1:])
    if not printed:
        from .main import main as answer_with_click

        try:
            answer_with_click(looked)
        finally:
            # What the command made is freed with the process: the collection at exit
            # need not look at it (0.1 s after a rebuild at 1M triples).
            gc.freeze()


def __getattr__(name: str):
    if name == "cli":  # the click group, imported when asked for
        from .main import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cli", "main"]
