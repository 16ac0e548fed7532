"""Parameters that name a resource: a government, department, technology, target group
or policy may be given by its IRI, its id, or any of its labels or alternative labels
(either language), and is found in the graph the query runs on.
Values and answers are terms of rdflib's or of Oxigraph's (see :mod:`.sparql`):
the lookups are text, and what is found comes back as a term of the value's library.

A name that several resources have is refused with the list to choose from (each with
its government), one that none has with the nearest names: an empty answer would
read as "no such policies". Lookups are SPARQL, so they run the same on a store and
on a remote endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import UsageError
from ..graph.prefixes import PGID
from .sparql import iri_like, is_iri, term_text, term_value


@dataclass(frozen=True)
class ResourceKind:
    """What a parameter names: its class, its IRI's kind, and whether its id is
    written after its government's (``gwangju-planning-coordination``)."""

    word: str
    classes: tuple[str, ...]
    iri_kind: str
    per_government: bool = False


# A saved query's parameter, by its name → what it names.
KINDS = {
    "government": ResourceKind("government", ("org:FormalOrganization",), "org"),
    # A government stands in for its policies without a department.
    "department": ResourceKind(
        "department", ("org:OrganizationalUnit", "org:FormalOrganization"), "org", True
    ),
    "technology": ResourceKind("technology", ("pg:Technology",), "technology"),
    "group": ResourceKind("target group", ("pg:TargetGroup",), "target-group"),
    "policy": ResourceKind("policy", ("pg:Policy",), "policy", True),
}

_PREFIXES = """PREFIX pg: <https://w3id.org/policy-graph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# The resources that a name or id names, each with its Korean label and its
# government's. (No empty VALUES block: rdflib cannot evaluate one.) The class by a
# FILTER, not a VALUES block: Oxigraph joined every resource of the class with the
# names found (1M triples: 0.1 s of CPU of every ask with a government, not 0.3 ms).
_FIND = (
    _PREFIXES
    + """SELECT DISTINCT ?resource ?label ?governmentLabel WHERE {{
  {{ {match} }}
  ?resource a ?class FILTER(?class IN ({classes}))
  OPTIONAL {{ ?resource rdfs:label ?label FILTER(LANG(?label) = "ko") }}
  OPTIONAL {{ ?resource org:unitOf|pg:government ?government .
             ?government rdfs:label ?governmentLabel FILTER(LANG(?governmentLabel) = "ko") }}
}}"""
)
_BY_NAME = "VALUES ?name {{ {names} }} ?resource rdfs:label|skos:altLabel ?name ."
_BY_IRI = "VALUES ?resource {{ {iris} }}"

# A resource's id within its government: the ids of the governments of its kind.
_GOVERNMENTS = _PREFIXES + "SELECT ?government WHERE { ?government a org:FormalOrganization }"

# Every name of the kind, for the nearest when none matches.
_NAMES = (
    _PREFIXES
    + """SELECT DISTINCT ?resource ?name WHERE {{
  VALUES ?class {{ {classes} }} ?resource a ?class ; rdfs:label|skos:altLabel ?name .
}}"""
)

Run = Callable[[str], list]  # SPARQL SELECT text → its rows


def resolve_names(saved, bindings: dict, run: Run, given, named: str = "--param {}") -> dict:
    """``bindings`` with each parameter of ``saved`` that names a resource (see KINDS)
    and was ``given`` (by its name: a default is an IRI, used as it is, and may name
    nothing in a graph of other governments) bound to that resource's IRI; UsageError
    when a name or IRI names none of that kind, or a name names several (its message
    names the parameter as ``named`` does: the command's --param, the endpoint's)."""
    if saved is None:
        return bindings
    resolved = dict(bindings)
    for name, value in bindings.items():
        kind = KINDS.get(name)
        if kind is not None and name in given and saved.parameter(name) is not None:
            resolved[name] = _resolve(named.format(name), kind, value, run)
    return resolved


def _resolve(parameter: str, kind: ResourceKind, value, run: Run):
    text, given_iri = term_value(value), is_iri(value)
    iris = [term_text(value)] if given_iri else _iris_of_id(kind, text, run)
    ways = [_BY_IRI.format(iris=" ".join(iris))] if iris else []
    if not given_iri:
        ways.append(_BY_NAME.format(names=" ".join(_literals(text))))
    query = _FIND.format(match=" } UNION { ".join(ways), classes=", ".join(kind.classes))
    found: dict[str, tuple[str, str]] = {}
    for row in run(query):
        resource, label, government = (term_value(t) if t is not None else "" for t in row)
        found.setdefault(resource, (label, government))
    if len(found) == 1:
        return iri_like(value, next(iter(found)))
    shown = f"<{text}>" if given_iri else repr(text)
    if not found:
        raise UsageError(
            f"{parameter}: no {kind.word} is called {shown} in this graph"
            + _nearest(kind, text, run)
        )
    choices = "\n".join(
        f"  {label or _id_of(iri)}"
        + (f" ({government})" if government else "")
        + f": {_id_of(iri)}"
        for iri, (label, government) in sorted(found.items(), key=lambda item: (item[1], item[0]))
    )
    raise UsageError(
        f"{parameter}: {shown} names {len(found)} {kind.word}s; give one by its id "
        f"or IRI:\n{choices}"
    )


def _literals(text: str) -> list[str]:
    """``text`` as a name in either language or none, in SPARQL's syntax (Oxigraph's
    N-Triples writer escapes it)."""
    import pyoxigraph

    return [str(pyoxigraph.Literal(text, language=lang)) for lang in ("ko", "en")] + [
        str(pyoxigraph.Literal(text))
    ]


def _iris_of_id(kind: ResourceKind, text: str, run: Run) -> list[str]:
    """The IRIs that ``text`` may be the id of, in SPARQL's syntax: its own, and for a
    department or a policy the one within each government (``planning-coordination``
    of every city)."""
    if not text or any(c.isspace() or c in '<>"{}|^`\\' for c in text):
        return []
    iris = [f"<{PGID}{kind.iri_kind}/{text}>"]
    if kind.per_government:
        for (government,) in run(_GOVERNMENTS):
            slug = term_value(government).rsplit("/", 1)[-1]
            iris.append(f"<{PGID}{kind.iri_kind}/{slug}-{text}>")
    return iris


def _id_of(iri: str) -> str:
    return iri.removeprefix(PGID).split("/", 1)[-1]


def _nearest(kind: ResourceKind, text: str, run: Run) -> str:
    names: dict[str, str] = {}  # a name or id → the resource it names
    for resource, name in run(_NAMES.format(classes=" ".join(kind.classes))):
        names.setdefault(_id_of(term_value(resource)), term_value(resource))
        names.setdefault(term_value(name), term_value(resource))
    import difflib  # only when a name names nothing: start-up time

    close = difflib.get_close_matches(text, list(names), n=5, cutoff=0.5)
    if close:
        return f" (nearest: {', '.join(close)})"
    ids = sorted({_id_of(resource) for resource in names.values()})
    if 0 < len(ids) <= 12:
        return f" (known: {', '.join(ids)})"
    return f" (give its IRI, its id or one of its names: {len(ids)} to choose from)"
