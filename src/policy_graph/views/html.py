"""Views → HTML pages, and the scripts they share.

A folder of views holds one page per view and ``assets/``: vis-network (pyvis's own
copy: pyvis is the network engine), Apache ECharts (vendored from npm, for the
matrix and charts) and our page script. Pages load them by relative paths, so every
page opens from disk with no network, and a national folder of a thousand pages
holds one copy of each. A page of the same graph is the same bytes on every run.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .regions import boundaries_script

ASSETS = "assets"
OWN_ASSETS = (
    "view.js",
    "texts.js",
    "view.css",
    "answers.js",
    "map.js",
    "exports.js",
    "index.js",
)


def assets() -> dict[str, bytes]:
    """The files every page loads, by their names under the views folder."""
    import pyvis

    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    static = files("policy_graph.views").joinpath("static")
    found = {
        f"{ASSETS}/vis-network.min.js": (vis / "vis-network.min.js").read_bytes(),
        f"{ASSETS}/vis-network.css": (vis / "vis-network.css").read_bytes(),
        f"{ASSETS}/echarts.min.js": static.joinpath("echarts", "echarts.min.js").read_bytes(),
        # Apache-2.0: its licence and notice travel with every copy.
        f"{ASSETS}/echarts.LICENSE.txt": static.joinpath("echarts", "LICENSE").read_bytes(),
        f"{ASSETS}/echarts.NOTICE.txt": static.joinpath("echarts", "NOTICE").read_bytes(),
        f"{ASSETS}/echarts.LICENSE-d3.txt": static.joinpath("echarts", "LICENSE-d3").read_bytes(),
    }
    for name in OWN_ASSETS:
        found[f"{ASSETS}/{name}"] = static.joinpath(name).read_bytes()
    found[f"{ASSETS}/korea-regions.js"] = boundaries_script()
    found[f"{ASSETS}/korea-regions.SOURCE.md"] = static.joinpath("korea", "SOURCE.md").read_bytes()
    return found


def _json(value) -> str:
    """JSON to put inside a <script> element: no '<' at all, so that no text of the
    data can close the element or open a comment there."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c")


@lru_cache(maxsize=2)
def _template(name: str):
    from jinja2 import Environment

    text = files("policy_graph.views").joinpath(name).read_text(encoding="utf-8")
    return Environment(autoescape=True, keep_trailing_newline=True).from_string(text)


def render(view, lang: str = "ko") -> str:
    """The HTML page of ``view`` (a :class:`.pages.View`), in ``lang`` until the viewer switches."""
    data = {"lang": lang, **view.data}
    # A page loads what its first tab draws with it: vis-network for the network (the
    # others read it when their network tab is first shown); ECharts, and the map's
    # boundaries, asked for early (async) for the map and charts.
    tab = view.data.get("page", {}).get("tab", "network")
    early = {"map": ["echarts.min.js", "korea-regions.js"], "network": []}.get(
        tab, ["echarts.min.js"]
    )
    return _template("view.html.j2").render(
        lang=lang,
        title=view.title[lang],
        page_data_json=_json(data),
        network_first=tab == "network",
        early_scripts=early,
    )


def index_page(views, stats, lang: str = "ko") -> str:
    """index.html: what the graph covers, links to every view, and the analysis, in
    each language of ``stats`` (one Statistics, or {lang: Statistics}), ``lang`` shown
    first and the others a switch away (``#lang=en``)."""
    from .analysis import KIND_NAMES
    from .page_data import government_page_name

    by_lang = stats if isinstance(stats, dict) else {lang: stats}
    governments = [view for view in views if view.name.startswith("government-")]
    pages = {view.name for view in governments}
    # Every government the index counts, with its page where it has one (a government
    # without policies has none, and is listed with 0).
    languages = [
        (
            language,
            found,
            [
                (name, page if page in pages else None, count, units)
                for iri, name, count, units in found.government_policies
                for page in [government_page_name(iri)]
            ],
        )
        for language, found in sorted(by_lang.items(), key=lambda item: item[0] != lang)
    ]
    kind_names = {
        language: {k: names[1 if language == "ko" else 0] for k, names in KIND_NAMES.items()}
        for language in ("ko", "en")
    }
    return _template("index.html.j2").render(
        lang=lang,
        default_lang=lang,
        languages=languages,
        main_views=[view for view in views if view not in governments],
        government_views=governments,
        kind_names=kind_names,
    )
