"""How the command fails: the library's errors as exit codes and lines on stderr, its
notes as ``policy-graph: note: …`` lines, anything unexpected in one line (with
``--debug``: its traceback). Exit codes: 0 success; 1 bad input, failed validation or
a file that cannot be read or written; 2 wrong usage; 3 an internal error."""

from __future__ import annotations

import re
import sys
import warnings

import click

# A message's own continuation lines (a list under it) start with two spaces; any other
# line break in it comes from a value or a file name, and is escaped with the rest.
_CONTINUATION = re.compile(r"\n(?=  )")


def escaped(message: str) -> str:
    """``message`` with every character a terminal would not show as text escaped
    (errors.printable), but for its own continuation lines."""
    from ..errors import printable

    return "\n".join(printable(line) for line in _CONTINUATION.split(message))


class Failure(click.ClickException):
    """A PolicyGraphError as click reports it: every problem on its own line."""

    def __init__(self, error):
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.error = error

    def show(self, file=None) -> None:
        from ..errors import InputError

        stream = file or sys.stderr
        if isinstance(self.error, InputError):
            for problem in self.error.problems:
                click.echo(str(problem), file=stream)
            click.echo(f"policy-graph: {self.error.args[0]}; nothing was written", file=stream)
        else:
            click.echo(f"policy-graph: {escaped(str(self.error))}", file=stream)


def run(call, *args, **kwargs):
    """Call the library: its errors become exit codes, its notes lines on stderr as they
    come (a note such as "waiting for another policy-graph writing …" says why a
    command stands still), each once."""
    from ..errors import GraphNote, PolicyGraphError

    shown: set[str] = set()
    show_other = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, GraphNote):
            show_other(message, category, filename, lineno, file, line)
        elif str(message) not in shown:
            shown.add(str(message))
            # On a terminal, start the line clean: a progress line may be showing.
            erase = "\r\033[K" if sys.stderr.isatty() else ""
            click.echo(f"{erase}policy-graph: note: {escaped(str(message))}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", GraphNote)
        warnings.showwarning = show
        try:
            return call(*args, **kwargs)
        except PolicyGraphError as error:
            if _debug:
                import traceback

                traceback.print_exc()
            raise Failure(error) from error


_debug = False  # set by --debug: unexpected errors show their traceback


def set_debug(_context, _parameter, value: bool) -> None:
    """The callback of ``--debug`` (and $POLICY_GRAPH_DEBUG)."""
    global _debug
    _debug = _debug or value


def debugging() -> bool:
    """Whether ``--debug`` was given."""
    return _debug


def is_bug(error: Exception) -> bool:
    """Whether an error is ours rather than the machine's (its files, its memory)."""
    from concurrent.futures.process import BrokenProcessPool

    return not isinstance(error, OSError | MemoryError | BrokenProcessPool)


def unexpected_in_words(error: Exception) -> str:
    """One line for an error that the library did not turn into a PolicyGraphError:
    the operating system's (a full disk, a vanished file), memory, or a bug."""
    if isinstance(error, OSError):
        paths = " → ".join(str(p) for p in (error.filename, error.filename2) if p is not None)
        reason = error.strerror or str(error)
        return f"{paths}: {reason}" if paths else reason
    if isinstance(error, MemoryError):
        return "out of memory"
    if not is_bug(error):  # a process that read records in parallel was killed
        return "a process reading the records ended abruptly (out of memory, or killed)"
    from ..records.values import excerpt

    text = excerpt(" ".join(str(error).split()), 200)
    return (
        f"internal error: {type(error).__name__}: {text} (a bug: run again with "
        "--debug before the command for the traceback, and report it)"
    )
