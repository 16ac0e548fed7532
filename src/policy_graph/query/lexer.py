"""The terminals of SPARQL, as the endpoint's check reads them (SPARQL 1.1 §19.8).

A query text is read into tokens in two ways, and :mod:`.canonical` checks both:

- ``SPEC``: the grammar's terminals as SPARQL 1.1 writes them, longest match first;
- ``OXIGRAPH``: as Oxigraph's parser reads them (``spargebra``, a PEG): a local name
  ends at its second run of dots (``ex:a.b.c`` is ``ex:a.b`` then ``.c``), and its
  letters stop at U+FFFD (SPARQL 1.1 allows U+10000 to U+EFFFF too); ``<<`` opens a
  triple (SPARQL 1.2).

Both readings share what the PEG does beside its terminals: a keyword is matched
without a word boundary (``20000000000.0SERVICE`` and ``SERVICE:x`` hold the keyword
SERVICE, ``trueSERVICE`` too), which :mod:`.canonical` answers by looking for keywords
inside words; and an IRI is an IRI only if Oxigraph can parse it: ``<`` before one it
cannot (``<?b)>``, a relative IRI without BASE) is the less-than of an expression, and
what follows it is code. An IRI that is not surely one (:func:`sure_iri`) is marked
``doubtful``: its insides are also read as code, and one whose insides would open a
string or a comment (``'`` or ``#``) cannot be read one way (:class:`Doubtful`).

Codepoint escapes (``\\u0041``) are replaced before any of this (see :mod:`.canonical`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# §19.8 [164]-[173]; the astral range of PN_CHARS_BASE is SPARQL 1.1's, not Oxigraph's.
_BASE_BMP = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_ASTRAL = "\U00010000-\U000effff"
_EXTRA = "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"  # PN_CHARS beyond PN_CHARS_U
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"""\\[tbnrf"'\\]"""
STRING = (
    rf"'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}))*'''"
    rf'|"""(?:(?:""|")?(?:[^"\\]|{_ECHAR}))*"""'
    rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
    rf'|"(?:[^"\\\n\r]|{_ECHAR})*"'
)
IRIREF = r'<[^<>"{}|^`\\\x00-\x20]*>'
NUMBER = (
    r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
    r"|[0-9]*\.[0-9]+|[0-9]+"
)
LANGTAG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"  # with SPARQL 1.2's direction


def _terminals(base: str, oxigraph: bool) -> re.Pattern:
    chars_u = f"{base}_"
    chars = f"{chars_u}{_EXTRA}"
    varname = f"[{chars_u}0-9][{chars_u}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
    prefix = f"[{base}](?:[{chars}.]*[{chars}])?"
    first = f"[{chars_u}:0-9]|{_PLX}"
    if oxigraph:  # (PN_CHARS | ':' | PLX)* then at most one run of dots and more
        local = f"(?:{first})(?:[{chars}:]|{_PLX})*(?:\\.+(?:[{chars}:]|{_PLX})+)?"
    else:
        local = f"(?:{first})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?"
    return re.compile(
        rf"(?P<ws>[ \t\r\n]+)"
        rf"|(?P<comment>#[^\r\n]*)"
        rf"|(?P<string>{STRING})"
        rf"|(?P<var>[?$]{varname})"
        rf"|(?P<bnode>_:[{chars_u}0-9](?:[{chars}.]*[{chars}])?)"
        rf"|(?P<pname>(?:{prefix})?:(?:{local})?)"
        rf"|(?P<number>{NUMBER})"
        rf"|(?P<word>[{chars_u}][{chars}]*)",
        re.DOTALL,
    )


@dataclass(frozen=True)
class Reading:
    name: str
    terminals: re.Pattern
    triples: bool  # whether "<<" is one token (SPARQL 1.2, as Oxigraph reads it)


SPEC = Reading("SPARQL 1.1", _terminals(_BASE_BMP + _ASTRAL, oxigraph=False), triples=False)
OXIGRAPH = Reading("Oxigraph", _terminals(_BASE_BMP, oxigraph=True), triples=True)
_IRIREF = re.compile(IRIREF)
_LANGTAG = re.compile(LANGTAG)
# Tokens a language tag may follow (a string, then white space or comments).
_SKIPPED = ("ws", "comment")


@dataclass(frozen=True)
class Token:
    kind: str  # ws comment string iri var bnode pname number word lang punct
    start: int
    end: int
    doubtful: bool = False  # an IRI that Oxigraph may read as "<" and code

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    @property
    def opaque(self) -> bool:
        """Whether what it holds is no code in this reading (a keyword in it is none)."""
        return self.kind in ("string", "iri", "comment")


class Doubtful(Exception):  # noqa: N818 - a finding, raised to the caller who words it
    """An IRI that Oxigraph may not read as one, whose insides would then open a
    string or a comment: the text cannot be read one way."""

    def __init__(self, token: Token) -> None:
        super().__init__(token)
        self.token = token


def tokens(text: str, reading: Reading) -> list[Token]:
    """``text`` as tokens, every character in exactly one; Doubtful as above."""
    found: list[Token] = []
    last = None  # the last token that is no white space or comment
    bases: tuple[str, ...] = ()  # the IRIs of BASE so far: relative IRIs resolve against them
    terminals, position, end = reading.terminals, 0, len(text)
    while position < end:
        char = text[position]
        if char == "<":
            token = _angle(text, position, reading, bases)
            if token.kind == "iri" and last is not None and last.kind == "word":
                if text[last.start : last.end].upper() == "BASE":
                    bases = (*bases, text[token.start + 1 : token.end - 1])
        elif char == "@" and last is not None and last.kind == "string":
            match = _LANGTAG.match(text, position)
            token = Token("lang", position, match.end()) if match else None
        else:
            match = terminals.match(text, position)
            token = Token(match.lastgroup, position, match.end()) if match else None
        if token is None:  # a quote that opens no string, a backslash, an operator …
            token = Token("punct", position, position + 1)
        found.append(token)
        if token.kind not in _SKIPPED:
            last = token
        position = token.end
    return found


def _angle(text: str, position: int, reading: Reading, bases: tuple[str, ...]) -> Token:
    if reading.triples and text.startswith("<<", position):
        return Token("punct", position, position + 2)
    match = _IRIREF.match(text, position)
    if not match:
        return Token("punct", position, position + 1)
    inside = text[position + 1 : match.end() - 1]
    if sure_iri(inside, bases):
        return Token("iri", position, match.end())
    doubtful = Token("iri", position, match.end(), doubtful=True)
    if "'" in inside or "#" in inside:
        raise Doubtful(doubtful)
    return doubtful


@lru_cache(maxsize=4096)
def sure_iri(text: str, bases: tuple[str, ...] = ()) -> bool:
    """Whether Oxigraph reads ``<text>`` as an IRI after the BASE declarations
    ``bases``: Oxigraph's own parser is asked (a relative IRI is one only against a
    base, and an IRI it cannot parse is none)."""
    import pyoxigraph

    if not bases:
        try:
            pyoxigraph.NamedNode(text)
        except ValueError:
            return False
        return True
    prologue = "".join(f"BASE <{base}>\n" for base in bases)
    try:
        _store().query(f"{prologue}ASK {{ <{text}> <urn:p> <urn:o> }}")
    except SyntaxError:
        return False
    return True


@lru_cache(maxsize=1)
def _store():
    import pyoxigraph

    return pyoxigraph.Store()


KEYWORD_CASE = re.ASCII | re.IGNORECASE  # Oxigraph matches keywords in ASCII, any case
