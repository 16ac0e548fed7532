"""policy-graph from Python, as in a notebook: build, list saved queries, run them.

Run it from the repository: ``.venv/bin/python examples/notebook.py``.
"""

import policy_graph
from policy_graph import api

# Build (or load, when up to date) the graph of the records in ./data.
graph = api.load_graph("data")
print(f"{len(graph)} triples")

# The saved queries, with their parameters.
for saved in api.list_queries():
    print(f"{saved.name}: {saved.title} · {saved.title_ko}")

# Run one with a parameter; rows are plain Python values.
result = api.run_query("policies-per-department", params={"dept": "기획조정실"}, graph=graph)
for row in api.result_rows(result):
    print(row["name"], row["policies"], row["titles"])

# Your own query, with English labels bound through ?lang and one government's
# policies through ?government (an IRI in angle brackets).
result = api.run_query(
    text="""
    PREFIX pg: <https://w3id.org/policy-graph/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?title ?budget WHERE {
      ?policy pg:budgetKRW ?budget ; rdfs:label ?title ; pg:government ?government .
      FILTER(LANG(?title) = ?lang)
    }""",
    params={"lang": "en", "government": "<https://w3id.org/policy-graph/id/org/gwangju>"},
    graph=graph,
)
rows = api.result_rows(result)
print(rows)

# With pandas installed, the same as a DataFrame.
try:
    frame = api.result_frame(result)
    print(frame)
except policy_graph.UsageError as missing:
    print(missing)
