"""Shared fixtures: the article's records and graph (built once), small record fixtures,
a browser. Helpers that are not fixtures are in helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, CHROMIUM, CHROMIUM_FLAGS, DATA, MANY, MINIMAL


@pytest.fixture(scope="session", autouse=True)
def graph_cache(tmp_path_factory):
    """Graphs that commands build for themselves go to a folder of the test session,
    never to the user's ~/.cache (processes the tests start inherit it too)."""
    folder = tmp_path_factory.mktemp("graph-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICY_GRAPH_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def article_records():
    from policy_graph import load_records

    return load_records(DATA)


@pytest.fixture(scope="session")
def article_graph(article_records):
    from policy_graph.graph.shacl import record_index, validate_graph
    from policy_graph.graph.triples import build_graph

    graph = build_graph(article_records)
    assert validate_graph(graph, record_index(article_records)) == []
    assert len(graph) > 500, "the article's graph is unexpectedly small"
    return graph


@pytest.fixture(scope="session")
def many_records():
    from policy_graph import load_records

    return load_records(MANY)


@pytest.fixture(scope="session")
def many_stores(many_records):
    """The many-governments records in each engine's store: {"rdflib": …, "oxigraph": …}."""
    from policy_graph.graph.engines import get_engine

    return {name: get_engine(name).store_records(many_records) for name in ("rdflib", "oxigraph")}


@pytest.fixture(scope="session")
def many_graph(many_records):
    """The many-governments graph as an rdflib Graph, checked by SHACL."""
    from policy_graph.graph.shacl import record_index, validate_graph
    from policy_graph.graph.triples import build_graph

    graph = build_graph(many_records)
    assert validate_graph(graph, record_index(many_records)) == []
    assert len(graph) > 500, "the many-governments graph is unexpectedly small"
    return graph


@pytest.fixture
def many_sources(tmp_path_factory, article_text) -> Path:
    """A folder with the texts of every source of the many-governments fixture: its own
    (fictional) texts and the article from shared/sources."""
    folder = tmp_path_factory.mktemp("many-sources")
    for text in [*(MANY / "sources").glob("*.txt"), ARTICLE]:
        shutil.copyfile(text, folder / text.name)
    return folder


@pytest.fixture
def minimal_copy(tmp_path, monkeypatch):
    """The minimal fixture copied to ./data of a fresh working directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def article_text() -> str:
    if not ARTICLE.is_file():
        pytest.skip(
            f"the source article is not at {ARTICLE} (shared/ is not beside the repository)"
        )
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium fonts-nanum; .ci/run does)"
        )
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is a test dependency"
    )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
