"""The HTML views, opened from disk in real headless Chromium with the network blocked:
each page loads its shared assets offline, and filters, URL state, panels, focus, the
matrix, the table and the phone layout answer as the catalogue says they must."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import URIRef

from policy_graph import api
from policy_graph.graph.vocab import PG
from policy_graph.records.iris import PGID
from policy_graph.views.catalogue import UPWARD
from tests.helpers import REPO
from tests.views.conftest import Page

PLANNING = str(PGID["org/gwangju-planning-coordination"])
FACTORY = str(PGID["policy/gwangju-smart-factory"])
CHATBOT = str(PGID["technology/chatbot"])
AI = str(PGID["technology/ai"])
ELDERLY = str(PGID["target-group/elderly"])


class Written:
    """What a view drew, kept: write_views lets each view's network go once written."""

    def __init__(self, view):
        self.name, self.network = view.name, view.network


def _write(graph, out: Path, lang: str = "ko", *extra) -> dict:
    made = [*api.all_views(graph), *extra]
    kept = {view.name: Written(view) for view in made}
    stats = {language: api.graph_statistics(graph, language) for language in ("ko", "en")}
    api.write_views(made, out, lang, stats)
    return kept


@pytest.fixture(scope="module")
def views(article_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    focus = api.focus_view(article_graph, "기획조정실", depth=2)
    return out, _write(article_graph, out, "ko", focus)


@pytest.fixture(scope="module")
def many_views(many_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("many-views")
    return out, _write(many_graph, out, "en")


def _expected_visible(network, policies: set[str]) -> set[str]:
    """The contract's rule, worked out on the view's networkx graph: the passing
    policies, what they link to, and upward from there (concept → broader, unit → …)."""
    undirected = network.to_undirected(as_view=True)
    shown = set(policies)
    for policy in policies:
        shown.update(undirected[policy])
    pending = [n for n in shown if n not in policies]
    while pending:
        node = pending.pop()
        for _a, up, relation in network.out_edges(node, data="relation"):
            if relation in UPWARD and up not in shown:
                shown.add(up)
                pending.append(up)
    return shown


def _policies_using(graph, technology: str, group: str | None = None) -> set[str]:
    """Policies using ``technology`` or a narrower one (and serving ``group`` or a
    narrower group: elderly-living-alone is elderly too), by SPARQL."""
    serving = f"?p pg:targetGroup/skos:broader* <{group}> ." if group else ""
    answer = graph.query(
        f"SELECT DISTINCT ?p WHERE {{ ?p pg:usesTechnology/skos:broader* <{technology}> . "
        f"{serving} }}",
        initNs={"pg": PG, "skos": URIRef("http://www.w3.org/2004/02/skos/core#")},
    )
    return {str(row[0]) for row in answer}


# --- every page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "overview",
        "department-technology",
        "query-department-neighbourhood",
        "focus-gwangju-planning-coordination",
    ],
)
def test_each_view_loads_offline_and_draws_what_the_view_holds(opener, views, name):
    page = opener(views[0], name)
    assert page.requests == [] and page.errors == []
    assert page.visible() == set(views[1][name].network)


def test_government_pages_and_the_overview_of_many_load_offline(opener, many_views):
    folder, made = many_views
    governments = [name for name in made if name.startswith("government-")]
    assert governments == [f"government-{g}" for g in ("garam", "gwangju", "hanbit", "hanbit-nuri")]
    for name in ["overview", *governments]:
        page = opener(folder, name)
        assert page.requests == [] and page.errors == [], name
        assert page.visible() == set(made[name].network), name
        assert page.js("document.documentElement.lang") == "en"


def test_korean_renders_as_glyphs_and_a_screenshot_is_kept(opener, views):
    page = opener(views[0], "overview")
    assert page.js("document.fonts.check('16px NanumGothic', '기획조정실')") is True
    shots = REPO / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(shots / "overview.png"))
    assert (shots / "overview.png").stat().st_size > 20_000


# --- filter, focus, URL state ------------------------------------------------------------


def test_a_filter_narrows_the_visible_nodes_to_the_expected_set(opener, views, article_graph):
    page = opener(views[0], "overview")
    everything = page.visible()
    page.js(f"policyGraphView.setState({{filters: {{tech: [{AI!r}]}}}})")
    chatbots_too = _policies_using(article_graph, AI)
    network = views[1]["overview"].network
    assert page.visible() == _expected_visible(network, chatbots_too) != everything
    page.js(f"policyGraphView.setState({{filters: {{tech: [{CHATBOT!r}]}}}})")
    chatbots = _policies_using(article_graph, CHATBOT)
    assert chatbots and chatbots < chatbots_too  # AI took in the chatbots, and more
    assert page.visible() == _expected_visible(network, chatbots)
    indexes = page.js("policyGraphView.visiblePolicies()")
    terms = page.js("policyGraphView.data.terms.map(t => t.id)")
    policies = page.js("policyGraphView.data.policies.map(p => p.t)")
    assert {terms[policies[i]] for i in indexes} == chatbots


def test_ai_for_older_people_in_every_government(opener, many_views, many_graph):
    """The issue's question (which departments of which governments use AI, chatbots
    included, for older people, with whom, for how much): filters, then the table."""
    folder, made = many_views
    wanted = _policies_using(many_graph, AI, ELDERLY)
    assert len({w.split("/policy/")[1].split("-")[0] for w in wanted}) >= 2  # governments
    state = f"#tech={quote(AI, safe='')}&tg={quote(ELDERLY, safe='')}&tab=table"
    page = opener(folder, "overview", state)
    page.page.wait_for_selector("#answers-table tbody tr")
    rows = page.js(
        "Array.from(document.querySelectorAll('#answers-table tbody tr'))"
        ".map(r => Number(r.dataset.policy))"
    )
    terms = page.js("policyGraphView.data.terms.map(t => t.id)")
    assert {terms[t] for t in rows} == wanted
    assert page.errors == []


def test_a_url_with_state_reopens_the_same_view(opener, views):
    folder = views[0]
    page = opener(folder, "overview")
    page.js(
        f"policyGraphView.setState({{filters: {{tech: [{AI!r}], year: [2021]}}, "
        f"selected: {PLANNING!r}, hidden: ['partner'], lang: 'en'}})"
    )
    url, shown = page.js("location.href"), page.visible()
    title = page.js("document.getElementById('details').querySelector('h3').textContent")
    assert title == "Planning and Coordination Office" and "#" in url
    again = Page(page.context.browser, url)
    try:
        assert again.js("policyGraphView.state") == page.js("policyGraphView.state")
        assert again.visible() == shown
        assert again.js("document.getElementById('details').querySelector('h3').textContent") == (
            title
        )
        assert not any(i.endswith("-hospital") for i in shown)  # partners hidden
    finally:
        again.close()


def test_the_focus_view_holds_its_department_and_can_go_deeper(opener, views, article_graph):
    name = "focus-gwangju-planning-coordination"
    page = opener(views[0], name)
    kinds = dict(views[1][name].network.nodes(data="kind"))
    shown = page.visible()
    departments = [n for n in shown if kinds.get(n) == "department"]
    assert departments == [PLANNING]
    led = {str(p) for p in article_graph.subjects(PG.leadDepartment, URIRef(PLANNING))}
    assert led <= shown
    assert page.js("policyGraphView.state.focus") == PLANNING
    page.js("policyGraphView.setState({depth: 4})")
    assert page.visible() > shown


# --- details ------------------------------------------------------------------------------


def test_a_departments_panel_lists_its_policies(opener, views, article_graph):
    page = opener(views[0], "overview")
    page.js(f"policyGraphView.select({PLANNING!r})")
    listed = set(
        page.js(
            "Array.from(document.querySelectorAll('#details [data-iri]')).map(b => b.dataset.iri)"
        )
    )
    led = {str(p) for p in article_graph.subjects(PG.leadDepartment, URIRef(PLANNING))}
    assert led <= listed
    page.js(f"policyGraphView.select({FACTORY!r})")
    text = page.js("document.getElementById('details').innerText")
    assert "200억 원" in text and "2021-01-19" in text
    # the policy's panel reads in the order
    fields = page.js("Array.from(document.querySelectorAll('#details dt')).map(d => d.textContent)")
    order = ["지방정부", "담당 부서", "설명", "활용 기술", "정책 대상", "예산", "종료 예정", "인용"]
    assert [f for f in fields if f in order] == order, fields
    assert fields[-1] == "출처"


def test_the_table_exports_the_policies_in_view_as_csv(opener, views):
    page = opener(views[0], "overview", f"#tech={quote(CHATBOT, safe='')}&tab=table")
    with page.page.expect_download() as download:
        page.page.click("#table-csv")
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    shown = page.js("policyGraphView.visiblePolicies().length")
    assert len(rows) == shown + 1 and shown >= 1
    assert any("챗봇" in cell for row in rows[1:] for cell in row)


# --- phone ---------------------------------------------------------------------------------


def test_on_a_phone_the_graph_takes_the_width_and_the_panels_fold(opener, views):
    page = opener(views[0], "overview", width=390, height=844)
    width = page.js("document.getElementById('network').getBoundingClientRect().width")
    assert width >= 0.9 * 390
    shots = REPO / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(shots / "overview-phone.png"))
    left = page.js("document.getElementById('filters').getBoundingClientRect().right")
    assert left <= 0  # the filters are a closed drawer


# --- the folder -----------------------------------------------------------------------------


def test_index_links_every_view_and_names_its_sources(browser, views):
    page = browser.new_page()
    page.goto((views[0] / "index.html").as_uri())
    links = page.eval_on_selector_all("#views a", "links => links.map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"{name}.html" for name in views[1])
    assert all((views[0] / link).is_file() for link in links)
    headers = page.eval_on_selector_all(
        "table", "tables => tables.map(t => t.querySelectorAll('th').length)"
    )
    assert headers and all(count >= 2 for count in headers)
    assert "2021-01-19" in page.inner_text("#sources")
    page.close()


def test_pages_share_their_assets_and_link_nothing_outside(views):
    folder = views[0]
    for page in folder.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "https://cdn" not in text and "http://" not in text.split("page-data")[0]
    assert (folder / "assets" / "vis-network.min.js").stat().st_size > 100_000
    assert (folder / "assets" / "echarts.min.js").stat().st_size > 100_000


def test_two_runs_write_identical_files(article_graph, many_graph, tmp_path):
    for graph in (article_graph, many_graph):
        first, second = tmp_path / "a", tmp_path / "b"
        _write(graph, first)
        _write(graph, second)
        names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_page_carries_no_markup_from_the_data(views):
    text = (views[0] / "overview.html").read_text(encoding="utf-8")
    data = text.split('id="page-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert json.loads(data)["page"]["name"] == "overview"


def test_an_empty_answer_says_so_and_names_the_parameter(opener, article_graph, tmp_path):
    # Gwangju names a department for every policy: none stand under the government itself.
    view = api.query_view(
        article_graph, "department-neighbourhood", params={"department": "gwangju"}
    )
    api.write_views([view], tmp_path, "en")
    page = opener(tmp_path, "query-department-neighbourhood")
    assert page.errors == [] and page.visible() == set()
    assert page.js("document.getElementById('status').textContent") == (
        "Nothing in the graph answers this question as asked (department=gwangju). On the "
        "overview or the departments × technologies view, find the name, click it and choose "
        "'Focus here' to see what is around it. To ask again by command: "
        "policy-graph viz --query department-neighbourhood --param department=…"
    )
    links = page.js(
        "Array.from(document.querySelectorAll('#links a')).map(a => a.getAttribute('href'))"
    )
    assert links == ["index.html", "overview.html", "department-technology.html"]


def test_a_name_several_share_offers_each_with_its_government_and_kind(opener, generated):
    folder = generated[0]
    page = opener(folder, "overview", "#tab=table")
    terms = page.js("policyGraphView.data.terms")
    offices = sorted((t["ko"], terms[t["g"]]["ko"]) for t in terms if t.get("nko") == "기획조정실")
    assert len(offices) > 1
    page.page.fill("#filter-d", "기획조정실")
    page.page.press("#filter-d", "Enter")
    offered = page.js(
        "Array.from(document.querySelectorAll('#choices-d li:not(.choices-head)'))"
        ".map(li => li.textContent)"
    )
    assert sorted(offered) == sorted(f"{name} (부서·기관, {home})" for name, home in offices)
    head = page.js("document.querySelector('#choices-d .choices-head').textContent")
    assert head == f"'기획조정실'에 맞는 부서·기관 {len(offices)}개: 하나를 고르세요"
    page.page.click("#choices-d li:nth-child(2) button")
    chosen = page.js("policyGraphView.state.filters.d")
    assert (
        len(chosen) == 1 and terms[[t["id"] for t in terms].index(chosen[0])]["nko"] == "기획조정실"
    )
    # governments: a district or county name that several cities and provinces have,
    # each offered with its kind and the government it is part of
    facts = page.js("policyGraphView.data.governments")
    inside = {int(t): f for t, f in facts.items() if "in" in f}
    shared, count = Counter(terms[t]["ko"].split()[-1] for t in inside).most_common(1)[0]
    assert count > 1
    page.page.fill("#filter-g", shared)
    page.page.press("#filter-g", "Enter")
    offered = page.js(
        "Array.from(document.querySelectorAll('#choices-g li:not(.choices-head)'))"
        ".map(li => li.textContent)"
    )
    assert sorted(offered) == sorted(
        f"{terms[t]['ko']} ({f['kind']['ko']}, {terms[f['in']]['ko']})"
        for t, f in inside.items()
        if terms[t]["ko"].endswith(" " + shared)
    )
    assert len(offered) == count


def test_index_reads_in_english_and_korean_and_the_views_link_back_in_theirs(opener, views):
    folder = views[0]
    page = opener(folder, "overview", "#lang=en")
    assert (
        page.js("document.querySelector('#links a').getAttribute('href')") == "index.html#lang=en"
    )
    page.page.click("#links a")
    page.page.wait_for_url("**/index.html#lang=en")
    page.page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.js("document.getElementById('in-ko').hidden") is True
    assert page.js("document.getElementById('covers-en').textContent") == (
        "1 government, 30 policies, 1 source."
    )
    hrefs = page.js(
        "Array.from(document.querySelectorAll('#views-en a')).map(a => a.getAttribute('href'))"
    )
    assert hrefs and all(href.endswith(".html#lang=en") for href in hrefs)
    page.page.click("#lang-switch")
    assert page.js("document.getElementById('in-en').hidden") is True
    assert page.js("[document.documentElement.lang, location.hash]") == ["ko", ""]
    assert page.js("document.getElementById('covers').textContent") == (
        "지방정부 1곳, 정책 30건, 출처 1건."
    )


def test_search_lists_every_visible_match_with_its_government_and_no_hidden_one(
    opener, views, many_views
):
    page = opener(views[0], "overview")

    def search(text: str) -> list[str]:
        page.page.fill("#search", text)
        page.page.click("#search-go")
        return page.js(
            "Array.from(document.querySelectorAll('#match-list [data-iri]'))"
            ".map(b => b.dataset.iri)"
        )

    everywhere = search("국")  # 인공지능산업국, 복지건강국, …
    bureau = next(iri for iri in everywhere if "/org/" in iri)
    page.js(f"policyGraphView.setState({{filters: {{d: [{bureau!r}]}}}})")
    filtered = search("국")
    assert bureau in filtered and set(filtered) <= page.visible()
    assert set(everywhere) - set(filtered)  # departments the filter hides are not found
    # a name that two governments' units have: both listed, each with its government
    many = opener(many_views[0], "government-hanbit")
    many.page.fill("#search", "AI")
    many.page.click("#search-go")
    listed = many.js("document.getElementById('match-list').innerText")
    found = many.js(
        "Array.from(document.querySelectorAll('#match-list [data-iri]')).map(b => b.dataset.iri)"
    )
    assert set(found) <= many.visible() and "Hanbit Special City" in listed
