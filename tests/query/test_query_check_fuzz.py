"""The query check agrees with Oxigraph on every token (issue 26): a differential test.

Hypothesis builds query texts out of SPARQL's terminals (SPARQL 1.1 §19.8: IRIs
absolute, relative and ones Oxigraph cannot parse; prefixed names with every escape of
PN_LOCAL, percent escapes, dots and colons; blank nodes; variables; strings of the four
kinds with escapes, quotes, ``#`` and keywords inside; language tags; every numeric
form, signed or not; booleans, ``()`` and ``[]``; comments; every kind of white space,
or none) and places ``SERVICE``, ``FROM``, ``LOAD`` and the other update keywords after
each kind of token — glued to it or not, in any case, in any of the positions where
they mean something (after a triple, a FILTER, a BIND, a group, the select clause,
the terms of DESCRIBE, the prologue).

Oxigraph is the oracle: a keyword is *live* in a text when Oxigraph parses the text
(``pyoxigraph``, as the endpoint calls it, with our prefixes) and no longer parses it
once the keyword's letters are replaced by ``Z``s. The property: whatever the check
lets through, the text that then runs (its canonical text) has no live keyword — so
every text that Oxigraph would read as a SERVICE, FROM or update is refused before it
runs. A second property: a text that holds no keyword at all and that Oxigraph parses
is not refused, and its canonical text means the same to Oxigraph (no ``ex:a\\#b`` cut
as a comment).

CI runs a fixed, derandomised few hundred cases of each (a few seconds); the long run,
random, is ``POLICY_GRAPH_FUZZ=long`` (``python3 tasks.py fuzz``), with
``POLICY_GRAPH_FUZZ_EXAMPLES=N`` cases (default 20,000).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from policy_graph.errors import QueryError
from policy_graph.graph.engines import get_engine
from policy_graph.query.canonical import canonical_query

GRAPH = "https://w3id.org/policy-graph/id/graph/policy-graph"
LONG = os.environ.get("POLICY_GRAPH_FUZZ") == "long"
PROFILE = settings(
    max_examples=int(os.environ.get("POLICY_GRAPH_FUZZ_EXAMPLES", "20000")) if LONG else 400,
    derandomize=not LONG,
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink)
    if LONG
    else (Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
ENGINE = get_engine("oxigraph")


# --- the oracle: Oxigraph ---------------------------------------------------------------


def parses(text: str, update: bool) -> bool:
    """Whether Oxigraph reads ``text`` (a query as the endpoint runs one, or an update
    run on a store of its own: nothing here names anything on the network)."""
    store = ENGINE.new_store()
    try:
        if update:
            store.update(text)
        else:
            ENGINE.run(store, text)
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001 - read, then failed while running: it was read
        return True
    return True


def live(text: str, start: int, length: int, update: bool) -> bool:
    """Whether Oxigraph reads the keyword at ``start`` as one: the text parses, and no
    longer does with the keyword's letters made Zs."""
    if not parses(text, update):
        return False
    return not parses(text[:start] + "Z" * length + text[start + length :], update)


# --- the terminals ------------------------------------------------------------------------

# Characters that make a token end early, or open another: quotes, escapes, comments,
# brackets, dots, colons, line breaks, letters of other scripts and planes.
TRICKY = "'\"\\#<>{}().:;,?$@_-%~ \t\n\rAaeE09\u00e9\u00b7\u00a0\u2028\U00010000"
KEYWORD_LETTERS = ["SERVICE", "service", "FROM", "LOAD", "SiLeNt", "INSERT", "true"]
text_bits = st.one_of(st.sampled_from(list(TRICKY)), st.sampled_from(KEYWORD_LETTERS))
loose_text = st.lists(text_bits, max_size=8).map("".join)

echar = st.sampled_from(["\\t", "\\b", "\\n", "\\r", "\\f", '\\"', "\\'", "\\\\"])


def _string(quote: str, long: bool):
    banned = {quote, "\\"} if long else {quote, "\\", "\n", "\r"}
    plain = text_bits.filter(lambda bit: not (set(bit) & banned))
    if long:  # one or two quotes inside, never three
        inner = st.one_of(plain, echar, st.sampled_from([quote, quote * 2]).map(lambda q: q + "x"))
    else:
        inner = st.one_of(plain, echar)
    fence = quote * 3 if long else quote
    return st.lists(inner, max_size=6).map(lambda parts: fence + "".join(parts) + fence)


strings = st.one_of(
    _string("'", False), _string('"', False), _string("'", True), _string('"', True)
)
langtag = st.sampled_from(["@en", "@ko", "@en-GB", "@service", "@en--ltr", "@x-from"])
literals = st.one_of(
    strings,
    st.tuples(strings, langtag).map("".join),
    st.tuples(
        strings, st.sampled_from(["^^<http://www.w3.org/2001/XMLSchema#string>", "^^xsd:string"])
    ).map("".join),
)
digits = st.text("0123456789", min_size=1, max_size=3)
numbers = st.one_of(
    digits,
    st.tuples(digits, digits).map(lambda p: f"{p[0]}.{p[1]}"),
    digits.map(lambda d: f".{d}"),
    st.tuples(digits, st.sampled_from(["e", "E", "e+", "E-"]), digits).map("".join),
    st.tuples(digits, digits, st.sampled_from(["e", "E-"]), digits).map(
        lambda p: f"{p[0]}.{p[1]}{p[2]}{p[3]}"
    ),
    st.just("20000000000.0"),
).flatmap(lambda n: st.sampled_from([n, f"+{n}", f"-{n}"]))

PLX = ["\\'", "\\#", "\\.", "\\-", "\\_", "\\~", "\\!", "\\$", "\\&", "\\(", "\\)", "\\*",
       "\\+", "\\,", "\\;", "\\=", "\\/", "\\?", "\\@", "\\%", "%41", "%7e"]  # fmt: skip
name_bits = st.one_of(
    st.sampled_from(list("aZ_9-:\u00e9\u00b7") + ["\U00010000", "SERVICE", "from", "x"]),
    st.sampled_from(PLX),
)
local_names = (
    st.lists(st.one_of(name_bits, st.sampled_from([".", ".."])), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda local: not local.startswith((".", "-", "\u00b7")))
)
prefixes = st.sampled_from(["ex", "", "pg", "a.b", "s"])
pnames = st.tuples(prefixes, local_names).map(lambda p: f"{p[0]}:{p[1]}")

iris = st.one_of(
    st.tuples(st.sampled_from(["http://e/", "urn:x:", "http://e/a#"]), loose_text).map("".join),
    st.sampled_from(["x", "#f", "?b)", "?b)#", "x'", "../y", "SERVICE:x", "http://x:abc/#'"]),
).filter(lambda iri: not (set(iri) & set('<>"{}|^`\\ \t\n\r')))
iri_refs = iris.map(lambda iri: f"<{iri}>")
variables = st.tuples(
    st.sampled_from("?$"), st.sampled_from(["s", "x1", "SERVICE", "from", "é"])
).map("".join)
blank_nodes = st.sampled_from(["_:b", "_:b.c", "_:SERVICE", "[]", "[ ]"])
terms = st.one_of(
    iri_refs, pnames, literals, numbers, variables, blank_nodes,
    st.sampled_from(["true", "false", "()", "( )"]),
)  # fmt: skip
comments = loose_text.filter(lambda t: "\n" not in t and "\r" not in t).map(lambda t: f"#{t}")
ends = st.sampled_from(["\n", "\r", "\r\n"])
gaps = st.one_of(
    st.sampled_from(["", " ", "\t", "\n", "\r", "\r\n", "  "]),
    st.tuples(st.sampled_from(["", " "]), comments, ends).map("".join),
)


def _cased(word: str):
    return st.sampled_from(
        [word, word.lower(), "".join(c.lower() if i % 2 else c for i, c in enumerate(word))]
    )


# --- the texts ------------------------------------------------------------------------------


@dataclass
class Case:
    text: str
    spots: list[tuple[int, int, bool]]  # where a keyword was put: start, length, update?


PROLOGUE = "PREFIX ex: <http://e/>\nPREFIX : <urn:x:>\nPREFIX s: <urn:s:>\nPREFIX a.b: <urn:ab:>\n"


@st.composite
def before_a_pattern(draw):
    """A piece of a group that ends with a token after which a pattern may start."""
    form = draw(st.sampled_from(["triple", "filter", "bind", "group", "values", "dot"]))
    term = draw(terms)
    if form == "triple":
        return f"?s ?p {term}"
    if form == "filter":
        left, op = (
            draw(st.sampled_from(["?a", "1", "?b"])),
            draw(st.sampled_from(["<", ">", "<=", "=", "!=", "&&"])),
        )
        return f"FILTER({left}{draw(gaps)}{op}{draw(gaps)}{term})"
    if form == "bind":
        return f"BIND({term} AS ?z)"
    if form == "values":
        return f"VALUES ?v {{ {term} }}"
    if form == "group":
        return f"{{ ?s ?p {term} }}"
    return f"?s ?p {term} ."


GROUPS = [
    "SELECT * WHERE { @S@ }", "ASK { @S@ }", "SELECT * { OPTIONAL { @S@ } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { @S@ }", "SELECT * { FILTER EXISTS { @S@ } }",
    "SELECT * { { SELECT * WHERE { @S@ } } }",
]  # fmt: skip


@st.composite
def service_cases(draw):
    head = draw(st.sampled_from(["", "BASE <http://e/>\n"])) + PROLOGUE
    before = draw(before_a_pattern())
    keyword = draw(_cased("SERVICE"))
    silent = draw(st.sampled_from(["", " SILENT", " silent", "SILENT"]))
    name = draw(st.sampled_from(["<urn:x:svc>", ":svc", "?svc", "s:x", "<svc>"]))
    group = draw(st.sampled_from(GROUPS))
    start = f"{before}{draw(gaps)}"
    clause = f"{keyword}{silent}{draw(gaps)}{name}{draw(gaps)}{{ }}"
    text = head + group.replace("@S@", start + clause)
    return Case(text, [(len(head) + group.index("@S@") + len(start), len("SERVICE"), False)])


FROM_FORMS = [
    ("SELECT (@T@ AS ?x)", "WHERE { }"), ("SELECT *", "WHERE { }"), ("DESCRIBE @T@", ""),
    ("ASK", "{ }"), ("CONSTRUCT { ?s ?p @T@ }", "WHERE { }"), ("SELECT DISTINCT ?x", "{ }"),
]  # fmt: skip


@st.composite
def from_cases(draw):
    head = draw(st.sampled_from(["", "BASE <http://e/>\n"])) + PROLOGUE
    keyword = draw(_cased("FROM"))
    named = draw(st.sampled_from(["", "NAMED ", "named", "NAMED"]))
    dataset = draw(st.sampled_from(["<urn:x:g>", ":g", "<g>", "ex:g"]))
    opening, closing = draw(st.sampled_from(FROM_FORMS))
    start = f"{opening.replace('@T@', draw(terms))}{draw(gaps)}"
    text = f"{head}{start}{keyword}{draw(gaps)}{named}{draw(gaps)}{dataset} {closing}"
    return Case(text, [(len(head) + len(start), len("FROM"), False)])


@st.composite
def update_cases(draw):
    keyword = draw(
        st.sampled_from(["LOAD", "CLEAR", "DROP", "CREATE", "INSERT", "DELETE", "ADD", "WITH"])
    )
    operation = {
        "LOAD": "{} <urn:x:src>", "CLEAR": "{} DEFAULT", "DROP": "{} ALL", "CREATE": "{} GRAPH <urn:x:g>",
        "INSERT": "{} DATA {{ <urn:a> <urn:b> <urn:c> }}", "DELETE": "{} WHERE {{ ?s ?p ?o }}",
        "ADD": "{} DEFAULT TO <urn:x:g>", "WITH": "{} <urn:x:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    }[keyword]  # fmt: skip
    cased = draw(_cased(keyword))
    prologue = draw(
        st.sampled_from(["", PROLOGUE, "BASE <http://e/>", "PREFIX :<urn:x:>", "PREFIX p: <urn:p>"])
    )
    start = prologue + draw(gaps)
    text = start + operation.format(cased)
    return Case(text, [(len(start), len(keyword), True)])


@st.composite
def any_case(draw):
    return draw(st.one_of(service_cases(), from_cases(), update_cases()))


# --- the properties -------------------------------------------------------------------------


def _runs(text: str):
    """The canonical query the endpoint would run, or None when the check stops it."""
    try:
        return canonical_query(text, GRAPH)
    except QueryError:
        return None


@PROFILE
@given(any_case())
def test_no_text_that_oxigraph_reads_as_reaching_out_passes_the_check(case):
    note(repr(case.text))
    query = _runs(case.text)
    if query is None:
        return
    for start, length, update in case.spots:
        # The keyword in the text that runs (gone if it was in a comment).
        at = next((i for i, origin in enumerate(query.origins) if origin == start), None)
        if (
            at is None
            or query.text[at : at + length].upper() != case.text[start : start + length].upper()
        ):
            continue
        assert not live(query.text, at, length, update), (
            f"the check let through a text that Oxigraph reads with a live keyword: {query.text!r}"
        )
        assert not live(case.text, start, length, update), case.text


@st.composite
def harmless_cases(draw):
    """Texts with no keyword that reaches out: terms of every kind, in a group."""
    head = draw(st.sampled_from(["", "BASE <http://e/>\n"])) + PROLOGUE
    parts = draw(st.lists(before_a_pattern(), min_size=1, max_size=4))
    joined = "".join(f"{part}{draw(gaps)}" for part in parts)
    return f"{head}SELECT * WHERE {{ {joined}}}"


def _keyword_free(text: str) -> bool:
    upper = text.upper()
    return not any(word in upper for word in ("SERVICE", "FROM", "LOAD", "INSERT"))


@PROFILE
@given(harmless_cases().filter(_keyword_free))
def test_a_text_oxigraph_reads_without_any_keyword_is_run_and_means_the_same(text):
    note(repr(text))
    if not parses(text, update=False):
        return
    try:
        query = canonical_query(text, GRAPH)
    except QueryError as error:
        # Only an IRI that Oxigraph itself cannot read may stop such a text.
        assert "is no IRI that Oxigraph reads" in str(error) or "read this differently" in str(
            error
        ), str(error)
        return
    assert parses(query.text, update=False), f"the canonical text no longer parses: {query.text!r}"
