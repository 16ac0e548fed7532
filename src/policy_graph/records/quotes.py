"""Check that every quote of the records is verbatim in its source's text.

Quotes and texts are compared after collapsing runs of white space; quotation
marks must be as the source writes them (the query contract's rule).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

from ..errors import GraphNote, Problem
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


def check_quotes(records: Records, sources_dirs) -> list[Problem]:
    """One Problem per quote that none of its record's sources contains verbatim, per
    source without a text in ``sources_dirs`` (a folder, or several searched in turn),
    and per text that is not the one curated (its SHA-256 is not the record's).

    A source whose text is its publisher's (``licence: all-rights-reserved``) may have
    no text at hand: its quotes are then not checked, and a GraphNote says so."""
    folders = (
        [Path(sources_dirs)]
        if isinstance(sources_dirs, str | Path)
        else list(map(Path, sources_dirs))
    )
    missing = [folder for folder in folders if not folder.is_dir()]
    if missing:
        return [Problem(str(folder), message="no such sources folder") for folder in missing]
    problems, texts, unchecked = [], {}, []
    for source in records.sources:
        path = next(filter(None, (source_text_file(f, source.id) for f in folders)), None)
        if path is None and source.licence == "all-rights-reserved":
            unchecked.append(source.id)
        elif path is None:
            places = " or ".join(map(str, folders))
            problems.append(
                _source_problem(
                    source, f"no text of this source in {places} (expected {source.id}.txt)"
                )
            )
        else:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if source.text_sha256 and digest != source.text_sha256:
                problems.append(
                    _source_problem(
                        source,
                        f"{path} is not the text that was curated: its SHA-256 is {digest[:12]}…, "
                        f"the record's {source.text_sha256[:12]}… (restore the text, or review "
                        "every quote against this one and update text_sha256)",
                        "text_sha256",
                    )
                )
            texts[source.id] = fold_space(data.decode("utf-8"))
    if unchecked:
        warnings.warn(GraphNote(_unchecked_in_words(unchecked)), stacklevel=2)
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


def _source_problem(source, message: str, field: str = "id") -> Problem:
    line = source.origin.line_of(field)
    return Problem(source.origin.file, line, f"source {source.id}", field, message)


def _unchecked_in_words(ids: list[str]) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    count = f"{len(ids)} source{'s' if len(ids) != 1 else ''}"
    return (
        f"the quotes of {count} were not checked: their texts are their publishers' "
        f"(licence all-rights-reserved) and none is at hand ({shown})"
    )


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
