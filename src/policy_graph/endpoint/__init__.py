"""``policy-graph serve``: the read-only SPARQL 1.1 endpoint. The HTTP server, the
SPARQL protocol, query workers and their sandbox, resource pages, the query editor."""
