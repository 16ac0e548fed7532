"""Issue 25: a saved query's answer ready for a request answered before in the same
build (query.ready): the bytes the command printed then, for that request only, never
for another build, another query text, or a name the command would read as a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policy_graph import api, paths
from policy_graph.graph import kept_store
from policy_graph.graph.kept_store import KeptStore
from policy_graph.query.asking import written_answer
from policy_graph.query.ready import ready_answer
from policy_graph.query.results import SELECT_FORMATS
from tests.helpers import GARAM_SMART_FARM, MANY

SMART_FACTORY = "스마트공장 질적 고도화"  # Gwangju's (MANY)


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """A copy of MANY (four governments) and the store kept for it, built."""
    records, store = tmp_path / "records", tmp_path / "store"
    shutil.copytree(MANY, records)
    api.validate(records, store_dir=store)
    return records, store


def _asked(records, store, name, fmt, **params) -> bytes:
    return written_answer(name, fmt, params=params, data_dir=records, store_dir=store).data


def _ready(records, store, name, fmt, **params) -> bytes | None:
    return ready_answer(name, fmt, params, data_dir=records, store_dir=store)


@pytest.mark.parametrize("fmt", SELECT_FORMATS)
def test_a_ready_answer_is_the_bytes_printed_for_the_same_request(built, fmt):
    records, store = built
    assert _ready(records, store, "budgets", fmt) is None  # never asked
    whole = _asked(records, store, "budgets", fmt)
    assert GARAM_SMART_FARM.encode() in whole
    assert _ready(records, store, "budgets", fmt) == whole


def test_each_governments_answer_is_ready_for_its_own_request(built):
    records, store = built
    garam = _asked(records, store, "budgets", "csv", government="garam")
    assert GARAM_SMART_FARM.encode() in garam
    assert _ready(records, store, "budgets", "csv", government="gwangju") is None
    gwangju = _asked(records, store, "budgets", "csv", government="gwangju")
    assert SMART_FACTORY.encode() in gwangju and GARAM_SMART_FARM.encode() not in gwangju
    assert SMART_FACTORY.encode() not in garam
    assert _ready(records, store, "budgets", "csv", government="garam") == garam
    assert _ready(records, store, "budgets", "csv", government="gwangju") == gwangju
    assert _ready(records, store, "budgets", "csv") is None  # the whole answer: not asked
    assert _ready(records, store, "budgets", "tsv", government="garam") is None


def test_no_answer_is_ready_for_a_page_or_another_language(built):
    records, store = built
    written_answer("budgets", "csv", data_dir=records, store_dir=store, limit=2)
    assert _ready(records, store, "budgets", "csv") is None  # a page is not the whole
    _asked(records, store, "policies-per-department", "csv")
    english = written_answer(
        "policies-per-department", "csv", lang="en", data_dir=records, store_dir=store
    ).data
    assert ready_answer("policies-per-department", "csv", {}, "en", records, store) == english
    assert ready_answer("policies-per-department", "csv", {}, "ko", records, store) is None


def test_no_answer_is_ready_once_the_records_changed(built):
    records, store = built
    before = _asked(records, store, "budgets", "csv")
    garam = records / "garam.yaml"
    garam.write_text(
        garam.read_text(encoding="utf-8").replace(GARAM_SMART_FARM, "스마트팜 새 이름"),
        encoding="utf-8",
    )
    assert _ready(records, store, "budgets", "csv") is None
    after = _asked(records, store, "budgets", "csv")  # rebuilt, found again
    assert after != before and "스마트팜 새 이름".encode() in after
    assert _ready(records, store, "budgets", "csv") == after
    assert KeptStore(store).current().number == 2


def test_no_answer_is_ready_once_the_query_text_changed(built, tmp_path, monkeypatch):
    records, store = built
    queries = tmp_path / "queries"
    shutil.copytree(paths.queries_dir(), queries)
    monkeypatch.setattr(paths, "queries_dir", lambda: queries)
    before = _asked(records, store, "budgets", "csv")
    assert _ready(records, store, "budgets", "csv") == before
    saved = queries / "budgets.rq"
    saved.write_text(saved.read_text(encoding="utf-8") + "LIMIT 1\n", encoding="utf-8")
    assert _ready(records, store, "budgets", "csv") is None
    assert _asked(records, store, "budgets", "csv").count(b"\n") == 2  # header and a row


def test_no_answer_is_ready_for_a_name_read_as_a_file(built, tmp_path, monkeypatch):
    records, store = built
    _asked(records, store, "budgets", "csv")
    monkeypatch.chdir(tmp_path)
    Path("budgets").write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    assert _ready(records, store, "budgets", "csv") is None  # the command reads the file
    for name in ("./budgets", "budgets.rq", ".budgets", ""):
        assert _ready(records, store, name, "csv") is None


def test_no_answer_is_ready_where_the_kept_one_is_gone(built):
    records, store = built
    _asked(records, store, "budgets", "csv")
    answers = KeptStore(store).current().folder / kept_store.ANSWERS
    for kept in answers.glob("*.csv"):
        kept.unlink()
    assert _ready(records, store, "budgets", "csv") is None
    assert GARAM_SMART_FARM.encode() in _asked(records, store, "budgets", "csv")  # found again
