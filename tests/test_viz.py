"""The HTML views, opened from disk in real headless Chromium with the network blocked."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from conftest import REPO
from policy_graph import api
from policy_graph.viz import View, limit, render

PLANNING = "https://w3id.org/policy-graph/id/org/gwangju-planning-coordination"
FACTORY = "https://w3id.org/policy-graph/id/policy/gwangju-smart-factory"


@pytest.fixture(scope="module")
def views(article_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    made = [*api.all_views(article_graph), api.focus_view(article_graph, "기획조정실", depth=2)]
    api.write_views(made, out, "ko", api.graph_statistics(article_graph))
    return out, {view.name: view for view in made}


class Page:
    """A page opened from disk with every non-file request blocked and recorded."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function(
            "window.policyGraphView && window.policyGraphView.settled", timeout=30_000
        )

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_view(browser, views):
    pages = []

    def opener(name: str) -> Page:
        page = Page(browser, views[0] / f"{name}.html")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.mark.parametrize(
    "name",
    [
        "overview",
        "department-technology",
        "query-department-neighbourhood",
        "focus-gwangju-planning-coordination",
    ],
)
def test_each_view_loads_offline_and_draws_the_whole_graph(open_view, views, name):
    page = open_view(name)
    assert page.requests == [] and page.errors == []
    network = views[1][name].network
    assert page.js("[policyGraphView.nodes.length, policyGraphView.edges.length]") == [
        network.number_of_nodes(),
        network.number_of_edges(),
    ]


def _node_on_screen(page: Page, node: str) -> tuple[float, float]:
    """Centre the view on ``node`` and return its point in the page's coordinates."""
    return page.js(
        f"""(() => {{
          const v = policyGraphView, id = {node!r};
          v.network.moveTo({{position: v.network.getPositions([id])[id], scale: 1.5, animation: false}});
          const p = v.network.canvasToDOM(v.network.getPositions([id])[id]);
          const box = document.getElementById("network").getBoundingClientRect();
          return [p.x + box.left, p.y + box.top];
        }})()"""
    )


def _node_at(page: Page, x: float, y: float):
    return page.js(
        f"""(() => {{
          const box = document.getElementById("network").getBoundingClientRect();
          return policyGraphView.network.getNodeAt({{x: {x} - box.left, y: {y} - box.top}}) ?? null;
        }})()"""
    )


def _panel_shown(page: Page) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.page.wait_for_function(
            "document.getElementById('panel').innerText.trim()", timeout=2000
        )
    except PlaywrightTimeout:
        return False
    return True


def test_clicking_a_node_shows_its_panel(open_view):
    page = open_view("overview")
    for _attempt in range(3):
        x, y = _node_on_screen(page, FACTORY)
        page.page.mouse.click(x, y)
        if _panel_shown(page):
            break
        # Nothing shown: fine only if the view moved under the pointer (vis-network
        # resizes its canvas on a timer); a click that hit the node must show it.
        assert _node_at(page, x, y) != FACTORY, "the click hit the node, yet no panel"
    panel = page.page.inner_text("#panel")
    assert "스마트공장 질적 고도화" in panel
    assert "일자리경제실은 관내 중소·중견 제조기업 100개사를 대상으로" in panel
    assert "20,000,000,000" in panel and "2025" in panel
    assert "광주시 ‘1실국·기관 1AI 정책’ 발굴에 속도" in panel and "2021-01-19" in panel
    assert "<" not in page.page.inner_text("#panel").replace("<-", "")  # text, not raw HTML


def test_search_selects_the_department(open_view):
    page = open_view("overview")
    page.page.fill("#search", "기획조정실")
    page.page.press("#search", "Enter")
    assert page.js("policyGraphView.network.getSelectedNodes()") == [PLANNING]
    assert "기획조정실" in page.page.inner_text("#panel")


def test_search_for_a_name_of_one_node_shows_no_list(open_view):
    page = open_view("overview")
    page.page.fill("#search", "기획조정실")
    page.page.press("#search", "Enter")
    assert page.js("document.getElementById('matches').hidden") is True
    page.page.fill("#search", "없는 이름")
    page.page.press("#search", "Enter")
    assert page.page.inner_text("#matches-title") == "‘없는 이름’에 맞는 이름이 없습니다."
    assert page.js("document.getElementById('match-list').children.length") == 0
    assert page.js("policyGraphView.network.getSelectedNodes()") == [PLANNING]  # as it was


def test_legend_names_the_classes_and_filters_them(open_view):
    page = open_view("overview")
    legend = page.page.inner_text("#legend")
    for name in ("정책", "부서·기관", "기술", "정책 대상", "협력 기관"):
        assert name in legend
    assert page.page.inner_text("#measure") == "크기: betweenness centrality"
    page.page.uncheck("#show-policy")
    hidden = page.js("policyGraphView.nodes.get({filter: n => n.hidden}).map(n => n.kind)")
    assert len(hidden) == 30 and set(hidden) == {"policy"}
    page.page.check("#show-policy")
    assert page.js("policyGraphView.nodes.get({filter: n => n.hidden}).length") == 0


def test_physics_settles_stops_and_can_be_turned_on(open_view):
    page = open_view("overview")
    assert page.js("policyGraphView.physicsOn") is False
    before = page.js("JSON.stringify(policyGraphView.network.getPositions())")
    page.page.wait_for_timeout(700)
    assert page.js("JSON.stringify(policyGraphView.network.getPositions())") == before  # no jiggle
    page.page.click("#physics")
    assert page.js("policyGraphView.physicsOn") is True
    assert page.page.inner_text("#status") == "배치 완료 (움직임 멈춤)"


def test_korean_renders_as_glyphs_and_a_screenshot_is_kept(open_view):
    page = open_view("overview")
    fonts = page.js("document.fonts.check('16px NanumGothic', '기획조정실')")
    assert fonts is True
    shots = REPO / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(shots / "overview.png"))
    assert (shots / "overview.png").stat().st_size > 20_000


def test_index_links_every_view_and_shows_the_analysis(browser, views):
    page = browser.new_page()
    page.goto((views[0] / "index.html").as_uri())
    links = page.eval_on_selector_all("#views a", "links => links.map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"{name}.html" for name in views[1])
    assert page.inner_text("#isolated") == "군공항이전추진본부\n자치행정국\n종합건설본부"
    assert "AI" in page.inner_text("#technologies")
    page.close()


def test_two_runs_write_identical_files(article_graph, tmp_path):
    for run in ("first", "second"):
        api.write_views(
            api.all_views(article_graph), tmp_path / run, "ko", api.graph_statistics(article_graph)
        )
    first = sorted((tmp_path / "first").iterdir())
    assert [p.name for p in first] == sorted(p.name for p in (tmp_path / "second").iterdir())
    for path in first:
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name


def test_pages_are_self_contained(views):
    for path in views[0].glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for outside in ("<script src", "<link", "@import", "https://cdn", "fonts.googleapis"):
            assert outside not in text, (path.name, outside)
        assert text.startswith("<!doctype html>") and '<meta charset="utf-8">' in text


def test_a_view_past_the_limit_says_what_it_left_out(browser, tmp_path):
    network = nx.path_graph(5_300, create_using=nx.DiGraph)
    nx.set_node_attributes(network, "technology", "kind")
    nx.set_node_attributes(network, {n: f"기술 {n}" for n in network}, "label")
    network = nx.relabel_nodes(network, {n: f"urn:t:{n:05d}" for n in network})
    kept, left_out = limit(network, 5_000)
    note = f"노드가 많아 연결이 많은 노드만 보입니다: {left_out}개는 생략했습니다."
    path = tmp_path / "big.html"
    path.write_text(render(View("big", "big", kept, note)), encoding="utf-8")
    page = Page(browser, path)
    try:
        assert page.js("policyGraphView.nodes.length") == 5_000
        assert (
            page.page.inner_text("#note")
            == "노드가 많아 연결이 많은 노드만 보입니다: 300개는 생략했습니다."
        )
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


# --- many governments (tests/data/many-governments) ---------------------------------

HANBIT_PLANNING = "https://w3id.org/policy-graph/id/org/hanbit-planning-coordination"


@pytest.fixture(scope="module")
def many_views(many_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("many-views")
    made = {}
    for lang in ("ko", "en"):
        views = api.all_views(many_graph, lang)
        api.write_views(views, out / lang, lang, api.graph_statistics(many_graph, lang))
        made[lang] = {view.name: view for view in views}
    return out, made


def _open_many(browser, many_views, lang: str, name: str) -> Page:
    page = Page(browser, many_views[0] / lang / f"{name}.html")
    assert page.requests == [] and page.errors == []
    return page


def _search(page: Page, text: str) -> list[str]:
    page.page.fill("#search", text)
    page.page.press("#search", "Enter")
    return page.page.eval_on_selector_all("#match-list li", "items => items.map(i => i.innerText)")


def test_search_for_a_shared_name_lists_every_match_to_pick_from(browser, many_views):
    page = _open_many(browser, many_views, "ko", "overview")
    try:
        listed = _search(page, "기획조정실")
        assert listed == ["광주광역시 기획조정실 (부서·기관)", "한빛특별시 기획조정실 (부서·기관)"]
        assert page.page.inner_text("#matches-title") == (
            "‘기획조정실’에 맞는 것이 2개입니다. 하나를 고르세요:"
        )
        assert page.js("policyGraphView.network.getSelectedNodes()") == []  # nothing picked
        page.page.click("#match-list li:nth-child(2) button")
        assert page.js("policyGraphView.network.getSelectedNodes()") == [HANBIT_PLANNING]
        assert "한빛특별시 기획조정실" in page.page.inner_text("#panel")
        # the name with its government is one node: selected at once, no list
        assert _search(page, "광주광역시 기획조정실") == []
        assert page.js("document.getElementById('matches').hidden") is True
        assert page.js("policyGraphView.network.getSelectedNodes()") == [PLANNING]
        # part of a name: every node whose name holds it
        assert _search(page, "누리구") == [
            "누리구보건소 (협력 기관)",
            "한빛특별시 누리구 (지방정부)",
        ]
    finally:
        page.close()


def test_search_lists_english_matches_too(browser, many_views):
    page = _open_many(browser, many_views, "en", "overview")
    try:
        assert _search(page, "Planning and Coordination Office") == [
            "Gwangju Metropolitan City Planning and Coordination Office (Department)",
            "Hanbit Special City Planning and Coordination Office (Department)",
        ]
        assert page.page.inner_text("#matches-title") == (
            "2 match ‘Planning and Coordination Office’. Pick one:"
        )
    finally:
        page.close()


def test_the_many_governments_index_counts_governments_as_departments(browser, many_views):
    page = browser.new_page()
    page.goto((many_views[0] / "ko" / "index.html").as_uri())
    assert page.inner_text("#stand-ins") == (
        "부서를 밝히지 않은 정책은 그 지방정부를 부서로 셉니다: 가람군, 한빛특별시, 한빛특별시 누리구"
    )
    departments = page.inner_text("#departments")
    assert departments.splitlines()[0] == "한빛특별시 누리구\t0.8"
    page.close()


def test_many_governments_views_are_the_same_bytes_on_every_run(many_graph, many_views, tmp_path):
    for lang in ("ko", "en"):
        views = api.all_views(many_graph, lang)
        api.write_views(views, tmp_path / lang, lang, api.graph_statistics(many_graph, lang))
        first = sorted(p.name for p in (many_views[0] / lang).iterdir())
        assert first == sorted(p.name for p in (tmp_path / lang).iterdir())
        assert "department-technology.html" in first and "index.html" in first
        for name in first:
            again = (tmp_path / lang / name).read_bytes()
            assert again == (many_views[0] / lang / name).read_bytes(), (lang, name)
