"""The record format, declared once: each section of a records file, each field of its
records (name, required or not, type, meaning, example), with the types of
:mod:`.values`.

Records are read by this declaration (:mod:`.one_file`), made of the parts of
:mod:`.sections`; ``docs/records.md`` and the
JSON Schema ``docs/records.schema.json`` are generated from it (:mod:`.docs`,
``python3 tasks.py docs``), and a test fails when they drift.
"""

from __future__ import annotations

from .sections import Field, Section, concept_section, id_field, label_fields
from .values import (
    AMOUNT,
    CODE_TYPE,
    DATE,
    FIELD_NAMES,
    LICENCES,
    QUOTES,
    SHA256_TYPE,
    SOURCE_TYPES,
    STRING,
    TEXT,
    UNITS,
    YEAR,
    one_of,
    reference,
    references,
)

# Shared by programmes and policies.
_WHEN_AND_WHENCE = (
    Field(
        "budget_krw",
        AMOUNT,
        "Budget in won, only where the source states it (200억 원 = 20000000000).",
        "20000000000",
    ),
    Field(
        "budget_kind",
        reference("a budget kind"),
        "What kind of budget `budget_krw` is, only where the source says: money committed, "
        "requested from the national budget, or a total over several years.",
        "multi-year-total",
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
        id_field(
            "Slug of the unit, unique within its government; "
            "its IRI is `…/id/org/<government>-<id>`.",
            "jobs-economy",
        ),
        *label_fields("{ko: 일자리경제실, en: Jobs and Economy Office}", "{ko: [일자리실]}"),
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
            id_field(
                "Slug of the government, also the first word of its policies' and units' "
                "IRIs; its IRI is `…/id/org/<id>`.",
                "gwangju",
            ),
            *label_fields("{ko: 광주광역시, en: Gwangju Metropolitan City}", "{ko: [광주시]}"),
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
                "code",
                CODE_TYPE,
                "Its administrative code as the 법정동 code gives it (2 digits for a 시·도, 5 for "
                "a 시·군·구), as it was at its sources' dates (강원 42 became 51 in 2023).",
                '"29"',
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
    code: "29"
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
            id_field(
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
            id_field(
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
                references("organisations or governments"),
                "Partner institutions the source names: any organisation of the records, "
                "another government included (a county's project on its province's platform).",
                "[chonnam-national-university-hospital]",
            ),
            Field(
                "domains",
                references("domains", True),
                "Policy domains (health, transport …).",
                "[industry]",
                True,
            ),
            Field(
                "stage",
                reference("a policy stage"),
                "How far it has come, only where the source says: planned, in preparation, "
                "under way, in operation.",
                "in-preparation",
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
            id_field(
                "Slug; its IRI is `…/id/org/<id>` (shared with governments: ids may not repeat).",
                "chonnam-national-university-hospital",
            ),
            *label_fields(
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
            id_field("Slug; its IRI is `…/id/source/<id>`.", "asiae-2021-01-19-gwangju-1ai"),
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
            Field("author", STRING, "Its byline: the person who wrote it, as written.", "박선강"),
            Field(
                "creator",
                reference("an organisation or a government"),
                "The body whose release it is, where that is not its publisher (a county's "
                "press release carried by a newspaper: the county).",
                "gwangju",
            ),
            Field("url", STRING, "Where it was read.", "https://view.asiae.co.kr/…"),
            Field(
                "licence",
                one_of(LICENCES),
                "Under which licence its text is offered: `kogl-1` (공공누리 제1유형) or "
                "`cc-by-4.0`, whose texts ship in `sources/`; `all-rights-reserved` (a news "
                "article: its publisher's), of which only quotes, address and digest are kept.",
                "all-rights-reserved",
            ),
            Field(
                "text_sha256",
                SHA256_TYPE,
                "The SHA-256 of its text as it was read (`sha256sum sources/<id>.txt`): "
                "`validate --sources` says when the text at hand is another.",
                "3f5a…",
            ),
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
    url: https://www.asiae.co.kr/article/2021011917122915119
    licence: all-rights-reserved
  - id: gwangsan-2024-02-20          # no headline: named by publisher and date
    type: press-release
    publisher: gwangju-gwangsan
    issued: 2024-02-20
    licence: kogl-1                  # its text ships: sources/gwangsan-2024-02-20.txt
""",
    ),
    concept_section(
        "technologies",
        "technology",
        "Technologies, shared by every government; `broader` makes the hierarchy (chatbot → AI).",
        ("chatbot", "{ko: 챗봇, en: chatbot}", "{ko: [채팅로봇]}", "[ai]"),
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
    concept_section(
        "target_groups",
        "target group",
        "Groups that policies serve, shared by every government.",
        ("elderly", "{ko: 고령자, en: older people}", "{ko: [어르신]}", "[…]"),
        """\
target_groups:
  - id: sme-manufacturers
    label: {ko: 중소·중견 제조기업, en: small and mid-sized manufacturers}
""",
    ),
    concept_section(
        "domains",
        "domain",
        "Policy domains, shared by every government.",
        ("welfare", "{ko: 복지, en: welfare}", "{ko: [사회복지]}", "[…]"),
        """\
domains:
  - id: industry
    label: {ko: 산업, en: industry}
  - id: welfare
    label: {ko: 복지, en: welfare}
""",
    ),
    concept_section(
        "organisation_types",
        "organisation type",
        "Kinds of governments, units and organisations (used as `org:classification`).",
        ("county", "{ko: 군, en: county}", "{en: [gun]}", "[…]"),
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
    concept_section(
        "policy_stages",
        "policy stage",
        "How far a policy has come (`stage`), shared by every government.",
        ("under-way", "{ko: 추진 중, en: under way}", "{ko: [시범 운영]}", None),
        """\
policy_stages:
  - id: in-preparation
    label: {ko: 준비 중, en: in preparation}
  - id: in-operation
    label: {ko: 운영 중, en: in operation}
""",
        broader=False,
    ),
    concept_section(
        "budget_kinds",
        "budget kind",
        "What a budget is (`budget_kind`), shared by every government.",
        ("committed", "{ko: 확보 예산, en: committed}", "{ko: [투입]}", None),
        """\
budget_kinds:
  - id: committed
    label: {ko: 확보 예산, en: committed budget}
  - id: multi-year-total
    label: {ko: 다년간 총액, en: total over several years}
""",
        broader=False,
    ),
)

SECTION_BY_NAME = {section.name: section for section in SECTIONS}
FIELD_NAMES.update(f.name for section in (*SECTIONS, UNIT) for f in section.fields)
