"""Reading one records file: its YAML (:mod:`.yaml_loader`), section by section, each
record field by field by the format's declaration (:mod:`.format`), collecting every
problem instead of stopping. A record with a wrong field is kept with that field
empty, so that later checks (references, quotes) still report on it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem
from .folder import shown_path
from .format import SECTION_BY_NAME, UNIT
from .model import (
    Concept,
    Government,
    Organisation,
    Origin,
    Policy,
    Programme,
    Records,
    Source,
    Unit,
)
from .sections import Field, Section
from .values import InvalidValue, describe, did_you_mean, excerpt, parse_slug
from .yaml_loader import LineMapping, Unreadable, duplicate_keys, load_yaml, read_text


class _Fields:
    """Reads the fields of one record, collecting problems instead of stopping."""

    def __init__(self, problems: list[Problem], file: str, mapping: LineMapping, section: Section):
        self.problems, self.file, self.mapping, self.section = problems, file, mapping, section
        self.misplaced: set[str] = set()  # fields found indented under another field
        raw_id = mapping.get("id")
        self.id = _id_or_nothing(raw_id)
        self.record = f"{section.record} {self.id or excerpt(str(raw_id or '(no id)'))}"
        lines = {str(k): v for k, v in mapping.key_lines.items()}
        for key, value in mapping.items():
            for number, line in enumerate(getattr(value, "item_lines", ()), 1):
                lines[sys.intern(f"{key}.{number}")] = line  # as field names are
        self.origin = Origin(file, mapping.line, lines)
        for key, line, first in duplicate_keys(mapping) if mapping.holds_duplicates else ():
            self.problem(excerpt(key), f"duplicate key (first at line {first})", line)

    def _line(self, key: Any) -> int:
        return self.mapping.key_lines.get(key, self.origin.line)

    def problem(self, name: str, message: str, line: int | None = None) -> None:
        line = line or self.origin.line_of(name.split(".")[0])
        self.problems.append(Problem(self.file, line, self.record, name, message))

    def values(self, read_nested: Callable[[Field, Any], Any]) -> dict[str, Any]:
        """Every declared field's value (its type's empty value where left out or
        wrong), then a problem for each field that is not declared, and for each
        required one left out (unless it was found indented under another field)."""
        values = {f.key: self._take(f, read_nested) for f in self.section.fields}
        for name in self.mapping:
            if str(name) not in self.section.by_name:
                known = [f.name for f in self.section.fields]
                hint = did_you_mean(str(name), known)
                self.problem(excerpt(str(name)), f"unknown field{hint}", self._line(name))
        for declared in self.section.fields:
            name = declared.name
            if name not in self.mapping and name not in self.misplaced:
                if declared.required_in(self.mapping):
                    needed = "" if declared.required else f" (with '{declared.required_with}')"
                    self.problem(name, f"missing required field{needed}", self.origin.line)
        return values

    def _take(self, field: Field, read_nested: Callable[[Field, Any], Any]) -> Any:
        if field.name not in self.mapping:
            return field.type.empty
        value = self.mapping[field.name]
        try:
            if field.type.parse is None:
                return read_nested(field, value)
            return field.type.parse(value)
        except InvalidValue as error:
            self.problem(field.name, str(error), error.line)
            if error.misplaced:
                self.misplaced.add(error.misplaced)
            return field.type.empty


def _id_or_nothing(value: Any) -> str:
    """A record's id, or '' when its id is missing or wrong (the id field says why)."""
    try:
        return parse_slug(value)
    except InvalidValue:
        return ""


@dataclass(frozen=True)
class UnreadFile:
    """A records file that could not be read: its problem, and the sections it names
    (None: it may have held records of any section)."""

    problem: Problem
    sections: frozenset[str] | None


# Nothing but blanks and comments (possessive: a long comment fails fast, not slowly).
_BLANK = re.compile(r"(?:\s++|#[^\n]*+)*+")


def read_file(
    path: Path,
    records: Records,
    problems: list[Problem],
    unread: list[UnreadFile],
    data: bytes | None = None,
) -> bool:
    """Read the records of one file (of ``data``, its bytes when already read) into
    ``records``; False when it could not be read."""
    shown = shown_path(path)
    try:
        text = read_text(path, data)
        document = load_yaml(text)
    except Unreadable as error:
        problem = Problem(shown, error.line, message=error.message)
        problems.append(problem)
        if error.sections != frozenset():  # it may have held records that others name
            unread.append(UnreadFile(problem, error.sections))
        return False
    if document is None and _BLANK.fullmatch(text):
        problems.append(Problem(shown, message="empty records file: write records or delete it"))
    else:
        read_document(document, shown, records, problems)
    if REVIEW_MARK in text:
        problems += review_marks(text, shown)
    return True


# What `policy-graph draft` writes beside each of its guesses (see draft/writing.py): a comment
# of its own, at a line's start or after white space (its header names it in backquotes).
REVIEW_MARK = "# draft:"
_REVIEW_MARKED = re.compile(r"(?:^|\s)# draft:")


def review_marks(text: str, shown: str) -> list[Problem]:
    """A warning while a file holds review marks: how many, and the line of the first."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if _REVIEW_MARKED.search(line)]
    if not lines:
        return []
    count = f"{len(lines)} review mark{'s' if len(lines) != 1 else ''}"
    message = f"{count} ({REVIEW_MARK}) left: review each guess, then delete its mark"
    return [Problem(shown, lines[0], message=message, warning=True)]


def read_document(document: Any, shown: str, records: Records, problems: list[Problem]) -> None:
    if not isinstance(document, LineMapping):
        problems.append(
            Problem(shown, 1, message="expected sections such as 'policies:' at the top level")
        )
        return
    for key, line, first in document.duplicates:
        problems.append(
            Problem(
                shown,
                line,
                field=excerpt(str(key)),
                message=f"duplicate section (first at line {first})",
            )
        )
    for name, items in document.items():
        line = document.key_lines[name]
        section = SECTION_BY_NAME.get(name)
        if section is None:
            hint = did_you_mean(str(name), SECTION_BY_NAME)
            problems.append(
                Problem(shown, line, field=excerpt(str(name)), message=f"unknown section{hint}")
            )
            continue
        if not isinstance(items, list):
            problems.append(Problem(shown, line, field=name, message="expected a list of records"))
            continue
        for item in items:
            if not isinstance(item, LineMapping):
                message = f"expected a record, got {describe(item)}"
                problems.append(Problem(shown, line, field=name, message=message))
                continue
            reader = _Fields(problems, shown, item, section)
            record = _RECORD_MAKERS[name](reader)
            if reader.id:
                _add(records, record)


def _add(records: Records, record) -> None:
    kind = {
        Government: records.governments,
        Organisation: records.organisations,
        Source: records.sources,
        Concept: records.concepts,
        Programme: records.programmes,
        Policy: records.policies,
    }[type(record)]
    kind.append(record)


def _no_nesting(field: Field, value: Any) -> Any:  # pragma: no cover - declaration error
    raise TypeError(f"field {field.name!r} has no type to read it by")


def _government(reader: _Fields) -> Government:
    government_id = reader.id
    values = reader.values(lambda _field, value: _read_units(reader, government_id, None, value))
    return Government(**values, origin=reader.origin)


def _read_units(
    parent: _Fields, government: str, part_of: str | None, value: Any
) -> tuple[Unit, ...]:
    """The units of a list, each followed by the units inside it, however deep."""
    if not isinstance(value, list):
        raise InvalidValue(f"expected a list of units, got {describe(value)}")
    units: list[Unit] = []
    for item in value:
        if not isinstance(item, LineMapping):
            parent.problem(
                "units", f"expected a unit with id, label and unit_type, got {describe(item)}"
            )
            continue
        reader = _Fields(parent.problems, parent.file, item, UNIT)
        inner: list[Unit] = []

        def read_inner(_field, value, reader=reader, inner=inner) -> tuple:
            inner.extend(_read_units(reader, government, reader.id, value))
            return ()

        values = reader.values(read_inner)
        del values["units"]
        unit = Unit(government=government, part_of=part_of, **values, origin=reader.origin)
        if reader.id:
            units.append(unit)
        units.extend(inner)
    return tuple(units)


def _concept_maker(kind: str) -> Callable[[_Fields], Concept]:
    def make(reader: _Fields) -> Concept:
        values = {"broader": (), **reader.values(_no_nesting)}  # flat vocabularies have none
        return Concept(kind=kind, **values, origin=reader.origin)

    return make


def _maker(cls) -> Callable[[_Fields], Any]:
    return lambda reader: cls(**reader.values(_no_nesting), origin=reader.origin)


# Section name → how a record of it is made from its fields' values.
_RECORD_MAKERS: dict[str, Callable[[_Fields], Any]] = {
    "governments": _government,
    "organisations": _maker(Organisation),
    "sources": _maker(Source),
    "technologies": _concept_maker("technology"),
    "target_groups": _concept_maker("target-group"),
    "domains": _concept_maker("domain"),
    "organisation_types": _concept_maker("organisation-type"),
    "policy_stages": _concept_maker("policy-stage"),
    "budget_kinds": _concept_maker("budget-kind"),
    "programmes": _maker(Programme),
    "policies": _maker(Policy),
}
