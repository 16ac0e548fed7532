"""The record format, declared once: each section of a records file, each field of its
records (name, required or not, type, meaning, example) and each type's check.

The loader (:mod:`.records`) reads records by this declaration; ``docs/records.md``
and the JSON Schema ``docs/records.schema.json`` are generated from it
(:mod:`.record_docs`, ``python3 tasks.py docs``), and a test fails when they drift.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
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


def parse_slug(value: Any) -> str:
    text = parse_string(value)
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
    references = tuple(parse_string(item) for item in items if item is not None)
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
    return value


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, LongNumber):
        raise InvalidValue(f"{describe(value)}: too long for a number of won")
    if isinstance(value, str):
        amount = parse_amount_text(value)
        if amount is not None and re.fullmatch(r"[\d,.\s]+", value):
            raise InvalidValue(_unquote_hint(value, amount))
        if amount is not None:
            raise InvalidValue(
                f"expected a number of won, got the text {describe(value)}: write {amount} "
                "(and keep the source's wording in a quote)"
            )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"expected a number of won such as 20000000000, got {describe(value)}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidValue(f"expected a number of won, got {describe(value)}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidValue(f"expected a positive number of won, got {describe(value)}")
    return amount


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(parse_string(value))
    except ValueError:
        raise InvalidValue(f"expected a date such as 2021-01-19, got {describe(value)}") from None


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
    return FieldType(f"id of {to}", parse_string, {"type": "string", "minLength": 1})


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
AMOUNT = FieldType("number of won", parse_amount, {"type": "number", "minimum": 0})
DATE = FieldType("date (`YYYY-MM-DD`)", parse_date, {"type": "string", "format": "date"})
UNITS = FieldType("list of units (records of the `units` form below)", None, {}, empty=())


# --- fields and sections -------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a record: its YAML name, type, whether it must be given (or must be
    given with another field), what it means and an example value."""

    name: str
    type: FieldType
    meaning: str
    example: str
    required: bool = False
    required_with: str | None = None
    attribute: str | None = None  # the record's attribute, where it differs from name

    @property
    def key(self) -> str:
        return self.attribute or self.name

    def required_in(self, mapping) -> bool:
        return self.required or (self.required_with is not None and self.required_with in mapping)


@dataclass(frozen=True)
class Section:
    """A top-level section of a records file (``policies:``) and the form of its records.

    ``example`` is YAML that the docs show and that a test loads."""

    name: str
    record: str  # what one record is called in messages
    meaning: str
    fields: tuple[Field, ...]
    example: str = ""

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        """Its fields by name (looked up for every key of every record)."""
        return {f.name: f for f in self.fields}


def _id(meaning: str, example: str) -> Field:
    return Field("id", SLUG_TYPE, meaning, example, required=True)


def _labels(example: str, alt_example: str) -> tuple[Field, ...]:
    return (
        Field(
            "label", TEXT, "Its name: Korean as the source writes it, English ours.", example, True
        ),
        Field(
            "alt_labels",
            ALT_LABELS,
            "Other names sources use (short forms, other spellings).",
            alt_example,
        ),
    )


def _concept(name: str, record: str, meaning: str, example: str, broader: bool = True) -> Section:
    fields = (
        _id(
            f"Stable slug of the {record}; its IRI is `…/id/{record.replace(' ', '-')}/<id>`.",
            "chatbot",
        ),
        *_labels("{ko: 챗봇, en: chatbot}", "{ko: [채팅로봇]}"),
        Field("definition", TEXT, "What it means, in both languages (ours).", "{ko: …, en: …}"),
    )
    if broader:
        fields += (
            Field(
                "broader",
                references(f"{record}s", False),
                f"The broader {record}s it is a kind of.",
                "[ai]",
            ),
        )
    return Section(name, record, meaning, fields, example)


# Shared by programmes and policies.
_WHEN_AND_WHENCE = (
    Field(
        "budget_krw",
        AMOUNT,
        "Budget in won, only where the source states it (200억 원 = 20000000000).",
        "20000000000",
    ),
    Field(
        "planned_end",
        YEAR,
        "Year it is to end, only where the source states it ('2025년까지' → 2025).",
        "2025",
    ),
    Field(
        "timeline",
        STRING,
        "The source's own words of when ('연말까지', '오는 3월부터'), kept as written.",
        "연말까지",
    ),
    Field(
        "quotes",
        QUOTES,
        "Verbatim spans of the source that state it (checked by `validate --sources`).",
        '["…"]',
        True,
    ),
    Field(
        "source",
        references("sources", True),
        "The source(s) that state it.",
        "asiae-2021-01-19-gwangju-1ai",
        True,
        attribute="sources",
    ),
)

UNIT = Section(
    "units",
    "unit",
    "A department or agency of a government (실, 국, 본부, 관, 과, 팀 …), written inside "
    "its government's `units`, or inside the unit that holds it (a 팀 in a 정책관).",
    (
        _id(
            "Slug of the unit, unique within its government; "
            "its IRI is `…/id/org/<government>-<id>`.",
            "jobs-economy",
        ),
        *_labels("{ko: 일자리경제실, en: Jobs and Economy Office}", "{ko: [일자리실]}"),
        Field(
            "unit_type",
            reference("an organisation type"),
            "Its kind, by the suffix of its Korean name.",
            "office",
            True,
        ),
        Field(
            "units",
            UNITS,
            "The units inside this one, however deep.",
            "[{id: …, label: …, unit_type: …}]",
        ),
    ),
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "governments",
        "government",
        "A city, province, county or district government, with its departments and agencies.",
        (
            _id(
                "Slug of the government, also the first word of its policies' and units' "
                "IRIs; its IRI is `…/id/org/<id>`.",
                "gwangju",
            ),
            *_labels("{ko: 광주광역시, en: Gwangju Metropolitan City}", "{ko: [광주시]}"),
            Field(
                "kind",
                reference("an organisation type"),
                "What kind of government it is.",
                "metropolitan-city",
                True,
            ),
            Field(
                "part_of",
                reference("a government"),
                "The government it belongs to (a district's city), where the source says so.",
                "gwangju",
            ),
            Field(
                "units",
                UNITS,
                "Its departments and agencies; leave out when the source names none.",
                "[{id: …, label: …, unit_type: …}]",
            ),
        ),
        """\
governments:
  - id: gwangju
    label: {ko: 광주광역시, en: Gwangju Metropolitan City}
    alt_labels: {ko: [광주시]}
    kind: metropolitan-city
    units:
      - id: jobs-economy
        label: {ko: 일자리경제실, en: Jobs and Economy Office}
        unit_type: office
      - id: ai-industry
        label: {ko: 인공지능산업국, en: Artificial Intelligence Industry Bureau}
        unit_type: bureau
        units:                       # units inside this one, however deep
          - id: ai-policy
            label: {ko: 인공지능정책과, en: AI Policy Division}
            unit_type: division
  - id: gwangju-gwangsan             # a district that names no departments
    label: {ko: 광주광역시 광산구, en: "Gwangsan District, Gwangju"}
    kind: district
    part_of: gwangju
""",
    ),
    Section(
        "programmes",
        "programme",
        "A programme of a government that groups policies, or a strand of one (`part_of`).",
        (
            Field(
                "government",
                reference("a government"),
                "The government whose programme it is.",
                "gwangju",
                True,
            ),
            _id(
                "Slug, unique within its government; "
                "its IRI is `…/id/programme/<government>-<id>`.",
                "one-office-one-ai",
            ),
            Field(
                "title",
                TEXT,
                "Its name: Korean as the source writes it, English ours.",
                "{ko: 1실국·기관 1AI 정책, en: …}",
                True,
            ),
            Field("description", TEXT, "What it is, in both languages.", "{ko: …, en: …}"),
            Field(
                "part_of",
                reference("a programme of the same government"),
                "The programme this one is a strand of.",
                "ai-master-plan",
            ),
            *_WHEN_AND_WHENCE,
        ),
        """\
programmes:
  - id: one-office-one-ai
    government: gwangju
    title: {ko: 1실국·기관 1AI 정책, en: One AI Policy for Each Office and Agency}
    quotes:
      - "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
    source: asiae-2021-01-19-gwangju-1ai
  - id: one-office-one-ai-industry   # a strand: part of the programme above
    government: gwangju
    part_of: one-office-one-ai
    title: {ko: 산업 분야, en: Industry strand}
    quotes: ["…"]
    source: asiae-2021-01-19-gwangju-1ai
""",
    ),
    Section(
        "policies",
        "policy",
        "One AI policy or project of one government.",
        (
            Field(
                "government",
                reference("a government"),
                "The government whose policy it is.",
                "gwangju",
                True,
            ),
            _id(
                "Slug, unique within its government; its IRI is `…/id/policy/<government>-<id>`.",
                "smart-factory",
            ),
            Field(
                "title",
                TEXT,
                "Its name: Korean as the source writes it, English ours.",
                "{ko: 스마트공장 질적 고도화, en: …}",
                True,
            ),
            Field("description", TEXT, "What it does, in both languages.", "{ko: …, en: …}", True),
            Field(
                "lead_department",
                reference("a unit of its government"),
                "The unit that leads it, only where the source names one.",
                "jobs-economy",
            ),
            Field(
                "programme",
                reference("a programme of its government"),
                "The narrowest programme or strand the source places it in.",
                "one-office-one-ai",
            ),
            Field(
                "technologies",
                references("technologies", True),
                "What it deploys or is about: the most specific concept the source names.",
                "[ai, chatbot]",
                True,
            ),
            Field(
                "target_groups",
                references("target groups"),
                "Whom it serves, only as the source says.",
                "[sme-manufacturers]",
            ),
            Field(
                "partners",
                references("organisations"),
                "Partner institutions the source names.",
                "[chonnam-national-university-hospital]",
            ),
            Field(
                "domains",
                references("domains", True),
                "Policy domains (health, transport …).",
                "[industry]",
                True,
            ),
            *_WHEN_AND_WHENCE,
        ),
        """\
policies:
  - id: smart-factory
    government: gwangju
    lead_department: jobs-economy
    programme: one-office-one-ai
    title: {ko: 스마트공장 질적 고도화, en: Qualitative upgrade of smart factories}
    description:
      ko: 관내 중소·중견 제조기업의 스마트공장 질적 고도화를 추진한다.
      en: By 2025, 20 billion won for upgrading the smart factories of 100 local manufacturers.
    technologies: [ai]
    target_groups: [sme-manufacturers]
    domains: [industry]
    budget_krw: 20000000000          # 200억 원, as a number of won
    planned_end: 2025
    quotes:
      - "일자리경제실은 관내 중소·중견 제조기업 100개사를 대상으로 2025년까지 200억 원을 투입해"
    source: asiae-2021-01-19-gwangju-1ai
  - id: ai-check-in-calls            # no lead_department: the source names none
    government: gwangju-gwangsan
    title: {ko: AI 안부전화, en: AI check-in calls}
    description: {ko: …, en: …}
    technologies: [chatbot]
    partners: [chonnam-national-university-hospital]
    domains: [welfare]
    timeline: 오는 3월부터            # the source's own words of when
    quotes: ["…오는 3월부터…"]
    source: gwangsan-2024-02-20
""",
    ),
    Section(
        "organisations",
        "organisation",
        "Any other organisation: a partner institution or a publisher.",
        (
            _id(
                "Slug; its IRI is `…/id/org/<id>` (shared with governments: ids may not repeat).",
                "chonnam-national-university-hospital",
            ),
            *_labels(
                "{ko: 전남대학교병원, en: Chonnam National University Hospital}", "{ko: [전대병원]}"
            ),
            Field(
                "kind",
                reference("an organisation type"),
                "What kind of organisation it is.",
                "hospital",
                True,
            ),
        ),
        """\
organisations:
  - id: chonnam-national-university-hospital
    label: {ko: 전남대학교병원, en: Chonnam National University Hospital}
    alt_labels: {ko: [전대병원]}
    kind: hospital
  - id: asiae
    label: {ko: 아시아경제, en: Asia Economy}
    kind: publisher
""",
    ),
    Section(
        "sources",
        "source",
        "A document that states policies. Its text, for `validate --sources DIR`, is DIR/<id>.txt.",
        (
            _id("Slug; its IRI is `…/id/source/<id>`.", "asiae-2021-01-19-gwangju-1ai"),
            Field(
                "type",
                one_of(SOURCE_TYPES),
                "What kind of document it is (its class: see the table below).",
                "news-article",
                True,
            ),
            Field(
                "title",
                STRING,
                "Its headline, as written; leave out when the excerpt has none "
                "(then publisher and date name it).",
                "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도",
            ),
            Field(
                "title_en",
                STRING,
                "The headline in English (ours); required with `title`.",
                "Gwangju speeds up …",
                required_with="title",
            ),
            Field(
                "publisher",
                reference("an organisation or a government"),
                "Who published it.",
                "asiae",
                True,
            ),
            Field("issued", DATE, "The date it was published.", "2021-01-19", True),
            Field("author", STRING, "Its author, as written.", "박선강"),
            Field("url", STRING, "Where it can be read.", "https://view.asiae.co.kr/…"),
        ),
        """\
sources:
  - id: asiae-2021-01-19-gwangju-1ai
    type: news-article
    title: "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도"
    title_en: "Gwangju speeds up finding 'one AI policy per office and agency'"
    publisher: asiae
    issued: 2021-01-19
    author: 박선강
  - id: gwangsan-2024-02-20          # no headline: named by publisher and date
    type: press-release
    publisher: gwangju-gwangsan
    issued: 2024-02-20
""",
    ),
    _concept(
        "technologies",
        "technology",
        "Technologies, shared by every government; `broader` makes the hierarchy (chatbot → AI).",
        """\
technologies:
  - id: ai
    label: {ko: AI, en: AI}
    alt_labels: {ko: [인공지능], en: [artificial intelligence]}
  - id: chatbot
    label: {ko: 챗봇, en: chatbot}
    broader: [ai]
""",
    ),
    _concept(
        "target_groups",
        "target group",
        "Groups that policies serve, shared by every government.",
        """\
target_groups:
  - id: sme-manufacturers
    label: {ko: 중소·중견 제조기업, en: small and mid-sized manufacturers}
""",
    ),
    _concept(
        "domains",
        "domain",
        "Policy domains, shared by every government.",
        """\
domains:
  - id: industry
    label: {ko: 산업, en: industry}
  - id: welfare
    label: {ko: 복지, en: welfare}
""",
    ),
    _concept(
        "organisation_types",
        "organisation type",
        "Kinds of governments, units and organisations (used as `org:classification`).",
        """\
organisation_types:
  - id: metropolitan-city
    label: {ko: 광역시, en: metropolitan city}
  - id: district
    label: {ko: 자치구, en: district}
    definition:
      ko: 특별시와 광역시 안의 자치구.
      en: A self-governing district of a special or metropolitan city.
  - {id: office, label: {ko: 실, en: office}}
  - {id: bureau, label: {ko: 국, en: bureau}}
  - {id: division, label: {ko: 과, en: division}}
  - {id: hospital, label: {ko: 병원, en: hospital}}
  - {id: publisher, label: {ko: 언론사, en: publisher}}
""",
    ),
)

SECTION_BY_NAME = {section.name: section for section in SECTIONS}
FIELD_NAMES.update(f.name for section in (*SECTIONS, UNIT) for f in section.fields)
