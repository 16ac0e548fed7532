"""The catalogue of saved SPARQL queries (``queries/*.rq`` with a comment header), and
finding a query by name, file or text, with its bindings.

A header is the file's leading ``#`` lines::

    # title: Policies per department
    # title-ko: 부서별 정책
    # description: How many policies each department or agency leads,
    #   with their titles.
    # param: dept — a department's Korean or English name (optional)
    # param: lang = ko — the language of the labels (ko or en)

``param: NAME = DEFAULT — TEXT`` declares a parameter; one with a default is
always bound, one without is bound only when given. Parameters are bound by a
trailing ``VALUES`` clause (see :mod:`policy_graph.query.sparql`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import UsageError

_HEADER = re.compile(r"^#\s*([a-z-]+):\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>\S+))?\s*(?:—|--|-)\s*(?P<text>.+)$"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    default: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its name (the file's stem), header and text."""

    name: str
    path: Path
    title: str
    title_ko: str
    description: str
    parameters: tuple[Parameter, ...] = field(default=())
    text: str = ""

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def read_saved_query(path: Path) -> SavedQuery:
    """Parse one ``.rq`` file's header; raise UsageError when the header is incomplete."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match and match[1] == "param":
            param = _PARAM.match(match[2].strip())
            if not param:
                raise UsageError(f"{path}: bad parameter line {line!r}")
            parameters.append(Parameter(param["name"], param["text"].strip(), param["default"]))
            last = None
        elif match:
            last = match[1]
            fields[last] = match[2].strip()
        elif last and line[1:].strip():
            fields[last] += " " + line[1:].strip()
    missing = [key for key in ("title", "title-ko", "description") if not fields.get(key)]
    if missing:
        raise UsageError(f"{path}: the header lacks {', '.join(missing)}")
    return SavedQuery(
        name=path.stem,
        path=path,
        title=fields["title"],
        title_ko=fields["title-ko"],
        description=fields["description"],
        parameters=tuple(parameters),
        text=text,
    )


def saved_queries(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query, by name, in name order."""
    directory = directory or paths.queries_dir()
    return {p.stem: read_saved_query(p) for p in sorted(directory.glob("*.rq"))}


def list_queries() -> list[SavedQuery]:
    """The saved queries (``queries/*.rq``), each with its name, titles and parameters."""
    return list(saved_queries().values())


def find_saved_query(name: str, directory: Path | None = None) -> SavedQuery:
    """The saved query called ``name``; a UsageError lists the known ones otherwise.
    Its file alone is read where it is there (the catalogue's: a ``*.rq`` file)."""
    directory = directory or paths.queries_dir()
    path = directory / f"{name}.rq"
    if name and not name.startswith(".") and "/" not in name and path.is_file():
        return read_saved_query(path)
    catalogue = saved_queries(directory)
    if name in catalogue:
        return catalogue[name]
    known = "\n  ".join(catalogue) or "(none)"
    raise UsageError(f"no saved query {name!r}; the saved queries are:\n  {known}")


def resolve_query(query: str | None = None, text: str | None = None):
    """A query's text and, for a saved one, its SavedQuery: by ``text`` (inline), a
    path to a ``.rq`` file, or a saved query's name."""
    if text is not None:
        return text, None
    if query is None:
        raise UsageError("give a saved query's name, a .rq file, or -e TEXT")
    path = Path(query)
    if path.suffix == ".rq" or path.is_file():
        if not path.is_file():
            raise UsageError(f"no such query file: {path}")
        return path.read_text(encoding="utf-8"), None
    saved = find_saved_query(query)
    return saved.text, saved


def query_bindings(saved, params: dict[str, str], lang: str | None = None, make=None) -> dict:
    """Bindings for a query from ``name=value`` parameters (and ``--lang``): a saved
    query's defaults apply, and only its declared parameters are accepted. ``make``
    makes each value's term (default: :func:`.sparql.parse_value`, rdflib's)."""
    if make is None:
        from .sparql import parse_value as make  # rdflib: `policy-graph queries` goes without

    values = dict(params)
    if lang is not None:
        values["lang"] = lang
    if saved is not None:
        declared = {p.name: p for p in saved.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise UsageError(
                f"the saved query {saved.name!r} has no parameter {unknown[0]!r} "
                f"(its parameters: {names})"
            )
        for name, parameter in declared.items():
            if name not in values and parameter.default is not None:
                values[name] = parameter.default
    return {name: make(value) for name, value in values.items()}
