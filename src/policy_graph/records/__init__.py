"""The first stage: curated YAML records. The record format declared once, reading a
records folder (:func:`.reading.read_folder`, the one way in), the checks within a
file and across files, quotes and amounts, the results kept of earlier runs, the IRI
of each record, and the generated docs and JSON Schema. Imports no other stage."""
