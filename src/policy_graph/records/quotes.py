"""Check that every quote of the records is verbatim in its source's text.

Quotes and texts are compared after collapsing runs of white space; quotation
marks must be as the source writes them (the query contract's rule).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem
from .amounts import amounts_in, years_in
from .model import Records, record_name

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
        available = {s: texts[s] for s in record.sources if s in texts}
        if not available:
            continue
        for number, quote in enumerate(record.quotes, 1):
            folded = fold_space(quote)
            if any(folded in text for text in available.values()):
                continue
            problems.append(
                Problem(
                    record.origin.file,
                    quote_line(record, number),
                    record_name(record),
                    "quotes",
                    f"quote {number} is not verbatim in {', '.join(available)}: "
                    + _where_it_parts(folded, available),
                )
            )
    return problems


def quote_line(record, number: int) -> int:
    """The line of a record's quote ``number`` (1-based): its own line in a list."""
    return record.origin.field_lines.get(f"quotes.{number}") or record.origin.line_of("quotes")


def _where_it_parts(quote: str, texts: dict[str, str]) -> str:
    """The longest start of ``quote`` that a source holds verbatim, and what quote and
    source each have where they part ways."""
    best, best_text = 0, ""
    for text in texts.values():
        low, high = best, len(quote)  # "quote[:n] in text" holds up to some n, then fails
        while low < high:
            middle = (low + high + 1) // 2
            if quote[:middle] in text:
                low = middle
            else:
                high = middle - 1
        if low > best or not best_text:
            best, best_text = low, text
    if best < 2:
        return f"no part of its start is in the source: {_shorten(quote)!r}"
    at = best_text.index(quote[:best]) + best
    matched = quote[:best] if best <= 30 else "…" + quote[best - 29 : best]
    return (
        f"the first {best} characters match ({matched!r}); then the quote has "
        f"{quote[best : best + 12]!r} where the source has {best_text[at : at + 12]!r}"
    )


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_stated(records: Records) -> list[Problem]:
    """Warnings for a budget, end year or timeline that none of its record's quotes
    states: the contract allows them only where the source states them."""
    warnings = []
    for record in [*records.programmes, *records.policies]:
        quotes = fold_space(" ".join(record.quotes))
        unstated = []
        if record.budget_krw is not None and record.budget_krw not in amounts_in(quotes):
            unstated.append(("budget_krw", f"{record.budget_krw} won"))
        if record.planned_end is not None and record.planned_end not in years_in(quotes):
            unstated.append(("planned_end", f"the year {record.planned_end}"))
        if record.timeline is not None and fold_space(record.timeline) not in quotes:
            unstated.append(("timeline", repr(record.timeline)))
        for name, value in unstated:
            warnings.append(
                Problem(
                    record.origin.file,
                    record.origin.line_of(name),
                    record_name(record),
                    name,
                    f"none of the quotes states {value}: quote the passage that does",
                    warning=True,
                )
            )
    return warnings
