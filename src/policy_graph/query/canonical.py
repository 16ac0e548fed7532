"""The text of a SPARQL query as the endpoint runs it: one reading, decided here.

rdflib and Oxigraph read the same text differently at its lexical edges: rdflib lets
a ``#`` comment run past a bare CR and reads ``\\u`` with eight hex digits, Oxigraph
follows the specification, except where its parser (a PEG) reads a token its own way.
A check made on one reading and a run made on the other is no check. So the endpoint
never hands a client's text to a parser: it hands :func:`canonical_query`'s text, in
which those edges are gone —

- codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) are replaced by their characters
  first, as SPARQL 1.1 §19.2 says; one that names no character, or a ``\\u`` left
  over after replacing (an escape that spells another), is refused;
- the text is read into the grammar's terminals (:mod:`.lexer`) twice, as SPARQL 1.1
  writes them and as Oxigraph reads them; where the two differ on what is a string, an
  IRI or a comment, the text is refused as a syntax error (it means two things);
- comments are removed (a comment ends at CR or LF, §19.4), and line breaks outside
  long strings are written as LF;

and checks both readings' tokens: the keyword ``SERVICE``, an update, or a dataset
other than our graph is refused. Oxigraph matches a keyword without a word boundary
(``1.0SERVICE``, ``SERVICE:x`` and ``trueSERVICE`` hold it), so the check looks for
keywords inside every word and every prefix of a prefixed name: where a token could be
read two ways, the check takes the reading that refuses. Line and column numbers of
later errors are mapped back to the client's own text (:meth:`CanonicalQuery.where`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from .lexer import KEYWORD_CASE, OXIGRAPH, SPEC, Doubtful, Reading, Token, tokens


class RefusedQueryError(QueryError):
    """A query that this read-only endpoint will not run (HTTP 403)."""


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFT_OVER_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]")
_LINE_BREAK = re.compile(r"\r\n?")
_SERVICE = re.compile("SERVICE", KEYWORD_CASE)
_FROM = re.compile("FROM", KEYWORD_CASE)
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE_WORDS = ("PREFIX", "BASE", "VERSION")
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_PROLOGUE = re.compile(
    r"\s*(?:BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)", re.IGNORECASE | re.DOTALL
)
_ANY_BREAK = re.compile(r"\r\n|\r|\n")
SERVICE_REFUSED = "SERVICE is refused: this endpoint answers from its own graph only"
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"


@dataclass(frozen=True)
class CanonicalQuery:
    text: str  # what the parser reads and the engine runs
    source: str  # the client's text
    origins: tuple[int, ...]  # for each character of text, its index in source
    nesting: int = 0  # brackets inside brackets, at the deepest (strings not counted)

    def where(self, line: int, column: int) -> tuple[int, int]:
        """(line, column) of ``text`` (1-based) as (line, column) of ``source``."""
        lines = self.text.split("\n")
        line = max(1, min(line, len(lines)))
        index = sum(len(part) + 1 for part in lines[: line - 1]) + max(column - 1, 0)
        if index >= len(self.origins):
            return _line_and_column(self.source, len(self.source))
        return _line_and_column(self.source, self.origins[index])


def canonical_query(text: str, graph_iri: str) -> CanonicalQuery:
    """``text`` as the endpoint runs it (see the module's docstring); a QueryError
    naming line and column when it cannot be read one way, a RefusedQueryError when it
    reaches outside the graph or writes."""
    unescaped, origins = _replace_escapes(text)
    left_over = _LEFT_OVER_ESCAPE.search(unescaped)
    if left_over:
        line, column = _line_and_column(text, origins[left_over.start()])
        raise QueryError(
            f"SPARQL syntax error at line {line}, column {column}: an escape \\u… that makes "
            "another escape is refused (write the character itself)"
        )
    spec = _read(unescaped, SPEC, text, origins)
    oxigraph = _read(unescaped, OXIGRAPH, text, origins)
    _one_reading(spec, oxigraph, unescaped, text, origins)
    canonical, kept = _without_comments(spec, unescaped, origins)
    query = CanonicalQuery(canonical, text, tuple(kept), _deepest(spec, unescaped))
    for read in (spec, oxigraph):
        _refuse_outside_reach(read, unescaped, graph_iri)
    return query


def _replace_escapes(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    origins: list[int] = []
    position = 0
    for match in _ESCAPE.finditer(text):
        parts.append(text[position : match.start()])
        origins.extend(range(position, match.start()))
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            line, column = _line_and_column(text, match.start())
            raise QueryError(
                f"SPARQL syntax error at line {line}, column {column}: "
                f"{match.group(0)} is not a Unicode character"
            )
        parts.append(chr(code))
        origins.append(match.start())
        position = match.end()
    parts.append(text[position:])
    origins.extend(range(position, len(text)))
    return "".join(parts), origins


def _read(text: str, reading: Reading, source: str, origins: list[int]) -> list[Token]:
    try:
        return tokens(text, reading)
    except Doubtful as doubtful:
        token = doubtful.token
        line, column = _line_and_column(source, origins[token.start])
        raise QueryError(
            f"SPARQL syntax error at line {line}, column {column}: "
            f"{_shown(token.text(text))} is no IRI that Oxigraph reads (write an absolute "
            "IRI, or one relative to BASE), and the ' or # in it would be read as code"
        ) from None


def _one_reading(spec, oxigraph, text: str, source: str, origins: list[int]) -> None:
    """A QueryError where SPARQL 1.1 and Oxigraph read a string, IRI or comment apart."""
    if [t for t in spec if t.opaque] == [t for t in oxigraph if t.opaque]:
        return
    apart = next(
        (a for a, b in zip(spec, oxigraph, strict=False) if a != b),
        spec[min(len(spec), len(oxigraph)) - 1],
    )
    line, column = _line_and_column(source, origins[apart.start])
    near = text[apart.start : apart.start + 24].split("\n")[0]
    raise QueryError(
        f"SPARQL syntax error at line {line}, column {column}, near {near!r}: SPARQL 1.1 "
        "and Oxigraph read this differently (where a name, string, IRI or comment ends); "
        "write it so that it has one reading"
    )


def _without_comments(read: list[Token], text: str, origins: list[int]):
    """The text without comments, LF for line breaks outside long strings, and the
    origins of its characters."""
    out: list[str] = []
    kept: list[int] = []
    for token in read:
        if token.kind == "comment":
            out.append(" ")
            kept.append(origins[token.start])
        elif token.kind == "ws" and "\r" in text[token.start : token.end]:
            offset = token.start
            for match in _LINE_BREAK.finditer(text, token.start, token.end):
                out.append(text[offset : match.start()] + "\n")
                kept.extend(origins[offset : match.start() + 1])
                offset = match.end()
            out.append(text[offset : token.end])
            kept.extend(origins[offset : token.end])
        else:
            out.append(text[token.start : token.end])
            kept.extend(origins[token.start : token.end])
    return "".join(out), kept


def _deepest(read: list[Token], text: str) -> int:
    depth = deepest = 0
    for token in read:
        if token.kind != "punct":
            continue
        char = text[token.start]
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest


# --- what a reading reaches ---------------------------------------------------------------


def _refuse_outside_reach(read: list[Token], text: str, graph_iri: str) -> None:
    code = [t for t in read if t.kind not in ("ws", "comment")]
    body = _after_prologue(code, text)
    if body < len(code) and _is_update(code[body], text):
        raise RefusedQueryError(READ_ONLY)
    names = list(_names(code[body:], text))
    for token in names:
        if _holds(token, text, _SERVICE):
            raise RefusedQueryError(SERVICE_REFUSED + _as_keyword(token, text, "SERVICE"))
    for index, token in enumerate(names):
        if _holds(token, text, _FROM):
            _check_dataset(names, index, text, graph_iri)


def _after_prologue(code: list[Token], text: str) -> int:
    """The index of the first token after the prologue (PREFIX, BASE, VERSION)."""
    index = 0
    while index < len(code):
        token = code[index]
        word = token.text(text).upper()
        if token.kind == "word" and word in _PROLOGUE_WORDS:
            index += 1
        elif token.kind == "pname" and word.endswith(":"):  # a prefix declared
            index += 1
        elif token.kind in ("iri", "string"):
            index += 1
        else:
            break
    return index


def _is_update(token: Token, text: str) -> bool:
    """Whether the first token after the prologue starts an update (Oxigraph reads
    LOAD<x> and LOAD:x as LOAD, so a word or name that starts with one counts)."""
    return token.kind in ("word", "pname") and token.text(text).upper().startswith(_UPDATES)


def _names(code: list[Token], text: str):
    """The tokens where a keyword may be read: words and prefixed names, those inside a
    doubtful IRI too (Oxigraph may read "<" and then its insides as code)."""
    for token in code:
        if token.kind in ("word", "pname"):
            yield token
        elif token.kind == "iri" and token.doubtful:
            yield token
            inside = text[token.start + 1 : token.end - 1]
            for part in tokens(inside, SPEC):
                if part.kind in ("word", "pname"):
                    start = token.start + 1 + part.start
                    yield Token(part.kind, start, start + part.end - part.start)
        else:
            yield token


def _holds(token: Token, text: str, keyword: re.Pattern) -> bool:
    """Whether ``token`` may be read as holding ``keyword``: a word anywhere in it, a
    prefixed name in its prefix (``SERVICE:x`` is SERVICE and ``:x`` to Oxigraph)."""
    if token.kind == "word":
        return bool(keyword.search(token.text(text)))
    if token.kind == "pname":
        return bool(keyword.search(token.text(text).split(":", 1)[0]))
    return False


def _as_keyword(token: Token, text: str, keyword: str) -> str:
    written = token.text(text)
    if token.kind == "word" and written.upper() == keyword:
        return ""
    return f" ({_shown(written)} holds {keyword} as Oxigraph reads it)"


def _check_dataset(names: list[Token], index: int, text: str, graph_iri: str) -> None:
    """FROM [NAMED] must name our graph, as an IRI written whole."""
    token = names[index]
    following = names[index + 1 :]
    if token.kind == "word" and token.text(text).upper() == "FROM":
        if following and following[0].kind == "word":
            if following[0].text(text).upper() == "NAMED":
                following = following[1:]
        dataset = following[0] if following else None
        if dataset is not None and dataset.kind == "iri" and not dataset.doubtful:
            if dataset.text(text) == f"<{graph_iri}>":
                return
        named = dataset.text(text) if dataset is not None else "(nothing)"
    else:
        named = token.text(text)
    raise RefusedQueryError(
        f"FROM {_shown(named)} is refused: this endpoint has the one graph <{graph_iri}>"
    )


def refuse_parsed_reach(parsed, graph_iri: str) -> None:
    """The same check on rdflib's own parse of a text (its ``parseQuery``), for the rdflib
    engine: rdflib's terminals are not SPARQL's either (its local names take ``\\"``),
    and its parse says exactly where it reads SERVICE or a dataset."""
    from rdflib.plugins.sparql.parserutils import CompValue

    todo = [parsed]
    while todo:
        node = todo.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise RefusedQueryError(SERVICE_REFUSED)
            if node.name == "DatasetClause":
                named = node.get("default") or node.get("named")
                if str(named) != graph_iri or not isinstance(named, str):
                    shown = f"<{named}>" if isinstance(named, str) else "(a prefixed name)"
                    raise RefusedQueryError(
                        f"FROM {_shown(shown)} is refused: this endpoint has the one graph "
                        f"<{graph_iri}>"
                    )
            todo.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            todo.extend(node)


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def form_of(text: str) -> str | None:
    """The form of a query (SELECT, CONSTRUCT, ASK, DESCRIBE) by its first word after
    comments and prologue, without parsing it: None where there is none."""
    unescaped, _origins = _replace_escapes(text)
    try:
        read = tokens(unescaped, SPEC)
    except Doubtful:
        return None
    code = [t for t in read if t.kind not in ("ws", "comment")]
    body = _after_prologue(code, unescaped)
    word = code[body].text(unescaped).upper() if body < len(code) else ""
    return word if word in _FORMS else None


def missing_form(query: CanonicalQuery) -> str | None:
    """A syntax error's message, naming where the client's text has no query form
    after its prologue (a parser's own message there reads "expected CONSTRUCT")."""
    position = 0
    while match := _PROLOGUE.match(query.text, position):
        position = match.end()
    rest = query.text[position:]
    first = _FIRST_WORD.match(rest.lstrip())
    if first and first.group(0).upper() in _FORMS:
        return None
    at = position + len(rest) - len(rest.lstrip())  # where the query's body starts
    origin = query.origins[at] if at < len(query.origins) else len(query.source)
    line, column = _line_and_column(query.source, origin)
    return (
        f"SPARQL syntax error at line {line}, column {column}: a query starts with SELECT, "
        "CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)"
    )


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based; CR, LF and CRLF each end a line (§19.4)."""
    breaks = list(_ANY_BREAK.finditer(text, 0, index))
    if not breaks:
        return 1, index + 1
    return len(breaks) + 1, index - breaks[-1].end() + 1
