"""A records file read in parts gives exactly what reading it whole gives: the same
records (with the lines of their fields) and the same problems, word for word; and
where a part would not, reading in parts declines (None), so that the whole file is
read as always."""

from __future__ import annotations

import pytest

from policy_graph.generate import generate
from policy_graph.records import parts as record_parts
from policy_graph.records.model import Records
from policy_graph.records.one_file import read_document
from policy_graph.records.parts import read_part, read_parts, split
from policy_graph.records.yaml_loader import load_yaml
from tests.helpers import REPO as ROOT

SHOWN = "national.yaml"


def read_whole(text: str) -> tuple[Records, list]:
    """What the readers make of a whole file's text (as _read_file does)."""
    records, problems = Records(), []
    read_document(load_yaml(text), SHOWN, records, problems)
    return records, problems


def _every_record(records: Records) -> list:
    return [*records.governments, *records.units, *records.organisations, *records.sources,
            *records.concepts, *records.programmes, *records.policies]  # fmt: skip


def assert_same_as_whole(text: str, part_chars: int, least_parts: int = 2) -> tuple[Records, list]:
    """Split ``text`` into at least ``least_parts`` parts, read them, and compare with the
    whole file: records (with each field's line, which == leaves out), problems in full."""
    parts = split(text, part_chars)
    assert parts is not None and len(parts) >= least_parts
    assert "".join(part.body for part in parts) == text
    in_parts = read_parts(text, SHOWN, part_chars)
    assert in_parts is not None
    records, problems = read_whole(text)
    assert in_parts[0] == records
    lines = [(r.origin.line, r.origin.field_lines) for r in _every_record(records)]
    assert [(r.origin.line, r.origin.field_lines) for r in _every_record(in_parts[0])] == lines
    assert list(map(str, in_parts[1])) == list(map(str, problems))
    assert in_parts[0].files == 1
    return records, problems


def policy(number: int, extra: str = "", indent: str = "") -> str:
    """A policy record as a records file writes it (``indent``: of the list)."""
    lines = [
        f"- id: policy-{number:04d}",
        "  government: gwangju",
        f"  title: {{ko: 정책 {number}, en: Policy {number}}}",
        "  description:",
        f"    ko: 정책 {number}을 추진한다.",
        f"    en: Policy {number} is carried out.",
        "  technologies: [ai]",
        "  domains: [industry]",
        f'  quotes: ["광주시는 정책 {number}을 추진한다."]',
        "  source: asiae-2021",
        *extra.splitlines(),
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def policies(count: int, indent: str = "", start: int = 1) -> str:
    return "".join(policy(n, indent=indent) for n in range(start, start + count))


# --- real and generated files -------------------------------------------------------

REAL_FILES = sorted(
    [*(ROOT / "data").rglob("*.yaml"), *(ROOT / "tests/data/many-governments").rglob("*.yaml")]
)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_real_records_file_reads_the_same_in_parts(path):
    """Cut wherever a section holds two records or more (a part starts at a section's
    second record at the earliest)."""
    text = path.read_text(encoding="utf-8")
    document = load_yaml(text)
    if max(len(items) for items in document.values()) < 2:
        assert split(text, part_chars=200) is None
        return
    records, _problems = assert_same_as_whole(text, part_chars=200)
    assert _every_record(records)


def test_a_generated_national_file_reads_the_same_in_parts(tmp_path):
    generate(tmp_path / "c", cities=8, policies_per_city=6, seed=3, one_file=True)
    text = (tmp_path / "c" / "governments.yaml").read_text(encoding="utf-8")
    records, problems = assert_same_as_whole(text, part_chars=3000, least_parts=5)
    assert (len(records.governments), len(records.policies), problems) == (8, 48, [])
    assert len(records.programmes) > 8


def test_every_section_of_many_files_in_one_reads_the_same():
    """The many-governments fixture as one file, each section gathered from every file:
    governments with units inside units, programmes, policies, vocabularies, sources."""
    sections: dict[str, list[str]] = {}
    files = sorted((ROOT / "tests/data/many-governments").glob("*.yaml"))
    for path in files:
        current = None
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            if line[:1].isalpha():  # a section's key
                current = sections.setdefault(line.strip().removesuffix(":"), [])
            elif current is not None:
                current.append(line)
    text = "".join(f"{name}:\n{''.join(lines)}" for name, lines in sections.items())
    records, problems = assert_same_as_whole(text, part_chars=500, least_parts=10)
    folder = [read_whole(path.read_text(encoding="utf-8"))[0] for path in files]
    assert len(records.policies) == sum(len(r.policies) for r in folder) > 10
    assert (len(records.governments), problems) == (4, [])


# --- problems come out as from the whole file ----------------------------------------


def test_a_wrong_field_in_the_third_part_is_reported_at_its_line():
    items = [policy(n) for n in range(1, 13)]
    items[8] = policy(9, extra="  titel: {ko: 오타, en: typo}")  # in the third part
    text = "# national export\npolicies:\n" + "".join(items)
    parts = split(text, part_chars=len(items[0]) * 4)
    assert len(parts) == 3 and "titel" in parts[2].body
    _records, problems = assert_same_as_whole(text, part_chars=len(items[0]) * 4)
    line = text.splitlines().index("  titel: {ko: 오타, en: typo}") + 1
    assert list(map(str, problems)) == [
        f"{SHOWN}:{line}: policy policy-0009: titel: unknown field (did you mean 'title'?)"
    ]


def test_an_item_that_is_no_record_is_blamed_on_its_section_key_as_whole():
    text = "policies:\n" + policies(6) + "- just a text\n" + policies(6, start=7)
    _records, problems = assert_same_as_whole(text, part_chars=len(policy(1)) * 3)
    assert list(map(str, problems)) == [
        f"{SHOWN}:1: policies: expected a record, got 'just a text'"
    ]


def test_duplicate_keys_and_missing_fields_inside_parts():
    broken = policy(5).replace("  source: asiae-2021\n", "  domains: [health]\n")
    text = "policies:\n" + policies(4) + broken + policies(6, start=6)
    _records, problems = assert_same_as_whole(text, part_chars=len(policy(1)) * 3)
    assert list(map(str, problems)) == [
        f"{SHOWN}:51: policy policy-0005: domains: duplicate key (first at line 49)",
        f"{SHOWN}:42: policy policy-0005: source: missing required field",
    ]


def test_an_unknown_section_is_reported_once_and_never_cut():
    text = (
        "policies:\n" + policies(4)
        + "# the next section is misspelt\npolicys:\n" + policies(6, indent="  ", start=5)
        + "programmes: []\npolicies_more: []\n"
    )  # fmt: skip
    _records, problems = assert_same_as_whole(text, part_chars=len(policy(1)))
    assert list(map(str, problems)) == [
        f"{SHOWN}:43: policys: unknown section (did you mean 'policies'?)",
        f"{SHOWN}:105: policies_more: unknown section (did you mean 'policies'?)",
    ]
    parts = split(text, part_chars=len(policy(1)))
    assert [part.first_line for part in parts] == [1, 12, 22, 32]
    assert {part.within for part in parts[1:]} == {"policies"}


@pytest.mark.parametrize("indent", ["", "  "], ids=["at the margin", "indented"])
def test_comments_and_blank_lines_between_records(indent):
    commented = "".join(
        f"{indent}# policy {n}\n\n{policy(n, indent=indent)}\n#\n" for n in range(1, 11)
    )
    text = "# yaml-language-server: $schema=x\n\npolicies:\n\n" + commented + "technologies: []\n"
    records, _problems = assert_same_as_whole(text, part_chars=len(policy(1)) * 2, least_parts=4)
    assert [p.origin.line for p in records.policies[:3]] == [7, 21, 35]


DESCRIPTION = "  description:\n    ko: 정책 {n}을 추진한다.\n    en: Policy {n} is carried out.\n"


def test_block_texts_with_record_like_lines_inside():
    """A '- x' inside a block text is indented further than the records: no cut."""
    block = (
        "  description:\n    ko: |\n      - 하나\n      - 둘\n    en: >-\n      - one\n"
        "  x_notes: |\n    - three\n\n    - four\n"
    )
    text = "policies:\n" + "".join(
        policy(n).replace(DESCRIPTION.format(n=n), block) for n in range(1, 9)
    )
    records, problems = assert_same_as_whole(text, part_chars=len(policy(1)) * 2)
    assert [p.field for p in problems] == ["x_notes"] * 8
    assert records.policies[5].description.ko.startswith("- 하나\n- 둘")


QUOTES = '  quotes: ["광주시는 정책 3을 추진한다."]\n'


def test_quoted_texts_over_lines_with_record_like_lines_inside():
    quoted = policy(3).replace(QUOTES, '  quotes:\n  - "광주시는\n  - 정책 3을 추진한다."\n')
    text = "policies:\n" + policies(2) + quoted + policies(5, start=4)
    records, _problems = assert_same_as_whole(text, part_chars=len(policy(1)))
    assert records.policies[2].quotes == ("광주시는 - 정책 3을 추진한다.",)


@pytest.mark.parametrize(
    "written",
    [
        pytest.param('  quotes:\n  - "광주시는 정책 1호\n- 2호를 추진한다."\n', id="quoted"),
        pytest.param("  quotes:\n  - '광주시는 정책 1호\n- 2호를 추진한다.'\n", id="single-quoted"),
        pytest.param('  quotes: ["광주시는 정책 1호\n- 2호를 추진한다."]\n', id="in a flow list"),
    ],
)
def test_a_quoted_text_with_a_record_like_line_at_the_margin_is_declined(written):
    """The cut falls on '- 2호' inside a quoted text: the part before ends inside the
    quote, YAML refuses it, and the file is read whole."""
    text = "policies:\n" + policies(2) + policy(3).replace(QUOTES, written) + policies(5, start=4)
    at = text.index("- 2호")
    parts = split(text, part_chars=at)
    assert parts is not None and parts[1].body.startswith("- 2호")
    assert read_part(parts[0], SHOWN) is None
    assert read_parts(text, SHOWN, part_chars=at) is None
    records, problems = read_whole(text)  # what the caller reads instead
    assert len(records.policies) == 8 and problems == []
    assert records.policies[2].quotes == ("광주시는 정책 1호 - 2호를 추진한다.",)


# --- layouts that are not split -------------------------------------------------------

BIG = "policies:\n" + policies(12)
PART = len(policy(1)) * 3


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\n" + BIG, id="document marker"),
        pytest.param(BIG + "...\n", id="document end"),
        pytest.param("%YAML 1.1\n---\n" + BIG, id="directive"),
        pytest.param(BIG + "policies:\n" + policy(99), id="section twice"),
        pytest.param("policies: [" + policies(12).replace("\n", " ") + "]\n", id="flow list"),
        pytest.param("{policies: []}\n" + " " * PART * 2, id="flow mapping"),
        pytest.param(BIG.replace("\n  title", "\n\ttitle", 1), id="tab indentation"),
        pytest.param(BIG.replace("\n", "\r"), id="old Mac line breaks"),
        pytest.param(BIG.replace("\n  title", "\u2028  title", 1), id="line separator"),
        pytest.param(
            "policies:\n" + policies(12, indent="  ") + "- id: x\n",
            id="records at two indentations",
        ),
        pytest.param(BIG.replace("[ai]", "[ai,\ndata]", 1), id="a flow list at the margin"),
        pytest.param(BIG + "programmes:\n  id: x\n", id="a section that is no list"),
        pytest.param(
            BIG.replace("\n  description", '\n  x: "a\nb: c"\n  description', 1),
            id="quoted text at the margin",
        ),  # fmt: skip
        pytest.param("policies:\n" + policy(1), id="small"),
        pytest.param("", id="empty"),
    ],
)
def test_layouts_that_are_not_cut(text):
    assert split(text, PART) is None
    assert read_parts(text, SHOWN, PART) is None


def test_tabs_inside_texts_and_windows_line_breaks_are_cut():
    text = BIG.replace("Policy 3 is", "Policy\t3 is").replace("\n", "\r\n")
    records, _problems = assert_same_as_whole(text, PART)
    assert records.policies[2].description.en == "Policy\t3 is carried out."


def test_a_byte_order_mark_stays_in_the_first_part():
    assert_same_as_whole("\ufeff" + BIG, PART)
    assert_same_as_whole("\ufeff# exported\n" + BIG, PART)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BIG.replace("- id: policy-0005\n", "-\n  id: policy-0005\n"), id="dash alone"),
        pytest.param(BIG.replace("- id: policy-0005\n", "- &a\n  id: policy-0005\n"), id="anchor"),
        pytest.param(BIG.replace("title: {ko: 정책 8", "title: {ko: ! 정책 8"), id="tag"),
        pytest.param(BIG + "  - id: x\n", id="a YAML error in the last part"),
    ],
)
def test_parts_that_do_not_read_as_split_are_declined(text):
    """Cut, but a part does not read as the layout showed (a record's first line after
    its dash; an anchor or tag, refused in a part as in the whole file; a YAML error)."""
    assert split(text, PART) is not None
    assert read_parts(text, SHOWN, PART) is None


def test_a_part_is_a_records_file_with_its_lines_at_their_numbers():
    parts = split(BIG, PART)
    assert len(parts) == 4
    third = parts[2]
    assert third.first_line == 1 + 2 * 3 * 10 + 1
    lines = third.text.split("\n")
    assert lines[: third.first_line - 2] == [""] * (third.first_line - 2)
    assert lines[third.first_line - 2] == "policies:"
    assert lines[third.first_line - 1] == "- id: policy-0007"
    assert BIG.split("\n")[third.first_line - 1] == "- id: policy-0007"
    assert (third.within, third.within_line) == ("policies", 1)
    assert third.sections == (record_parts.Section("policies", 61, (62, 72, 82)),)


def test_joined_is_none_when_any_part_was_declined():
    parts = split(BIG, PART)
    results = [read_part(part, SHOWN) for part in parts]
    assert record_parts.joined(results)[0] == read_whole(BIG)[0]
    assert record_parts.joined(iter(results))[0] == read_whole(BIG)[0]  # as a pool maps
    assert record_parts.joined([*results[:2], None, *results[3:]]) is None
