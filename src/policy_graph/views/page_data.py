"""The data that a page carries for its filters, panels, matrix, charts and table
(``docs/page-data.md`` describes it; ``static/view.js`` reads it): the policies it
covers with their facets, so that the browser filters, focuses and counts without a
server, and the network or aggregate it draws."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from ..records.iris import PGID
from .analysis import KIND_NAMES
from .catalogue import RELATIONS, UPWARD, Catalogue, Policy, is_hub
from .regions import map_code, sido_names

BASE = str(PGID)  # IRIs under it are carried without it
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
DRAWN_ROWS = 30  # governments (or departments) an aggregated page draws at a time


def texts(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


def government_page_name(government: str) -> str:
    return f"government-{government.rstrip('/').rsplit('/', 1)[-1]}"


class PageData:
    """The JSON that a page carries: docs/page-data.md describes it."""

    def __init__(
        self,
        catalogue: Catalogue,
        name: str,
        title: dict,
        note: dict | None = None,
        empty: dict | None = None,
        counted: set[str] | None | str = "nodes",
    ):
        """``counted``: what the page's counts are of (docs/page-data.md, "Counts"): the
        whole graph (None), some governments (their IRIs), or "nodes": what it draws and
        its policies' neighbours (a focus, a query's answer)."""
        self.catalogue = catalogue
        self.counted = counted
        self.page = {
            "name": name,
            "title": title,
            "note": note or texts("", ""),
            "empty": empty or texts("", ""),
            "focus": None,
            "tab": "network",
            "links": [{"href": "index.html", "title": texts("모든 보기", "All views")}],
        }
        self.terms: dict[str, int] = {}
        self.extra_labels: dict[str, dict] = {}
        self.compact = False  # policies without description, quote and timeline
        self.pages: dict[str, str] = {}  # government → the page that draws its policies

    def network(self, network: nx.DiGraph, policies: list[Policy], focus: dict | None = None):
        undirected = network.to_undirected(as_view=True) if network.is_directed() else network
        top = max((d for _n, d in undirected.degree()), default=0)
        for node, data in network.nodes(data=True):
            if node not in self.catalogue.kinds:
                self.extra_labels[node] = data
        self._add_terms(network, policies)
        self.page["mode"] = "network"
        graph = {
            "nodes": [
                {"t": self.terms[n], "size": _size(undirected.degree(n), top)}
                for n in sorted(network)
            ],
            "edges": [
                [self.terms[a], self.terms[b], _relation_key(data)]
                for a, b, data in sorted(network.edges(data=True))
            ],
            "sizeMeaning": texts(
                "크기: 이어진 노드가 많을수록 큽니다", "Size: the more links, the larger"
            ),
            "lineMeaning": texts(
                "선: 정책과 그 부서·기술·대상·협력 기관·지방정부, 그리고 상위 개념·소속",
                "Lines: a policy to its department, technologies, target groups, partners "
                "and government; a concept to its broader one; a unit to what it belongs to",
            ),
        }
        if focus:
            self.page["focus"] = {"node": self.terms[focus["node"]], "depth": focus["depth"]}
        return self._data(graph, policies, network)

    def aggregate(self, network, policies, rows, columns, rows_by: str):
        """An aggregated page carries every policy, so it carries them short: a
        policy's description, quote and timeline are on the page that draws it
        (``pages``: a government's page, or the overview of a graph of one)."""
        self.compact = True
        catalogue = self.catalogue
        for government in sorted({p.government for p in policies if p.government}):
            self.pages[government] = (  # a government without policies has no page
                f"{government_page_name(government)}.html"
                if catalogue.several_governments
                else "overview.html"
            )
        self._add_terms(network, policies)
        self.page["mode"] = "aggregate"
        # Many governments open on the map (where some are on it), else on the rankings;
        # departments × technologies on its heatmap.
        on_map = any(map_code(catalogue.codes.get(g)) for g in catalogue.governments)
        self.page["tab"] = "matrix" if rows_by == "department" else "map" if on_map else "charts"
        if on_map:
            self.page["regions"] = sido_names()
        graph = {
            "rowsBy": rows_by,
            "rows": [self.terms[r] for r in rows],
            "drawRows": DRAWN_ROWS,
            "columns": [self.terms[c] for c in columns],
            "sizeMeaning": texts(
                "크기: 정책이 많을수록 큽니다", "Size: the more policies, the larger"
            ),
            "lineMeaning": texts(
                "선 굵기: 그 기술(또는 그 하위 기술)을 쓰는 정책 수",
                "Line width: policies using the technology (or a narrower one)",
            )
            if rows_by == "government"
            else texts(
                "선 굵기: 그 기술(또는 그 하위 기술)을 쓰는 정책 수 "
                "(부서를 밝히지 않은 정책은 지방정부 아래)",
                "Line width: policies using the technology (or a narrower one); a policy "
                "that names no department counts under its government",
            ),
        }
        return self._data(graph, policies, network)

    # The terms: every node, and everything the policies' facets name.
    def _add_terms(self, network, policies: list[Policy]) -> None:
        catalogue = self.catalogue
        wanted = set(network)
        for policy in policies:
            wanted.add(policy.iri)
            for iri in (policy.government, policy.department):
                if iri:
                    wanted.add(iri)
            for listed in (
                policy.technologies,
                policy.target_groups,
                policy.partners,
                policy.domains,
                policy.programmes,
                policy.sources,
            ):
                wanted.update(listed)
        for concept in [w for w in wanted if w in catalogue.broader]:
            wanted.update(catalogue.ancestors(concept))
        for iri in list(wanted):
            government = catalogue.unit_government.get(iri)
            if government:
                wanted.add(government)
        if self.counted is None:  # a page of the whole graph lists every government
            wanted.update(catalogue.governments)
        for index, iri in enumerate(sorted(wanted)):
            self.terms[iri] = index

    def _term(self, iri: str) -> dict:
        catalogue = self.catalogue
        kind = catalogue.kinds.get(iri) or self.extra_labels.get(iri, {}).get("kind", "other")
        if iri in catalogue.kinds:
            names = {lang: catalogue.label(iri, lang) for lang in ("ko", "en")}
            shown = {lang: catalogue.display_label(iri, lang) for lang in ("ko", "en")}
        else:
            extra = self.extra_labels.get(iri, {})
            own = extra.get("label_ko") or extra.get("label") or iri.rsplit("/", 1)[-1]
            names = {"ko": own, "en": extra.get("label_en") or own}
            shown = names
        government = catalogue.unit_government.get(iri)
        policy = catalogue.policies.get(iri)
        if policy is not None:
            government = policy.government
        # IRIs under our base are carried without it (a national page has tens of
        # thousands of terms); the page script puts it back ("base").
        short = iri[len(BASE) :] if iri.startswith(BASE) else iri
        term = {"id": short, "k": kind, "ko": shown["ko"], "en": shown["en"]}
        if government in self.terms:
            term["g"] = self.terms[government]
        # Own names only where they differ (a unit's, without its government): a
        # national page has tens of thousands of terms.
        for key, lang in (("nko", "ko"), ("nen", "en")):
            if names[lang] != shown[lang]:
                term[key] = names[lang]
        return term

    def _data(self, graph: dict, policies: list[Policy], network) -> dict:
        catalogue = self.catalogue
        ordered = sorted(self.terms, key=self.terms.get)
        kinds_present = {catalogue.kinds.get(i) or self._term(i)["k"] for i in network}
        kinds_present.update(catalogue.kinds.get(p.iri, "policy") for p in policies)
        if self.counted == "nodes":
            counts = _counts(catalogue, network, policies)
            governments = sorted(
                {p.government for p in policies if p.government}
                | {n for n in network if catalogue.kinds.get(n) == "government"}
            )
        else:
            counts = catalogue.count(self.counted)
            governments = sorted(self.counted or catalogue.governments)
        kinds_present.update(k for k in counts if k in KIND_NAMES)
        sources = sorted({s for p in policies for s in p.sources})
        return {
            "page": self.page,
            "base": BASE,
            "several": catalogue.several_governments,
            "covers": {
                "governments": [self.terms[g] for g in governments if g in self.terms],
                "sources": [self.terms[s] for s in sources],
                "counts": counts,
            },
            "kinds": [
                {
                    "kind": kind,
                    "name": texts(KIND_NAMES[kind][1], KIND_NAMES[kind][0]),
                    "colour": COLOURS[kind],
                    "shape": SHAPES[kind],
                }
                for kind in KIND_NAMES
                if kind in kinds_present
            ],
            "relations": {
                **{key: texts(ko, en) for key, (_prop, en, ko) in RELATIONS.items()},
                **{  # a CONSTRUCT's own properties, by their prefixed names
                    _relation_key(data): texts(_relation_key(data), _relation_key(data))
                    for _a, _b, data in network.edges(data=True)
                    if _relation_key(data) not in RELATIONS
                },
            },
            "upward": list(UPWARD),
            "terms": [self._term(iri) for iri in ordered],
            "sources": {str(self.terms[s]): self._source(s) for s in sources},
            "broader": sorted(
                [self.terms[c], self.terms[b]]
                for c in ordered
                for b in catalogue.broader.get(c, [])
                if b in self.terms
            ),
            "hubs": sorted(index for iri, index in self.terms.items() if is_hub(catalogue, iri)),
            "policies": [self._policy(p) for p in sorted(policies, key=lambda p: p.iri)],
            "pages": {
                str(self.terms[g]): href for g, href in self.pages.items() if g in self.terms
            },
            "governments": self._governments(),
            "graph": graph,
        }

    def _governments(self) -> dict[str, dict]:
        """Facts of the page's governments: code (as its records give it) and where it
        is on the map ("map": the boundaries' code, or null), the names of its kind,
        and the government it is part of ("in")."""
        catalogue, found = self.catalogue, {}
        for iri, index in self.terms.items():
            if catalogue.kinds.get(iri) != "government" and iri not in catalogue.codes:
                continue
            facts = {}
            if iri in catalogue.codes:
                facts["code"] = catalogue.codes[iri]
                facts["map"] = map_code(catalogue.codes[iri])
            if iri in catalogue.government_kinds:
                facts["kind"] = catalogue.government_kinds[iri]
            if catalogue.parents.get(iri) in self.terms:
                facts["in"] = self.terms[catalogue.parents[iri]]
            found[str(index)] = facts
        return found

    def _source(self, iri: str) -> dict:
        catalogue = self.catalogue
        titles = catalogue.source_titles.get(iri, {})
        publisher = catalogue.publishers.get(iri)
        return {
            "title": {
                lang: titles.get(lang) or titles.get("ko") or catalogue.label(iri, lang)
                for lang in ("ko", "en")
            },
            "date": catalogue.source_dates.get(iri),
            "publisher": {lang: catalogue.label(publisher, lang) for lang in ("ko", "en")}
            if publisher
            else None,
        }

    def _policy(self, policy: Policy) -> dict:
        """A policy's entry: only what it has (a national page carries tens of
        thousands; the page script fills in the rest: null, or [] for a list)."""
        terms = self.terms
        entry = {"t": terms[policy.iri]}
        for key, iri in (("g", policy.government), ("d", policy.department)):
            if iri in terms:
                entry[key] = terms[iri]
        for key, listed in (
            ("tech", policy.technologies),
            ("tg", policy.target_groups),
            ("pt", policy.partners),
            ("dom", policy.domains),
            ("prog", policy.programmes),
            ("src", policy.sources),
        ):
            if listed:
                entry[key] = [terms[i] for i in listed]
        facts = _facts(self.catalogue, policy)
        entry.update(facts["short"])
        if not self.compact:
            entry.update(facts["long"])
        return entry


def _facts(catalogue: Catalogue, policy: Policy) -> dict:
    """A policy's facts that do not depend on the page, worked out once per run: the
    short ones that every page carries, the long ones only where it is drawn."""
    kept = catalogue.cache.get(("facts", policy.iri))
    if kept is not None:
        return kept
    budget = policy.budget
    short = {
        "year": catalogue.year(policy),
        "end": policy.planned_end,
        "budget": catalogue.budget_words(policy),
        "won": None
        if budget is None
        else int(budget)
        if budget == budget.to_integral_value()
        else float(budget),
    }
    description = catalogue.descriptions.get(policy.iri)
    long = {
        "timeline": policy.timeline,
        "desc": {lang: description.get(lang) or description.get("ko") for lang in ("ko", "en")}
        if description
        else None,
        "quote": " / ".join(policy.quotes) or None,
    }
    kept = {
        "short": {k: v for k, v in short.items() if v is not None},
        "long": {k: v for k, v in long.items() if v is not None},
    }
    catalogue.cache[("facts", policy.iri)] = kept
    return kept


def term_iri(data: dict, term: dict) -> str:
    """The IRI of one of a page's ``terms`` (carried without the page's base)."""
    return term["id"] if ":" in term["id"] else data["base"] + term["id"]


def _relation_key(edge: dict) -> str:
    """An edge's relation as pages name it: its key ("leadDepartment"), or for a
    property we do not know (a CONSTRUCT's), its prefixed name."""
    return edge.get("relation_key") or edge.get("relation", "")


def _size(degree: int, top: int) -> float:
    return round(10 + 30 * math.sqrt(degree / top), 2) if top else 10.0


def _counts(catalogue: Catalogue, network, policies: list[Policy]) -> dict[str, int]:
    """Per kind, how many the page covers: its nodes, and its policies' neighbours."""
    covered = set(network) | {p.iri for p in policies}
    for policy in policies:
        covered.update(filter(None, (policy.government, policy.department)))
        covered.update(policy.technologies, policy.target_groups, policy.partners)
    counts = Counter(catalogue.kinds.get(i, "other") for i in covered)
    return {kind: counts[kind] for kind in KIND_NAMES if counts.get(kind)}
