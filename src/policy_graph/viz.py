"""networkx → pyvis → one self-contained HTML file per view.

Every view works opened from disk with no network: vis-network's script and style
are inlined from pyvis's own copy, nothing is linked from a CDN, and the panel,
legend, search and filters are page elements (vis-network 9 shows an HTML string
in a tooltip as raw text). A view of the same graph is the same bytes on every run:
nodes and edges are sorted and the layout has a fixed seed.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import networkx as nx

from .analysis import KIND_NAMES, NAME_KEYS, sizes

COLOURS = {
    "policy": "#4C78A8",
    "department": "#F58518",
    "technology": "#54A24B",
    "target-group": "#E45756",
    "partner": "#B279A2",
    "government": "#72B7B2",
    "organisation": "#9D755D",
    "domain": "#EECA3B",
    "programme": "#FF9DA6",
    "source": "#BAB0AC",
    "other": "#888888",
}
SHAPES = {
    "policy": "dot",
    "department": "square",
    "technology": "diamond",
    "target-group": "triangle",
    "partner": "star",
    "government": "hexagon",
    "organisation": "star",
    "domain": "triangleDown",
    "programme": "hexagon",
    "source": "square",
    "other": "dot",
}
TEXTS = {
    "ko": {
        "search": "이름으로 찾기",
        "find": "찾기",
        "physics_on": "배치 다시 움직이기",
        "physics_off": "배치 멈추기",
        "settling": "배치 계산 중…",
        "settled": "배치 완료 (움직임 멈춤)",
        "legend": "범례 (체크하여 보이기/숨기기)",
        "size": "크기",
        "hint": "노드를 누르거나 마우스를 올리면 자세한 내용이 보입니다.",
        "several": "‘{name}’에 맞는 것이 {count}개입니다. 하나를 고르세요:",
        "none": "‘{name}’에 맞는 이름이 없습니다.",
        "more": "… 그 밖에 {count}개: 이름을 더 입력하세요.",
        "fields": {
            "label_ko": "이름",
            "label_en": "영문 이름",
            "government": "지방정부",
            "description": "설명",
            "budget_krw": "예산 (원)",
            "planned_end": "완료 예정",
            "timeline": "일정",
            "quote": "출처 인용",
            "source": "출처",
            "source_date": "출처 날짜",
            "id": "IRI",
        },
    },
    "en": {
        "search": "Find by name",
        "find": "Find",
        "physics_on": "Move the layout again",
        "physics_off": "Stop the layout",
        "settling": "Laying out…",
        "settled": "Layout settled (motion stopped)",
        "legend": "Legend (tick to show or hide)",
        "size": "Size",
        "hint": "Click or hover over a node to see its details.",
        "several": "{count} match ‘{name}’. Pick one:",
        "none": "Nothing is called ‘{name}’.",
        "more": "… and {count} more: type more of the name.",
        "fields": {
            "label_ko": "Korean name",
            "label_en": "Name",
            "government": "Government",
            "description": "Description",
            "budget_krw": "Budget (KRW)",
            "planned_end": "Planned end",
            "timeline": "Timeline",
            "quote": "Source quote",
            "source": "Source",
            "source_date": "Source date",
            "id": "IRI",
        },
    },
}
MAX_VIEW_NODES = 5000  # past this, a view keeps the most connected nodes and says so


@dataclass
class View:
    """One view to write: a file name, a title and the network it draws."""

    name: str
    title: str
    network: nx.Graph
    note: str = ""
    weighted: bool = False
    extra: dict = field(default_factory=dict)


def limit(network: nx.Graph, max_nodes: int = MAX_VIEW_NODES) -> tuple[nx.Graph, int]:
    """At most ``max_nodes`` nodes, the most connected first; and how many were left out."""
    if len(network) <= max_nodes:
        return network, 0
    ranked = sorted(network.nodes, key=lambda n: (-network.degree(n), n))
    return network.subgraph(ranked[:max_nodes]).copy(), len(network) - max_nodes


def _node(node_id: str, data: dict, measure: float, top: float, lang: str) -> dict:
    kind = data["kind"]
    label = data.get("label") or node_id
    tooltip = " / ".join(
        dict.fromkeys(x for x in (data.get("label_ko"), data.get("label_en")) if x)
    )
    scaled = math.sqrt(measure / top) if top > 0 else 0.0
    return {
        **{k: v for k, v in data.items() if isinstance(v, str | int | float)},
        "id": node_id,
        "label": label,
        "title": tooltip or label,
        "shape": SHAPES.get(kind, "dot"),
        "color": COLOURS.get(kind, "#888888"),
        "size": round(10 + 30 * scaled, 2),
        "kindName": KIND_NAMES[kind][1 if lang == "ko" else 0],
    }


def _iterations(count: int) -> int:
    """Layout steps before the first picture: fewer on big graphs, which settle in seconds."""
    return 400 if count <= 1000 else 15


def _options(count: int) -> dict:
    return {
        "layout": {"randomSeed": 7, "improvedLayout": count <= 200},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based" if count <= 1000 else "barnesHut",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 90,
                "avoidOverlap": 0.2,
            },
            "stabilization": {
                "enabled": True,
                "iterations": _iterations(count),
                "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": count > 1000},
        "nodes": {
            "font": {"face": "NanumGothic, 'Noto Sans KR', 'Malgun Gothic', sans-serif", "size": 14}
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#A0AEC0", "highlight": "#2D3748"},
            "font": {"size": 10, "color": "#718096"},
        },
    }


def pyvis_network(view: View, lang: str):
    """A pyvis Network of ``view``, filled directly (pyvis's from_nx is quadratic),
    and the name of the measure that sizes its nodes."""
    from pyvis.network import Network

    measure, measure_name = sizes(view.network)
    top = max(measure.values(), default=0.0)
    net = Network(
        height="100%", width="100%", directed=view.network.is_directed(), cdn_resources="in_line"
    )
    net.nodes = [
        _node(n, data, measure.get(n, 0.0), top, lang)
        for n, data in sorted(view.network.nodes(data=True))
    ]
    net.node_ids = [node["id"] for node in net.nodes]
    net.node_map = {node["id"]: node for node in net.nodes}
    net.edges = [
        {
            "from": a,
            "to": b,
            "title": data.get("relation", ""),
            **({"value": data["weight"], "label": str(data["weight"])} if view.weighted else {}),
        }
        for a, b, data in sorted(view.network.edges(data=True))
    ]
    net.options = _options(len(net.nodes))
    return net, measure_name


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style from pyvis's own copy, to inline."""
    import pyvis

    folder = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (
        (folder / "vis-network.min.js").read_text(encoding="utf-8"),
        (folder / "vis-network.css").read_text(encoding="utf-8"),
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace(
        "</", "<\\/"
    )


def render(view: View, lang: str = "ko") -> str:
    """The HTML page of ``view``."""
    from jinja2 import Environment

    net, measure_name = pyvis_network(view, lang)
    present = sorted({node["kind"] for node in net.nodes}, key=list(COLOURS).index)
    legend = [
        {
            "kind": k,
            "name": KIND_NAMES[k][1 if lang == "ko" else 0],
            "colour": COLOURS[k],
            "shape": SHAPES[k],
        }
        for k in present
    ]
    script, style = _vis_assets()
    template = files("policy_graph").joinpath("view.html.j2").read_text(encoding="utf-8")
    environment = Environment(autoescape=True, keep_trailing_newline=True)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return environment.from_string(template).render(
        lang=lang,
        title=view.title,
        note=view.note,
        legend=legend,
        measure_name=measure_name,
        texts=TEXTS[lang],
        texts_json=_json(TEXTS[lang]),
        name_keys_json=_json(NAME_KEYS),
        nodes_json=_json(nodes),
        edges_json=_json(edges),
        options_json=_json(json.loads(options)),
        vis_script=script.replace("</script", "<\\/script"),
        vis_style=style,
    )


def index_page(views: list[View], stats, lang: str = "ko") -> str:
    """index.html: links to every view and the networkx analysis."""
    from jinja2 import Environment

    template = files("policy_graph").joinpath("index.html.j2").read_text(encoding="utf-8")
    kind_names = {k: names[1 if lang == "ko" else 0] for k, names in KIND_NAMES.items()}
    return (
        Environment(autoescape=True, keep_trailing_newline=True)
        .from_string(template)
        .render(lang=lang, views=views, stats=stats, kind_names=kind_names, escape=html.escape)
    )
