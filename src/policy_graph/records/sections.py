"""The parts a record format is declared with: a field (its name, type, meaning,
example, whether it is required), a section of records (``policies:``) and the helpers
that make the fields and sections several records share. The format itself is
:mod:`.format`; the types of values, :mod:`.values`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .values import ALT_LABELS, SLUG_TYPE, TEXT, FieldType, references


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


def id_field(meaning: str, example: str) -> Field:
    return Field("id", SLUG_TYPE, meaning, example, required=True)


def label_fields(example: str, alt_example: str) -> tuple[Field, ...]:
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


def concept_section(
    name: str,
    record: str,
    meaning: str,
    named: tuple[str, str, str, str | None],
    example: str,
    broader: bool = True,
) -> Section:
    """A section of SKOS concepts; ``named``: an example concept's id, label, alternative
    labels and broader ids (None: the section has no hierarchy)."""
    plural = name.replace("_", " ")
    example_id, label, alt_labels, broader_ids = named
    fields = (
        id_field(
            f"Stable slug of the {record}; its IRI is `…/id/{record.replace(' ', '-')}/<id>`.",
            example_id,
        ),
        *label_fields(label, alt_labels),
        Field("definition", TEXT, "What it means, in both languages (ours).", "{ko: …, en: …}"),
    )
    if broader:
        fields += (
            Field(
                "broader",
                references(plural, False),
                f"The broader {plural} it is a kind of.",
                broader_ids or "[…]",
            ),
        )
    return Section(name, record, meaning, fields, example)
