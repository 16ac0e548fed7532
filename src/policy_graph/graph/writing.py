"""Graph files from sorted N-Triples: the same bytes for the same records and the same
version of policy-graph, whichever store holds the graph and however it was built.

A build's triples come as sorted runs of N-Triples lines, one per records file (made as
the file is read, kept while it is unchanged) and one of the triples that several
files make together. The runs are merged into one sorted list, each triple once (a
sort of runs already sorted is a merge: Python's sort finds them), which is the
N-Triples file; every other format is Oxigraph's serialisation of those triples in
that order, with our prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable

from .vocab import GRAPH_IRI, prefixes


def sorted_lines(runs: Iterable[bytes]) -> list[bytes]:
    """The lines of ``runs`` (each a sorted run of N-Triples lines), sorted, each once."""
    lines = [line for run in runs for line in run.splitlines(keepends=True)]
    lines.sort()
    return list(dict.fromkeys(line for line in lines if line.strip()))


def ntriples_lines(ntriples: bytes) -> list[bytes]:
    """The triples of any N-Triples text as Oxigraph writes them, sorted, each once:
    what a store that did not build the graph from runs (rdflib's, a loaded file)
    writes, so that it writes the same bytes as a build."""
    import pyoxigraph as ox

    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return sorted_lines([ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)])


def graph_bytes(lines: list[bytes], fmt: str) -> bytes:
    """The graph of sorted N-Triples ``lines`` in ``fmt`` (a key of
    :data:`policy_graph.outputs.RDF_FORMATS`)."""
    return b"".join(graph_chunks(lines, fmt))


def graph_chunks(lines: list[bytes], fmt: str) -> list[bytes]:
    """:func:`graph_bytes` as chunks to write one after the other: N-Triples is its
    lines as they are (a million lines are not joined into one more copy)."""
    if fmt == "nt":
        return lines
    import pyoxigraph as ox

    triples = ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    formats = {
        "ttl": ox.RdfFormat.TURTLE,
        "jsonld": ox.RdfFormat.JSON_LD,
        "xml": ox.RdfFormat.RDF_XML,
        "trig": ox.RdfFormat.TRIG,
    }
    if fmt == "trig":  # the named graph of the built graph
        graph = ox.NamedNode(str(GRAPH_IRI))
        triples = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    if fmt == "jsonld":
        return [ox.serialize(triples, format=formats[fmt])]
    return [ox.serialize(triples, format=formats[fmt], prefixes=prefixes())]
