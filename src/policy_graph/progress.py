"""Progress of long steps, as counts on a terminal and nothing when piped.

The library reports through a plain callable, ``report(step, done, total)``; it never
prints. :class:`TerminalProgress` is the CLI's: one line on standard error, redrawn at
most ten times a second, and erased when the run ends, so that the summary and any
error messages read as they would without it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Report = Callable[[str, int, int], None]


def silent(_step: str, _done: int, _total: int) -> None:
    """The report of a run nobody watches."""


class TerminalProgress:
    """Counts such as ``SHACL, city by city: 2/3`` on ``stream`` when it is a terminal."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done not in (0, total) and now - self._last < self.interval:
            return
        self._last = now
        self.stream.write(f"\r\033[K{step}: {done:,}/{total:,}")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the line, so that what follows starts clean."""
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
