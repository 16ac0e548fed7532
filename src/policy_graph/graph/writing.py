"""Graph files from sorted N-Triples: the same bytes for the same records and the same
version of policy-graph, whichever store holds the graph and however it was built.

A build's triples come as sorted runs of N-Triples lines, one per records file (made as
the file is read, kept while it is unchanged) and one of the triples that several
files make together; a triple is made by one file only. The runs are merged into one
sorted sequence, which is the N-Triples file; every other format is Oxigraph's
serialisation of those triples in that order, with our prefixes.

The merge rarely looks at a line. A run's lines of one kind of resource (a city's
policies, its departments) sort together, and apart from every other file's: each run
is cut where the kind of its subjects changes (a binary search of its sorted lines
for each kind, not a scan of its bytes: a rebuild puts thousands of runs in order), the
pieces are put in the order of their first lines, and only pieces whose ranges
overlap (a concept scheme's triples, made by the vocabularies and by the shared run)
are merged line by line.

A rebuild that changed a few files need not merge thousands of runs again: the graph
it wrote last (kept with the store, see :mod:`.kept_store`) is patched
(:func:`patched_chunks`): the lines of the changed files' old runs taken out, those of
their new runs put in, each found by a binary search. A line that several runs make
(those merged line by line) is counted, so that it stays while any run still makes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..records.iris import KIND_PREFIXES, PGID
from .vocab import GRAPH_IRI, prefixes

# How a line whose subject is of a kind starts: "<https://w3id.org/policy-graph/id/policy/".
_KIND_STARTS = sorted(f"<{PGID}{kind}/".encode() for kind in KIND_PREFIXES)


@dataclass
class _Piece:
    """Lines ``start:end`` of a sorted run, with its first and last line."""

    run: bytes
    start: int
    end: int
    first: bytes
    last: bytes

    def view(self) -> memoryview:
        return memoryview(self.run)[self.start : self.end]


def sorted_chunks(runs: Iterable[bytes], repeated: dict | None = None) -> list[bytes | memoryview]:
    """The lines of ``runs`` (sorted runs of N-Triples lines) in order, each once, as
    chunks of bytes to write one after the other. ``repeated`` gets each line that
    several runs make, with how many (what :func:`patched_chunks` needs)."""
    pieces = sorted((p for run in runs if run.strip() for p in _pieces(run)), key=_first)
    chunks: list[bytes | memoryview] = []
    overlapping: list[_Piece] = []
    reach = b""  # the last line of the pieces in ``overlapping``
    for piece in pieces:
        if overlapping and piece.first <= reach:
            overlapping.append(piece)
            reach = max(reach, piece.last)
            continue
        chunks += _merged(overlapping, repeated)
        overlapping, reach = [piece], piece.last
    return chunks + _merged(overlapping, repeated)


def _first(piece: _Piece) -> bytes:
    return piece.first


def _pieces(run: bytes) -> list[_Piece]:
    """``run`` cut where the kind of its lines' subjects changes."""
    cuts = {0, len(run)}
    at = 0
    while at < len(run):
        # The first kind whose lines come after the line at ``at``: where its lines
        # would start is the first line after those before it, which starts a piece
        # when it is of that kind or of any later one.
        after = next((kind for kind in _KIND_STARTS if kind > run[at : at + len(kind)]), None)
        if after is None:
            break
        at = _first_line_from(run, after, at)
        if any(run.startswith(kind, at) for kind in _KIND_STARTS):
            cuts.add(at)
    cuts = sorted(cuts)
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        first = run[start : run.index(b"\n", start) + 1]
        before_last = run.rfind(b"\n", start, end - 1)  # -1: the piece is one line
        last = run[before_last + 1 if before_last >= 0 else start : end]
        pieces.append(_Piece(run, start, end, first, last))
    return pieces


def _first_line_from(run: bytes, key: bytes, low: int = 0) -> int:
    """Where the first line of ``run`` (sorted lines) that is not before ``key`` starts,
    looking from the line that starts at ``low`` (``len(run)`` when there is none): a
    binary search, looking at a few lines. Each line is compared by its first
    ``len(key)`` bytes, which sort as the lines do."""
    size = len(key)
    high = len(run)  # low and high: each the start of a line (or the end); the answer between
    while low < high:
        middle = (low + high) // 2
        before = run.rfind(b"\n", low, middle)
        start = before + 1 if before >= 0 else low  # of the line holding ``middle``
        if run[start : start + size] < key:
            end = run.find(b"\n", middle)
            low = end + 1 if end >= 0 else len(run)
        else:
            high = start
    return low


def _merged(pieces: list[_Piece], repeated: dict | None) -> list[bytes | memoryview]:
    if len(pieces) < 2:
        return [piece.view() for piece in pieces]
    return sorted_lines((bytes(piece.view()) for piece in pieces), repeated)


def patched_chunks(
    graph: bytes, taken_out: Iterable[bytes], put_in: Iterable[bytes], repeated: dict
) -> list[bytes | memoryview] | None:
    """The sorted lines of ``graph`` (what :func:`sorted_chunks` made of some runs,
    joined) with the lines of the runs ``taken_out`` removed and those of ``put_in``
    added, as chunks; ``repeated`` (each line that several of its runs make, with how
    many: as sorted_chunks gave it) is brought up to date. None, with ``repeated`` as
    it was, where the runs taken out are not those ``graph`` was made of (a line of theirs
    that it does not hold)."""
    counts: dict[bytes, int] = {}
    for run, step in [*((run, -1) for run in taken_out), *((run, 1) for run in put_in)]:
        for line in run.splitlines(keepends=True):
            if line.strip():
                counts[line] = counts.get(line, 0) + step
    edits: list[tuple[int, int, bytes]] = []  # (where, 0 to put in / 1 to take out, line)
    made = {}
    for line, change in counts.items():
        if not change:
            continue
        at = _first_line_from(graph, line)
        held = graph.startswith(line, at)
        before = repeated.get(line, 1) if held else 0
        after = before + change
        if after < 0:
            return None
        if held and not after:
            edits.append((at, 1, line))
        elif after and not held:
            edits.append((at, 0, line))
        made[line] = after
    for line, after in made.items():
        if after > 1:
            repeated[line] = after
        else:
            repeated.pop(line, None)
    return _edited(graph, sorted(edits))


def _edited(graph: bytes, edits: list[tuple[int, int, bytes]]) -> list[bytes | memoryview]:
    """``graph`` with each line put in before the line at its place, and each line
    taken out from its place (``edits`` in order of place, put in before taken out)."""
    whole = memoryview(graph)
    chunks: list[bytes | memoryview] = []
    done = 0
    for at, taken, line in edits:
        if at > done:
            chunks.append(whole[done:at])
            done = at
        if taken:
            done = at + len(line)
        else:
            chunks.append(line)
    if done < len(graph):
        chunks.append(whole[done:])
    return chunks


def sorted_lines(runs: Iterable[bytes], repeated: dict | None = None) -> list[bytes]:
    """The lines of ``runs`` (each a sorted run of N-Triples lines), sorted, each once
    (``repeated`` gets each line made more than once, with how many times)."""
    lines = [line for run in runs for line in run.splitlines(keepends=True)]
    lines.sort()
    once = list(dict.fromkeys(line for line in lines if line.strip()))
    if repeated is not None and len(once) < len(lines):
        for line, twice in zip(lines, lines[1:], strict=False):
            if line == twice and line.strip():
                repeated[line] = repeated.get(line, 1) + 1
    return once


def ntriples_lines(ntriples: bytes) -> list[bytes]:
    """The triples of any N-Triples text as Oxigraph writes them, sorted, each once:
    what a store that did not build the graph from runs (rdflib's, a loaded file)
    writes, so that it writes the same bytes as a build."""
    import pyoxigraph as ox

    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return sorted_lines([ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)])


def graph_bytes(lines: list, fmt: str) -> bytes:
    """The graph of sorted N-Triples ``lines`` (or chunks of lines) in ``fmt`` (a key of
    :data:`policy_graph.outputs.RDF_FORMATS`)."""
    return b"".join(graph_chunks(lines, fmt))


def graph_chunks(lines: list, fmt: str) -> list:
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
