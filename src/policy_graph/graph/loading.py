"""The built graph for a command that reads it (query, serve, publish, viz, stats,
export): read from its graph file when that is the graph of the records as they are,
else built (and kept where :func:`.files.choose` says) — in either engine's store."""

from __future__ import annotations

import warnings
from pathlib import Path

from rdflib import Graph

from ..errors import FileError, GraphNote
from ..outputs import RDF_FORMATS, finish_interrupted
from ..records.folder import default_data_dir
from ..records.values import excerpt
from . import files
from .engines import get_engine
from .kept_store import KeptStore, check_store_dir, folder_for
from .pipeline import DEFAULT_ENGINE, BuildResult, format_of, validate, write_graph


def open_store(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = DEFAULT_ENGINE,
    store_dir: Path | str | None = None,
):
    """The built graph in ``engine``'s store, and the engine.

    With ``graph_file``: that file, read when its records (the folder it names) are
    unchanged, rebuilt from them when they changed, written when missing (from
    ``data_dir``); never replaced by a graph of other records (UsageError when
    ``data_dir`` is another folder). Without, on Oxigraph: the store kept for
    ``data_dir`` (:mod:`.kept_store`, in ``store_dir`` when given), opened in
    milliseconds when it holds the records as they are, else brought up to date first.
    Without, on rdflib: ``build/policy-graph.ttl`` when it is the graph of ``data_dir``'s
    records as they are, else a graph built and kept in the cache folder
    (:func:`policy_graph.paths.cache_dir`). A graph used as it is although it may be
    stale is noted with a :class:`~policy_graph.errors.StaleGraphNote` warning."""
    chosen = get_engine(engine)
    check_store_dir(store_dir, chosen.name, graph_file)
    if graph_file is None and chosen.name == "oxigraph":
        return chosen, open_kept_store(data_dir, store_dir)
    plan = _graph_plan(data_dir, graph_file)
    if plan.read is not None:
        return chosen, load_graph_file(chosen, plan.read, plan.header)
    result = _build_for(plan, engine, keep_going=plan.cached)
    return chosen, result.graph


def open_kept_store(data_dir: Path | str | None = None, store_dir: Path | str | None = None):
    """The store kept for ``data_dir``'s records as they are (see :func:`open_store`)."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    kept = KeptStore(folder_for(data_dir, store_dir))
    store = kept.open_if_current(data_dir)
    if store is None:
        store = validate(data_dir, engine="oxigraph", store_dir=store_dir).graph
    return store


def graph_file_to_serve(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = DEFAULT_ENGINE,
    store_dir: Path | str | None = None,
) -> Path:
    """What :func:`open_store` would read, brought up to date first when it must be
    (the endpoint opens it, and watches it for rebuilds): the graph file, or on
    Oxigraph without one, the folder of the store kept for ``data_dir``."""
    engine_name = get_engine(engine).name
    check_store_dir(store_dir, engine_name, graph_file)
    if graph_file is None and engine_name == "oxigraph":
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        open_kept_store(data_dir, store_dir)
        return folder_for(data_dir, store_dir)
    plan = _graph_plan(data_dir, graph_file)
    if plan.read is not None:
        return plan.read
    _build_for(plan, engine, keep_going=False)
    return plan.write


def load_graph(
    data_dir: Path | str | None = None,
    graph_file: Path | str | None = None,
    engine: str = "rdflib",
    store_dir: Path | str | None = None,
) -> Graph:
    """The built graph as an rdflib Graph (see :func:`open_store`), for networkx and
    notebooks: rdflib's own store, or (``engine="oxigraph"``) an rdflib view of
    Oxigraph's store, not a copy; :func:`policy_graph.api.run_query` on it runs in
    Oxigraph."""
    chosen, store = open_store(data_dir, graph_file, engine, store_dir)
    return chosen.view(store)


def _graph_plan(data_dir, graph_file) -> files.Plan:
    # A build killed between renaming its files there leaves a mix: finish it first.
    finish_interrupted(Path(graph_file).parent if graph_file else files.LOCAL_GRAPH.parent)
    return files.choose(
        Path(data_dir) if data_dir else None,
        Path(graph_file) if graph_file else None,
        default_data_dir(),
    )


def _build_for(plan: files.Plan, engine: str, keep_going: bool) -> BuildResult:
    """Build the plan's graph and write it where the plan says; with ``keep_going``,
    a graph that cannot be kept there is only noted."""
    result = validate(plan.data_dir, engine=engine, sort_runs=True)
    try:
        target = {format_of(plan.write): plan.write}
        write_graph(result, target, plan.origin, relative=not plan.cached)
    except FileError as error:
        if not keep_going:
            raise
        reason = getattr(error.__cause__, "strerror", None) or error
        warnings.warn(
            GraphNote(f"cannot keep the graph in {plan.write.parent}: {reason}"), stacklevel=3
        )
    finally:
        result.triples.lines_kept()
    return result


def load_graph_file(engine, path: Path, header: files.Header | None, read_from: Path | None = None):
    """A graph file in ``engine``'s store; FileError, in one line, when it cannot be
    read or is not a whole graph (truncated by a full disk or a copy cut short, or a
    file of another kind): each parser has its own exceptions, all of them mean that.
    ``read_from``: where to read ``path``'s bytes, when not from ``path`` itself."""
    fmt = format_of(path)
    try:
        store = engine.load(read_from or path, fmt)
    except OSError as error:
        raise FileError(f"cannot read the graph file {path}: {error.strerror or error}") from None
    except Exception as error:  # noqa: BLE001 (whatever the parser raises)
        reason = excerpt(" ".join(str(error).split()) or type(error).__name__, 160)
        raise FileError(
            f"{path} is not a whole {RDF_FORMATS[fmt].title} graph ({reason}): rebuild it with "
            "policy-graph build, or name another --graph-file"
        ) from None
    if header is not None and header.triples is not None:
        size = engine.size(store)
        if size != header.triples:
            raise FileError(
                f"{path} holds {size:,} triples where its header says {header.triples:,}: "
                "it was cut short or edited; rebuild it with policy-graph build"
            )
    return store
