"""Where the graph lives: rdflib's pure-Python store, or Oxigraph's (pyoxigraph) for
corpora of 100k to 1M+ triples. One lazy table, like rdflib's plugin.py: an engine
is imported only when it is used, so `--help` stays light.

Both engines take the same triples (from :mod:`policy_graph.graph.triples`), write the same
formats and answer queries as rdflib ``Result`` objects, so that everything
downstream (result formats, the endpoint, views) is the same whichever holds the graph.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from ..errors import QueryError, UsageError
from ..outputs import RDF_FORMATS
from . import vocab
from .vocab import GRAPH_IRI, bind_prefixes

ENGINE_NAMES = ("oxigraph", "rdflib")  # the default first
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _check_format(fmt: str) -> None:
    if fmt not in RDF_FORMATS:
        raise UsageError(f"unknown RDF format {fmt!r}; expected one of {', '.join(RDF_FORMATS)}")


def get_engine(name: str):
    if name == "rdflib":
        return RdflibEngine()
    if name == "oxigraph":
        return OxigraphEngine()
    raise UsageError(f"unknown engine {name!r}; expected one of {', '.join(ENGINE_NAMES)}")


class RdflibEngine:
    """rdflib's Memory store: needs nothing more, fine up to some 100k triples."""

    name = "rdflib"

    def new_store(self) -> Graph:
        return bind_prefixes(Graph(identifier=GRAPH_IRI))

    def store_records(self, records, report=None) -> Graph:
        from .triples import build_graph

        return build_graph(records, report)

    def size(self, store: Graph) -> int:
        return len(store)

    def serialise(self, store: Graph, fmt: str) -> bytes:
        """``store`` in ``fmt``, byte for byte as the Oxigraph engine writes it."""
        from .writing import graph_bytes, ntriples_lines

        _check_format(fmt)
        return graph_bytes(ntriples_lines(store.serialize(format="nt", encoding="utf-8")), fmt)

    def view(self, store: Graph) -> Graph:
        return store

    def load(self, path: Path, fmt: str) -> Graph:
        return self.new_store().parse(path, format=RDF_FORMATS[fmt].rdflib_name)

    def query(self, store: Graph, text: str, parsed=None) -> Result:
        """Answer ``text``; from ``parsed`` (rdflib's parse of it) when the caller has
        it, so that the text is not parsed again."""
        if parsed is None:
            return store.query(text, initNs=vocab.prefixes())
        from rdflib.plugins.sparql.algebra import translateQuery

        return store.query(translateQuery(parsed, initNs=vocab.prefixes()))

    def to_rdflib(self, store: Graph) -> Graph:
        return store


class OxigraphEngine:
    """Oxigraph's store (Rust): loads, writes and answers many times faster."""

    name = "oxigraph"

    def __init__(self) -> None:
        import pyoxigraph

        self.ox = pyoxigraph
        self.graph_name = pyoxigraph.NamedNode(str(GRAPH_IRI))
        self._prefixes: dict[str, str] | None = None  # ours, declared on every query
        self.formats = {
            "ttl": pyoxigraph.RdfFormat.TURTLE,
            "nt": pyoxigraph.RdfFormat.N_TRIPLES,
            "jsonld": pyoxigraph.RdfFormat.JSON_LD,
            "xml": pyoxigraph.RdfFormat.RDF_XML,
            "trig": pyoxigraph.RdfFormat.TRIG,
        }

    def new_store(self):
        return self.ox.Store()

    def store_records(self, records, report=None, own_triples=None):
        """The records' triples in a new store (in memory), written as N-Triples and
        loaded in batches; with ``own_triples`` (a
        :class:`~policy_graph.records.reading.FolderReading`: each records file's
        :func:`own_ntriples`, made as the files were read, or kept from an earlier
        build), only the shared ones are made here, and the store reads every triple in
        one stream."""
        from .triples import add_records

        store = self.new_store()
        if own_triples is None:
            sink = _OxigraphSink(self, store)
            add_records(sink, records, report, terms=_ntriples_terms(self.ox))
            sink.flush()
            return store
        # One bulk load of a stream: a quarter faster than loads of 10 MB batches, and
        # no more memory than one file's lines at a time.
        lines = _LinesReader(self._runs(records, own_triples, report))
        store.bulk_load(
            io.BufferedReader(lines, 2**20),
            format=self.ox.RdfFormat.N_TRIPLES,
            to_graph=self.graph_name,
        )
        return store

    def _runs(self, records, own_triples, report) -> Iterator[bytes]:
        """The N-Triples of ``records``: the shared ones made here, then each file's
        runs as ``own_triples`` holds them."""
        yield shared_ntriples(records)
        files = own_triples.files
        for number in range(files):
            yield from own_triples.runs_of(number)
            if report and (number % 100 == 99 or number == files - 1):
                report("storing triples (files)", number + 1, files)

    def size(self, store) -> int:
        if getattr(store, "union", False):
            return store.generation.triples
        return len(store)

    def serialise(self, store, fmt: str) -> bytes:
        """``store`` in ``fmt``: its triples sorted, as a build writes them (see
        :mod:`.writing`), so that every store of the same graph writes the same bytes."""
        from .writing import graph_bytes, sorted_lines

        _check_format(fmt)
        if getattr(store, "union", False):  # a kept store: its named graphs as one
            return graph_bytes(self._union_lines(store), fmt)
        buffer = io.BytesIO()
        store.dump(buffer, format=self.ox.RdfFormat.N_TRIPLES, from_graph=self.graph_name)
        return graph_bytes(sorted_lines([buffer.getvalue()]), fmt)

    def load(self, path: Path, fmt: str):
        store = self.new_store()
        if fmt == "trig":
            store.bulk_load(path=str(path), format=self.formats[fmt])
        else:
            store.bulk_load(path=str(path), format=self.formats[fmt], to_graph=self.graph_name)
        return store

    def _union_lines(self, store) -> list[bytes]:
        """The triples of a kept store's named graphs, as sorted N-Triples lines."""
        from .writing import sorted_lines

        runs = []
        for name in store.store.named_graphs():
            buffer = io.BytesIO()
            store.store.dump(buffer, format=self.ox.RdfFormat.N_TRIPLES, from_graph=name)
            runs.append(buffer.getvalue())
        return sorted_lines(runs)

    def run(self, store, text: str):
        """Oxigraph's own answer to ``text`` (solutions, a boolean or triples), read by
        Oxigraph alone; SyntaxError when it cannot be read. A kept store answers from
        the union of its named graphs, or from the answers it keeps (see
        :meth:`.kept_store.DiskStore.query`)."""
        if self._prefixes is None:
            self._prefixes = vocab.prefixes()
        if getattr(store, "union", False):
            return store.query(text, self._prefixes)
        return store.query(text, default_graph=self.graph_name, prefixes=self._prefixes)

    def query(self, store, text: str, parsed=None) -> Result:
        """Answer ``text`` in Oxigraph (which parses it itself: ``parsed`` is unused)."""
        try:
            answer = self.run(store, text)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from None
        if isinstance(answer, self.ox.QuerySolutions):
            return OxigraphSelect(self, answer, lambda: self.run(store, text))
        return self.result_of(answer)

    def result_of(self, answer) -> Result:
        """Oxigraph's answer to an ASK, a CONSTRUCT or a DESCRIBE as an rdflib Result."""
        ox = self.ox
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
            return result
        result = Result("CONSTRUCT")
        graph = bind_prefixes(Graph())
        convert = self._converter()
        for triple in answer:
            graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        result.graph = graph
        return result

    def _converter(self):
        """:meth:`_rdflib`, remembering each term converted: answers repeat names and
        IRIs on many rows, and building an rdflib Literal is the costly part."""
        converted: dict = {}

        def convert(term):
            found = converted.get(term)
            if found is None:
                found = converted[term] = self._rdflib(term)
            return found

        return convert

    def _rdflib(self, term):
        """An Oxigraph term as rdflib's (called once per term of every answer)."""
        ox = self.ox
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        raise TypeError(f"not an RDF term: {term!r}")

    def view(self, store) -> Graph:
        """The store seen as an rdflib Graph, without a copy (oxrdflib): what networkx
        and notebooks read; SPARQL through :func:`policy_graph.api.run_query` still
        runs in Oxigraph."""
        return bind_prefixes(OxigraphView(store, GRAPH_IRI))

    def to_rdflib(self, store) -> Graph:
        """The whole graph copied into an rdflib Graph, for pyshacl, which makes many
        small lookups (only up to SHACL_WHOLE_UP_TO policies: see shacl.py)."""
        graph = RdflibEngine().new_store()
        convert = self._converter()
        union = getattr(store, "union", False)
        raw, name = (store.store, None) if union else (store, self.graph_name)
        for quad in raw.quads_for_pattern(None, None, None, name):
            graph.add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
        return graph


class OxigraphSelect(Result):
    """A SELECT answer of Oxigraph's, as an rdflib Result whose rows are made rdflib
    terms only when first read. Until then, :meth:`written` has Oxigraph write it in
    the SPARQL results formats itself, with no rdflib term made (at 1M triples, 55,000
    rows of 5 columns: converting them took longer than answering)."""

    def __init__(self, engine: OxigraphEngine, solutions, again) -> None:
        from rdflib import Variable

        super().__init__("SELECT")
        self.vars = [Variable(v.value) for v in solutions.variables]
        self._engine, self._solutions, self._again = engine, solutions, again
        self.bindings = self._rows()  # a generator: rdflib reads it when first asked

    def _rows(self):
        # Oxigraph's solutions can be read once: if written() has read them, ask again.
        solutions, self._solutions = self._solutions, None
        if solutions is None:
            solutions = self._again()
        convert = self._engine._converter()
        variables = self.vars
        # A solution iterates over its values in the order of the variables (None
        # where unbound): faster than looking each one up by name (0.42 s instead of
        # 0.67 s for 44,000 rows of 5 columns).
        for solution in solutions:
            yield {
                variable: convert(term)
                for variable, term in zip(variables, solution)
                if term is not None
            }

    def written(self, fmt: str) -> bytes | None:
        """The answer in ``fmt`` (csv, tsv, json or xml), written by Oxigraph; None once
        its rows have been read (then rdflib writes them)."""
        if self._solutions is None:
            return None
        formats = self._engine.ox.QueryResultsFormat
        solutions, self._solutions = self._solutions, None
        return solutions.serialize(format=getattr(formats, fmt.upper()))


class OxigraphView(Graph):
    """An rdflib Graph over the named graph of an Oxigraph store, or over the union of
    a kept store's named graphs (through oxrdflib's store plugin): rdflib's API,
    Oxigraph's memory. ``oxigraph`` is the store as the engine takes it; ``raw`` the
    pyoxigraph Store and ``graph_name`` the graph its quads are read from (None: all)."""

    def __init__(self, store, identifier) -> None:
        from oxrdflib import OxigraphStore

        union = getattr(store, "union", False)
        raw = store.store if union else store
        super().__init__(store=OxigraphStore(store=raw), identifier=identifier)
        self.oxigraph, self.raw = store, raw
        self.graph_name = None if union else identifier

    def add(self, triple):
        if self.graph_name is None:
            raise UsageError(
                "this graph is a view of the store kept for its records, which only builds "
                "change: copy it to change it (rdflib.Graph() + graph)"
            )
        return super().add(triple)

    def triples(self, triple):
        if self.graph_name is not None:
            yield from super().triples(triple)
            return
        for found, _contexts in self.store.triples(triple, context=None):
            yield found

    def __len__(self) -> int:
        if self.graph_name is not None:
            return super().__len__()
        return self.store.__len__(context=None)


class _LinesSink:
    """What triples.add_records writes to, in the terms of :func:`_ntriples_terms`:
    collects the triples as N-Triples lines (what :func:`own_ntriples` makes)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, triple) -> None:
        self.lines.append("%s %s %s .\n" % triple)  # noqa: UP031 (the fastest here)


class _OxigraphSink(_LinesSink):
    """The triples as N-Triples lines, loaded in batches by Oxigraph's parser. Faster
    than Python objects of Oxigraph's terms: pyoxigraph takes 4-10 µs to make a Quad of
    a literal, its parser a fraction of that (storing the 1M corpus's records: 9.9 s
    instead of 16.6 as Quads)."""

    def __init__(self, engine: OxigraphEngine, store, batch: int = 100_000):
        super().__init__()
        self.engine, self.store, self.batch = engine, store, batch

    def add(self, triple) -> None:
        super().add(triple)
        if len(self.lines) >= self.batch:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.lines).encode()
        self.lines = []
        self.store.bulk_load(
            data, format=self.engine.ox.RdfFormat.N_TRIPLES, to_graph=self.engine.graph_name
        )


class _LinesReader(io.RawIOBase):
    """A binary stream of the byte strings of an iterator, one after the other (what
    Oxigraph's bulk loader reads)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces, self.piece, self.at = pieces, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self.at >= len(self.piece):
            self.piece, self.at = next(self.pieces, None), 0
            if self.piece is None:
                self.piece = b""
                return 0
        count = min(len(buffer), len(self.piece) - self.at)
        buffer[:count] = self.piece[self.at : self.at + count]
        self.at += count
        return count


def own_ntriples(records) -> bytes:
    """The triples that ``records`` (one file's) make from themselves alone, as
    N-Triples lines, sorted and each once: a run of the graph files (see
    :mod:`.writing`), what a reader process makes of each file it reads."""
    from .triples import OWN_KINDS, add_own_triples

    sink, terms = _LinesSink(), _terms_of_this_process()
    for kind in OWN_KINDS:
        add_own_triples(sink, records, kind, terms=terms)
    return _sorted_run(sink.lines)


def shared_ntriples(records) -> bytes:
    """The triples that no one records file makes alone (the concept schemes', the
    sources'), as a sorted run of N-Triples lines."""
    from .triples import add_shared_triples

    sink, terms = _LinesSink(), _terms_of_this_process()
    for kind in ("schemes", "sources"):
        add_shared_triples(sink, records, kind, terms)
    return _sorted_run(sink.lines)


def _sorted_run(lines: list[str]) -> bytes:
    return "".join(sorted(set(lines))).encode()


def _terms_of_this_process():
    global _own_terms
    if _own_terms is None:  # once per process: it remembers the IRIs it has checked
        import pyoxigraph

        _own_terms = _ntriples_terms(pyoxigraph)
    return _own_terms


_own_terms = None


def _nt_escaped(text: str) -> str:
    """A literal's text as N-Triples writes it between quotes: these four characters
    escaped, any other as itself. (str.replace returns the text itself when it holds
    none, as most do: far quicker than str.translate.)"""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _ntriples_terms(ox):
    """triples.Terms that makes each term as N-Triples writes it (for _OxigraphSink).
    Each IRI is checked once by Oxigraph (a NamedNode is made of it), as it was when
    the terms were Oxigraph's objects: what it refuses is refused the same way, and
    nothing that is not an IRI reaches the lines."""
    from ..records.iris import KIND_PREFIXES, PGID
    from .triples import Terms

    def checked(text: str) -> str:
        return f"<{ox.NamedNode(text).value}>"

    class NTriplesTerms(Terms):
        def __init__(self) -> None:
            # kind → slug → its IRI: the same concepts, units and sources are named
            # by many policies.
            self.nodes: dict[str, dict[str, str]] = {kind: {} for kind in KIND_PREFIXES}
            super().__init__()

        def constant(self, term: URIRef) -> str:
            return checked(str(term))

        def iri(self, kind: str, slug: str) -> str:
            nodes = self.nodes[kind]
            node = nodes.get(slug)
            if node is None:
                node = nodes[slug] = checked(f"{PGID}{kind}/{slug}")
            return node

        def url(self, text: str) -> str:
            return checked(text)

        def text(self, value: str, lang: str) -> str:
            return f'"{_nt_escaped(value)}"@{lang}'

        def typed(self, lexical: str, datatype: str) -> str:
            return f'"{_nt_escaped(lexical)}"^^{datatype}'

    return NTriplesTerms()
