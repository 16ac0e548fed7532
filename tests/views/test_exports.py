"""Exports that keep their context, and a link that keeps the whole view: PNG of each
tab with its title, filters, count, legend, sources and date; SVG of the map, matrix
and rankings; a CSV named after the view and its filters; the table's sort, the matrix
cell and the network's zoom in the URL; a filter for policies with no partner."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import quote

import pytest

from policy_graph import load_records
from policy_graph.records.iris import PGID
from tests.helpers import SHIPPED_DATA
from tests.views.conftest import Page

AI = quote(str(PGID["technology/ai"]), safe="")
CHATBOT = quote(str(PGID["technology/chatbot"]), safe="")
TAB_NAMES = {
    "map": "지도",
    "network": "네트워크",
    "matrix": "행렬",
    "charts": "순위",
    "table": "표",
}


def _open(opener, folder, tab: str, hash_: str = "") -> Page:
    page = opener(folder, "overview", f"#tab={tab}{hash_}")
    if tab != "network":
        page.drawn(tab, "country" if tab == "map" else None)
    return page


def _download(page, button: str) -> tuple[str, bytes]:
    with page.page.expect_download() as download:
        page.page.click(button)
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def _context_lines(page, tab: str) -> list[str]:
    shown = page.js("policyGraphView.visiblePolicies().length")
    return [
        f"정책 그래프 전체 — {TAB_NAMES[tab]}",
        "필터: 기술: AI",
        f"정책 {shown}건",
        f"만든 날: {dt.datetime.now(dt.UTC).date().isoformat()}",
    ]


@pytest.mark.parametrize("tab", ["map", "network", "matrix", "charts", "table"])
def test_a_png_of_each_tab_carries_its_context(opener, real_views, tab):
    page = _open(opener, real_views[0], tab, f"&tech={AI}")
    page.js("window.__texts.length = 0")
    name, body = _download(page, "#export-png")
    assert name == f"overview-{tab}-tech-ai.png" and body.startswith(b"\x89PNG\r\n\x1a\n")
    drawn = page.js("window.__texts.filter(t => t.where === 'offscreen').map(t => t.text)")
    for line in _context_lines(page, tab):
        assert line in drawn, line
    sources = [text for text in drawn if text.startswith("출처: ")]
    assert len(sources) == 1 and sources[0].endswith("외 13건 · policy-graph")
    legend = {"map": "색: 정책 수 (짙을수록 많음)", "matrix": "색: 정책 수 (짙을수록 많음)"}
    legend |= {"charts": "막대: 정책 수", "network": "기술"}
    if tab in legend:
        assert legend[tab] in drawn
    if tab == "table":
        first = page.js("document.querySelector('#answers-table td[data-key=title]').textContent")
        assert any(text.startswith(first + " · ") for text in drawn)


def test_an_svg_of_the_map_keeps_its_context_and_the_network_has_none(opener, real_views):
    page = _open(opener, real_views[0], "map", f"&tech={AI}")
    name, body = _download(page, "#export-svg")
    assert name == "overview-map-tech-ai.svg"
    svg = ElementTree.fromstring(body)
    texts = [
        "".join(element.itertext()) for element in svg.iter("{http://www.w3.org/2000/svg}text")
    ]
    for line in _context_lines(page, "map"):
        assert line in texts, line
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) >= 17  # the 시·도 drawn
    page.page.click("#tab-button-network")
    assert page.js("document.getElementById('export-svg').disabled") is True
    assert page.js("document.getElementById('export-svg').title") == (
        "SVG는 지도·차트·행렬 탭에서 저장할 수 있습니다"
    )


def test_the_csv_is_named_after_the_view_and_its_filters(opener, real_views):
    page = _open(opener, real_views[0], "table", f"&tech={CHATBOT}&year=2021")
    name, body = _download(page, "#table-csv")
    assert name == "overview-policies-tech-chatbot-year-2021.csv"
    shown = page.js("policyGraphView.visiblePolicies().length")
    assert shown >= 1 and len(body.decode("utf-8-sig").strip().split("\r\n")) == shown + 1


def test_the_tables_sort_reopens_from_the_url(opener, real_views, browser):
    page = _open(opener, real_views[0], "table")
    page.page.click("th[data-key=budget] button")
    page.page.click("th[data-key=budget] button")
    assert page.js("policyGraphView.state.sort") == "-budget"
    again = Page(browser, page.js("location.href"))
    try:
        again.drawn("table")
        assert again.js("document.querySelector('th[data-key=budget]').ariaSort") == "descending"
        budgets = again.js(
            "Array.from(document.querySelectorAll('#answers-table tbody tr')).slice(0, 3)"
            ".map(r => policyGraphView.data.policies.find(p => p.t === Number(r.dataset.policy)).won)"
        )
        assert budgets == sorted(budgets, reverse=True) and budgets[0] > 0
    finally:
        again.close()


def test_the_matrix_cell_reopens_from_the_url_with_its_policies(opener, real_views, browser):
    page = _open(opener, real_views[0], "matrix")
    page.page.mouse.click(*page.chart_point("matrix-chart", [0, 0]))
    title = page.js("document.querySelector('#details h3').textContent")
    cell = page.js("policyGraphView.state.cell")
    assert cell and "cell=" in page.js("location.hash")
    again = Page(browser, page.js("location.href"))
    try:
        again.drawn("matrix")
        assert again.js("policyGraphView.state.cell") == cell
        assert again.js("document.querySelector('#details h3').textContent") == title
    finally:
        again.close()


def test_the_networks_zoom_reopens_from_the_url(opener, real_views, browser):
    page = opener(real_views[0], "government-gwangju")
    box = page.js("document.getElementById('network').getBoundingClientRect().toJSON()")
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.mouse.wheel(0, -300)
    page.page.wait_for_function("policyGraphView.state.zoom !== null")
    zoom = page.js("policyGraphView.state.zoom")
    assert "zoom=" in page.js("location.hash")
    again = Page(browser, page.js("location.href"))
    try:
        assert again.js("policyGraphView.state.zoom") == zoom
        assert again.js("policyGraphView.network.getScale()") == pytest.approx(zoom[0], abs=0.001)
        at = again.js("policyGraphView.network.getViewPosition()")
        assert (round(at["x"]), round(at["y"])) == (zoom[1], zoom[2])
    finally:
        again.close()


def test_a_filter_keeps_the_policies_with_no_partner(opener, real_views):
    records = load_records(SHIPPED_DATA)
    alone = {str(PGID[f"policy/{p.government}-{p.id}"]) for p in records.policies if not p.partners}
    assert 0 < len(alone) < len(records.policies)
    page = _open(opener, real_views[0], "table", "&pt=none")
    shown = page.js(
        "policyGraphView.visiblePolicies().map(i =>"
        " policyGraphView.data.terms[policyGraphView.data.policies[i].t].id)"
    )
    assert set(shown) == alone


def test_the_maps_region_and_zoom_reopen_from_the_url(opener, real_views, browser):
    page = _open(opener, real_views[0], "map")
    page.page.mouse.click(*page.js("PolicyGraphMap.pixelOf('47')"))
    page.drawn("map", "47")
    box = page.js("document.getElementById('map-chart').getBoundingClientRect().toJSON()")
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.mouse.wheel(0, -400)
    page.page.wait_for_function("policyGraphView.state.mapzoom !== null")
    zoom = page.js("policyGraphView.state.mapzoom")
    assert zoom[0] > 1 and "region=47" in page.js("location.hash")
    again = Page(browser, page.js("location.href"))
    try:
        again.drawn("map", "47")
        series = again.js("PolicyGraphMap.chart().getOption().series[0]")
        assert [series["zoom"], *series["center"]] == zoom
    finally:
        again.close()
