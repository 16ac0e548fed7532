"""The fields of a candidate policy, each from its passages (and, for an item of a
list, from the words its list shares): technologies, target groups, partners, domains,
stage, budget, end year, timeline and a Korean title (for :mod:`.policies`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..records.amounts import end_years_stated, won_stated
from .model import Draft, DraftPolicy
from .terms import Guess, Vocabulary
from .text import Passage, Term, acts_in, object_phrases, quoted_names, timelines_stated

_PROPOSED_PARTNER = re.compile(r"([가-힣A-Za-z]{2,})(?:와|과)\s+(?:함께|협력|협업|공동으로|손잡고)")
_PROPOSED_GROUP = re.compile(r"(?<!\S)([가-힣]{2,})(?:을|를)\s*대상으로|(?<!\S)([가-힣]{2,})에게\s")


def fill(
    policy: DraftPolicy,
    draft: Draft,
    vocabulary: Vocabulary,
    lead: Guess | None,
    shared: list[Term],
    shared_text: str,
    programme: Guess | None,
    model=None,
) -> None:
    """Every field of ``policy`` from its passages (again, when one is added); ``shared``:
    the terms of the words its list shares (``shared_text``)."""
    own = [t for p in policy.passages for t in vocabulary.find(p)]
    terms = own + [t for t in shared if t.kind not in ("technology", "new-technology")]
    quotes = " ".join(policy.quotes)
    policy.lead_department = lead
    policy.technologies = _technologies(vocabulary, own, shared)
    policy.target_groups = vocabulary.narrowest(terms, "target-group", "target groups named")
    policy.partners = vocabulary.partners(terms)
    policy.title = title(policy.passages[0], own)
    policy.domains = vocabulary.named(terms, "domain", "domain words") or _learned_domains(
        model, f"{policy.title.value} {quotes}", vocabulary
    )
    policy.budget_krw = first_stated(won_stated(quotes))
    policy.budget_kind = budget_kind(quotes, vocabulary) if policy.budget_krw else None
    policy.planned_end = first_stated(end_years_stated(quotes))
    times = timelines_stated(quotes)
    if not times and not won_stated(shared_text):
        times = timelines_stated(shared_text)
    policy.timeline = Guess(times[0][0], "the passage's own words of when") if times else None
    policy.stage = stage(policy.passages[-1], vocabulary)
    policy.programme = programme
    for passage in policy.passages:
        _propose_others(draft, passage, own)


def _learned_domains(model, text: str, vocabulary: Vocabulary) -> Guess | None:
    """Domains from the words of the passages, by the model learned from the curated
    records (:mod:`.learned`), when the passages name no domain."""
    if model is None:
        return None
    found = model.domains(text, vocabulary.ids("domain"))
    if not found:
        return None
    shown = ", ".join(f"{d} {p:.2f}" for d, p in found)
    return Guess(
        [d for d, _ in found], f"no domain word; learned from curated records' words: {shown}"
    )


def _technologies(vocabulary: Vocabulary, own: list[Term], shared: list[Term]) -> Guess:
    """The passage's own technologies; an item of a list that names none takes those of
    the words the list shares ('△A △B 등 지능형 교통체계(ITS)를 구축', 'A, B 등 스마트
    솔루션으로')."""
    named = [t for t in own if t.kind in ("technology", "new-technology")]
    if named or not shared:
        return vocabulary.technologies(own)
    guess = vocabulary.technologies(shared)
    if not guess.value:
        return vocabulary.technologies(own)
    return Guess(guess.value, f"{guess.why}, in the words the list shares: none of its own")


def first_stated(stated: list[tuple[str, Any]]) -> Guess | None:
    """The first amount or year a passage states, and what it also states; an amount
    after 총 (in total) before the others."""
    if not stated:
        return None
    written, value = stated[0]
    value = int(value) if isinstance(value, Decimal) else value
    others = (
        f"; the passage also states {', '.join(w for w, _ in stated[1:])}" if stated[1:] else ""
    )
    return Guess(value, f"{written}{others}")


def budget_kind(text: str, vocabulary: Vocabulary) -> Guess | None:
    """What kind of budget the words around it say: a total over years ('총', '총사업비',
    'N년간', '…년까지'), asked of the national budget ('국비 … 신청'), or committed
    ('투입', '확보', '편성'): the vocabulary's labels, and these words."""
    kinds = vocabulary.ids("budget-kind")
    checks = (
        (
            "multi-year-total",
            r"총사업비|총\s*[\d,.]+\s*(?:조|억|만)|\d+\s*년간|\d{4}년까지[^.]{0,20}?총",
        ),
        ("requested-national", r"국비[^.]{0,20}?(?:신청|요청)"),
        ("committed", r"투입|확보|편성"),
    )
    for kind, pattern in checks:
        found = re.search(pattern, text)
        if found and kind in kinds:
            return Guess(kind, f"'{found.group(0)}'")
    return None


# --- stage ---------------------------------------------------------------------------

_PLANNED = re.compile(r"(?:ᆯ|을|할|될|칠|쓸|일|갈|낼)\s*(?:계획|예정|전망)(?:이|입)")


def stage(passage: Passage, vocabulary: Vocabulary) -> Guess | None:
    """How far the project has come, by the words of its clause: the stages' labels
    ('시범 운영', '운영 중', '구축 중'), a plan or schedule ('…할 계획이다', '…할
    예정이다'), an act going on ('…하고 있다', '…중이다'), an act done ('…했다'). A
    clause that goes on with '-고' after its act ('…를 구축하고 …할 계획이다') shares the
    sentence's ending; one with an ending of its own ('…주목받았으며') does not."""
    stages = vocabulary.ids("policy-stage")
    clause = _clause_text(passage)
    for words in (clause, _sentence_end(passage, clause)):
        if not words:
            continue
        found = _stage_of(words, passage, vocabulary, stages)
        if found is not None:
            return found
        if _has_ending(words):
            return None
    return None


def _stage_of(words: str, passage: Passage, vocabulary: Vocabulary, stages) -> Guess | None:
    for id_, label in vocabulary.stage_labels():
        folded = label.replace(" ", "")
        if len(folded) >= 3 and re.search(r"\s*".join(map(re.escape, folded)), words):
            return Guess(id_, f"'{label}'")
    checks = (
        ("under-way", r"시범", "'시범': a pilot"),
        ("planned", _PLANNED.pattern, "the sentence says it is planned or scheduled"),
        (
            "in-operation",
            r"(?:운영|제공|안내|배치|가동|모니터링을?)\s*(?:하고\s*있|중이|중인)",
            "the sentence says it is running",
        ),
        ("under-way", r"고\s*있다|중이다|중인", "the sentence says it is going on"),
        ("under-way", r"시작했|착수했", "the sentence says it has started"),
        ("in-operation", r"(?:했|였|됐)(?:다|으며|고)|개시", "the sentence says it was done"),
    )
    for id_, pattern, why in checks:
        if id_ in stages and re.search(pattern, words):
            return Guess(id_, why)
    return None


def _has_ending(words: str) -> bool:
    """Whether words end a clause of their own: a tense or mood of their own ('…받았으며',
    '…다'), not only '-고' after an act ('…구축하고')."""
    tail = words.rstrip(" ,.”\"'")
    return not re.search(r"(?:하|화하)고$", tail)


def _sentence_end(passage: Passage, clause: str) -> str:
    sentence = passage.sentence_text.rstrip()
    at = sentence.find(clause)
    return sentence[at + len(clause) :] if at >= 0 and clause != sentence else ""


def _clause_text(passage: Passage) -> str:
    a, b = passage.clause
    if b <= a:
        return passage.text
    return passage.sentence_text[a - passage.sentence_start : b - passage.sentence_start]


# --- title ---------------------------------------------------------------------------

# What follows a quoted name that is the object of the act: 를, or a word then 을/를.
_OBJECT_AFTER_NAME = re.compile(r"\s*(?:[가-힣]{1,4}\s*)?(?:을|를)\s")
_LEADING_TIME = re.compile(
    r"^(?:(?:지난해|올해|내년|작년|금년|올|지난|오는)\s*(?:\d{1,2}월\s*)?|\d{4}년\s*|\d{1,2}월\s*)+"
)


def title(passage: Passage, terms: list[Term]) -> Guess:
    """The project's Korean name: a quoted name ('‘디지털 조직도’') that names a
    technology or is the item of a list; the item of a list itself; else the object of
    an act ('AI 스마트 교차로를 선보이고'), one that names a technology first; else the
    passage itself."""
    techs = [t for t in terms if t.kind in ("technology", "new-technology")]

    def names_technology(start: int, end: int) -> bool:
        return any(start <= t.start and t.end <= end for t in techs)

    if passage.name is not None:  # one of two joined phrases: its own words
        a, b = passage.name
        words = passage.sentence_text[a - passage.sentence_start : b - passage.sentence_start]
        for name, start, end in quoted_names(words, a):
            return Guess(name, "the quoted name")
        return Guess(_LEADING_TIME.sub("", words).strip(), "the noun phrase joined by 와/과")

    for name, start, end in quoted_names(passage.text, passage.start):
        after = passage.text[end - passage.start + 1 :]
        if passage.list_item or names_technology(start, end):
            return Guess(name, "the quoted name")
        if _OBJECT_AFTER_NAME.match(after):  # ‘스마트 건강관리’ 사업을 운영한다
            return Guess(name, "the quoted name of what is acted on")
    if passage.list_item:
        name = _LEADING_TIME.sub("", passage.text).strip(" ‘’'“”")
        if name and not re.search(r"(?:을|를|은|는)\s", name):
            return Guess(name, "the item of the list")
    blocked = _blocked_tokens(passage, terms)
    phrases = object_phrases(passage.tokens, blocked)
    with_technology = [span for span in phrases if names_technology(*span)]
    for start, end in with_technology[:1] or phrases[-1:]:
        return Guess(
            passage.text[start - passage.start : end - passage.start], "the noun phrase of the act"
        )
    if passage.list_item:
        return Guess(_LEADING_TIME.sub("", passage.text).strip(), "the item of the list")
    return _words_of_the_act(passage, terms)


def _words_of_the_act(passage: Passage, terms: list[Term]) -> Guess:
    """The passage from after its subject to its first act ('환경생태국은 AI 빅데이터를
    기반으로 폭염, 미세먼지 등을 분석해 …' → 'AI 빅데이터를 … 분석'): a name for a
    project that the passage states as an act rather than as a thing."""
    start = passage.start
    for term in terms:
        if term.kind in ("unit", "government", "proposed-unit") and term.start < passage.end:
            subject = re.match(r"(?:은|는|이|가)\s+", passage.text[term.end - passage.start :])
            if subject and term.start >= passage.start:
                start = term.end + subject.end()
                break
    acts = [t for t in acts_in(passage.tokens) if t.start >= start]
    if not acts:
        return Guess(passage.text, "no name found: the whole passage")
    name = passage.text[start - passage.start : acts[0].end - passage.start]
    return Guess(name, "the words of the act")


def _blocked_tokens(passage: Passage, terms: list[Term]) -> set[int]:
    """Starts of morphemes no name runs through: time words, amounts, end years, the
    units and governments the passage names."""
    spans = [(t.start, t.end) for t in terms if t.kind in ("unit", "government", "proposed-unit")]
    for _, start, end in timelines_stated(passage.text):
        spans.append((passage.start + start, passage.start + end))
    for written, _ in [*won_stated(passage.text), *end_years_stated(passage.text)]:
        at = passage.text.find(written)
        spans.append((passage.start + at, passage.start + at + len(written)))
    return {t.start for t in passage.tokens if any(a <= t.start < b for a, b in spans)}


# --- new vocabulary --------------------------------------------------------------------


def _propose_others(draft: Draft, passage: Passage, terms: list[Term]) -> None:
    """Words of technologies, target groups, partners and units that our records lack."""
    known = [(t.start, t.end) for t in terms]

    def unknown(match: re.Match, group: int) -> bool:
        start, end = passage.start + match.start(group), passage.start + match.end(group)
        return not any(a < end and start < b for a, b in known)

    for match in _PROPOSED_GROUP.finditer(passage.text):
        group = 1 if match.group(1) else 2
        if unknown(match, group):
            draft.propose("target_groups", match.group(group), passage)
    for match in _PROPOSED_PARTNER.finditer(passage.text):
        if unknown(match, 1):
            draft.propose("organisations", match.group(1), passage)
    proposed = {"new-technology": "technologies", "proposed-unit": "units"}
    for term in terms:
        if term.kind in proposed and passage.start <= term.start < passage.end:
            draft.propose(proposed[term.kind], term.written, passage)
