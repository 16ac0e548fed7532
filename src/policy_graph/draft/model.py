"""What ``draft`` proposes for one source: candidate policies and programmes, each field
a guess (:class:`~.terms.Guess`) that says what it is based on, new vocabulary, and the
passages about the policies as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records.one_file import REVIEW_MARK
from .terms import Guess
from .text import Passage

DRAFT_MARK = REVIEW_MARK  # validate warns while any is left (records/one_file.py)
# The most passages one draft policy or plan gathers: a report names a project or its
# plan a few times (at most 6 in the 16 reports of data/); a text that says the same
# thing thousands of times, or that holds hundreds of reports, would make every refill
# longer, and draft's time grow with the square of the text.
MOST_PASSAGES = 16


@dataclass
class DraftPolicy:
    """The fields of one candidate policy, each a Guess (None: the passage says nothing)."""

    passages: list[Passage]
    lead_department: Guess | None = None
    title: Guess | None = None
    technologies: Guess | None = None
    target_groups: Guess | None = None
    partners: Guess | None = None
    domains: Guess | None = None
    stage: Guess | None = None
    budget_krw: Guess | None = None
    budget_kind: Guess | None = None
    planned_end: Guess | None = None
    timeline: Guess | None = None
    programme: Guess | None = None  # the provisional id of a drafted programme

    @property
    def quotes(self) -> list[str]:
        return [p.text for p in self.passages]


@dataclass
class DraftProgramme:
    """A plan that groups the policies (or a strand of one: ``part_of``), with the
    passages that state it."""

    id: str
    passages: list[Passage]
    title: Guess | None = None
    part_of: str | None = None
    budget_krw: Guess | None = None
    budget_kind: Guess | None = None
    planned_end: Guess | None = None
    timeline: Guess | None = None
    key: str = ""  # the words that name it again ('경제' of '…(경제)': '경제분야는 …')

    @property
    def quotes(self) -> list[str]:
        return [p.text for p in self.passages]


@dataclass
class Draft:
    """What ``draft`` proposes for one source: policies, programmes, new vocabulary (kind
    → words → the passages that use them) and the passages about the policies as a
    whole (which are quotes of the programme, when there is one)."""

    government: str
    source: str
    policies: list[DraftPolicy] = field(default_factory=list)
    programmes: list[DraftProgramme] = field(default_factory=list)
    proposals: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    government_known: bool = True
    source_known: bool = True

    def propose(self, kind: str, words: str, passage: Passage) -> None:
        quotes = self.proposals.setdefault(kind, {}).setdefault(words, [])
        if passage.text not in quotes:
            quotes.append(passage.text)
