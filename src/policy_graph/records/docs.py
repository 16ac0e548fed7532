"""docs/records.md and docs/records.schema.json, generated from the record format's
declaration (:mod:`.format`): ``python3 tasks.py docs`` writes them, and a
test fails when the files in the repository differ from what this module makes."""

from __future__ import annotations

import json
from pathlib import Path

from ..outputs.files import write_atomic
from .format import SECTIONS, UNIT
from .sections import Field, Section
from .values import SOURCE_TYPES

SCHEMA_ID = "https://w3id.org/policy-graph/records.schema.json"
SCHEMA_FILE = "records.schema.json"


# --- JSON Schema ------------------------------------------------------------------


def json_schema() -> dict:
    """A JSON Schema (draft-07, as yaml-language-server reads it) of a records file."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "policy-graph records file",
        "description": "Sections of policy records; see docs/records.md.",
        "type": "object",
        "properties": {
            section.name: {
                "description": section.meaning,
                "type": "array",
                "items": {"$ref": f"#/definitions/{section.record.replace(' ', '_')}"},
            }
            for section in SECTIONS
        },
        "additionalProperties": False,
        "definitions": {
            section.record.replace(" ", "_"): _record_schema(section)
            for section in (*SECTIONS, UNIT)
        },
    }


def _record_schema(section: Section) -> dict:
    schema = {
        "description": section.meaning,
        "type": "object",
        "properties": {field.name: _field_schema(field) for field in section.fields},
        "required": [field.name for field in section.fields if field.required],
        "additionalProperties": False,
    }
    dependencies = {f.required_with: [f.name] for f in section.fields if f.required_with}
    if dependencies:
        schema["dependencies"] = dependencies
    return schema


def _field_schema(field: Field) -> dict:
    if field.type.parse is None:  # units inside a government or a unit
        body = {"type": "array", "items": {"$ref": "#/definitions/unit"}}
    else:
        body = dict(field.type.schema)
    return {"description": field.meaning, **body}


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


# --- Markdown ---------------------------------------------------------------------

_INTRO = """\
<!-- Generated from src/policy_graph/records/format.py by `python3 tasks.py docs`: do not edit. -->
# Record files

Records are YAML files anywhere under a records folder (`data/`). Each file holds one
or more of the sections below; each section is a list of records. Vocabularies
(technologies, target groups, domains, organisation types), organisations and sources
are shared by every government. Every fact is stated by a source and backed by a
verbatim quote: write budgets, end years and timelines only where a quote states
them (`validate` warns otherwise).

The examples are illustrative: together they form one records folder that loads
without problems (a test checks it).

## Sources, their texts and their licences

Each source record says where it was read (`url`), who published it, when, its
headline, the licence of its text and a SHA-256 of the text as it was read
(`text_sha256`). What happens to the text depends on its licence:

- **Open texts** (`licence: kogl-1`, a public body's release under 공공누리 제1유형, or
  `cc-by-4.0`) ship in the repository, in `sources/<id>.txt` beside `data/`, and CI
  checks every quote against them.
- **A news article's text is its publisher's** (`licence: all-rights-reserved`): only
  the quotes, the address and the digest are kept. Check the quotes when you curate,
  with the text in a folder of your own: `policy-graph validate --sources DIR`
  (repeatable; each folder is searched in turn). A missing text of such a source is a
  note, not an error: its quotes are then not checked. A text whose SHA-256 is not the
  record's is an error (another version of the page: review the quotes against it).

The records themselves (what we write: ids, labels, translations, tags) are offered
under the repository's licence; the quotes remain short excerpts of their sources.

## Checking as you type

Editors that speak the yaml-language-server protocol (VS Code's YAML extension,
Neovim, Emacs, JetBrains IDEs) complete and check fields with the JSON Schema
[`records.schema.json`](records.schema.json). Put this line at the top of a records
file (the path relative to the file):

```
# yaml-language-server: $schema=../docs/records.schema.json
```

or map the schema to `data/**/*.yaml` in the editor's settings. `policy-graph
validate --sources DIR` remains the full check: references between records, SHACL
shapes and quotes.

## Types

| type | written as |
|---|---|
| slug | lowercase ASCII words joined by `-`: `smart-factory`; nothing around it (no space, tab \
or no-break space) |
| text | a text; quote it (`"…"`) when it holds `: `, `#`, or starts with `[`, `{`, `'` or `"` |
| text in Korean and English | `{ko: 스마트공장, en: Smart factories}`; quote a text with a comma: \
`en: "Gangseo District, Seoul"` |
| id of … / ids of … | the `id` of another record, nothing around it; a list `[a, b]` or one id |
| number of won | digits without quotes, sign, separators or exponent, a decimal point if need be, \
at most 1경 원 (`10000000000000000`): 200억 원 is `20000000000` (YAML's other ways of writing \
numbers, `0x…`, `0b…`, `017`, `20_000`, `1:30`, are refused) |
| year | four digits without quotes: `2025` |
| date | `YYYY-MM-DD`, without a time |
"""


def markdown() -> str:
    """docs/records.md: every section, its fields, an example; then the source types."""
    parts = [_INTRO]
    for section in SECTIONS:
        parts.append(_section_markdown(section))
        if section.name == "governments":
            parts.append(_section_markdown(UNIT, heading="units (inside a government or a unit)"))
    parts.append(_source_types())
    return "\n".join(parts)


def _section_markdown(section: Section, heading: str | None = None) -> str:
    lines = [f"## `{heading or section.name}`", "", section.meaning, ""]
    lines += ["| field | required | type | meaning | example |", "|---|---|---|---|---|"]
    for field in section.fields:
        required = (
            "yes"
            if field.required
            else f"with `{field.required_with}`"
            if field.required_with
            else ""
        )
        cells = (f"`{field.name}`", required, field.type.name, field.meaning, f"`{field.example}`")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if section.example:
        lines += ["", "```yaml", section.example.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def _source_types() -> str:
    lines = ["## Source types", ""]
    lines.append(
        "A source's `type` gives its resource's class and, for a source without a "
        "headline, the word that names it with its publisher and date "
        "(`한빛특별시 누리구 보도자료 (2024-03-05)`)."
    )
    lines += ["", "| type | class | named (ko / en) |", "|---|---|---|"]
    for name, (cls, ko, en) in SOURCE_TYPES.items():
        lines.append(f"| `{name}` | `{cls}` | {ko} / {en} |")
    return "\n".join(lines) + "\n"


def write_docs(docs_dir: Path | str) -> list[Path]:
    """Write records.md and records.schema.json into ``docs_dir``, atomically."""
    docs_dir = Path(docs_dir)
    written = []
    for name, text in (("records.md", markdown()), (SCHEMA_FILE, schema_text())):
        write_atomic(docs_dir / name, text.encode("utf-8"))
        written.append(docs_dir / name)
    return written
