"""The spans of a SPARQL text whose braces and ``#`` mean nothing: long and short
strings, IRIs, comments (what :mod:`.sparql` and :mod:`.groups` skip when they look
for a query's groups; kept apart so that neither imports the other)."""

from __future__ import annotations

import re

SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
)
