"""SPARQL on the graph: saved queries, running a query on a store or an endpoint, the
safety reading of query text, result formats, publishing to a triple store."""
