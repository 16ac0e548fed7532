"""The record format, declared once: each section of a records file, each field of its
records (name, required or not, type, meaning, example), with the types of
:mod:`.values`.

Records are read by this declaration (:mod:`.fields`); ``docs/records.md`` and the
JSON Schema ``docs/records.schema.json`` are generated from it (:mod:`.docs`,
``python3 tasks.py docs``), and a test fails when they drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .values import (
    ALT_LABELS,
    AMOUNT,
    DATE,
    FIELD_NAMES,
    QUOTES,
    SLUG_TYPE,
    SOURCE_TYPES,
    STRING,
    TEXT,
    UNITS,
    YEAR,
    FieldType,
    one_of,
    reference,
    references,
)

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
