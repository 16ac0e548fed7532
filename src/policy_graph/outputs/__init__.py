"""Serialise graphs per --format (here), and write output files so that no run leaves
a mix of old and new ones (:mod:`.files`, with :mod:`.turns`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import UsageError
from .files import finish_interrupted, write_atomic, write_files, write_folder

__all__ = [
    "RDF_FORMATS",
    "RdfFormat",
    "finish_interrupted",
    "output_paths",
    "serialise",
    "write_atomic",
    "write_files",
    "write_folder",
]


@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_name: str
    suffix: str
    media_type: str
    title: str  # as messages name it


RDF_FORMATS = {
    f.name: f
    for f in (
        RdfFormat("ttl", "turtle", ".ttl", "text/turtle", "Turtle"),
        RdfFormat("nt", "nt", ".nt", "application/n-triples", "N-Triples"),
        RdfFormat("jsonld", "json-ld", ".jsonld", "application/ld+json", "JSON-LD"),
        RdfFormat("xml", "xml", ".rdf", "application/rdf+xml", "RDF/XML"),
        RdfFormat("trig", "trig", ".trig", "application/trig", "TriG"),
    )
}


def serialise(graph: Graph, format_name: str) -> bytes:
    """``graph`` in the named format, as UTF-8 bytes."""
    fmt = RDF_FORMATS.get(format_name)
    if fmt is None:
        raise UsageError(
            f"unknown RDF format {format_name!r}; expected one of {', '.join(RDF_FORMATS)}"
        )
    if fmt.name == "nt":
        # N-Triples has no order of its own: sort the lines so that a rebuild diffs cleanly.
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def output_paths(out: Path, format_names: list[str]) -> dict[str, Path]:
    """Where each format goes: ``out`` for one format; with each one's suffix for several."""
    if len(format_names) == 1:
        return {format_names[0]: out}
    return {name: out.with_suffix(RDF_FORMATS[name].suffix) for name in format_names}
