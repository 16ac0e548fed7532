"""The views on a phone (390×844, touch) in Chromium with the network blocked: a real tap
on a node, a matrix cell, a bar or a region opens its details and keeps them open (the
click the browser sends after a tap lands on the drawer's grey scrim, and must not close
it); every action is reachable; the active filters show; no text under 11 px is drawn."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from policy_graph.records.iris import PGID
from tests.views.conftest import PHONE

GWANGJU = str(PGID["org/gwangju"])
AI = str(PGID["technology/ai"])


def _kept_open(page, heading: str) -> None:
    """The details drawer is open after the tap and its follow-up click, and says
    ``heading``; the click landed on the scrim (what closed it before)."""
    assert page.js("window.__clicks[window.__clicks.length - 1]") == "scrim"
    assert page.panel_open()
    assert page.js("document.querySelector('#details h3').textContent") == heading
    assert page.js("document.getElementById('scrim').hidden") is False


def test_a_tap_on_a_node_opens_its_details_and_keeps_them(opener, real_views):
    page = opener(real_views[0], "government-gwangju", "#tab=network", **PHONE)
    x, y = page.js(
        f"""(() => {{
        const network = policyGraphView.network;
        const at = network.canvasToDOM(network.getPositions([{GWANGJU!r}])[{GWANGJU!r}]);
        const box = document.getElementById('network').getBoundingClientRect();
        return [box.left + at.x, box.top + at.y];
    }})()"""
    )
    page.tap(x, y)
    _kept_open(page, "광주광역시")
    assert page.js("policyGraphView.state.selected") == GWANGJU


def test_a_tap_on_a_region_opens_its_governments_and_keeps_them(opener, real_views):
    page = opener(real_views[0], "overview", **PHONE)
    page.drawn("map", "country")
    page.tap(*page.js("PolicyGraphMap.pixelOf('47')"))
    page.drawn("map", "47")
    _kept_open(page, "경상북도")
    assert page.js(
        "Array.from(document.querySelectorAll('#region-governments a')).map(a => a.textContent)"
    ) == ["경상북도", "경상북도 고령군"]


def test_a_tap_on_a_matrix_cell_lists_its_policies_and_keeps_them(opener, real_views):
    page = opener(real_views[0], "overview", "#tab=matrix", **PHONE)
    page.drawn("matrix")
    row, column = page.js(
        "(() => { const o = PolicyGraphAnswers.charts()['matrix-chart'].getOption();"
        " return [o.yAxis[0].data[0], o.xAxis[0].data[0]]; })()"
    )
    page.tap(*page.chart_point("matrix-chart", [0, 0]))
    _kept_open(page, f"{row} × {column}")
    assert page.js("policyGraphView.state.cell") is not None


def test_a_tap_on_a_bar_lists_its_policies_and_keeps_them(opener, real_views):
    page = opener(real_views[0], "overview", "#tab=charts", **PHONE)
    page.drawn("charts")
    first, count = page.js(
        "(() => { const o = PolicyGraphAnswers.charts()['chart-government'].getOption();"
        " return [o.yAxis[0].data[0], o.series[0].data[0]]; })()"
    )
    page.tap(*page.chart_point("chart-government", [count / 2, 0]))
    _kept_open(page, first)
    items = page.js("document.querySelectorAll('#details > ul > li').length")
    assert items == count


def test_every_action_is_on_the_screen_once_the_menu_opens(opener, real_views):
    page = opener(real_views[0], "overview", **PHONE)
    actions = ["fit", "layout", "export-png", "export-svg", "share", "lang-switch"]
    assert page.js("getComputedStyle(document.getElementById('actions')).display") == "none"
    toggle = page.js("document.getElementById('toggle-actions').getBoundingClientRect().toJSON()")
    page.tap(toggle["x"] + toggle["width"] / 2, toggle["y"] + toggle["height"] / 2)
    for action in actions:
        box = page.js(f"document.getElementById({action!r}).getBoundingClientRect().toJSON()")
        assert box["width"] > 0 and 0 <= box["x"] and box["x"] + box["width"] <= 390, action
        assert 0 <= box["y"] and box["y"] + box["height"] <= 844, action
    box = page.js("document.getElementById('lang-switch').getBoundingClientRect().toJSON()")
    page.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.js("policyGraphView.state.lang") == "en"
    assert page.js("document.getElementById('tab-button-map').textContent") == "Map"


def test_the_filter_button_counts_the_active_filters_and_chips_name_them(opener, real_views):
    page = opener(real_views[0], "overview", f"#tech={quote(AI, safe='')}&pt=none", **PHONE)
    assert page.js("document.getElementById('toggle-filters').textContent") == "필터 (2)"
    chips = page.js(
        "Array.from(document.querySelectorAll('#active-filters .chip span')).map(s => s.textContent)"
    )
    assert chips == ["기술: AI", "협력 기관: 협력 기관 없음"]
    remove = page.js(
        "document.querySelector('#active-filters .chip-remove').getBoundingClientRect().toJSON()"
    )
    page.tap(remove["x"] + remove["width"] / 2, remove["y"] + remove["height"] / 2)
    assert page.js("document.getElementById('toggle-filters').textContent") == "필터 (1)"
    assert page.js("policyGraphView.state.filters.tech") == []


@pytest.mark.parametrize(
    ("name", "hash_", "tab"),
    [
        ("government-gwangju", "#tab=network", "network"),
        ("department-technology", "#tab=network", "network"),
        ("overview", "", "map"),
        ("overview", "#tab=matrix", "matrix"),
    ],
)
def test_no_text_under_11_px_is_drawn(opener, real_views, name, hash_, tab):
    page = opener(real_views[0], name, hash_, **PHONE)
    if tab != "network":
        page.drawn(tab, "country" if tab == "map" else None)
    drawn = page.js(f"window.__texts.filter(t => t.where === {tab!r} || t.where === 'tab-{tab}')")
    small = [(t["text"], round(t["px"], 1)) for t in drawn if t["px"] < 10.99]
    assert small == []
    if tab == "network":  # zoomed in, the labels that were too small are drawn
        before = len(drawn)
        page.js(  # 14 px labels, around a drawn node
            "(() => { const n = policyGraphView.network; const id = policyGraphView.visibleNodeIds()[0];"
            " n.moveTo({scale: 1, position: n.getPositions([id])[id]}); })()"
        )
        page.js("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        zoomed = page.js("window.__texts.filter(t => t.where === 'network')")
        assert len(zoomed) > before and min(t["px"] for t in zoomed) >= 10.99
