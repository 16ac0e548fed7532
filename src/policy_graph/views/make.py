"""Making the views: the graph read once into a catalogue (:mod:`.catalogue`), the
views that it and the saved queries give (:mod:`.pages`), written as HTML pages with
their shared assets (:mod:`.html`) into one folder, all at once."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph

from ..errors import UsageError
from ..graph.engines import OxigraphView
from ..graph.loading import load_graph
from ..graph.pipeline import DEFAULT_ENGINE
from ..outputs import write_atomic, write_folder
from ..query.asking import answer
from ..query.saved import list_queries, resolve_query

DEFAULT_VIEWS_DIR = Path("build/views")


def catalogue_of(graph: Graph):
    """The catalogue of ``graph`` that views and the analysis read (see :mod:`.catalogue`),
    read once per graph and kept on it (for an rdflib Graph, while its size stays the
    same). The view functions below take a graph or its catalogue."""
    from .catalogue import Catalogue, read_catalogue

    if isinstance(graph, Catalogue):
        return graph
    # An rdflib Graph counts its triples at once; Oxigraph's view counts them one by one
    # (0.4 s at 100,000), and a store loaded from a graph file is not changed meanwhile.
    size = None if isinstance(graph, OxigraphView) else len(graph)
    kept = getattr(graph, "_policy_graph_catalogue", None)
    if kept is None or kept[0] != size:
        kept = (size, read_catalogue(graph))
        graph._policy_graph_catalogue = kept
    return kept[1]


def overview_view(graph: Graph):
    """The whole graph: for one government, its policies with their departments,
    technologies, target groups, partners and government; for several, governments ×
    technologies (line width = policies), with a page per government beside it."""
    from .pages import overview

    return overview(catalogue_of(graph))


def government_views(graph: Graph) -> list:
    """A page per government, where the graph holds several."""
    from .pages import government_views as views

    return list(views(catalogue_of(graph)))


def focus_view(graph: Graph, key: str, depth: int = 2, max_nodes: int = 2000):
    """The neighbourhood of one resource (by IRI, id or label), ``depth`` steps out,
    never walking on from a hub (a government, programme, source, vocabulary root)."""
    from .pages import focus_view as view

    return view(catalogue_of(graph), key, depth, max_nodes)


def department_technology_view(graph: Graph):
    """Departments × technologies; line width = policies. A policy without a lead
    department counts under its government (and the page says so)."""
    from .pages import department_technology

    return department_technology(catalogue_of(graph))


def query_view(graph: Graph, query: str | None = None, text: str | None = None, params=None):
    """A CONSTRUCT or DESCRIBE query's answer, drawn as a view; an empty answer's page
    names the parameters to change."""
    query_text, saved = resolve_query(query, text)
    name = Path(query).stem if query else "query"
    return _query_view(graph, query_text, saved, name, params)


def _query_view(graph: Graph, query_text: str, saved, name: str, params=None):
    """:func:`query_view` of a query already found (its text, and its SavedQuery)."""
    from .analysis import to_networkx
    from .pages import query_view as view
    from .pages import texts

    result = answer(query_text, saved, params, None, graph)
    if result.type not in ("CONSTRUCT", "DESCRIBE"):
        raise UsageError(
            f"a view needs a CONSTRUCT or DESCRIBE query; this is a {result.type} query"
        )
    empty = _empty_answer(saved, name, params)
    made = view(catalogue_of(graph), to_networkx(result.graph, any_property=True), name, empty)
    if not len(made.network):  # the views that can answer it another way
        made.data["page"]["links"] += [
            {"href": "overview.html", "title": texts("전체 보기", "The overview")},
            {
                "href": "department-technology.html",
                "title": texts("부서 × 기술", "Departments × technologies"),
            },
        ]
    return made


def _empty_answer(saved, name: str, params) -> dict:
    """What an empty answer's page says: in plain words that nothing answers the question
    as asked, where the views answer it another way, and last, for whoever runs the
    command, which parameters to change."""
    from .pages import texts

    parameters = [p.name for p in saved.parameters if p.name != "lang"] if saved else []
    asked = ", ".join(f"{key}={value}" for key, value in sorted((params or {}).items()))
    wanted = " ".join(f"--param {p}=…" for p in parameters)
    command = f"policy-graph viz --query {name} {wanted}".strip()
    return texts(
        f"이 질문에 맞는 것이 그래프에 없습니다 ({asked or '기본값으로 물음'}). "
        "전체 보기나 부서 × 기술 보기에서 이름을 찾아 누르고 '여기에 초점'을 고르면 그 주변이 "
        f"보입니다. 명령으로 다시 물으려면: {command}",
        f"Nothing in the graph answers this question as asked ({asked or 'with its defaults'}). "
        "On the overview or the departments × technologies view, find the name, click it and "
        f"choose 'Focus here' to see what is around it. To ask again by command: {command}",
    )


def write_views(
    views, out_dir: Path | str = DEFAULT_VIEWS_DIR, lang: str = "ko", stats=None
) -> dict[str, Path]:
    """Write each view (and index.html when ``stats`` is given: a Statistics, or one
    per language, {lang: Statistics}) as UTF-8 into ``out_dir``
    (``views``: any iterable; each is released once rendered: see pages.View.release)
    with the scripts they share in ``assets/``, all at once: the folder is made anew
    beside the old one, keeping the old one's other files, and swapped in whole (see
    :func:`policy_graph.outputs.write_folder`), so that a reader never sees a new page beside an
    old index.html. Raises FileError when it cannot."""
    from .html import assets, index_page, render

    out_dir = Path(out_dir)
    pages, written = {}, []
    for view in views:  # each page rendered and its data let go before the next is made
        pages[f"{view.name}.html"] = render(view, lang).encode("utf-8")
        view.release()
        written.append(view)
    if stats is not None:
        pages["index.html"] = index_page(written, stats, lang).encode("utf-8")
    write_folder(out_dir, {**pages, **assets()})
    return {name: out_dir / name for name in pages}


def make_views(
    data_dir=None,
    graph_file=None,
    engine: str = DEFAULT_ENGINE,
    out_dir: Path | str = DEFAULT_VIEWS_DIR,
    lang: str = "ko",
    *,
    all_views: bool = False,
    focus: tuple[str, int, int] | None = None,
    dept_tech: bool = False,
    query: tuple[str, dict] | None = None,
    store_dir: Path | str | None = None,
) -> tuple[list, dict[str, Path]]:
    """What `policy-graph viz` does: load the graph once, read its catalogue, run the
    queries that views need, let the store go, then make and write the views one by
    one (every view and index.html with ``all_views``; else the ones asked, or the
    overview). Returns the views written (released: see pages.View) and their paths."""
    graph = load_graph(data_dir, graph_file, engine, store_dir)
    catalogue = catalogue_of(graph)
    from_queries = []
    if query:
        from_queries.append(query_view(graph, query[0], params=query[1]))
    if all_views:
        from_queries += saved_query_views(graph)
    # Everything else is made from the catalogue: at national size the store is most
    # of the memory this run would hold.
    del graph
    # index.html in both languages (``lang`` first): the analysis is worked out once.
    languages = sorted(("ko", "en"), key=lambda language: language != lang)
    stats = {x: catalogue_statistics(catalogue, x) for x in languages} if all_views else None
    made: Iterable = []
    if all_views:
        made = catalogue_views(catalogue)
    elif dept_tech:
        made = [department_technology_view(catalogue)]
    if focus:
        made = [*made, focus_view(catalogue, *focus)]
    if not (made or from_queries):
        made = [overview_view(catalogue)]
    written: list = []

    def kept(views):
        for view in views:
            written.append(view)
            yield view

    paths = write_views(kept(itertools.chain(made, from_queries)), out_dir, lang, stats)
    return written, paths


def all_views(graph: Graph) -> list:
    """Every standard view: the overview, a page per government (where several),
    departments × technologies, and each saved CONSTRUCT query."""
    return [*catalogue_views(catalogue_of(graph)), *saved_query_views(graph)]


def catalogue_views(catalogue) -> Iterator:
    """The views made from the catalogue alone (no query runs), one by one: the
    overview, a page per government, departments × technologies."""
    from . import pages

    yield pages.overview(catalogue)
    yield from pages.government_views(catalogue)
    yield pages.department_technology(catalogue)


def saved_query_views(graph: Graph) -> list:
    """A view of each saved CONSTRUCT (or DESCRIBE) query's answer."""
    from ..query.canonical import form_of

    return [  # each read once, by list_queries
        _query_view(graph, saved.text, saved, saved.name)
        for saved in list_queries()
        if form_of(saved.text) in ("CONSTRUCT", "DESCRIBE")
    ]


def graph_statistics(graph: Graph, lang: str = "ko"):
    """Counts per kind, sources, technologies by departments, departments by those
    they share technologies with, communities (networkx)."""
    return catalogue_statistics(catalogue_of(graph), lang)


def catalogue_statistics(catalogue, lang: str = "ko"):
    """:func:`graph_statistics` of a catalogue already read."""
    from .analysis import statistics

    return statistics(catalogue, lang)


def export_network(graph: Graph, fmt: str, out: Path | str, lang: str = "ko") -> Path:
    """The overview network as GraphML or GEXF for Gephi and Cytoscape."""
    from .analysis import export, to_networkx

    out = Path(out)
    write_atomic(out, export(to_networkx(graph, lang), fmt))
    return out
