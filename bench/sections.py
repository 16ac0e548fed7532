"""A benchmark's Markdown section, put into a file (docs/benchmarks.md) between its own
marker lines: the section there is replaced, or added at the end when missing."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, section: str, start: str, end: str) -> None:
    """Write ``section`` (which begins with ``start`` and ends with ``end``) into
    ``path`` in place of what stands between those markers, else at its end."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
