"""A report's text → draft policy records for a curator to review (``policy-graph draft``).

A passage states a project when it names a technology of our vocabulary (or a
technology word the vocabulary lacks) together with an act of building, introducing,
running or supporting. Its fields come from the passage alone; each is a guess that
says what it is based on (``Guess.why``), written beside it as a ``# draft:`` comment
(see :mod:`.writing`). ``validate`` warns while such marks remain
(:data:`policy_graph.records.one_file.REVIEW_MARK`).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..records.amounts import end_years_stated, won_stated
from .model import Draft, DraftPolicy
from .terms import Guess, Vocabulary
from .text import (
    Passage,
    Term,
    acts_in,
    object_phrases,
    passages,
    quoted_names,
    timelines_stated,
)

# Sentences that go on about the project before them ('특히 …': in particular), and
# those that add another of the same department ('또 …', '더불어 …').
_GOES_ON = ("특히", "이를 위해", "이를 통해")
_ADDS = ("또", "또한", "더불어", "아울러", "이와 함께", "이 밖에도", "이밖에도", "특히", "이를")
_PROPOSED_PARTNER = re.compile(r"([가-힣A-Za-z]{2,})(?:와|과)\s+(?:함께|협력|협업|공동으로|손잡고)")
_PROPOSED_GROUP = re.compile(r"(?<!\S)([가-힣]{2,})(?:을|를)\s*대상으로|(?<!\S)([가-힣]{2,})에게\s")


def draft_records(text: str, records, government: str, source_id: str) -> Draft:
    """The draft records that ``text`` (the source ``source_id``) suggests for
    ``government``, with our vocabularies from ``records`` (a :class:`Records`)."""
    vocabulary = Vocabulary(records, government)
    draft = Draft(
        government,
        source_id,
        government_known=any(g.id == government for g in records.governments),
        source_known=any(s.id == source_id for s in records.sources),
    )
    current_unit: Term | None = None
    for passage in passages(text):
        terms = vocabulary.find(passage)
        current_unit = _unit_of(passage, terms, current_unit)
        _consider(draft, vocabulary, passage, terms, current_unit)
    return draft


def _consider(draft: Draft, vocabulary, passage: Passage, terms: list[Term], unit) -> None:
    named = [t for t in terms if t.kind in ("technology", "new-technology")]
    if not named or not _states_an_act(passage):
        return
    if _is_headline(passage):
        return
    if _about_policies_in_general(passage, named):
        draft.general.append(passage.text)
        return
    if _reported_speech(passage):
        return
    previous = draft.policies[-1] if draft.policies else None
    if previous and passage.first_in_sentence and passage.text.startswith(_GOES_ON):
        previous.passages.append(passage)
        _fill(previous, draft, vocabulary, previous.lead_department)
        return
    policy = DraftPolicy([passage])
    lead = Guess(unit.id, _unit_why(unit, passage)) if unit else None
    _fill(policy, draft, vocabulary, lead)
    draft.policies.append(policy)


def _states_an_act(passage: Passage) -> bool:
    return bool(acts_in(passage.tokens)) or passage.sentence_acts


def _is_headline(passage: Passage) -> bool:
    """A sentence without a final ending that is no list ('가람군, 빅데이터 기반
    스마트농업 추진'): a headline, which the body states again."""
    whole = passage.first_in_sentence and passage.text == passage.sentence_text.strip()
    return whole and not passage.list_item and not any(t.tag == "EF" for t in passage.tokens)


# A plan or strategy as the thing acted on or as the subject ('‘…종합계획’을 추진한다',
# '계획은 …'): a programme that groups projects, not one of them.
_PLAN = re.compile(r"(?:계획|전략|정책)[’']?\s*(?:을|를)\s|^(?:이\s)?(?:계획|전략)(?:은|는)\s")


def _about_policies_in_general(passage: Passage, named: list[Term]) -> bool:
    """'AI 정책' (AI policies), '1AI 정책', a plan: the passage is about the policies as
    a whole (a programme), not one project."""
    if _PLAN.search(passage.text):
        return True
    return any(re.match(r"\s?정책", passage.text[t.end - passage.start :]) for t in named)


def _reported_speech(passage: Passage) -> bool:
    """Someone's words in double quotation marks ('…”며', '…”고 말했다')."""
    return bool(re.search(r"[”\"]\s*(?:며|고|라고|라며)", passage.sentence_text))


# --- the department that leads -------------------------------------------------------


# The government named by its kind as the subject: '시는', '구는 또', '군은'.
_GOVERNMENT_SUBJECT = re.compile(r"^(?:\S+\s+){0,2}?(?:시|구|군|도)(?:는|은|가|이)\s")


def _unit_of(passage: Passage, terms: list[Term], current: Term | None) -> Term | None:
    """The department of a passage: a unit of the government that is its subject
    ('기획조정실은 …', '▲도시재생국 ‘…’'), else the one of the passage before when
    this one goes on from it (a later clause of its sentence, '더불어 …', '또 …'); none
    when the government itself is the subject ('시는 …') or a new sentence starts."""
    for term in terms:
        if term.kind in ("unit", "proposed-unit", "government") and _is_subject(passage, term):
            return None if term.kind == "government" else term
    if _GOVERNMENT_SUBJECT.match(passage.text):
        return None
    if not passage.first_in_sentence and not passage.list_item:
        return current
    if passage.text.startswith(_ADDS):
        return current
    return None


def _is_subject(passage: Passage, term: Term) -> bool:
    after = passage.text[term.end - passage.start : term.end - passage.start + 2]
    at_start = term.start == passage.start
    return (at_start and passage.list_item) or bool(re.match(r"(?:은|는|이|가)\s", after))


def _unit_why(unit: Term, passage: Passage) -> str:
    if unit.kind == "proposed-unit":
        return f"{unit.written}: not a unit of the government yet (proposed below)"
    if unit.start >= passage.start:
        return f"{unit.written}, the subject of the passage"
    return f"{unit.written}, the subject of the passage before"


# --- the fields ----------------------------------------------------------------------


def _fill(policy: DraftPolicy, draft: Draft, vocabulary, lead: Guess | None) -> None:
    """Every field of ``policy`` from its passages (again, when one is added)."""
    terms = [t for p in policy.passages for t in vocabulary.find(p)]
    quotes = " ".join(policy.quotes)
    policy.lead_department = lead
    policy.technologies = vocabulary.technologies(terms)
    policy.target_groups = vocabulary.narrowest(terms, "target-group", "target groups named")
    policy.partners = vocabulary.named(terms, "organisation", "partners named")
    policy.domains = vocabulary.named(terms, "domain", "domain words")
    policy.budget_krw = _first_stated(won_stated(quotes))
    policy.planned_end = _first_stated(end_years_stated(quotes))
    times = timelines_stated(quotes)
    if times:
        policy.timeline = Guess(times[0][0], "the passage's own words of when")
    policy.title = _title(policy.passages[0], terms)
    for passage in policy.passages:
        _propose_others(draft, passage, terms)


def _first_stated(stated: list[tuple[str, Any]]) -> Guess | None:
    """The first amount or year a passage states, and what it also states."""
    if not stated:
        return None
    written, value = stated[0]
    value = int(value) if isinstance(value, Decimal) else value
    others = (
        f"; the passage also states {', '.join(w for w, _ in stated[1:])}" if stated[1:] else ""
    )
    return Guess(value, f"{written}{others}")


# What follows a quoted name that is the object of the act: 를, or a word then 을/를.
_OBJECT_AFTER_NAME = re.compile(r"\s*(?:[가-힣]{1,4}\s*)?(?:을|를)\s")


def _title(passage: Passage, terms: list[Term]) -> Guess:
    """The project's Korean name: a quoted name ('‘디지털 조직도’') that names a
    technology or is the item of a list; else the object of an act ('AI 스마트 교차로를
    선보이고'), one that names a technology first; else the passage itself."""
    techs = [t for t in terms if t.kind in ("technology", "new-technology")]

    def names_technology(start: int, end: int) -> bool:
        return any(start <= t.start and t.end <= end for t in techs)

    for name, start, end in quoted_names(passage.text, passage.start):
        after = passage.text[end - passage.start + 1 :]
        if passage.list_item or names_technology(start, end):
            return Guess(name, "the quoted name")
        if _OBJECT_AFTER_NAME.match(after):  # ‘스마트 건강관리’ 사업을 운영한다
            return Guess(name, "the quoted name of what is acted on")
    blocked = _blocked_tokens(passage, terms)
    phrases = object_phrases(passage.tokens, blocked)
    with_technology = [span for span in phrases if names_technology(*span)]
    for start, end in with_technology[:1] or phrases[-1:]:
        return Guess(
            passage.text[start - passage.start : end - passage.start], "the noun phrase of the act"
        )
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


# --- the command: a source file in, a new records file out --------------------------


def draft_file(
    source: Path | str,
    data_dir: Path | str,
    government: str,
    source_id: str | None = None,
    out: Path | str | None = None,
) -> tuple[Path, Draft]:
    """Draft the records of the text file ``source`` for ``government`` with the
    vocabularies of ``data_dir``, into ``out`` (default: ./<source id>.draft.yaml),
    which must not exist yet. Returns the path written and the draft."""
    from ..errors import FileError, UsageError
    from ..records.reading import read_records
    from ..records.values import InvalidValue, parse_slug
    from .writing import render_draft

    source = Path(source)
    source_id = source_id or source.stem
    for what, value in (("--government", government), ("--source-id", source_id)):
        try:
            parse_slug(value)
        except InvalidValue as error:
            hint = " (name the source with --source-id)" if what == "--source-id" else ""
            raise UsageError(f"{what}: {error}{hint}") from None
    try:
        text = source.read_text(encoding="utf-8-sig")  # a byte order mark is no text
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise FileError(f"{source}: cannot read the source text: {reason}") from None
    records, _problems = read_records(data_dir)  # a draft under review elsewhere is no bar
    draft = draft_records(text, records, government, source_id)
    out = Path(out) if out else Path(f"{source_id}.draft.yaml")
    _write_new(out, render_draft(draft))
    return out, draft


def _write_new(path: Path, text: str) -> None:
    """Write ``path`` whole, never over a file that exists (a curator's review)."""
    from ..errors import FileError

    data = text.encode("utf-8")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        try:
            os.link(temporary, path)  # whole at once; fails if ``path`` exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create it exclusively
            with open(path, "xb") as file:
                file.write(data)
    except FileExistsError:
        raise FileError(f"{path}: already exists; a draft is never written over a file") from None
    except OSError as error:
        raise FileError(f"{path}: cannot write the draft: {error.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)
