"""Our prefixes as plain text (graph/prefixes.py, what starts without rdflib) name the
namespaces that rdflib's terms and the records' IRIs name."""

from __future__ import annotations

from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from policy_graph.graph import prefixes, vocab
from policy_graph.records.iris import KIND_PREFIXES, PGID


def test_the_table_names_the_namespaces_of_rdflib_and_of_the_records():
    ours = {"pg": str(vocab.PG._NS), "pgid": str(PGID)}
    ours |= {prefix: str(PGID[f"{kind}/"]) for kind, prefix in KIND_PREFIXES.items()}
    reused = {"org": ORG, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "schema": SDO}
    reused |= {"owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}
    expected = ours | {prefix: str(namespace) for prefix, namespace in reused.items()}
    assert list(vocab.prefixes().items()) == list(expected.items())  # in the same order
    assert prefixes.PGID == str(PGID)


def test_the_table_is_read_without_rdflib():
    import subprocess
    import sys

    code = (
        "import sys; import policy_graph.graph.prefixes, policy_graph.graph.kept_store; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
