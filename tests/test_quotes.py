"""Quotes against their sources: the article's records pass; a changed quote is named."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from conftest import ARTICLE, DATA, MINIMAL
from policy_graph.cli import cli
from policy_graph.quotes import check_quotes, fold_space
from policy_graph.records import load_records


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
        'asiae-2021-01-19-gwangju-1ai: "시립도서관 \'빅데이터를 활용한 장서 확충’"'
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
    assert result.stderr.splitlines()[0].startswith(
        "data/policies.yaml:15: policy smart-factory: quotes: quote 1 is not verbatim in "
        "asiae-2021-01-19-gwangju-1ai: '일자리경제실은 관내 중소·중견 제조기업 100개사를 대상으로"
    )
