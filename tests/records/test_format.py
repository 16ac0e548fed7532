"""The record format is declared once: the loader checks by it, and docs/records.md and
the JSON Schema are generated from it; every YAML example of the docs loads."""

from __future__ import annotations

import datetime as dt
import json
import re

import jsonschema
import pytest
import yaml

from policy_graph.errors import InputError
from policy_graph.records.docs import json_schema, markdown
from policy_graph.records.format import SECTIONS, UNIT
from policy_graph.records.reading import load_records
from tests.helpers import DATA, MANY, MINIMAL, REPO, SHIPPED_DATA

DOCS = REPO / "docs"


def _yaml_blocks(markdown_text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown_text, re.S)


def _plain(node):
    """YAML as a JSON document holds it: dates as the text they were written as."""
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node


def _write_examples(folder, blocks) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, block in enumerate(blocks, 1):
        (folder / f"example-{number:02}.yaml").write_text(block, encoding="utf-8")


def test_docs_are_generated_from_the_declaration():
    written = (DOCS / "records.md").read_text(encoding="utf-8")
    assert written == markdown(), "docs/records.md is stale: run python3 tasks.py docs"
    schema = json.loads((DOCS / "records.schema.json").read_text(encoding="utf-8"))
    assert schema == json_schema(), "docs/records.schema.json is stale: run python3 tasks.py docs"


def test_docs_list_every_declared_field_of_every_section():
    text = markdown()
    for section in (*SECTIONS, UNIT):
        part = text.split(f"## `{section.name}", 1)[1].split("\n## ", 1)[0]
        rows = re.findall(r"^\| `(\w+)` \|", part, re.M)
        assert rows == [f.name for f in section.fields], section.name
    for source_type in ("news-article", "press-release", "report", "web-page"):
        assert f"| `{source_type}` |" in text


def test_the_docs_examples_together_are_a_records_folder_without_problems(tmp_path):
    blocks = _yaml_blocks((DOCS / "records.md").read_text(encoding="utf-8"))
    assert len(blocks) == len(SECTIONS)  # one per section
    _write_examples(tmp_path / "data", blocks)
    records = load_records(tmp_path / "data")
    district = next(g for g in records.governments if g.id == "gwangju-gwangsan")
    assert district.part_of == "gwangju" and district.units == ()
    assert [(u.id, u.part_of) for u in records.units] == [
        ("jobs-economy", None),
        ("ai-industry", None),
        ("ai-policy", "ai-industry"),
    ]
    assert {p.id: p.lead_department for p in records.policies} == {
        "smart-factory": "jobs-economy",
        "ai-check-in-calls": None,
    }
    untitled = next(s for s in records.sources if s.id == "gwangsan-2024-02-20")
    assert untitled.title is None and untitled.type == "press-release"


def test_the_readme_examples_load_with_the_shipped_records(tmp_path):
    """The README's examples of 'Adding a city's records', as a curator would add them:
    the walk-through's county (into records that do not have it yet) and Gangseo."""
    import shutil

    blocks = _yaml_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    shutil.copytree(SHIPPED_DATA, tmp_path / "data", ignore=shutil.ignore_patterns("okcheon"))
    _write_examples(tmp_path / "data" / "readme", blocks)
    records = load_records(tmp_path / "data")
    gangseo = next(g for g in records.governments if g.id == "seoul-gangseo")
    assert gangseo.label.en == "Gangseo District, Seoul"
    assert any(p.government == "seoul-gangseo" for p in records.policies)
    okcheon = next(g for g in records.governments if g.id == "okcheon")
    assert (okcheon.label.ko, okcheon.kind, okcheon.code) == ("충청북도 옥천군", "county", "43730")


@pytest.mark.parametrize(
    "section,field",
    [(s, f) for s in (*SECTIONS, UNIT) for f in s.fields if f.required],
    ids=lambda v: getattr(v, "name", ""),
)
def test_the_loader_requires_each_required_field_of_the_declaration(tmp_path, section, field):
    blocks = _yaml_blocks(markdown())
    sections = [yaml.safe_load(block) for block in blocks]
    document = next(
        d for d in sections if section.name in d or section is UNIT and "governments" in d
    )
    record = (
        document["governments"][0]["units"][0] if section is UNIT else document[section.name][0]
    )
    del record[field.name]
    _write_examples(
        tmp_path / "data", [yaml.safe_dump(_plain(d), allow_unicode=True) for d in sections]
    )
    with pytest.raises(InputError) as raised:
        load_records(tmp_path / "data")
    missing = [p for p in raised.value.problems if p.message.startswith("missing required field")]
    assert [p.field for p in missing] == [field.name]
    assert missing[0].record.startswith(f"{section.record} ")


def test_a_field_required_with_another_is_required_only_with_it(tmp_path):
    blocks = _yaml_blocks(markdown())
    sections = [yaml.safe_load(block) for block in blocks]
    sources = next(d for d in sections if "sources" in d)["sources"]
    del sources[0]["title_en"]
    _write_examples(
        tmp_path / "data", [yaml.safe_dump(_plain(d), allow_unicode=True) for d in sections]
    )
    with pytest.raises(InputError) as raised:
        load_records(tmp_path / "data")
    assert [(p.record, p.field, p.message) for p in raised.value.problems] == [
        ("source asiae-2021-01-19-gwangju-1ai", "title_en", "missing required field (with 'title')")
    ]


def _record_files():
    return [
        *sorted(DATA.rglob("*.yaml")),
        *sorted(MANY.glob("*.yaml")),
        *sorted(MINIMAL.glob("*.yaml")),
    ]


@pytest.mark.parametrize("path", _record_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_records_file_fits_the_json_schema(path):
    document = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.Draft7Validator(json_schema(), format_checker=jsonschema.FormatChecker()).validate(
        document
    )


@pytest.mark.parametrize(
    "edit,message",
    [
        ({"colour": "blue"}, "Additional properties are not allowed ('colour' was unexpected)"),
        ({"budget_krw": "206400000000"}, "'206400000000' is not of type 'number'"),
        ({"title": {"ko": "제목"}}, "'en' is a required property"),
        ({"technologies": []}, "[] is not valid under any of the given schemas"),
    ],
)
def test_the_json_schema_rejects_what_the_loader_rejects(edit, message):
    document = _plain(yaml.safe_load((MINIMAL / "policies.yaml").read_text(encoding="utf-8")))
    document["policies"][0].update(edit)
    validator = jsonschema.Draft7Validator(json_schema())
    messages = [error.message for error in validator.iter_errors(document)]
    assert any(m == message or m.startswith(message) for m in messages), messages


@pytest.mark.parametrize(
    "path", sorted([*SHIPPED_DATA.rglob("*.yaml"), *DATA.rglob("*.yaml")]), ids=str
)
def test_every_data_file_names_the_schema_for_editors(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), path
    assert (path.parent / first.removeprefix(prefix)).resolve() == DOCS / "records.schema.json"
