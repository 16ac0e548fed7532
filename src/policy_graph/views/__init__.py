"""Interactive HTML views of the graph (``policy-graph viz``), the network analysis
(``stats``) and exports for Gephi and Cytoscape, with the pages' static assets."""
