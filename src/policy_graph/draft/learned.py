"""The one learned part of ``draft``: a policy's domains from the words of its passages,
for a passage that names no domain of the vocabulary ('교통', '복지' …).

A Bernoulli naive Bayes classifier, one domain against the rest, over the nouns Kiwi
finds in a curated policy's Korean title and quotes; a domain is proposed when its
probability is over one half (the likeliest one when none is). It is trained on the
records of a folder and kept as JSON beside this module (``domains.json``); nothing is
fetched at run time. To train it again on data/:

    python -m policy_graph.draft.learned data

``bench/draft.py`` trains it without the report it scores (leave-one-report-out).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL = Path(__file__).with_name("domains.json")
_MIN_DOCUMENTS = 2  # a word must be in this many policies to count


def words(text: str) -> set[str]:
    """The nouns (and Latin words) of ``text`` of two characters or more."""
    from .text import kiwi

    return {
        t.form for t in kiwi().tokenize(text) if t.tag in ("NNG", "NNP", "SL") and len(t.form) > 1
    }


@dataclass
class DomainModel:
    """Counts of policies: in all, with each domain, and with each word (and domain)."""

    documents: int
    with_domain: dict[str, int]
    with_word: dict[str, dict[str, int]]  # word → {"": policies with it, domain: … and it}

    def probabilities(self, found: set[str]) -> dict[str, float]:
        """Each domain's probability for a passage with the words ``found``."""
        known = [w for w in found if w in self.with_word]
        result = {}
        for domain, positives in self.with_domain.items():
            odds = 0.0
            for has, count in ((True, positives), (False, self.documents - positives)):
                score = self._absent(domain, has, count)
                for word in known:
                    p = self._p(word, domain, has, count)
                    score += math.log(p) - math.log(1 - p)
                odds += score if has else -score
            result[domain] = 1 / (1 + math.exp(-max(-50.0, min(50.0, odds))))
        return result

    def _p(self, word: str, domain: str, has: bool, count: int) -> float:
        counts = self.with_word[word]
        both = counts.get(domain, 0) if has else counts[""] - counts.get(domain, 0)
        return (both + 1) / (count + 2)

    def _absent(self, domain: str, has: bool, count: int) -> float:
        """The log prior and every word absent, for one side of one domain (kept)."""
        cache = self.__dict__.setdefault("_cache", {})
        key = (domain, has)
        if key not in cache:
            score = math.log((count + 1) / (self.documents + 2))
            score += sum(math.log(1 - self._p(w, domain, has, count)) for w in self.with_word)
            cache[key] = score
        return cache[key]

    def domains(self, text: str, allowed: set[str]) -> list[tuple[str, float]]:
        """The domains proposed for ``text`` (of ``allowed``), likeliest first (kept: a
        draft asks again of a policy whose passages did not change)."""
        answers = self.__dict__.setdefault("_answers", {})
        key = (text, frozenset(allowed))
        if key not in answers:
            ranked = sorted(
                ((d, p) for d, p in self.probabilities(words(text)).items() if d in allowed),
                key=lambda pair: -pair[1],
            )
            chosen = [(d, p) for d, p in ranked if p > 0.5]
            answers[key] = chosen or ranked[:1]
        return list(answers[key])

    def to_json(self) -> str:
        data = {
            "documents": self.documents,
            "with_domain": self.with_domain,
            "with_word": self.with_word,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DomainModel:
        data = json.loads(text)
        return cls(data["documents"], data["with_domain"], data["with_word"])


def train(records) -> DomainModel:
    """A model of the domains of ``records.policies`` (a :class:`Records`)."""
    rows = [(words(" ".join([p.title.ko, *p.quotes])), set(p.domains)) for p in records.policies]
    with_domain: dict[str, int] = {}
    with_word: dict[str, dict[str, int]] = {}
    for found, domains in rows:
        for domain in domains:
            with_domain[domain] = with_domain.get(domain, 0) + 1
        for word in found:
            counts = with_word.setdefault(word, {"": 0})
            counts[""] += 1
            for domain in domains:
                counts[domain] = counts.get(domain, 0) + 1
    kept = {w: c for w, c in with_word.items() if c[""] >= _MIN_DOCUMENTS}
    return DomainModel(len(rows), with_domain, kept)


@cache
def load() -> DomainModel | None:
    """The model shipped with the package (None if it is missing); read once."""
    if not MODEL.is_file():
        return None
    return DomainModel.from_json(MODEL.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    """Train on a records folder and write ``domains.json`` beside this module."""
    from ..records.reading import load_records

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m policy_graph.draft.learned DATA_DIR")
    records = load_records(args[0])
    MODEL.write_text(train(records).to_json(), encoding="utf-8")
    print(f"wrote {MODEL}: {len(records.policies)} policies")


if __name__ == "__main__":
    main()
