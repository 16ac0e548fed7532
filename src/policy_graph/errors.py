"""Errors with user-facing messages; the CLI turns them into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


def printable(text: str) -> str:
    """``text`` as one line may show it: every character that a terminal or a reader of
    lines would not show as text (a control such as ESC or BEL, a line break, a bidi or
    other format character, a line separator, white space but the plain space) written
    as its Python escape (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xa0``)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, located as precisely as we know it.

    Printed as one line: ``file:line: record: field: message``.
    """

    file: str = ""
    line: int = 0
    record: str = ""
    field: str = ""
    message: str = ""
    warning: bool = False  # reported, but fails a run only with --strict

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        message = f"warning: {self.message}" if self.warning else self.message
        parts = (where, self.record, self.field, message)
        return ": ".join(printable(str(part)) for part in parts if part)

    def as_error(self) -> Problem:
        return replace(self, warning=False)


class PolicyGraphError(Exception):
    """Base class of every error that policy-graph reports to its user."""

    exit_code = 1


class InputError(PolicyGraphError):
    """The records (or the graph made from them) have problems; all are listed."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        errors = sum(not p.warning for p in self.problems)
        warnings = len(self.problems) - errors
        also = f" (and {warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        super().__init__(f"{errors} problem{'s' if errors != 1 else ''} found{also}")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class FileError(PolicyGraphError):
    """A file or folder that cannot be read or written: vanished, unreadable, a full
    disk, an output path under a regular file, a truncated or foreign graph file.
    The message names the path and says why, in one line."""


class UsageError(PolicyGraphError):
    """The command was called wrongly (a missing folder, an unknown format)."""

    exit_code = 2


class QueryError(PolicyGraphError):
    """A SPARQL query that cannot be parsed, bound or answered."""

    exit_code = 2


class GraphNote(UserWarning):
    """Something to know about the graph a command uses (a warning, not an error:
    the library never prints; the CLI prints each once as ``policy-graph: note: …``)."""


class StaleGraphNote(GraphNote):
    """A graph file is used as it is although it may be stale: its records are gone,
    it does not say what it was built from, or it was built elsewhere."""
