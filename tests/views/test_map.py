"""The map of Korea, the first view of a corpus of many governments, in Chromium with
the network blocked: on the real corpus (data/: 16 governments with their codes) each
government's region is shaded by its policies under the filters, and a click reaches its
page; a generated corpus (no codes) opens on the rankings instead."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import pytest

from policy_graph import load_records
from policy_graph.records.iris import PGID
from policy_graph.views.regions import map_code
from tests.helpers import SHIPPED_DATA

NO_DATA = "#e2e8f0"  # a region without a recorded government


@pytest.fixture(scope="module")
def records():
    return load_records(SHIPPED_DATA)


def _on_map(records) -> dict[str, str]:
    return {g.id: map_code(g.code) for g in records.governments}


def _policies_per_region(records, level: int, keep=lambda policy: True) -> Counter:
    """Policies per region code of ``level`` digits, as the map shades them: a 시·도
    holds its own and its 시·군·구's; a 시·군·구 only its own."""
    where = _on_map(records)
    return Counter(
        where[p.government][:level]
        for p in records.policies
        if keep(p) and len(where[p.government]) >= level
    )


def _shaded(page) -> dict[str, int]:
    return {
        item["name"]: item.get("value") or 0
        for item in page.js("PolicyGraphMap.chart().getOption().series[0].data")
    }


def test_the_map_opens_first_and_shades_each_province_by_its_policies(opener, real_views, records):
    page = opener(real_views[0], "overview")
    page.drawn("map", "country")
    assert page.requests == [] and page.errors == []
    assert page.js("policyGraphView.state.tab") == "map"
    expected = _policies_per_region(records, 2)
    shown = _shaded(page)
    assert {code: n for code, n in shown.items() if n} == dict(expected)
    for code in expected:  # shaded, not grey; the most policies the darkest
        assert page.js(f"PolicyGraphMap.colourOf({code!r})") not in (None, NO_DATA)
    darkest = max(expected, key=expected.get)
    assert page.js(f"PolicyGraphMap.colourOf({darkest!r})") == "rgba(29,53,87,1)"
    assert page.js("PolicyGraphMap.colourOf('50')") is None  # 제주: no government recorded


def test_a_click_on_each_region_reaches_each_governments_page(opener, real_views, records):
    """Every government: its province clicked on the country's map (a 시·도 government is
    listed there), then, inside the province, its own region clicked (a 시·군·구)."""
    page = opener(real_views[0], "overview")
    page.drawn("map", "country")
    reached = {}
    where = _on_map(records)
    for sido in sorted({code[:2] for code in where.values()}):
        page.js("policyGraphView.setState({region: null})")
        page.drawn("map", "country")
        page.page.mouse.click(*page.js(f"PolicyGraphMap.pixelOf({sido!r})"))
        page.drawn("map", sido)
        reached.update(_listed_pages(page))
        for government, code in where.items():
            if len(code) == 5 and code.startswith(sido):
                page.page.mouse.click(*page.js(f"PolicyGraphMap.pixelOf({code!r})"))
                listed = _listed_pages(page)
                assert list(listed) == [government], code
                reached.update(listed)
                last = government
    assert reached == {g: f"government-{g}.html" for g in where}
    assert page.js("location.hash") == "#region=" + sorted({c[:2] for c in where.values()})[-1]
    # and the link opens the page
    page.page.click(f"#region-governments a[href='government-{last}.html']")
    page.page.wait_for_url(f"**/government-{last}.html")
    assert page.js("policyGraphView.data.page.name") == f"government-{last}"


def _listed_pages(page) -> dict[str, str]:
    """The governments the details panel lists, each with the href of its link."""
    return {
        item["iri"].rsplit("/", 1)[-1]: item["href"]
        for item in page.js(
            "Array.from(document.querySelectorAll('#region-governments li')).map(li => "
            "({iri: li.dataset.iri, href: li.querySelector('a').getAttribute('href')}))"
        )
    }


def test_filters_shade_the_map_again_and_a_province_shows_its_districts(
    opener, real_views, records
):
    chatbot = str(PGID["technology/chatbot"])
    uses_chatbot = lambda p: "chatbot" in p.technologies  # noqa: E731 (no narrower concept)
    page = opener(real_views[0], "overview", f"#tech={quote(chatbot, safe='')}&region=29")
    page.drawn("map", "29")
    inside = _policies_per_region(records, 5, uses_chatbot)
    assert {c: n for c, n in _shaded(page).items() if n} == {
        c: n for c, n in inside.items() if c.startswith("29")
    }
    own = sum(1 for p in records.policies if p.government == "gwangju" and uses_chatbot(p))
    assert page.js("document.getElementById('map-own').textContent") == (
        f"광주광역시 자체의 정책 {own}건은 지도 위 색에 들지 않고 여기에 셉니다."
    )
    chips = page.js(
        "Array.from(document.querySelectorAll('#active-filters .chip span')).map(s => s.textContent)"
    )
    assert chips == ["지역: 광주광역시", "기술: 챗봇"]
    page.page.click("#map-country")
    page.drawn("map", "country")
    assert "region" not in page.js("location.hash")


def test_a_generated_corpus_without_codes_opens_on_the_rankings(opener, generated):
    folder, _counts, _views = generated
    page = opener(folder, "overview")
    page.drawn("charts")
    assert page.errors == []
    assert page.js("policyGraphView.state.tab") == "charts"
    assert page.js("document.getElementById('tab-button-map').hidden") is True
    titles = page.js(
        "Array.from(document.querySelectorAll('#tab-charts h3')).map(h => h.textContent)"
    )
    assert titles == [
        "정책이 많은 지방정부",
        "많은 지방정부가 쓰는 기술",
        "기술별 정책 수",
        "정책 대상별 정책 수",
    ]


def test_the_network_of_many_opens_on_the_region_chosen(opener, real_views, records):
    """A region chosen on the map is what the network tab draws: its governments (those
    with policies) and the technologies they use, no other government."""
    page = opener(real_views[0], "overview")
    page.drawn("map", "country")
    page.page.mouse.click(*page.js("PolicyGraphMap.pixelOf('11')"))  # 서울특별시
    page.drawn("map", "11")
    page.page.click("#tab-button-network")
    page.page.wait_for_function("policyGraphView.settled && policyGraphView.network !== null")
    governments = {
        iri.rsplit("/", 1)[-1]
        for iri in page.visible()
        if page.js(f"policyGraphView.data.terms.find(t => t.id === {iri!r}).k") == "government"
    }
    assert governments == {"seoul-gwanak", "seoul-yangcheon"}
    assert page.js("location.hash") == "#tab=network&region=11"


def test_the_first_page_of_a_generated_corpus_draws_no_text_under_11_px(opener, generated):
    page = opener(generated[0], "overview")
    page.drawn("charts")
    drawn = page.js("window.__texts.filter(t => t.where.startsWith('chart-'))")
    assert len(drawn) > 50  # the bars' names and numbers
    assert [t["text"] for t in drawn if t["px"] < 10.99] == []
