"""Answers kept by an HTTP process for the same request of the same build (issue 25)."""

from __future__ import annotations

import io

from policy_graph.endpoint.kept_answers import LARGEST, KeptAnswers
from policy_graph.endpoint.protocol import Answer, cut, plain

ROWS = "application/sparql-results+json"


def _answer(size: int) -> Answer:
    return Answer(200, ROWS, b"x" * size)


def test_the_same_request_of_the_same_build_is_kept_with_its_age():
    kept = KeptAnswers(1024 * 1024)
    asked = {"kind": "query", "query": "ASK {}", "accept": ROWS, "max_rows": 25}
    kept.put(kept.key("sha256:one", asked), _answer(10))
    found = kept.get(kept.key("sha256:one", dict(reversed(asked.items()))))
    assert found is not None and found.body == b"x" * 10
    assert found.headers == (("Age", "0"),)
    assert kept.get(kept.key("sha256:two", asked)) is None  # another build
    assert kept.get(kept.key("sha256:one", {**asked, "accept": "text/csv"})) is None
    assert kept.get(kept.key("sha256:one", {**asked, "max_rows": 26})) is None


def test_only_whole_successful_answers_in_memory_are_kept():
    kept = KeptAnswers(4 * LARGEST)
    refused = [
        plain(400, "a syntax error"),
        plain(503, "the endpoint is busy"),
        cut(_answer(10), "the first 25 rows"),
        Answer(200, ROWS, b"", size=10, file=io.BytesIO(b"x" * 10)),
        _answer(LARGEST + 1),
    ]
    for number, answer in enumerate(refused):
        kept.put(("sha256:one", str(number)), answer)
        assert kept.get(("sha256:one", str(number))) is None
    kept.put(("sha256:one", "largest"), _answer(LARGEST))
    assert kept.get(("sha256:one", "largest")) is not None


def test_the_least_recently_asked_leave_first_within_the_budget():
    kept = KeptAnswers(300)
    for name in "abc":
        kept.put(("b", name), _answer(100))
    assert kept.get(("b", "a")) is not None  # asked again: now the most recent
    kept.put(("b", "d"), _answer(100))
    assert [kept.get(("b", name)) is not None for name in "abcd"] == [True, False, True, True]
    assert len(kept) == 3
    assert len(KeptAnswers(0)) == 0 and not KeptAnswers(0).worth_keeping(_answer(1))
