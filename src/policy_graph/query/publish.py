"""``policy-graph publish``: put the built graph into a triple store through the
SPARQL 1.1 Graph Store HTTP Protocol, then count what the store holds.

An HTTP PUT replaces the named graph, so a second run never duplicates. The check
counts (``COUNT(*)``) rather than lists: Virtuoso cuts long results at its
``ResultSetMaxRows`` without saying so, but a count is one row.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..errors import PolicyGraphError


class PublishError(PolicyGraphError):
    """The store refused the graph, could not be reached, or holds other than we sent."""


@dataclass(frozen=True)
class Published:
    store: str
    graph: str
    sent: int
    counted: int


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers = []
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def _call(opener, request: urllib.request.Request, timeout: float) -> bytes:
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        detail = " ".join(error.read().decode("utf-8", "replace").split())[:200]
        raise PublishError(
            f"{request.full_url} answered {error.code} {error.reason}: {detail}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise PublishError(
            f"cannot reach {request.full_url}: {getattr(error, 'reason', error)}"
        ) from None


# A literal typed with a datatype of our ontology (pg:LegalDongCode), as N-Triples ends it.
_OUR_DATATYPE = re.compile(rb'"\^\^<https://w3id\.org/policy-graph/ontology#[A-Za-z]+>')


def is_virtuoso(store: str) -> bool:
    """Whether ``store`` is Virtuoso's Graph Store endpoint. Virtuoso 7 answers property
    paths (``skos:broader*`` beside any other pattern) with no rows once a literal typed
    with a datatype of our ontology's namespace is stored, so literals typed
    pg:LegalDongCode go to it as plain strings (the same lexical form)."""
    path = urllib.parse.urlsplit(store).path.rstrip("/")
    return path.endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth"))


def store_endpoints(endpoint: str, sparql: str | None) -> tuple[str, str]:
    """The Graph Store endpoint and the SPARQL query endpoint of a store.

    Where ``sparql`` is not given it is guessed from well-known layouts: Virtuoso's
    ``/sparql-graph-crud(-auth)`` beside ``/sparql``, Fuseki's ``/ds/data`` beside
    ``/ds/sparql``, GraphDB's ``/repositories/r/rdf-graphs/service`` beside ``/repositories/r``.
    """
    if sparql:
        return endpoint, sparql
    url = urllib.parse.urlsplit(endpoint)
    path = url.path.rstrip("/")
    for suffix, replacement in (
        ("/sparql-graph-crud-auth", "/sparql"),
        ("/sparql-graph-crud", "/sparql"),
        ("/rdf-graphs/service", ""),
        ("/data", "/sparql"),
    ):
        if path.endswith(suffix):
            guessed = path[: -len(suffix)] + replacement
            return endpoint, urllib.parse.urlunsplit(url._replace(path=guessed, query=""))
    raise PublishError(f"cannot tell the SPARQL query endpoint of {endpoint}: give --sparql URL")


def count_triples(sparql: str, graph_iri: str, opener, timeout: float) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        sparql,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
        method="POST",
    )
    body = _call(opener, request, timeout)
    try:
        [row] = json.loads(body)["results"]["bindings"]
        return int(row["n"]["value"])
    except (ValueError, KeyError, TypeError) as error:
        raise PublishError(f"{sparql} gave no count: {body[:200]!r}") from error


def publish(
    graph,
    endpoint: str,
    graph_iri: str,
    user: str | None = None,
    password: str | None = None,
    sparql: str | None = None,
    timeout: float = 120,
    engine=None,
) -> Published:
    """Replace ``graph_iri`` in the store at ``endpoint`` with ``graph`` (an rdflib Graph,
    or ``engine``'s store); then check the count there. To Virtuoso, administrative codes
    go as plain strings (see :func:`is_virtuoso`)."""
    from ..graph.engines import get_engine

    engine = engine or get_engine("rdflib")
    data, sent = engine.serialise(graph, "nt"), engine.size(graph)
    store, sparql = store_endpoints(endpoint, sparql)
    if is_virtuoso(store):
        data = _OUR_DATATYPE.sub(b'"', data)
    opener = _opener(store, user, password)
    separator = "&" if "?" in store else "?"
    request = urllib.request.Request(
        f"{store}{separator}{urllib.parse.urlencode({'graph': graph_iri})}",
        data=data,
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    _call(opener, request, timeout)
    counted = count_triples(sparql, graph_iri, _opener(sparql, user, password), timeout)
    if counted != sent:
        raise PublishError(
            f"{sparql} counts {counted} triples in <{graph_iri}>, but {sent} were sent"
        )
    return Published(store, graph_iri, sent, counted)
