"""``policy-graph draft``: the policy records that a report's text states, drafted for
a curator to review, each guess marked."""
