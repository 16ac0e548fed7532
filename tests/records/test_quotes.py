"""Quotes against their sources: the article's records pass; a changed quote is named."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from policy_graph.cli.main import cli
from policy_graph.records.quotes import check_quotes, fold_space
from policy_graph.records.reading import load_records
from tests.helpers import ARTICLE, DATA, MINIMAL


def test_fold_space_collapses_runs_but_keeps_quotation_marks():
    assert fold_space("  광주시\n ‘1실국·기관   1AI 정책’ ") == "광주시 ‘1실국·기관 1AI 정책’"


def test_every_quote_of_the_article_records_is_verbatim(article_records, article_text):
    assert check_quotes(article_records, ARTICLE.parent) == []
    quotes = [q for r in [*article_records.policies, *article_records.programmes] for q in r.quotes]
    assert len(quotes) >= 31


def test_validate_with_sources_passes_on_the_records(article_text, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["validate", "--data", str(DATA), "--sources", str(ARTICLE.parent)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Valid: {DATA} (")
    assert "and quotes" in result.stdout
    assert "  policies           30\n" in result.stdout


def test_a_quote_that_is_not_in_the_source_is_named(article_text, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    policies = data / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    policies.write_text(
        text.replace("시립도서관 ‘빅데이터를", "시립도서관 '빅데이터를"), encoding="utf-8"
    )
    problems = check_quotes(load_records(data), ARTICLE.parent)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "policy library-collection: quotes: quote 1 is not verbatim in "
        "asiae-2021-01-19-gwangju-1ai: the first 6 characters match ('시립도서관 '); "
        "then the quote has \"'빅데이터를 활용한 장\" where the source has '‘빅데이터를 활용한 장'"
    ]
    assert problems[0].file.endswith("policies.yaml") and problems[0].line == 41


def test_a_source_without_its_text_is_named(tmp_path):
    (tmp_path / "sources").mkdir()
    [problem] = check_quotes(load_records(MINIMAL), tmp_path / "sources")
    assert problem.record == "source asiae-2021-01-19-gwangju-1ai"
    assert problem.message == (
        f"no text of this source in {tmp_path / 'sources'} "
        "(expected asiae-2021-01-19-gwangju-1ai.txt)"
    )


def test_validate_with_a_wrong_quote_exits_1_and_names_it(article_text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "data")
    policies = tmp_path / "data" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    policies.write_text(text.replace("200억 원을 투입해", "300억 원을 투입해"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--sources", str(ARTICLE.parent)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        # The budget that no quote states any more (a warning) …
        "data/policies.yaml:13: policy smart-factory: budget_krw: warning: none of the "
        "quotes states 20000000000 won: quote the passage that does",
        # … and the quote, on its own line (a list item), where it parts from the source.
        "data/policies.yaml:16: policy smart-factory: quotes: quote 1 is not verbatim in "
        "asiae-2021-01-19-gwangju-1ai: the first 42 characters match "
        "('…·중견 제조기업 100개사를 대상으로 2025년까지 '); "
        "then the quote has '300억 원을 투입해 ' where the source has '200억 원을 투입해 '",
        "policy-graph: 1 problem found (and 1 warning); nothing was written",
    ]


def test_quotes_are_checked_even_when_records_have_problems(article_text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "data")
    policies = tmp_path / "data" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    text = text.replace("domains: [culture]", "domains: [cultre]")
    text = text.replace("시립도서관 ‘빅데이터를", "시립도서관 '빅데이터를")
    policies.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--sources", str(ARTICLE.parent)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0:3] for line in lines[:-1]] == [
        ["data/policies.yaml:40", "policy library-collection", "domains"],
        ["data/policies.yaml:41", "policy library-collection", "quotes"],
    ]
    assert lines[-1] == "policy-graph: 2 problems found; nothing was written"
    assert not (tmp_path / "build").exists()


def _minimal_with_unstated_timeline(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "data")
    policies = tmp_path / "data" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    policies.write_text(
        text.replace("    planned_end: 2025\n", "    planned_end: 2025\n    timeline: 연말까지\n"),
        encoding="utf-8",
    )


def test_an_unstated_timeline_is_a_warning_and_an_error_when_strict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _minimal_with_unstated_timeline(tmp_path)
    warning = (
        "data/policies.yaml:15: policy smart-factory: timeline: warning: none of the quotes "
        "states '연말까지': quote the passage that does"
    )

    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        warning,
        "policy-graph: 1 warning (--strict makes them errors)",
    ]
    assert (tmp_path / "build" / "policy-graph.ttl").is_file()

    result = CliRunner().invoke(cli, ["validate", "--strict"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        warning.replace("warning: ", ""),
        "policy-graph: 1 problem found; nothing was written",
    ]


def test_build_with_sources_checks_quotes_as_validate_does(article_text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "data")
    result = CliRunner().invoke(cli, ["build", "--sources", str(ARTICLE.parent)])
    assert result.exit_code == 0, result.output
    assert "(quotes checked)" in result.stdout
    (tmp_path / "sources").mkdir()
    result = CliRunner().invoke(cli, ["build", "--sources", "sources"])
    assert result.exit_code == 1
    assert "no text of this source in sources" in result.stderr


# --- texts by licence, digests, several folders ---------------------------------------


def _with_source_fields(tmp_path, fields: str):
    """The minimal records with ``fields`` added to their one source."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("issued: 2021-01-19", "issued: 2021-01-19\n" + fields), "utf-8")
    return load_records(data)


def test_a_publishers_text_not_at_hand_leaves_its_quotes_unchecked_with_a_note(tmp_path):
    import pytest

    from policy_graph.errors import GraphNote

    records = _with_source_fields(tmp_path, "    licence: all-rights-reserved")
    empty = tmp_path / "texts"
    empty.mkdir()
    with pytest.warns(GraphNote) as notes:
        assert check_quotes(records, empty) == []
    assert [str(n.message) for n in notes] == [
        "the quotes of 1 source were not checked: their texts are their publishers' "
        "(licence all-rights-reserved) and none is at hand (asiae-2021-01-19-gwangju-1ai)"
    ]


def test_an_open_text_not_at_hand_is_a_problem(tmp_path):
    records = _with_source_fields(tmp_path, "    licence: kogl-1")
    empty = tmp_path / "texts"
    empty.mkdir()
    [problem] = check_quotes(records, empty)
    assert (
        problem.message
        == f"no text of this source in {empty} (expected asiae-2021-01-19-gwangju-1ai.txt)"
    )


def test_a_text_that_is_not_the_one_curated_is_named_by_its_digest(article_text, tmp_path):
    import hashlib

    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    records = _with_source_fields(tmp_path, f"    text_sha256: {digest}")
    assert check_quotes(records, ARTICLE.parent) == []
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / ARTICLE.name).write_text(article_text + "\n정정 보도.\n", encoding="utf-8")
    [problem] = check_quotes(records, changed)
    assert (problem.field, problem.line) == ("text_sha256", 16)
    assert problem.message.startswith(f"{changed / ARTICLE.name} is not the text that was curated")


def test_several_folders_are_searched_in_turn(article_text, tmp_path):
    records = _with_source_fields(tmp_path, "    licence: all-rights-reserved")
    empty = tmp_path / "texts"
    empty.mkdir()
    assert check_quotes(records, [empty, ARTICLE.parent]) == []  # found in the second, no note
