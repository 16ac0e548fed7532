"""Where the installed ontology, saved queries and bundled records are, and the cache
folder.

In a wheel they sit inside the package (``policy_graph/ontology`` …); in a source
checkout or an editable install they are the repository's top-level folders.
Never the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _resource(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / name


def ontology_dir() -> Path:
    return _resource("ontology")


def ontology_file() -> Path:
    return ontology_dir() / "policy-graph.ttl"


def labels_file() -> Path:
    """Korean and English names of the W3C terms the graph uses, for the endpoint's pages."""
    return ontology_dir() / "labels.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    return _resource("queries")


def bundled_data_dir() -> Path:
    """The records of the Gwangju article that ship with policy-graph."""
    return _resource("data")


def cache_dir() -> Path:
    """Where what a run keeps for the next lives (graphs built for a command, not asked
    for with ``build``; what was read of each records file): $POLICY_GRAPH_CACHE_DIR,
    else $XDG_CACHE_HOME/policy-graph, else ~/.cache/policy-graph."""
    if os.environ.get("POLICY_GRAPH_CACHE_DIR"):
        return Path(os.environ["POLICY_GRAPH_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "policy-graph"
    return Path.home() / ".cache" / "policy-graph"
