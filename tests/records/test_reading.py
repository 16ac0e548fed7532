"""Loading records: the fixture loads, and every kind of bad input is reported exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from policy_graph.cli.main import cli
from policy_graph.errors import InputError
from policy_graph.records.reading import load_records
from tests.helpers import BAD_CASES, MINIMAL, TEST_DATA, copy_with_edits


def test_minimal_records_load_with_their_fields():
    records = load_records(MINIMAL)
    assert [p.id for p in records.policies] == [
        "smart-factory",
        "airport-relocation-chatbot",
        "library-collection",
    ]
    factory = records.policies[0]
    assert factory.government == "gwangju"
    assert factory.lead_department == "jobs-economy"
    assert factory.title.ko == "스마트공장 질적 고도화"
    assert factory.technologies == ("ai", "data", "5g")
    assert factory.budget_krw == Decimal("20000000000")
    assert factory.planned_end == 2025
    assert factory.origin.file.endswith("policies.yaml")
    assert factory.origin.line == 2
    assert factory.origin.line_of("budget_krw") == 13
    assert [u.id for u in records.units] == [
        "jobs-economy",
        "military-airport-relocation",
        "municipal-library",
    ]
    chatbot = next(c for c in records.concepts if c.id == "chatbot")
    assert chatbot.kind == "technology" and chatbot.broader == ("ai",)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_reported_exactly_and_nothing_is_written(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_with_edits(case, tmp_path / "data")
    out = tmp_path / "build" / "policy-graph.ttl"
    out.parent.mkdir()
    out.write_text("previous build\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["build"])

    expected = (TEST_DATA / "bad" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected
    assert out.read_text(encoding="utf-8") == "previous build\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["policy-graph.ttl"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_validate_reports_the_same_problems(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_with_edits(case, tmp_path / "data")
    result = CliRunner().invoke(cli, ["validate"])
    expected = (TEST_DATA / "bad" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stderr == expected
    assert not (tmp_path / "build").exists()


def test_every_problem_of_a_run_is_in_one_error(tmp_path):
    data = copy_with_edits("several-problems", tmp_path / "data")
    with pytest.raises(InputError) as caught:
        load_records(data)
    files = {p.file.rsplit("/", 1)[-1] for p in caught.value.problems}
    assert files == {"vocabularies.yaml", "government.yaml", "policies.yaml", "organisations.yaml"}


def test_a_missing_records_folder_is_named(tmp_path):
    with pytest.raises(InputError) as caught:
        load_records(tmp_path / "nowhere")
    assert str(caught.value) == f"{tmp_path / 'nowhere'}: no such records folder"


def test_a_folder_without_records_is_named(tmp_path):
    with pytest.raises(InputError) as caught:
        load_records(tmp_path)
    assert str(caught.value) == f"{tmp_path}: no records (*.yaml) in this folder"


def test_records_whose_iris_would_coincide_are_refused(tmp_path):
    """Government 'gwangju' with unit 'nam-health' and government 'gwangju-nam' with
    unit 'health' would both be …/id/org/gwangju-nam-health."""
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "data")
    (tmp_path / "data" / "more.yaml").write_text(
        """\
governments:
  - id: gwangju-nam
    label: {ko: 광주광역시 남구, en: "Nam District, Gwangju"}
    kind: metropolitan-city
    units:
      - id: library
        label: {ko: 도서관, en: Library}
        unit_type: library
""",
        encoding="utf-8",
    )
    for name in ("government.yaml", "policies.yaml"):
        path = tmp_path / "data" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("municipal-library", "nam-library"), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_records(tmp_path / "data")
    assert [str(p) for p in raised.value.problems] == [
        f"{tmp_path / 'data' / 'more.yaml'}:6: unit library of gwangju-nam: id: its IRI "
        "…/id/org/gwangju-nam-library is also that of unit nam-library of gwangju "
        f"({tmp_path / 'data' / 'government.yaml'}:12): choose another id"
    ]
