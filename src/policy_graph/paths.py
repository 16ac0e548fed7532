"""Where the installed ontology, saved queries and bundled records are.

In a wheel they sit inside the package (``policy_graph/ontology`` …); in a source
checkout or an editable install they are the repository's top-level folders.
Never the working directory.
"""

from __future__ import annotations

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


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    return _resource("queries")


def bundled_data_dir() -> Path:
    """The records of the Gwangju article that ship with policy-graph."""
    return _resource("data")
