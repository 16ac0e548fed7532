"""Our vocabularies as one lexicon (technologies, target groups, domains, the
government's units, organisations, governments) and the choice among the terms a
passage names: the narrowest concept, no general means beside a specific one
(for :mod:`.draft`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .text import Lexicon, Passage, Term, new_technology_entries, plan_lead_in

# The vocabulary's rule (data/vocabularies/technologies.yaml): a general digital means
# (스마트, 플랫폼, 디지털, 온라인) is a technology only where the source names nothing else.
GENERAL_MEANS = frozenset(("스마트", "플랫폼", "디지털", "온라인"))
# Kinds of organisation that report on policies, never take part in them.
_PRESS = frozenset(("publisher", "news-agency", "broadcaster"))
# An unknown department as the subject, by the suffix of its name ('…과', '…국',
# '…센터'): within the first words ('19일 구에 따르면 스마트도시과는 …'), or the first
# word of a list item ('스마트도시과 ‘…’').
_UNIT_SUFFIX = "실|국|과|팀|본부|센터|정책관|담당관|관|원|청|단|사업소"
_PROPOSED_UNIT = re.compile(
    rf"^(?:\S+\s+){{0,3}}?([가-힣]{{2,}}(?:{_UNIT_SUFFIX}))(?:은|는)\s"
    rf"|^([가-힣]{{2,}}(?:{_UNIT_SUFFIX}))\s+[‘'「]"
)


@dataclass(frozen=True)
class Guess:
    """A drafted value and what it is based on."""

    value: Any
    why: str


class Vocabulary:
    """The records' concepts, units and organisations, as a lexicon and hierarchies."""

    def __init__(self, records, government: str):
        self.broader = {(c.kind, c.id): c.broader for c in records.concepts}
        self.labels = {(c.kind, c.id): c.label.ko for c in records.concepts}
        self._concepts = list(records.concepts)
        self.model = None  # the domains model (.learned), set by draft_records
        self.press = {o.id for o in records.organisations if o.kind in _PRESS}
        entries = [
            (c.kind, c.id, label)
            for c in records.concepts
            if c.kind in ("technology", "target-group", "domain")
            for label in _labels(c)
        ]
        units = [u for g in records.governments if g.id == government for u in g.units]
        entries += [("unit", u.id, label) for u in units for label in _labels(u)]
        entries += [
            ("organisation", o.id, label) for o in records.organisations for label in _labels(o)
        ]
        entries += [
            ("government", g.id, label) for g in records.governments for label in _labels(g)
        ]
        entries += new_technology_entries()
        self.lexicon = _UnitProposingLexicon(entries)

    def find(self, passage: Passage) -> list[Term]:
        """The terms of a passage, but for technologies in the name of a plan it comes under."""
        lead_in = plan_lead_in(passage)
        terms = self.lexicon.find(passage.text, passage.start)
        return [t for t in terms if t.start >= lead_in or not t.kind.endswith("technology")]

    def ids(self, kind: str) -> set[str]:
        """The ids of the concepts of ``kind`` ('policy-stage', 'budget-kind' …)."""
        return {c.id for c in self._concepts if c.kind == kind}

    def stage_labels(self) -> list[tuple[str, str]]:
        """(stage id, Korean label) for every label and alternative label of the stages,
        longest first."""
        found = [
            (c.id, label)
            for c in self._concepts
            if c.kind == "policy-stage"
            for label in [c.label.ko, *c.alt_labels.get("ko", ())]
        ]
        return sorted(found, key=lambda pair: -len(pair[1]))

    def partners(self, terms: list[Term]) -> Guess | None:
        """The organisations named, but no publisher or news agency (they report on the
        policy, they do not take part in it)."""
        kept = [t for t in terms if t.kind == "organisation" and t.id not in self.press]
        return self.named(kept, "organisation", "partners named")

    def _ancestors(self, kind: str, id_: str) -> set[str]:
        found, todo = set(), list(self.broader.get((kind, id_), ()))
        while todo:
            parent = todo.pop()
            if parent not in found:
                found.add(parent)
                todo += self.broader.get((kind, parent), ())
        return found

    def narrowest(self, terms: list[Term], kind: str, what: str) -> Guess | None:
        """The ids of ``kind`` named, without one whose narrower concept is named too."""
        named = _unique(t for t in terms if t.kind == kind)
        if not named:
            return None
        ids = [t.id for t in named]
        covered = set().union(*(self._ancestors(kind, i) for i in ids))
        kept = [t for t in named if t.id not in covered]
        why = f"{what}: " + ", ".join(t.written for t in kept)
        dropped = [t.written for t in named if t.id in covered]
        if dropped:
            why += f" ({', '.join(dropped)} left out: a narrower one is named)"
        return Guess([t.id for t in kept], why)

    def named(self, terms: list[Term], kind: str, what: str) -> Guess | None:
        named = _unique(t for t in terms if t.kind == kind)
        if not named:
            return None
        return Guess([t.id for t in named], f"{what}: " + ", ".join(t.written for t in named))

    def technologies(self, terms: list[Term]) -> Guess:
        """The narrowest technologies named, without a general means beside a specific
        one; words of technologies we lack are named in ``why`` (and proposed)."""
        new = _unique(t for t in terms if t.kind == "new-technology")
        guess = self.narrowest(terms, "technology", "technologies named")
        if guess is None:
            names = ", ".join(t.written for t in new)
            return Guess([], f"no technology of the vocabulary; proposed below: {names}")
        ids = guess.value
        general = [i for i in ids if self.labels[("technology", i)] in GENERAL_MEANS]
        if general and len(general) < len(ids):
            kept = [i for i in ids if i not in general]
            words = ", ".join(self.labels[("technology", i)] for i in general)
            guess = Guess(
                kept, f"{guess.why}; {words} left out: a general means beside a specific one"
            )
        if new:
            guess = Guess(
                guess.value,
                f"{guess.why}; also {', '.join(t.written for t in new)} (proposed below)",
            )
        return guess


class _UnitProposingLexicon(Lexicon):
    """A lexicon that also finds the unknown department that is a passage's subject,
    by the suffix of its name ('…과', '…국', '…센터'): kind 'proposed-unit'."""

    def _terms(self, text: str) -> list[tuple[str, str, str, int, int]]:
        terms = super()._terms(text)
        match = _PROPOSED_UNIT.match(text)
        if match:
            group = 1 if match.group(1) else 2
            start, end = match.start(group), match.end(group)
            if not any(a < end and start < b for _, _, _, a, b in terms):
                terms.append(("proposed-unit", "", match.group(group), start, end))
                terms.sort(key=lambda t: t[3])
        return terms


def _labels(record) -> list[str]:
    labels = [record.label.ko, record.label.en]
    for words in record.alt_labels.values():
        labels += words
    return [label for label in labels if label]


def _unique(terms) -> list[Term]:
    seen, kept = set(), []
    for term in terms:
        if term.id not in seen:
            seen.add(term.id)
            kept.append(term)
    return kept
