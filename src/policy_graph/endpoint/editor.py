"""The query editor at ``/`` of ``policy-graph serve``, and the files it loads.

The page is YASGUI (``static/yasgui/``, vendored from npm by ``tasks.py
vendor-yasgui``) set up for this endpoint alone: our prefixes predeclared and
completed from a local list, the saved queries as examples with their parameter
defaults bound, links to download an answer, and IRIs of our resources opening
this server's pages. Nothing on the page reaches outside the server.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..errors import PolicyGraphError
from ..graph import vocab
from ..query import sparql
from ..query.saved import query_bindings

STATIC = Path(__file__).resolve().parent / "static"
PAGE = Path(__file__).resolve().parent / "editor.html"

# By suffix, not mimetypes.guess_type: its answer depends on the machine's mime.types.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    "": "text/plain; charset=utf-8",  # LICENSE, VERSION
}

DEFAULT_SELECT = """
# 정책과 그 제목 · Policies and their titles
SELECT ?policy ?title ?government WHERE {
  ?policy a pg:Policy ;
    rdfs:label ?title ;
    pg:government ?government .
  FILTER(LANG(?title) = "ko")
}
ORDER BY ?government ?title
LIMIT 100
"""


def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and Content-Type of ``static/<name>``; None for anything but a
    regular file inside that folder (``..``, absolute paths, links out, folders)."""
    if not name or "\\" in name or "\x00" in name:
        return None
    parts = name.split("/")  # as written: PurePosixPath would drop "." and empty parts
    if any(part in ("", ".", "..") for part in parts):  # "" also: absolute, "a//b", "a/"
        return None
    path = STATIC.joinpath(*parts)
    try:
        resolved = path.resolve(strict=True)
    except OSError:
        return None
    if not resolved.is_relative_to(STATIC) or not resolved.is_file():
        return None
    content_type = CONTENT_TYPES.get(resolved.suffix, "application/octet-stream")
    return resolved.read_bytes(), content_type


def example_text(saved) -> str:
    """A saved query's text with its parameter defaults bound (as ``policy-graph
    query NAME`` runs it), or its plain text when they cannot be bound."""
    try:
        return sparql.bind(saved.text, query_bindings(saved, {}, lang=None))
    except PolicyGraphError:
        return saved.text


def default_query(prefixes: dict[str, str]) -> str:
    """The query a new tab starts with: every prefix of ours declared, then a SELECT."""
    declared = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in prefixes.items())
    return declared + DEFAULT_SELECT


def editor_page(saved_queries, *, void_path: str = "/.well-known/void") -> bytes:
    """The HTML page at ``/``: YASGUI with the saved queries as examples. Offline."""
    prefixes = vocab.prefixes()
    config = {
        "endpoint": "sparql",  # relative to the page, so it works behind a path prefix too
        "prefixes": prefixes,
        "defaultQuery": default_query(prefixes),
        "examples": [
            {
                "name": saved.name,
                "title": saved.title,
                "title_ko": saved.title_ko,
                "text": example_text(saved),
            }
            for saved in saved_queries
        ],
    }
    # In a <script> element only "</" could end it early; escaping every <, > and &
    # keeps the JSON the same JSON and the element closed where it should be.
    data = json.dumps(config, ensure_ascii=False, indent=1)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = PAGE.read_text(encoding="utf-8")
    page = page.replace("{{VOID}}", html.escape(void_path, quote=True))
    return page.replace("{{CONFIG}}", data).encode("utf-8")
