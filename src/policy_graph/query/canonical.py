"""The text of a SPARQL query as the endpoint runs it: one reading, decided here.

rdflib and Oxigraph read the same text differently at its lexical edges: rdflib lets
a ``#`` comment run past a bare CR and reads ``\\u`` with eight hex digits, Oxigraph
follows the specification. A check made on one reading and a run made on the other
is no check. So the endpoint never hands a client's text to a parser: it hands
:func:`canonical_query`'s text, in which those edges are gone —

- codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) are replaced by their characters
  first, as SPARQL 1.1 §19.2 says; one that names no character, or a ``\\u`` left
  over after replacing (an escape that spells another), is refused;
- comments are removed (a comment ends at CR or LF, §19.4), and line breaks outside
  long strings are written as LF;

and checks the result at the level of tokens, which every reading shares: the
keyword ``SERVICE`` anywhere outside a string or IRI, an update, or a dataset other
than our graph is refused. Where a token could be read two ways, the check takes the
reading that refuses. Line and column numbers of later errors are mapped back to the
client's own text (:meth:`CanonicalQuery.where`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError


class RefusedQueryError(QueryError):
    """A query that this read-only endpoint will not run (HTTP 403)."""


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFT_OVER_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]")

# The tokens inside which a '#', a brace or a keyword means nothing: long and short
# strings, IRIs; and comments. Short strings cannot hold a line break (§19.8).
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\r\n]*",
    re.DOTALL,
)
_LINE_BREAK = re.compile(r"\r\n?")

# A word as a keyword: not part of a variable, prefixed name or longer word. A '.'
# before it is allowed, so "ex:a.SERVICE" counts as the keyword: refusing is safe.
_WORD = r"(?<![\w?$:\-\\%]){}(?![\w:\-])"
_SERVICE = re.compile(_WORD.format("SERVICE"), re.IGNORECASE)
_UPDATE = re.compile(
    _WORD.format(r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)"), re.IGNORECASE
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_PROLOGUE = re.compile(
    r"\s*(?:BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)", re.IGNORECASE | re.DOTALL
)
_FROM = re.compile(_WORD.format(r"FROM") + r"(?:\s+NAMED)?\s*", re.IGNORECASE)
_DATASET = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>|[^\s{]{1,80}')
_ANY_BREAK = re.compile(r"\r\n|\r|\n")


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
    naming line and column when it cannot be read, a RefusedQueryError when it
    reaches outside the graph or writes."""
    unescaped, origins = _replace_escapes(text)
    left_over = _LEFT_OVER_ESCAPE.search(unescaped)
    if left_over:
        line, column = _line_and_column(text, origins[left_over.start()])
        raise QueryError(
            f"SPARQL syntax error at line {line}, column {column}: an escape \\u… that makes "
            "another escape is refused (write the character itself)"
        )
    canonical, kept, code = _drop_comments(unescaped, origins)
    query = CanonicalQuery(canonical, text, tuple(kept), _deepest(code))
    _refuse_outside_reach(query, code, graph_iri)
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


def _drop_comments(text: str, origins: list[int]) -> tuple[str, list[int], str]:
    """The text without comments, LF for line breaks outside long strings; the
    origins of its characters; and its code: the same text with every string and
    IRI blanked, where keywords are looked for."""
    out: list[str] = []
    kept: list[int] = []
    code: list[str] = []
    position = 0
    while position < len(text):
        match = _OPAQUE.search(text, position)
        end = match.start() if match else len(text)
        plain = text[position:end]
        _append_plain(plain, origins, position, out, kept, code)
        if not match:
            break
        token = match.group(0)
        if token.startswith("#"):
            out.append(" ")
            kept.append(origins[match.start()])
            code.append(" ")
        else:
            out.append(token)
            kept.extend(origins[match.start() : match.end()])
            # Its first and last characters stay, so that quotes and "<…>" still part words.
            code.append(token[0] + " " * (len(token) - 2) + token[-1])
        position = match.end()
    return "".join(out), kept, "".join(code)


def _append_plain(plain, origins, start, out, kept, code) -> None:
    if "\r" not in plain:
        out.append(plain)
        kept.extend(origins[start : start + len(plain)])
        code.append(plain)
        return
    offset = 0
    for match in _LINE_BREAK.finditer(plain):
        out.append(plain[offset : match.start()] + "\n")
        kept.extend(origins[start + offset : start + match.start() + 1])
        code.append(plain[offset : match.start()] + "\n")
        offset = match.end()
    out.append(plain[offset:])
    kept.extend(origins[start + offset : start + len(plain)])
    code.append(plain[offset:])


def _deepest(code: str) -> int:
    depth = deepest = 0
    for char in code:
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest


def _refuse_outside_reach(query: CanonicalQuery, code: str, graph_iri: str) -> None:
    if _SERVICE.search(code):
        raise RefusedQueryError("SERVICE is refused: this endpoint answers from its own graph only")
    if _is_update(code):
        raise RefusedQueryError("this endpoint is read-only: SPARQL Update is refused")
    for match in _FROM.finditer(code):
        dataset = _DATASET.match(query.text, match.end())
        named = dataset.group(0) if dataset else "(nothing)"
        if named != f"<{graph_iri}>":
            shown = named if len(named) <= 80 else named[:79] + "…"
            raise RefusedQueryError(
                f"FROM {shown} is refused: this endpoint has the one graph <{graph_iri}>"
            )


_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def form_of(text: str) -> str | None:
    """The form of a query (SELECT, CONSTRUCT, ASK, DESCRIBE) by its first word after
    comments and prologue, without parsing it: None where there is none."""
    unescaped, origins = _replace_escapes(text)
    canonical = _drop_comments(unescaped, origins)[0]
    position = 0
    while match := _PROLOGUE.match(canonical, position):
        position = match.end()
    first = _FIRST_WORD.match(canonical[position:].lstrip())
    word = first.group(0).upper() if first else ""
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


def _is_update(code: str) -> bool:
    """Whether the first keyword after the prologue starts an update."""
    position = 0
    while match := _PROLOGUE.match(code, position):
        position = match.end()
    first = _FIRST_WORD.search(code, position)
    return bool(first and _UPDATE.fullmatch(first.group(0)))


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based; CR, LF and CRLF each end a line (§19.4)."""
    breaks = list(_ANY_BREAK.finditer(text, 0, index))
    if not breaks:
        return 1, index + 1
    return len(breaks) + 1, index - breaks[-1].end() + 1
