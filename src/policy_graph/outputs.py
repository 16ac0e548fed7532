"""Serialise graphs per --format and write files atomically (temporary file + rename)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import UsageError


@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_name: str
    suffix: str
    media_type: str


RDF_FORMATS = {
    f.name: f
    for f in (
        RdfFormat("ttl", "turtle", ".ttl", "text/turtle"),
        RdfFormat("nt", "nt", ".nt", "application/n-triples"),
        RdfFormat("jsonld", "json-ld", ".jsonld", "application/ld+json"),
        RdfFormat("xml", "xml", ".rdf", "application/rdf+xml"),
        RdfFormat("trig", "trig", ".trig", "application/trig"),
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of a new file (the old file's, or 0666 less the umask);
    mkstemp's own 0600 would hide the graph from other users and web servers."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
