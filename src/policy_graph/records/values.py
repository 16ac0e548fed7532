"""The values of record fields: each type's check (value → value, or raise
:class:`InvalidValue`), its name in the docs and its JSON Schema; how messages quote
values (:func:`excerpt`, :func:`describe`) and hint at an id meant
(:func:`did_you_mean`). The fields and sections that use them are in :mod:`.format`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .amounts import parse_amount_text

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("ko", "en")

# A source's type → its document class, and its name in an untitled source's label.
SOURCE_TYPES: dict[str, tuple[str, str, str]] = {
    "news-article": ("schema:NewsArticle", "기사", "news article"),
    "press-release": ("schema:Article", "보도자료", "press release"),
    "report": ("schema:Report", "보고서", "report"),
    "web-page": ("schema:WebPage", "웹 페이지", "web page"),
}

# A source text's licence → the licence's IRI (None: no open licence; the text is its
# publisher's, and only quotes of it, its address and its digest are kept).
LICENCES: dict[str, str | None] = {
    "kogl-1": "https://www.kogl.or.kr/info/licenseType1.do",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "all-rights-reserved": None,
}
CODE = re.compile(r"\d{2}|\d{5}")
SHA256 = re.compile(r"[0-9a-f]{64}")


class InvalidValue(ValueError):  # noqa: N818 - a signal to the loader, not an error API
    """A field's value does not fit its type; ``line`` when a nested line is to blame."""

    def __init__(self, message: str, line: int | None = None, misplaced: str | None = None):
        super().__init__(message)
        self.line = line
        self.misplaced = misplaced  # a field name found indented under this field


# --- types: how a value is checked, described and schematised ----------------------


@dataclass(frozen=True)
class FieldType:
    """What a field holds: its check (value → value, or raise InvalidValue), its name
    and its JSON Schema. ``empty`` is the value of an optional field left out."""

    name: str
    parse: Callable[[Any], Any]
    schema: dict
    empty: Any = None


# The most of a value that a message quotes: enough to recognise it, never a whole
# page (a message is one line, whatever a record holds).
EXCERPT_CHARS = 60
# The longest text one value may hold (a quote is a passage, not a whole source), and
# the longest id (ids become parts of IRIs): far beyond what records need.
MAX_TEXT_CHARS = 10_000
MAX_ID_CHARS = 100


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` as a message may quote it: at most ``limit`` characters, then '…'."""
    return text if len(text) <= limit else text[:limit] + "…"


def describe(value: Any) -> str:
    """A value as a message shows it: its Python literal, cut short."""
    if isinstance(value, LongNumber):
        return f"a number of {len(value.digits):,} digits"
    return "nothing" if value is None else excerpt(repr(value))


class WrittenInt(int):
    """A number as the loader read it, with the text it was ``written`` as: YAML 1.1
    reads 0x4A817C800, 0b1010, 20_000_000_000, 017 (in base 8) and 1:30 (base 60) as
    numbers too, which the fields of numbers refuse (:func:`_as_written`)."""

    written = ""


class WrittenFloat(float):
    """A number with a point or an exponent as the loader read it (see WrittenInt)."""

    written = ""


class LongNumber(str):
    """A number written with more digits than any field can use, kept as its text by the
    loader: Python refuses to make an int of more than 4,300 digits, and no record needs
    one of more than a few dozen."""

    @property
    def digits(self) -> str:
        return "".join(c for c in self if c.isdigit())


def parse_string(value: Any) -> str:
    if type(value) is str:  # the usual case, checked first: it runs for every text
        text = value.strip()
        if text and len(text) <= MAX_TEXT_CHARS:
            return text
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidValue(f"expected a text, got {describe(value)}")
    text = str(value).strip()
    if not text:
        raise InvalidValue("is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidValue(
            f"a text of {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} a value "
            f"may hold: {excerpt(repr(text))}"
        )
    return text


def _id_text(value: Any) -> str:
    """An id as written: white space around it (a space, a tab, a line break, a
    no-break space) is no part of any id, and would make another one."""
    if isinstance(value, str) and value != value.strip() and value.strip():
        raise InvalidValue(
            f"{describe(value)} has white space around it: write the id alone "
            f"({describe(value.strip())})"
        )
    return parse_string(value)


def parse_reference(value: Any) -> str:
    if isinstance(value, list):
        raise InvalidValue(f"expected one id, got a list: {describe(value)}")
    return _id_text(value)


def parse_slug(value: Any) -> str:
    text = _id_text(value)
    if not SLUG.match(text):
        raise InvalidValue(
            f"expected a slug of lowercase ASCII words joined by '-' "
            f"(like 'smart-factory'), got {describe(text)}"
        )
    if len(text) > MAX_ID_CHARS:
        raise InvalidValue(
            f"an id of {len(text):,} characters, more than the {MAX_ID_CHARS} an id may have: "
            f"{describe(text)}"
        )
    return text


def parse_references(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    references = tuple(_id_text(item) for item in items if item is not None)
    if len(set(references)) == len(references):
        return references
    repeated = sorted({r for r in references if references.count(r) > 1})
    if repeated:
        raise InvalidValue(f"lists {', '.join(map(describe, repeated))} more than once")
    return references


def parse_some_references(value: Any) -> tuple[str, ...]:
    references = parse_references(value)
    if not references:
        raise InvalidValue("needs at least one entry")
    return references


# Every field name of every record: a language key that is one of them was indented
# under the field above it.
FIELD_NAMES: set[str] = set()


def _misplaced(value: dict, key: Any, allowed: str) -> InvalidValue:
    """The error for an unknown key inside a text: a field indented too far, or a comma."""
    line = getattr(value, "key_lines", {}).get(key)
    if key in FIELD_NAMES:
        return InvalidValue(
            f"'{key}' is indented under this field, where only {allowed} belong: "
            f"indent '{key}' as far as the record's other fields",
            line,
            misplaced=key,
        )
    hint = (
        " (a comma inside {…} splits a text: put the text in quotes)" if value[key] is None else ""
    )
    return InvalidValue(f"unknown language {describe(key)} (expected {allowed}){hint}", line)


@dataclass(frozen=True)
class Text:
    """A text in Korean (the source's wording) and English (our translation)."""

    ko: str
    en: str


def parse_text(value: Any) -> Text:
    if not isinstance(value, dict):
        raise InvalidValue(f"expected 'ko' and 'en' texts, got {describe(value)}")
    extra = sorted(set(value) - set(LANGUAGES), key=str)
    if extra:
        raise _misplaced(value, extra[0], "'ko' and 'en'")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise InvalidValue(f"missing the {' and '.join(missing)} text")
    try:
        return Text(ko=parse_string(value["ko"]), en=parse_string(value["en"]))
    except InvalidValue as error:
        lang = "ko" if not _is_text(value["ko"]) else "en"
        raise InvalidValue(f"{lang}: {error}") from None


def _is_text(value: Any) -> bool:
    try:
        parse_string(value)
        return True
    except InvalidValue:
        return False


def parse_alt_labels(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise InvalidValue(f"expected lists of labels under 'ko' and 'en', got {describe(value)}")
    labels = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            raise _misplaced(value, lang, "'ko' or 'en'")
        labels[lang] = tuple(
            parse_string(item) for item in (items if isinstance(items, list) else [items])
        )
    return labels


def parse_quotes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    quotes = []
    for number, item in enumerate(items, 1):
        try:
            quotes.append(parse_string(item))
        except InvalidValue as error:
            raise InvalidValue(f"quote {number} {error}") from None
    if not quotes:
        raise InvalidValue("needs at least one verbatim quote")
    return tuple(quotes)


def _unquote_hint(value: str, written: Any) -> str:
    written = excerpt(str(written))
    return f"{describe(value)} is a text in quotes: write the number without quotes ({written})"


# How numbers are written in records: digits, and for won a decimal point if need be
# (docs/records.md); no sign, separator, exponent or other base.
YEAR_FORM = re.compile(r"[1-9]\d{3}")
AMOUNT_FORM = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
MAX_WON = 10**16  # 1경 원: more than any budget (the national one is some 6.6 × 10^14)


def _as_written(value: Any, form: re.Pattern, what: str, instead: str) -> None:
    """InvalidValue when the number ``value`` was written otherwise than in ``form``
    (YAML 1.1 reads hexadecimal, binary, octal, base-60 and separated digits as numbers)."""
    written = getattr(value, "written", None)
    if written is None or form.fullmatch(written):
        return
    read = f" (YAML reads it as {value})" if str(value) != written else ""
    if re.fullmatch(r"[+-]?0[0-7_]+", written):  # YAML 1.1's octal: a leading 0
        read = f" (YAML reads a number with a leading 0 in base 8: {value})"
        instead = "write it without the leading 0"
    raise InvalidValue(f"expected {what} in plain digits, got {written!r}{read}: {instead}")


def parse_year(value: Any) -> int:
    if isinstance(value, LongNumber):
        raise InvalidValue(f"expected a year such as 2025, got {describe(value)}")
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        raise InvalidValue(_unquote_hint(value, value.strip()))
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*년.*", value):
        raise InvalidValue(
            f"expected the year alone, such as {value.strip()[:4]}, got {describe(value)} "
            "(the source's wording of when goes in 'timeline')"
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise InvalidValue(f"expected a year such as 2025, got {describe(value)}")
    _as_written(value, YEAR_FORM, "a year", f"write {int(value)}")
    return int(value)


def _write_won(amount: Decimal) -> str:
    """What to write for ``amount`` won: its digits, or why there is nothing to write."""
    if not amount.is_finite() or amount > MAX_WON:
        return f"a budget is at most {MAX_WON} won (1경 원), written in digits"
    if amount < 0:
        return "a budget is no negative number"
    return f"write {amount.normalize():f}"


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, LongNumber):
        raise InvalidValue(f"{describe(value)}: too long for a number of won")
    if isinstance(value, str):
        amount = parse_amount_text(value)
        if amount is not None and re.fullmatch(r"[\d,.\s]+", value):
            raise InvalidValue(_unquote_hint(value, amount))
        if amount is not None:
            raise InvalidValue(
                f"expected a number of won, got the text {describe(value)}: {_write_won(amount)} "
                "(and keep the source's wording in a quote)"
            )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"expected a number of won such as 20000000000, got {describe(value)}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidValue(f"expected a number of won, got {describe(value)}") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_WON:
        raise InvalidValue(f"expected a number of won, got {describe(value)}: {_write_won(amount)}")
    _as_written(value, AMOUNT_FORM, "a number of won", _write_won(amount))
    return amount


def parse_code(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise InvalidValue(f'write the code as a text in quotes: "{value}" (a code is no number)')
    text = parse_string(value)
    if not CODE.fullmatch(text):
        raise InvalidValue(
            f"expected an administrative code of 2 digits (a 시·도) or 5 (a 시·군·구), "
            f"got {describe(text)}"
        )
    return text


def parse_sha256(value: Any) -> str:
    text = parse_string(value)
    if not SHA256.fullmatch(text):
        raise InvalidValue(
            f"expected a SHA-256 digest of 64 lowercase hex digits (sha256sum prints it), "
            f"got {describe(text)}"
        )
    return text


DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_AND_TIME = re.compile(r"\s*(\d{4}-\d\d?-\d\d?)(?:[Tt]|\s+)\d")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        written = value.isoformat(sep=" ")
        raise InvalidValue(
            f"expected a date such as 2021-01-19, got the date and time {written!r}: "
            f"write the date alone ({value.date().isoformat()})"
        )
    if isinstance(value, dt.date):
        return value
    text = parse_string(value)
    try:
        if DATE_FORM.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    with_time = _DATE_AND_TIME.match(text)
    if with_time:
        raise InvalidValue(
            f"expected a date such as 2021-01-19, got the date and time {describe(value)}: "
            f"write the date alone ({with_time[1]})"
        )
    raise InvalidValue(f"expected a date such as 2021-01-19, got {describe(value)}")


def did_you_mean(value: str, known, labels: dict[str, str] | None = None) -> str:
    """A hint at the id meant: by a label (any language, alternative labels too), by
    spelling, or else the short list of ids."""
    if labels and value in labels:
        return f" (did you mean {labels[value]!r}?)"
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if 0 < len(known) <= 12:
        return f" (known: {', '.join(sorted(known))})"
    return ""


def one_of(choices) -> FieldType:
    choices = tuple(choices)

    def parse_choice(value: Any) -> str:
        text = parse_string(value)
        if text not in choices:
            hint = did_you_mean(text, choices)
            raise InvalidValue(
                f"unknown {describe(text)}{hint}; expected one of {', '.join(choices)}"
            )
        return text

    return FieldType(
        f"one of {', '.join(f'`{c}`' for c in choices)}", parse_choice, {"enum": list(choices)}
    )


def reference(to: str) -> FieldType:
    return FieldType(f"id of {to}", parse_reference, {"type": "string", "minLength": 1})


def references(to: str, at_least_one: bool = False) -> FieldType:
    items = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}
    if at_least_one:
        items["minItems"] = 1
    return FieldType(
        f"{'one or more ids' if at_least_one else 'ids'} of {to} (a list, or one id)",
        parse_some_references if at_least_one else parse_references,
        {"anyOf": [{"type": "string", "minLength": 1}, items]},
        empty=(),
    )


_STRING = {"type": "string", "minLength": 1}
_STRINGS = {"anyOf": [_STRING, {"type": "array", "items": _STRING}]}

SLUG_TYPE = FieldType("slug", parse_slug, {"type": "string", "pattern": SLUG.pattern})
STRING = FieldType("text", parse_string, _STRING)
TEXT = FieldType(
    "text in Korean and English (`{ko: …, en: …}`)",
    parse_text,
    {
        "type": "object",
        "properties": {"ko": _STRING, "en": _STRING},
        "required": ["ko", "en"],
        "additionalProperties": False,
    },
)
ALT_LABELS = FieldType(
    "labels by language (`{ko: [...], en: [...]}`)",
    parse_alt_labels,
    {
        "type": "object",
        "properties": {"ko": _STRINGS, "en": _STRINGS},
        "additionalProperties": False,
    },
    empty={},
)
QUOTES = FieldType(
    "verbatim quotes of the source (a list, or one quote)",
    parse_quotes,
    {"anyOf": [_STRING, {"type": "array", "items": _STRING, "minItems": 1}]},
    empty=(),
)
YEAR = FieldType(
    "year (a number)", parse_year, {"type": "integer", "minimum": 1000, "maximum": 9999}
)
AMOUNT = FieldType(
    "number of won", parse_amount, {"type": "number", "minimum": 0, "maximum": MAX_WON}
)
DATE = FieldType("date (`YYYY-MM-DD`)", parse_date, {"type": "string", "format": "date"})
CODE_TYPE = FieldType(
    "administrative code (2 or 5 digits, in quotes)",
    parse_code,
    {"type": "string", "pattern": "^(\\d{2}|\\d{5})$"},
)
SHA256_TYPE = FieldType(
    "SHA-256 digest (64 hex digits)", parse_sha256, {"type": "string", "pattern": SHA256.pattern}
)
UNITS = FieldType("list of units (records of the `units` form below)", None, {}, empty=())
