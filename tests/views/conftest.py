"""What the views' tests share: a page opened from disk in Chromium with the network
blocked (desktop, or a phone with touch), and a folder of views written once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

PHONE = {"width": 390, "height": 844, "touch": True}
CLICKS_AND_TEXTS = """
window.__clicks = [];
document.addEventListener("click", (e) => window.__clicks.push(e.target.id || e.target.tagName), true);
window.__texts = [];
(() => {
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const size = parseFloat((this.font.match(/([\\d.]+)px/) || [0, 0])[1]);
  const scale = Math.hypot(this.getTransform().a, this.getTransform().b) / window.devicePixelRatio;
  const where = this.canvas.isConnected ? (this.canvas.closest("[id]") || { id: "" }).id : "offscreen";
  window.__texts.push({ text: String(text), px: size * scale, where: where });
  return fillText.call(this, text, x, y, ...rest);
};
})();
"""


class Page:
    """A page opened from disk with every non-file request blocked and recorded."""

    def __init__(
        self, browser, url: str, width: int = 1440, height: int = 900, touch: bool = False
    ):
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        # Every click the page receives, by its target (see tap), and every text drawn on
        # a canvas with its size on the screen in px (see test_phone).
        self.context.add_init_script(CLICKS_AND_TEXTS)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
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

    def visible(self) -> set[str]:
        return set(self.js("policyGraphView.visibleNodeIds()"))

    def close(self) -> None:
        self.context.close()

    def tap(self, x: float, y: float) -> None:
        """A real tap (touch events) at (x, y), returning once the browser has sent the
        click that follows a tap: where it lands is what closed the drawers before."""
        before = self.js("window.__clicks.length")
        self.page.touchscreen.tap(x, y)
        self.page.wait_for_function(f"window.__clicks.length > {before}")

    def drawn(self, tab: str, value: str | None = None) -> None:
        """Wait until the tab is drawn (``value``: the map's region, or "country")."""
        selector = (
            f"#tab-{tab}[data-drawn]" if value is None else f"#tab-{tab}[data-drawn='{value}']"
        )
        self.page.wait_for_selector(selector, state="attached", timeout=30_000)
        self.page.evaluate(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def chart_point(self, chart: str, value: list) -> tuple[float, float]:
        """Where ``value`` (in the chart's own coordinates) is on the page, for a chart of
        the answers tabs (by its container's id) or the map ("map")."""
        return tuple(
            self.js(
                f"""(() => {{
                const chart = {chart!r} === "map" ? PolicyGraphMap.chart()
                    : PolicyGraphAnswers.charts()[{chart!r}];
                const [x, y] = chart.convertToPixel({{seriesIndex: 0}}, {value!r});
                const box = chart.getDom().getBoundingClientRect();
                return [box.left + x, box.top + y];
            }})()"""
            )
        )

    def details(self) -> str:
        return self.js("document.getElementById('details').innerText")

    def panel_open(self) -> bool:
        return self.js("document.getElementById('panel').classList.contains('open')")


@pytest.fixture
def opener(browser):
    pages = []

    def open_page(folder: Path, name: str, hash_: str = "", **size) -> Page:
        page = Page(browser, (folder / f"{name}.html").as_uri() + hash_, **size)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="session")
def real_views(tmp_path_factory):
    """Every view of the real corpus (data/: 16 governments, each with its code)."""
    from policy_graph import api
    from tests.helpers import SHIPPED_DATA

    out = tmp_path_factory.mktemp("real-views")
    views, _paths = api.make_views(
        SHIPPED_DATA, out / "graph.ttl", out_dir=out / "views", all_views=True
    )
    return out / "views", {view.name: view for view in views}


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A generated corpus (no codes: not on the map), built, with every view; and one
    government more that has no policy. Returns (folder of views, build's counts)."""
    from policy_graph import api
    from policy_graph.generate import generate

    out = tmp_path_factory.mktemp("generated")
    generate(out / "data", cities=24, policies_per_city=6)
    (out / "data" / "lonely.yaml").write_text(
        "governments:\n"
        "  - id: lonely\n"
        "    label: {ko: 외딴군, en: Oettan County}\n"
        "    kind: county\n",
        encoding="utf-8",
    )
    built = api.build(out / "data", out / "graph.ttl")
    views, _paths = api.make_views(
        out / "data", out / "graph.ttl", out_dir=out / "views", all_views=True
    )
    return out / "views", built.counts, {view.name: view for view in views}
