"""Check that every quote of the records is verbatim in its source's text.

Quotes and texts are compared after collapsing runs of white space; quotation
marks must be as the source writes them (the query contract's rule).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem
from .records import Records, record_name

_SPACE = re.compile(r"\s+")


def fold_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def source_text_file(sources_dir: Path, source_id: str) -> Path | None:
    """The text of a source: a file in ``sources_dir`` named after the source id."""
    exact = sources_dir / source_id
    candidates = [exact] if exact.is_file() else sorted(sources_dir.glob(f"{source_id}.*"))
    return candidates[0] if candidates else None


def check_quotes(records: Records, sources_dir: Path | str) -> list[Problem]:
    """One Problem per quote that none of its record's sources contains verbatim."""
    sources_dir = Path(sources_dir)
    if not sources_dir.is_dir():
        return [Problem(str(sources_dir), message="no such sources folder")]
    problems, texts = [], {}
    for source in records.sources:
        path = source_text_file(sources_dir, source.id)
        if path is None:
            problems.append(
                Problem(
                    source.origin.file,
                    source.origin.line,
                    f"source {source.id}",
                    "id",
                    f"no text of this source in {sources_dir} (expected {source.id}.txt)",
                )
            )
            continue
        texts[source.id] = fold_space(path.read_text(encoding="utf-8"))
    for record in [*records.programmes, *records.policies]:
        available = [texts[s] for s in record.sources if s in texts]
        if not available:
            continue
        for number, quote in enumerate(record.quotes, 1):
            if not any(fold_space(quote) in text for text in available):
                shown = quote if len(quote) <= 60 else quote[:57] + "…"
                problems.append(
                    Problem(
                        record.origin.file,
                        record.origin.line_of("quotes"),
                        record_name(record),
                        "quotes",
                        f"quote {number} is not verbatim in {', '.join(record.sources)}: {shown!r}",
                    )
                )
    return problems
