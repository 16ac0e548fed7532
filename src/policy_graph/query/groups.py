"""Which groups of a query a parameter's VALUES block may go into besides the WHERE
group, where it gives the same answer (see :func:`.sparql.bind`).

Oxigraph evaluates a nested group and a subquery on its own, and joins its rows with
the WHERE group's VALUES block afterwards: a subquery that counts the policies of each
government counts every government before one is kept (1M triples: 2.7 s where the
government's own rows take milliseconds). A copy of the block first in such a group
starts it from the bound values instead. It goes into a group G, directly in a group
that holds the block (recursively), for each bound variable V that:

- G is *joined* in: a group on its own or a branch of a UNION (not an OPTIONAL, a
  MINUS, an EXISTS, a GRAPH, a SERVICE or a VALUES block), or G is a subquery that is
  all of an OPTIONAL or a MINUS (whose rows meet only rows that hold the value);
- G binds in every row: V is in a triple pattern of G itself, or in every branch of
  a UNION in it, or in a group joined in it (not only in an OPTIONAL, a BIND or a
  VALUES block: a row without V would be joined with the value and kept);
- and, where G is a subquery, G projects V as it is (not ``(… AS ?V)``, not ``*``),
  groups by V where it groups, and has no LIMIT, OFFSET or VALUES of its own (a slice
  of every government's rows is not the slice of one's).

Every row of the enclosing group holds V's value, so G's rows with another value
would be dropped by the join anyway. The text is not parsed: tokens are found as
:mod:`.sparql` finds its braces (:mod:`.opaque`'s spans skipped), and a text whose
brackets do not pair gets no copy (its syntax error is reported as the user wrote it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .opaque import SKIPPED

_TOKEN = re.compile(
    rf"(?P<space>\s+)|(?P<skipped>{SKIPPED.pattern})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<name>(?:[^\W\d][\w-]*(?:\.+[\w-]+)*)?:[\w:%-]*(?:\.+[\w:%-]+)*|[^\W\d][\w-]*)"
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<mark>\S)"
)
_OPENS, _CLOSES = "({[", ")}]"
_JOINED_AFTER = {"{", "}", ".", ")", "UNION"}  # what may come just before a joined group


@dataclass(frozen=True)
class Token:
    kind: str  # var, name, number, skipped, mark
    text: str  # a name's in upper case (keywords are matched in any case)
    start: int


class _Query:
    """A query's tokens (white space and comments left out) and where each bracket
    closes."""

    def __init__(self, text: str) -> None:
        self.tokens = [
            Token(m.lastgroup, m[0].upper() if m.lastgroup == "name" else m[0], m.start())
            for m in _TOKEN.finditer(text)
            if m.lastgroup != "space" and not (m.lastgroup == "skipped" and m[0][0] == "#")
        ]
        self.closing = _pairs(self.tokens)

    def text(self, at: int) -> str:
        return self.tokens[at].text if at < len(self.tokens) else ""


def _pairs(tokens: list[Token]) -> dict[int, int]:
    """Each opening bracket's index → its closing one's; empty where they do not pair."""
    pairs, opened = {}, []
    for index, token in enumerate(tokens):
        if token.kind != "mark":
            continue
        if token.text in _OPENS:
            opened.append(index)
        elif token.text in _CLOSES:
            if not opened or _OPENS.index(tokens[opened[-1]].text) != _CLOSES.index(token.text):
                return {}
            pairs[opened.pop()] = index
    return pairs if not opened else {}


def groups_taking(text: str, where: int, names) -> list[tuple[int, tuple[str, ...]]]:
    """The groups that may take a copy of the VALUES block of ``names`` put first in
    the group whose ``{`` is at index ``where`` of ``text``: each as the index of its
    own ``{`` (a subquery's: its WHERE group's) and the names it takes, sorted."""
    query = _Query(text)
    start = next((i for i, t in enumerate(query.tokens) if t.start == where), None)
    if start is None or start not in query.closing:
        return []
    return [
        (query.tokens[opening].start, tuple(sorted(taken)))
        for opening, taken in _taking(query, start, set(names))
    ]


def _taking(query: _Query, group: int, names: set[str]) -> list[tuple[int, set[str]]]:
    found = []
    for opening in _joined_groups(query, group, optional_subqueries=True):
        where, bound = _binding(query, opening)
        taken = names & bound
        if taken:
            found.append((where, taken))
            found += _taking(query, where, taken)
    return found


def _joined_groups(query: _Query, group: int, optional_subqueries: bool = False) -> list[int]:
    """The groups joined directly in ``group`` (see the module's docstring), by the
    index of their ``{``; and the subqueries of its OPTIONALs and MINUSes where
    ``optional_subqueries`` (they bind nothing in every row of ``group``)."""
    joined, at, end = [], group + 1, query.closing[group]
    while at < end:
        text = query.text(at)
        if text == "VALUES":  # its variables, then its block of rows
            at = _after_values(query, at)
            continue
        if text in _OPENS:
            if text == "{" and query.text(at - 1) in _JOINED_AFTER:
                joined.append(at)
            elif text == "{" and optional_subqueries and _optional_subquery(query, at):
                joined.append(at)
            at = query.closing[at] + 1
            continue
        at += 1
    return joined


def _optional_subquery(query: _Query, opening: int) -> bool:
    return query.text(opening - 1) in ("OPTIONAL", "MINUS") and query.text(opening + 1) == "SELECT"


def _after_values(query: _Query, at: int) -> int:
    at += 1
    while query.text(at) not in ("{", ""):
        at = query.closing.get(at, at) + 1
    return query.closing.get(at, at) + 1


def _binding(query: _Query, opening: int) -> tuple[int, set[str]]:
    """A joined group's ``{`` (a subquery's: its WHERE group's) and the variables it
    binds in every row; for a subquery, those it can take a value of (see the
    module's docstring)."""
    if query.text(opening + 1) != "SELECT":
        return opening, _bound_in(query, opening)
    return _subquery(query, opening)


def _bound_in(query: _Query, group: int) -> set[str]:
    """The variables bound in every row of the group whose ``{`` is at ``group``."""
    bound, at, end = set(), group + 1, query.closing[group]
    joined = _joined_groups(query, group)
    while at < end:
        token, text = query.tokens[at], query.text(at)
        if text == "VALUES":
            at = _after_values(query, at)
            continue
        if text in _OPENS:
            if at in joined and query.text(at - 1) != "UNION":
                bound |= _bound_in_union(query, at)
            at = query.closing[at] + 1
            continue
        if token.kind == "var":
            bound.add(text[1:])
        at += 1
    return bound


def _bound_in_union(query: _Query, opening: int) -> set[str]:
    """What a joined group binds, or where it is the first branch of a UNION, what
    every branch binds."""
    branches = [opening]
    while query.text(query.closing[branches[-1]] + 1) == "UNION":
        branches.append(query.closing[branches[-1]] + 2)
        if query.text(branches[-1]) != "{":
            return set()
    return set.intersection(*(_binding(query, branch)[1] for branch in branches))


def _subquery(query: _Query, opening: int) -> tuple[int, set[str]]:
    """A subquery's WHERE ``{`` and the variables it may take a value of: projected as
    they are, bound in every row of its WHERE group, grouped by where it groups, and
    none at all where it has a LIMIT, OFFSET or VALUES of its own."""
    at, projected = opening + 2, set()
    while query.text(at) not in ("WHERE", "{", ""):
        if query.text(at) == "(":
            at = query.closing[at]
        elif query.tokens[at].kind == "var":
            projected.add(query.text(at)[1:])
        elif query.text(at) == "*":
            return at, set()
        at += 1
    where = at + 1 if query.text(at) == "WHERE" else at
    if query.text(where) != "{":
        return where, set()
    grouped, modifiers = _modifiers(query, query.closing[where] + 1, query.closing[opening])
    if modifiers & {"LIMIT", "OFFSET", "VALUES"}:
        return where, set()
    taking = projected & _bound_in(query, where)
    return where, taking if grouped is None else taking & grouped


def _modifiers(query: _Query, at: int, end: int) -> tuple[set[str] | None, set[str]]:
    """The variables a subquery groups by (None where it does not group) and the
    keywords of its solution modifiers."""
    grouped, keywords, in_group_by = None, set(), False
    while at < end:
        text = query.text(at)
        if query.tokens[at].kind == "name":
            keywords.add(text)
            in_group_by = text == "BY" and query.text(at - 1) == "GROUP"
            grouped = set() if in_group_by else grouped
        elif text == "(":
            at = query.closing[at]
        elif in_group_by and query.tokens[at].kind == "var":
            grouped.add(text[1:])
        at += 1
    return grouped, keywords
