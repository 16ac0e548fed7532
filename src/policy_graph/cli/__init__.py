"""The ``policy-graph`` command (click), a thin layer over the library: options are
parsed and results printed here, everything else is done by the stages' packages."""

from .main import cli, main

__all__ = ["cli", "main"]
