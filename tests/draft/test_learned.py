"""The domains model of `policy-graph draft` (issue 23): trained on curated records,
shipped as JSON beside its module, used for a passage that names no domain word."""

from __future__ import annotations

import pytest

from policy_graph.draft import learned
from policy_graph.draft.policies import draft_records
from policy_graph.records.reading import load_records
from tests.helpers import SHIPPED_DATA

pytest.importorskip("kiwipiepy", reason="policy-graph draft needs the draft extra (kiwipiepy)")


@pytest.fixture(scope="module")
def records():
    return load_records(SHIPPED_DATA)


@pytest.fixture(scope="module")
def model(records):
    return learned.train(records)


def test_the_model_learns_domains_from_the_words_of_curated_policies(model, records):
    allowed = {c.id for c in records.concepts if c.kind == "domain"}
    # Written for the test: words of traffic, and of care for older people.
    traffic = model.domains("교차로 신호를 실시간으로 제어하는 교통 시스템", allowed)
    care = model.domains("홀몸 어르신 돌봄 안부 전화 서비스", allowed)
    assert traffic[0][0] == "transport"
    assert care[0][0] == "welfare"
    assert all(d in allowed and 0 <= p <= 1 for d, p in traffic + care)


def test_the_model_reads_back_from_json_as_it_was(model):
    again = learned.DomainModel.from_json(model.to_json())
    words = learned.words("AI 기반 교통 혼잡 예측 서비스")
    assert again.probabilities(words) == pytest.approx(model.probabilities(words))


def test_the_shipped_model_is_in_the_package_and_loads_without_the_network():
    assert learned.MODEL.parent.name == "draft" and learned.MODEL.is_file()
    shipped = learned.load()
    assert shipped is not None and shipped.documents > 0


def test_draft_proposes_learned_domains_only_where_no_domain_word_is_named(records, model):
    sentence = "구는 금남지하도상가에 AI 자율주행 무인 로봇을 배치해 방문객들에게 길을 안내한다."
    [without] = draft_records(sentence, records, "gwangju-donggu", "a-source", model=None).policies
    [learnt] = draft_records(sentence, records, "gwangju-donggu", "a-source", model=model).policies
    assert without.domains is None
    assert learnt.domains.value and learnt.domains.why.startswith("no domain word; learned")
    named = "구는 AI 스피커를 보급해 복지 사각지대를 줄인다."
    [policy] = draft_records(named, records, "gwangju", "a-source", model=model).policies
    assert policy.domains.value == ["welfare"]  # the domain word, not the model
