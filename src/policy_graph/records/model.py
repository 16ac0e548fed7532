"""The records, as frozen dataclasses: what reading a records folder gives (the
first stage). Every record remembers its file and lines (:class:`Origin`), so that
every problem can be reported as ``file:line: record: field: message``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from .values import Text

# Concept kind (also the first segment of its IRI) → its name in messages.
CONCEPT_WORDS = {
    "technology": "technology",
    "target-group": "target group",
    "domain": "domain",
    "organisation-type": "organisation type",
    "policy-stage": "policy stage",
    "budget-kind": "budget kind",
}
# The sections that declare them, in the same order.
CONCEPT_SECTIONS = (
    "technologies",
    "target_groups",
    "domains",
    "organisation_types",
    "policy_stages",
    "budget_kinds",
)


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
    code: str | None
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
    creator: str | None
    licence: str | None
    text_sha256: str | None
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
    budget_kind: str | None
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
    stage: str | None
    budget_krw: Decimal | None
    budget_kind: str | None
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


def record_name(record) -> str:
    """How messages name a record: its kind and id ('policy smart-factory', 'technology ai')."""
    if isinstance(record, Concept):
        kind = CONCEPT_WORDS[record.kind]
    else:
        kind = type(record).__name__.lower()
    return f"{kind} {record.id}"
