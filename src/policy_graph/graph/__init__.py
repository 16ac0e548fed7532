"""The second stage: records → an RDF graph. The terms of the query contract, turning
records into triples, the stores (rdflib's, Oxigraph's), graph files and their
headers, SHACL, and the build that runs them in order (:mod:`.pipeline`)."""
