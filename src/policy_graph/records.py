"""Curated YAML records → checked, frozen dataclasses (the first stage).

Every record remembers its file and lines, so that every problem can be reported
as ``file:line: record: field: message``. All problems of a run are collected and
raised together as one :class:`~policy_graph.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("ko", "en")
SOURCE_TYPES = ("news-article", "press-release", "report", "web-page")
# Concept kind (also the first segment of its IRI) → its name in messages.
CONCEPT_WORDS = {
    "technology": "technology",
    "target-group": "target group",
    "domain": "domain",
    "organisation-type": "organisation type",
}


# --- the records ------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a record stands: its file, its first line, the line of each field."""

    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Text:
    """A text in Korean (the source's wording) and English (our translation)."""

    ko: str
    en: str


@dataclass(frozen=True)
class Concept:
    """A SKOS concept: a technology, target group, policy domain or organisation type."""

    kind: str
    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    definition: Text | None
    broader: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Unit:
    """A department or agency of a government (an ``org:OrganizationalUnit``), possibly
    inside another unit of it (``part_of``: a 팀 in a 정책관)."""

    government: str
    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    unit_type: str
    part_of: str | None
    origin: Origin


@dataclass(frozen=True)
class Government:
    """A city, county or district government and its units (every one, however deep)."""

    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    kind: str
    part_of: str | None
    units: tuple[Unit, ...]
    origin: Origin


@dataclass(frozen=True)
class Organisation:
    """Any other organisation: a partner institution or a publisher."""

    id: str
    label: Text
    alt_labels: dict[str, tuple[str, ...]]
    kind: str
    origin: Origin


@dataclass(frozen=True)
class Source:
    """A document that states policies (a news article, a press release …)."""

    id: str
    type: str
    title: str | None
    title_en: str | None
    publisher: str
    issued: dt.date
    author: str | None
    url: str | None
    origin: Origin


@dataclass(frozen=True)
class Programme:
    """A programme of a government that groups policies, or a strand of one (``part_of``)."""

    government: str
    id: str
    title: Text
    description: Text | None
    part_of: str | None
    budget_krw: Decimal | None
    planned_end: int | None
    timeline: str | None
    quotes: tuple[str, ...]
    sources: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Policy:
    """One AI policy or project of one government."""

    government: str
    id: str
    title: Text
    description: Text
    lead_department: str | None
    programme: str | None
    technologies: tuple[str, ...]
    target_groups: tuple[str, ...]
    partners: tuple[str, ...]
    domains: tuple[str, ...]
    budget_krw: Decimal | None
    planned_end: int | None
    timeline: str | None
    quotes: tuple[str, ...]
    sources: tuple[str, ...]
    origin: Origin


@dataclass
class Records:
    """Every record of a records folder, in file order."""

    governments: list[Government] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    files: int = field(default=0, compare=False)  # how many files they were read from

    def extend(self, other: Records) -> None:
        """Append ``other``'s records after ours, kind by kind (every list field)."""
        for kind in fields(self):
            if kind.default_factory is list:
                getattr(self, kind.name).extend(getattr(other, kind.name))

    def concepts_of(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts if c.kind == kind]

    @property
    def units(self) -> list[Unit]:
        return [u for g in self.governments for u in g.units]

    def of_government(self, government: str) -> Records:
        """One government's records, with every shared one (vocabularies, organisations,
        sources): a whole graph of its own, for SHACL city by city."""
        return Records(
            governments=[g for g in self.governments if g.id == government],
            organisations=self.organisations,
            sources=self.sources,
            concepts=self.concepts,
            programmes=[p for p in self.programmes if p.government == government],
            policies=[p for p in self.policies if p.government == government],
        )


# --- YAML with line numbers and duplicate keys --------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers its line, its keys' lines and duplicate keys."""

    line = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int, int]] = []


# libyaml's parser where PyYAML has it (about ten times faster); the constructor,
# which keeps lines and finds duplicate keys, is ours either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    def construct_mapping(self, node, deep=False):  # noqa: D102 (PyYAML's hook)
        self.flatten_mapping(node)
        mapping = _Mapping()
        mapping.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in mapping:
                mapping.duplicates.append((key, line, mapping.key_lines[key]))
                continue
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = line
        return mapping


_LineLoader.add_constructor(
    "tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node)
)


def _parse_yaml(path: Path, shown: str, problems: list[Problem]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        context = ""
        if error.context and error.context_mark:
            context = f"{error.context} (from line {error.context_mark.line + 1}): "
        problems.append(Problem(shown, line, message=f"malformed YAML: {context}{error.problem}"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(Problem(shown, message=f"cannot read YAML: {error}"))
    return None


def _duplicate_keys(node: Any, path: str = "") -> Iterator[tuple[str, int, int]]:
    if isinstance(node, _Mapping):
        for key, line, first in node.duplicates:
            yield f"{path}{key}", line, first
        for key, value in node.items():
            yield from _duplicate_keys(value, f"{path}{key}.")
    elif isinstance(node, list):
        for item in node:
            yield from _duplicate_keys(item, path)


# --- field parsers: value → value, or raise _InvalidValue(message) ------------------


class _InvalidValue(ValueError):  # noqa: N818 - a signal inside this module, not an error API
    pass


def _describe(value: Any) -> str:
    return "nothing" if value is None else f"{value!r}"


def _string(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _InvalidValue(f"expected a text, got {_describe(value)}")
    text = str(value).strip()
    if not text:
        raise _InvalidValue("is empty")
    return text


def _slug(value: Any) -> str:
    text = _string(value)
    if not SLUG.match(text):
        raise _InvalidValue(
            f"expected a slug of lowercase ASCII words joined by '-' "
            f"(like 'smart-factory'), got {text!r}"
        )
    return text


def _references(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    references = tuple(_string(item) for item in items if item is not None)
    repeated = sorted({r for r in references if references.count(r) > 1})
    if repeated:
        raise _InvalidValue(f"lists {', '.join(map(repr, repeated))} more than once")
    return references


def _non_empty(parse: Callable[[Any], tuple]) -> Callable[[Any], tuple]:
    def parse_non_empty(value: Any) -> tuple:
        items = parse(value)
        if not items:
            raise _InvalidValue("needs at least one entry")
        return items

    return parse_non_empty


def _text(value: Any) -> Text:
    if not isinstance(value, dict):
        raise _InvalidValue(f"expected 'ko' and 'en' texts, got {_describe(value)}")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise _InvalidValue(f"missing the {' and '.join(missing)} text")
    extra = sorted(set(value) - set(LANGUAGES), key=str)
    if extra:
        hint = (
            " (a comma inside {…} splits a text: put the text in quotes)"
            if value[extra[0]] is None
            else ""
        )
        raise _InvalidValue(f"unknown language {extra[0]!r} (expected 'ko' and 'en'){hint}")
    try:
        return Text(ko=_string(value["ko"]), en=_string(value["en"]))
    except _InvalidValue as error:
        lang = "ko" if not _is_text(value["ko"]) else "en"
        raise _InvalidValue(f"{lang}: {error}") from None


def _is_text(value: Any) -> bool:
    try:
        _string(value)
        return True
    except _InvalidValue:
        return False


def _alt_labels(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _InvalidValue(f"expected lists of labels under 'ko' and 'en', got {_describe(value)}")
    labels = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            raise _InvalidValue(f"unknown language {lang!r} (expected 'ko' or 'en')")
        labels[lang] = tuple(
            _string(item) for item in (items if isinstance(items, list) else [items])
        )
    return labels


def _quotes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    quotes = []
    for number, item in enumerate(items, 1):
        try:
            quotes.append(_string(item))
        except _InvalidValue as error:
            raise _InvalidValue(f"quote {number} {error}") from None
    if not quotes:
        raise _InvalidValue("needs at least one verbatim quote")
    return tuple(quotes)


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise _InvalidValue(f"expected a year such as 2025, got {_describe(value)}")
    return value


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _InvalidValue(f"expected a number of won such as 20000000000, got {_describe(value)}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _InvalidValue(f"expected a number of won, got {_describe(value)}") from None
    if not amount.is_finite() or amount < 0:
        raise _InvalidValue(f"expected a positive number of won, got {_describe(value)}")
    return amount


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_string(value))
    except ValueError:
        raise _InvalidValue(f"expected a date such as 2021-01-19, got {_describe(value)}") from None


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse_choice(value: Any) -> str:
        text = _string(value)
        if text not in choices:
            hint = _did_you_mean(text, choices)
            raise _InvalidValue(f"unknown {text!r}{hint}; expected one of {', '.join(choices)}")
        return text

    return parse_choice


def _did_you_mean(value: str, known, labels: dict[str, str] | None = None) -> str:
    """A hint at the id meant: by label, by spelling, or else the short list of ids."""
    if labels and value in labels:
        return f" (did you mean {labels[value]!r}?)"
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if 0 < len(known) <= 12:
        return f" (known: {', '.join(sorted(known))})"
    return ""


# --- reading one record -------------------------------------------------------


class _Fields:
    """Reads the fields of one record, collecting problems instead of stopping."""

    def __init__(self, problems: list[Problem], file: str, mapping: _Mapping, kind: str):
        self.problems, self.file, self.mapping, self.kind = problems, file, mapping, kind
        self.taken: set[str] = set()
        raw_id = mapping.get("id")
        self.id = raw_id if isinstance(raw_id, str) and SLUG.match(raw_id) else ""
        self.record = f"{kind} {self.id or raw_id or '(no id)'}"
        self.origin = Origin(file, mapping.line, {str(k): v for k, v in mapping.key_lines.items()})
        for key, line, first in _duplicate_keys(mapping):
            self.problem(key, f"duplicate key (first at line {first})", line)

    def problem(self, name: str, message: str, line: int | None = None) -> None:
        line = line or self.origin.line_of(name.split(".")[0])
        self.problems.append(Problem(self.file, line, self.record, name, message))

    def take(self, name: str, parse: Callable[[Any], Any], required: bool = True, default=None):
        self.taken.add(name)
        if name not in self.mapping:
            if required:
                self.problem(name, "missing required field", self.origin.line)
            return default
        try:
            return parse(self.mapping[name])
        except _InvalidValue as error:
            self.problem(name, str(error))
            return default

    def finish(self) -> bool:
        """Report unknown fields; True when the record has a usable id to be kept by."""
        for name in self.mapping:
            if name not in self.taken:
                self.problem(
                    str(name), f"unknown field{_did_you_mean(str(name), sorted(self.taken))}"
                )
        return bool(self.id)


def _read_concept(kind: str, reader: _Fields) -> Concept:
    return Concept(
        kind=kind,
        id=reader.take("id", _slug),
        label=reader.take("label", _text),
        alt_labels=reader.take("alt_labels", _alt_labels, required=False, default={}),
        definition=reader.take("definition", _text, required=False),
        broader=reader.take("broader", _references, required=False, default=()),
        origin=reader.origin,
    )


def _read_organisation(reader: _Fields) -> Organisation:
    return Organisation(
        id=reader.take("id", _slug),
        label=reader.take("label", _text),
        alt_labels=reader.take("alt_labels", _alt_labels, required=False, default={}),
        kind=reader.take("kind", _string),
        origin=reader.origin,
    )


def _read_government(reader: _Fields) -> Government:
    government_id = reader.take("id", _slug)
    units = reader.take(
        "units",
        lambda value: _read_units(reader, government_id, None, value),
        required=False,
        default=(),
    )
    return Government(
        id=government_id,
        label=reader.take("label", _text),
        alt_labels=reader.take("alt_labels", _alt_labels, required=False, default={}),
        kind=reader.take("kind", _string),
        part_of=reader.take("part_of", _string, required=False),
        units=units,
        origin=reader.origin,
    )


def _read_units(
    parent: _Fields, government: str | None, part_of: str | None, value: Any
) -> tuple[Unit, ...]:
    """The units of a list, each followed by the units inside it, however deep."""
    if not isinstance(value, list):
        raise _InvalidValue(f"expected a list of units, got {_describe(value)}")
    units: list[Unit] = []
    for item in value:
        if not isinstance(item, _Mapping):
            parent.problem(
                "units", f"expected a unit with id, label and unit_type, got {_describe(item)}"
            )
            continue
        reader = _Fields(parent.problems, parent.file, item, "unit")
        unit_id = reader.take("id", _slug)
        inner = reader.take(
            "units",
            lambda value, unit_id=unit_id: _read_units(reader, government, unit_id, value),
            required=False,
            default=(),
        )
        unit = Unit(
            government=government,
            id=unit_id,
            label=reader.take("label", _text),
            alt_labels=reader.take("alt_labels", _alt_labels, required=False, default={}),
            unit_type=reader.take("unit_type", _string),
            part_of=part_of,
            origin=reader.origin,
        )
        if reader.finish():
            units.append(unit)
        units.extend(inner)
    return tuple(units)


def _read_source(reader: _Fields) -> Source:
    return Source(
        id=reader.take("id", _slug),
        type=reader.take("type", _one_of(SOURCE_TYPES)),
        title=reader.take("title", _string, required=False),
        title_en=reader.take("title_en", _string, required="title" in reader.mapping),
        publisher=reader.take("publisher", _string),
        issued=reader.take("issued", _date),
        author=reader.take("author", _string, required=False),
        url=reader.take("url", _string, required=False),
        origin=reader.origin,
    )


def _read_timing(reader: _Fields) -> dict[str, Any]:
    return {
        "budget_krw": reader.take("budget_krw", _amount, required=False),
        "planned_end": reader.take("planned_end", _year, required=False),
        "timeline": reader.take("timeline", _string, required=False),
        "quotes": reader.take("quotes", _quotes, default=()),
        "sources": reader.take("source", _non_empty(_references), default=()),
    }


def _read_programme(reader: _Fields) -> Programme:
    return Programme(
        government=reader.take("government", _string),
        id=reader.take("id", _slug),
        title=reader.take("title", _text),
        description=reader.take("description", _text, required=False),
        part_of=reader.take("part_of", _string, required=False),
        origin=reader.origin,
        **_read_timing(reader),
    )


def _read_policy(reader: _Fields) -> Policy:
    return Policy(
        government=reader.take("government", _string),
        id=reader.take("id", _slug),
        title=reader.take("title", _text),
        description=reader.take("description", _text),
        lead_department=reader.take("lead_department", _string, required=False),
        programme=reader.take("programme", _string, required=False),
        technologies=reader.take("technologies", _non_empty(_references), default=()),
        target_groups=reader.take("target_groups", _references, required=False, default=()),
        partners=reader.take("partners", _references, required=False, default=()),
        domains=reader.take("domains", _non_empty(_references), default=()),
        origin=reader.origin,
        **_read_timing(reader),
    )


# Section name in a records file → (what one record is called, its reader, its list).
_SECTIONS: dict[str, tuple[str, Callable[[_Fields], Any], str]] = {
    "governments": ("government", _read_government, "governments"),
    "organisations": ("organisation", _read_organisation, "organisations"),
    "sources": ("source", _read_source, "sources"),
    "technologies": ("technology", lambda r: _read_concept("technology", r), "concepts"),
    "target_groups": ("target group", lambda r: _read_concept("target-group", r), "concepts"),
    "domains": ("domain", lambda r: _read_concept("domain", r), "concepts"),
    "organisation_types": (
        "organisation type",
        lambda r: _read_concept("organisation-type", r),
        "concepts",
    ),
    "programmes": ("programme", _read_programme, "programmes"),
    "policies": ("policy", _read_policy, "policies"),
}


def _read_file(path: Path, shown: str, records: Records, problems: list[Problem]) -> None:
    document = _parse_yaml(path, shown, problems)
    if document is None:
        return
    if not isinstance(document, _Mapping):
        problems.append(
            Problem(shown, 1, message="expected sections such as 'policies:' at the top level")
        )
        return
    for key, line, first in document.duplicates:
        problems.append(
            Problem(
                shown, line, field=str(key), message=f"duplicate section (first at line {first})"
            )
        )
    for section, items in document.items():
        line = document.key_lines[section]
        if section not in _SECTIONS:
            hint = _did_you_mean(str(section), _SECTIONS)
            problems.append(
                Problem(shown, line, field=str(section), message=f"unknown section{hint}")
            )
            continue
        kind, read, target = _SECTIONS[section]
        if not isinstance(items, list):
            problems.append(
                Problem(shown, line, field=section, message="expected a list of records")
            )
            continue
        for item in items:
            if not isinstance(item, _Mapping):
                problems.append(
                    Problem(
                        shown,
                        line,
                        field=section,
                        message=f"expected a record, got {_describe(item)}",
                    )
                )
                continue
            reader = _Fields(problems, shown, item, kind)
            record = read(reader)
            if reader.finish():
                getattr(records, target).append(record)


# --- checks across records ----------------------------------------------------


def _check_unique(problems: list[Problem], records: Records) -> None:
    def check(items, key) -> None:
        seen: dict = {}
        for item in items:
            k = key(item)
            if k in seen:
                first = seen[k]
                problems.append(
                    Problem(
                        item.origin.file,
                        item.origin.line,
                        record_name(item),
                        "id",
                        f"duplicate id (first in {first.origin.file}:{first.origin.line})",
                    )
                )
            else:
                seen[k] = item

    # Governments and other organisations share the org/<slug> IRIs.
    check([*records.governments, *records.organisations], lambda r: r.id)
    check(records.sources, lambda r: r.id)
    check(records.concepts, lambda r: (r.kind, r.id))
    check(records.units, lambda r: (r.government, r.id))
    check(records.programmes, lambda r: (r.government, r.id))
    check(records.policies, lambda r: (r.government, r.id))


class _References:
    """Checks that the ids a record names exist, suggesting the nearest known id."""

    def __init__(self, problems: list[Problem], records: Records):
        self.problems = problems
        self.known: dict[str, dict[str, str]] = {}  # what → id → label (ko)
        self.labels: dict[str, dict[str, str]] = {}  # what → ko/en label → id
        self._add("government", records.governments)
        self._add("organisation", records.organisations)
        # A source is published by a news organisation or by a government itself.
        self._add("publisher", [*records.organisations, *records.governments])
        self._add("source", records.sources)
        for concept_kind, words in CONCEPT_WORDS.items():
            self._add(words, records.concepts_of(concept_kind))
        for government in records.governments:
            self._add(f"department of {government.id}", government.units)
        for government in records.governments:
            programmes = [p for p in records.programmes if p.government == government.id]
            self._add(f"programme of {government.id}", programmes)

    def _add(self, what: str, items) -> None:
        self.known[what] = {item.id: item.id for item in items}
        labels = self.labels[what] = {}
        for item in items:
            text = getattr(item, "label", None) or getattr(item, "title", None)
            if isinstance(text, Text):
                labels[text.ko] = labels[text.en] = item.id

    def check(self, record, name: str, what: str, values) -> None:
        for value in (values,) if isinstance(values, str | None) else values:
            if value is None or value in self.known.get(what, {}):
                continue
            hint = _did_you_mean(value, self.known.get(what, {}), self.labels.get(what))
            self.problems.append(
                Problem(
                    record.origin.file,
                    record.origin.line_of(name),
                    record_name(record),
                    name,
                    f"unknown {what} {value!r}{hint}",
                )
            )


def _check_references(problems: list[Problem], records: Records) -> None:
    refs = _References(problems, records)
    for government in records.governments:
        refs.check(government, "kind", "organisation type", government.kind)
        refs.check(government, "part_of", "government", government.part_of)
        for unit in government.units:
            refs.check(unit, "unit_type", "organisation type", unit.unit_type)
    for organisation in records.organisations:
        refs.check(organisation, "kind", "organisation type", organisation.kind)
    for source in records.sources:
        refs.check(source, "publisher", "publisher", source.publisher)
    for concept in records.concepts:
        refs.check(concept, "broader", CONCEPT_WORDS[concept.kind], concept.broader)
    for programme in records.programmes:
        refs.check(programme, "government", "government", programme.government)
        if programme.government in refs.known["government"]:
            refs.check(
                programme, "part_of", f"programme of {programme.government}", programme.part_of
            )
        refs.check(programme, "source", "source", programme.sources)
    for policy in records.policies:
        refs.check(policy, "government", "government", policy.government)
        if policy.government in refs.known["government"]:
            refs.check(
                policy,
                "lead_department",
                f"department of {policy.government}",
                policy.lead_department,
            )
            refs.check(policy, "programme", f"programme of {policy.government}", policy.programme)
        refs.check(policy, "technologies", "technology", policy.technologies)
        refs.check(policy, "target_groups", "target group", policy.target_groups)
        refs.check(policy, "partners", "organisation", policy.partners)
        refs.check(policy, "domains", "domain", policy.domains)
        refs.check(policy, "source", "source", policy.sources)


def _check_hierarchies(problems: list[Problem], records: Records) -> None:
    """A concept may not be broader than itself, however far up the chain."""
    concepts = {(c.kind, c.id): c for c in records.concepts}
    reported: set[frozenset] = set()
    for start in records.concepts:
        path = [start.id]
        stack = [(start.id, iter(start.broader))]
        while stack:
            current, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.pop()
                continue
            if parent == start.id:
                cycle = frozenset(path)
                if cycle not in reported:
                    reported.add(cycle)
                    chain = " → ".join([*path, start.id])
                    problems.append(
                        Problem(
                            start.origin.file,
                            start.origin.line_of("broader"),
                            record_name(start),
                            "broader",
                            f"cycle in the {CONCEPT_WORDS[start.kind]} hierarchy: {chain}",
                        )
                    )
                continue
            node = concepts.get((start.kind, parent))
            if node is not None and parent not in path:
                path.append(parent)
                stack.append((parent, iter(node.broader)))


def _check_part_of_chains(problems: list[Problem], records: Records) -> None:
    """A programme (strand) or government may not be part of itself, however far up."""
    for items in (records.programmes, records.governments):
        by_key = {(getattr(r, "government", None), r.id): r for r in items}
        for start in items:
            chain, current = [start.id], start
            while current.part_of is not None:
                current = by_key.get((getattr(start, "government", None), current.part_of))
                if current is None:
                    break
                chain.append(current.id)
                if current.id == start.id:
                    if min(chain[:-1]) == start.id:  # one line per cycle
                        problems.append(
                            Problem(
                                start.origin.file,
                                start.origin.line_of("part_of"),
                                record_name(start),
                                "part_of",
                                f"cycle: {' → '.join(chain)}",
                            )
                        )
                    break
                if len(chain) > len(items):
                    break


# --- the public entry point ---------------------------------------------------


def record_name(record) -> str:
    """How messages name a record: its kind and id ('policy smart-factory', 'technology ai')."""
    if isinstance(record, Concept):
        kind = CONCEPT_WORDS[record.kind]
    else:
        kind = type(record).__name__.lower()
    return f"{kind} {record.id}"


def record_files(data_dir: Path) -> list[Path]:
    """The YAML files of a records folder, in a stable order."""
    return sorted(p for p in data_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_records(data_dir: Path | str, report=None) -> Records:
    """Load and check every record under ``data_dir``; raise InputError listing all problems.

    ``report(step, done, total)`` hears of each file read (see :mod:`policy_graph.progress`)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError([Problem(str(data_dir), message="no such records folder")])
    files = record_files(data_dir)
    if not files:
        raise InputError([Problem(str(data_dir), message="no records (*.yaml) in this folder")])
    records, problems = _read_files(files, report)
    records.files = len(files)
    _check_unique(problems, records)
    _check_references(problems, records)
    _check_hierarchies(problems, records)
    _check_part_of_chains(problems, records)
    if not records.policies and not problems:
        problems.append(Problem(str(data_dir), message="no policies in these records"))
    if problems:
        raise InputError(problems)
    return records


# Past this many files, YAML is read by a process per core (libyaml and the checks
# of fields are CPU-bound: 12 s for the 3,600 files of a 1M-triple corpus on one core).
PARALLEL_FROM_FILES = 200
_CHUNK = 50


def _read_files(files: list[Path], report=None) -> tuple[Records, list[Problem]]:
    """The records and problems of ``files``, in file order, whatever reads them."""
    chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    workers = min(os.cpu_count() or 1, len(chunks))
    if len(files) < PARALLEL_FROM_FILES or workers < 2:
        return _gather(map(_read_chunk, chunks), len(files), report)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        return _gather(pool.map(_read_chunk, chunks), len(files), report)


def _read_chunk(paths: list[Path]) -> tuple[Records, list[Problem], int]:
    records, problems = Records(), []
    for path in paths:
        _read_file(path, _shown(path), records, problems)
    return records, problems, len(paths)


def _gather(results, total: int, report) -> tuple[Records, list[Problem]]:
    records, problems, done = Records(), [], 0
    for chunk_records, chunk_problems, count in results:
        records.extend(chunk_records)
        problems += chunk_problems
        done += count
        if report:
            report("reading records", done, total)
    return records, problems


def _shown(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
