"""The checks across files, on a rebuild: each kept file's keys tell whether any problem
may be found, and then every record is checked. A rebuild finds exactly the problems,
in the same words and order, that reading every file again finds."""

from __future__ import annotations

import pytest

from policy_graph.generate import generate
from policy_graph.graph.pipeline import READER_WORK
from policy_graph.records.checks import check_together, keys_of, nothing_together
from policy_graph.records.kept import cache_folder
from policy_graph.records.reading import read_folder, read_records
from tests.helpers import MANY


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_GRAPH_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "corpus"
    generate(data, cities=3, policies_per_city=3, seed=3)
    return data


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _government(data, name: str = "city0001"):
    return data / "governments" / name


def _strands_in_a_circle(data) -> None:
    """A new strand of a kept one, of which the kept programme is made part."""
    (data / "more.yaml").write_text(
        "programmes:\n- id: strand\n  government: city0001\n  title: {ko: 가, en: A}\n"
        "  part_of: ai-talent\n  quotes: [AI 인재 양성]\n  source: synthetic-city0001\n",
        encoding="utf-8",
    )
    _edit(
        _government(data) / "programmes.yaml",
        "- id: ai-master-plan\n  government: city0001\n",
        "- id: ai-master-plan\n  government: city0001\n  part_of: strand\n",
    )


# Each edit breaks what other, unchanged files hold or name.
EDITS = {
    "a government removed: its policies and programmes name nothing": lambda data: (
        _government(data) / "government.yaml"
    ).unlink(),
    "a unit removed that a kept policy names": lambda data: _edit(
        _government(data) / "government.yaml",
        "  - id: civil-service-training\n",
        "  - id: civil-service-school\n",
    ),
    "a source removed from its file": lambda data: _edit(
        data / "sources.yaml", "- id: synthetic-city0001\n", "- id: synthetic-city0001-old\n"
    ),
    "a technology removed from the vocabulary": lambda data: _edit(
        data / "vocabularies" / "technologies.yaml", "  - id: chatbot\n", "  - id: chat-bot\n"
    ),
    "a duplicate id in a new file": lambda data: (data / "more.yaml").write_text(
        (_government(data) / "policies.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    ),
    "a government whose IRI is a kept unit's": lambda data: (data / "more.yaml").write_text(
        "governments:\n- id: city0001-planning-coordination\n"
        "  label: {ko: 가, en: A}\n  kind: metropolitan-city\n",
        encoding="utf-8",
    ),
    "a cycle of broader concepts across files": lambda data: (data / "more.yaml").write_text(
        "technologies:\n- id: alpha\n  label: {ko: 가, en: A}\n  broader: [beta]\n"
        "- id: beta\n  label: {ko: 나, en: B}\n  broader: [alpha]\n",
        encoding="utf-8",
    ),
    "a cycle of strands with a kept programme": lambda data: _strands_in_a_circle(data),
    "a reference to what no file holds": lambda data: _edit(
        _government(data, "district0002") / "policies.yaml", "  - ", "  - no-such-thing\n  - "
    ),
}


def _problems(data, reuse: bool = True) -> list[str]:
    reading = read_folder(data, keep_in=cache_folder(data), reuse=reuse, work=READER_WORK)
    return reading, [str(problem) for problem in reading.problems]


@pytest.mark.parametrize("edit", EDITS)
def test_a_rebuild_finds_the_problems_of_a_clean_read_word_for_word(corpus, edit):
    first, problems = _problems(corpus)
    assert problems == [] and first.reused == 0
    EDITS[edit](corpus)

    rebuilt, found = _problems(corpus)
    _records, clean = read_records(corpus)
    assert rebuilt.reused >= rebuilt.files - 2  # of the unchanged files, their keys alone
    assert found == [str(problem) for problem in clean] and any(
        not problem.warning for problem in rebuilt.problems
    )
    assert _problems(corpus, reuse=False)[1] == found  # --fresh: the same


def test_problems_found_by_a_rebuild_go_when_the_file_is_mended(corpus):
    policies = _government(corpus, "district0002") / "policies.yaml"
    before = policies.read_text(encoding="utf-8")
    EDITS["a reference to what no file holds"](corpus)
    assert _problems(corpus)[1]
    policies.write_text(before, encoding="utf-8")
    rebuilt, problems = _problems(corpus)
    assert problems == [] and rebuilt.reused == rebuilt.files - 1


def test_a_rebuild_gives_every_record_as_a_clean_read_does(corpus):
    _problems(corpus)
    EDITS["a reference to what no file holds"](corpus)
    rebuilt, _found = _problems(corpus)
    records, _clean = read_records(corpus)
    assert rebuilt.records == records and rebuilt.records.files == records.files
    assert [r.id for r in rebuilt.of_government("city0001").policies] == [
        p.id for p in records.policies if p.government == "city0001"
    ]


@pytest.mark.parametrize("edit", [None, *EDITS])
def test_the_keys_tell_a_problem_exactly_when_check_together_finds_one(corpus, edit):
    if edit:
        EDITS[edit](corpus)
    reading = read_folder(corpus)
    found: list = []
    check_together(found, reading.records, [])
    keys = [summary.keys for summary in reading.summaries]
    assert nothing_together(keys, reading.records.concepts) == (not found) == (edit is None)


def test_the_keys_of_the_fixtures_tell_no_problem():
    records, problems = read_records(MANY)
    assert not problems and nothing_together([keys_of(records)], records.concepts)


def test_a_rebuild_names_what_one_changed_file_breaks_in_kept_ones(corpus, monkeypatch):
    """Two files changed of 16, each breaking what an unchanged file holds: the kept
    files' records are checked with the changed ones, in these words."""
    monkeypatch.chdir(corpus.parent)
    data = corpus.relative_to(corpus.parent)
    first, problems = _problems(data)
    assert problems == [] and first.files == 16
    city = _government(data) / "policies.yaml"
    policy = "- id: " + city.read_text(encoding="utf-8").split("\n- id: ")[1]
    district = _government(data, "district0002") / "policies.yaml"
    _edit(district, "policies:\n", f"policies:\n{policy}\n")  # city0001's policy-0001 again
    _edit(
        _government(data) / "government.yaml",
        "  - id: civil-service-training\n",
        "  - id: civil-service-school\n",
    )

    rebuilt, found = _problems(data)

    assert rebuilt.reused == 14
    assert found == [
        "corpus/governments/district0002/policies.yaml:2: policy policy-0001: id: "
        "duplicate id (first in corpus/governments/city0001/policies.yaml:2)",
        "corpus/governments/city0001/policies.yaml:4: policy policy-0001: lead_department: "
        "unknown department of city0001 'civil-service-training' "
        "(did you mean 'civil-service-school'?); 1 more records name it too: "
        "corpus/governments/district0002/policies.yaml:4 (policy policy-0001)",
    ]
    assert _problems(data, reuse=False)[1] == found  # as a clean read finds them
