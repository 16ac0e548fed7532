"""Korean report text → the passages that may state a project, and what they say:
terms of our vocabularies, the time words, the noun phrase of the project.

Sentences and morphemes come from Kiwi (``kiwipiepy``, whose model ships in the
``kiwipiepy_model`` wheel: nothing is downloaded at run time). Every span is a slice
of the source text, so that a quote made from it is verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Token:
    """A morpheme as Kiwi tags it, with its place in the whole source text."""

    form: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A span of the source that may state one project: a clause of a sentence
    ('…구축하고'), or an item of a list of projects ('▲도시재생국 ‘…’')."""

    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]
    sentence: int  # which sentence of the source it belongs to
    first_in_sentence: bool
    list_item: bool
    sentence_text: str
    sentence_acts: (
        bool  # for a list item: the list's own words state an act ('…등의 사업을 추진한다')
    )


@dataclass(frozen=True)
class Term:
    """A word of a vocabulary found in a passage: what it names, and where."""

    kind: str  # technology, target-group, unit, organisation, government, domain, new-technology
    id: str
    written: str
    start: int
    end: int


# --- sentences and passages ---------------------------------------------------------


@cache
def _kiwi():
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        from ..errors import PolicyGraphError

        raise PolicyGraphError(
            "policy-graph draft needs Kiwi, a Korean morphological analyser: "
            "pip install 'policy-graph[draft]' (in a checkout: .venv/bin/pip install -e "
            "'.[draft]'; python3 tasks.py test installs it)"
        ) from None
    return Kiwi()


def sentences(text: str) -> Iterator[tuple[int, int, tuple[Token, ...]]]:
    """Each sentence of ``text``: start, end and morphemes. Lines are split apart
    first: a headline or a byline is never part of the sentence after it."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    split = _kiwi().split_into_sents([line for _, line in lines], return_tokens=True)
    for (offset, _line), found in zip(lines, split, strict=True):
        for sentence in found:
            tokens = tuple(
                Token(t.form, t.tag, offset + t.start, offset + t.start + t.len)
                for t in sentence.tokens
            )
            yield offset + sentence.start, offset + sentence.end, tokens


# Bullets that Korean reports put before each item of a list of projects.
_BULLETS = "▲■●◆○□▶"


def passages(text: str) -> list[Passage]:
    """The clauses and list items of every sentence of ``text``, in order."""
    found = []
    for number, (start, end, tokens) in enumerate(sentences(text)):
        spans = _list_items(text, start, end) or _clauses(tokens, start, end)
        listed = sum(text[start:end].count(b) for b in _BULLETS) >= 2
        tail_acts = bool(acts_in(t for t in tokens if t.start >= spans[-1][1]))
        for index, (first, last) in enumerate(spans):
            first, last = _trimmed(text, first, last)
            if first >= last:
                continue
            inside = tuple(t for t in tokens if first <= t.start and t.end <= last)
            found.append(
                Passage(
                    first,
                    last,
                    text[first:last],
                    inside,
                    number,
                    index == 0,
                    listed,
                    text[start:end],
                    listed and tail_acts,
                )
            )
    return found


# Who said it, before what a news report says ('19일 광주시에 따르면 …'): not part of
# the project's passage.
_ACCORDING_TO = re.compile(r"[^,.]{0,30}?에 따르면\s+")
# The plan a passage comes under ('첫째, AI 기반 구축 전략에 따라 …'): part of the quote
# (it places the project), but a technology in the plan's name is not the project's.
_UNDER_PLAN = re.compile(r"[^.]{0,40}?(?:전략|계획|방침|정책)에 따라\s+")


def plan_lead_in(passage: Passage) -> int:
    """Where the words naming the plan a passage comes under end (its start if none)."""
    match = _UNDER_PLAN.match(passage.text)
    return passage.start + (match.end() if match else 0)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    according = _ACCORDING_TO.match(text, start, end)
    if according:
        start = according.end()
    while start < end and (text[start].isspace() or text[start] in _BULLETS):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of a sentence that lists projects after bullets ('▲A ‘…’ ▲B ‘…’ 등의
    사업을 추진한다'): each from its bullet to the next; the last ends with its quoted
    name, before the words the whole list shares ('등의 사업을 …')."""
    marks = [i for i in range(start, end) if text[i] in _BULLETS]
    if len(marks) < 2:
        return []
    items = [(a, b) for a, b in zip(marks, [*marks[1:], end], strict=True)]
    last_start, last_end = items[-1]
    tail = re.search(r"[’'」]\s*(?=등)|\s+등[의을]?\s", text[last_start:last_end])
    if tail:
        cut = last_start + tail.start() + (1 if text[last_start + tail.start()] in "’'」" else 0)
        items[-1] = (last_start, cut)
    return items


def _clauses(tokens: tuple[Token, ...], start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut where it goes on to another project: after a connective '-고,'
    or '-며,' (the comma left out, as the records quote it), and after '-는 한편'."""
    spans, first = [], start
    for i, token in enumerate(tokens[:-1]):
        after = tokens[i + 1]
        joins = token.tag == "EC" and token.form in ("고", "며", "으며") and after.form == ","
        meanwhile = token.form == "한편" and i > 0 and tokens[i - 1].tag == "ETM"
        if joins or meanwhile:
            spans.append((first, token.end))
            first = after.end if joins else token.end
    spans.append((first, end))
    return spans


# --- acts: what says a project is built, introduced, run or supported ---------------

# Nouns of acts, as '구축하다', '도입해', '…구축’' write them (Sino-Korean noun + 하다).
ACT_NOUNS = frozenset(
    "구축 도입 운영 운용 지원 제공 개발 시행 추진 실시 개통 설치 보급 확대 마련 조성 "
    "개설 시작 활용 적용 분석 개선 확충 구현 실증 투입 육성 양성 설립 시범".split()
)
# Native verbs of acts: 만들다, 선보이다, (센터를) 열다, (억 원을) 들이다, 세우다, 펼치다, 갖추다.
ACT_VERBS = frozenset("만들 선보이 열 들이 세우 펼치 갖추 늘리".split())


def acts_in(tokens: Iterable[Token]) -> list[Token]:
    """The morphemes of ``tokens`` that state an act: a noun of act followed by 하다
    (or ending a name, as in '…플랫폼 구축’'), or a verb of act."""
    tokens = list(tokens)
    found = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.tag == "NNG" and token.form in ACT_NOUNS:
            if after is None or after.tag in ("XSV", "SSC", "SP") or after.form in ("·", "’"):
                found.append(token)
        elif token.tag == "VV" and token.form in ACT_VERBS:
            found.append(token)
    return found


# --- terms of the vocabularies -------------------------------------------------------


class Lexicon:
    """Every label and alternative label of the records' vocabularies, units,
    organisations and governments, found in a text longest first (인공지능산업국 is a
    unit, not the technology 인공지능; 빅데이터 is not 데이터)."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        """``entries``: (kind, id, label) triples."""
        self._ids: dict[str, tuple[str, str]] = {}
        for kind, id_, label in entries:
            label = " ".join(label.split())
            if len(label) >= 2 or label.isascii():
                self._ids.setdefault(_fold(label), (kind, id_))
        alternatives = sorted(self._ids, key=len, reverse=True)
        self._pattern = re.compile("|".join(_label_pattern(label) for label in alternatives))

    def find(self, text: str, offset: int = 0) -> list[Term]:
        """Each term of ``text`` (positions shifted by ``offset``), leftmost, longest."""
        if not self._ids:
            return []
        found = []
        for match in self._pattern.finditer(text):
            kind, id_ = self._ids[_fold(match.group(0))]
            found.append(
                Term(kind, id_, match.group(0), offset + match.start(), offset + match.end())
            )
        return found


def _fold(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _label_pattern(label: str) -> str:
    """A label as a pattern: spaces optional ('예측 시스템', '예측시스템'); a Latin or
    numeric edge not inside a longer Latin word ('AI' in 'AI기반', not in 'MAIL')."""
    pattern = r"\s*".join(re.escape(c) for c in _fold(label))
    if label[0].isascii() and label[0].isalnum():
        pattern = r"(?<![A-Za-z])" + pattern
    if label[-1].isascii() and label[-1].isalnum():
        pattern += r"(?![A-Za-z])"
    return pattern


# Technologies that our vocabularies may lack, in general Korean usage: found, they are
# proposed as new concepts (never assigned as known ones).
NEW_TECHNOLOGY_WORDS = tuple(
    "로봇 드론 메타버스 블록체인 클라우드 자율주행 가상현실 증강현실 디지털트윈 키오스크 "
    "음성인식 영상분석 딥러닝 머신러닝 CCTV VR AR XR GPS RPA LTE 6G NFT GIS BIM UAM V2X "
    "OCR ChatGPT LLM".split()
)


def new_technology_entries() -> list[tuple[str, str, str]]:
    """The words of NEW_TECHNOLOGY_WORDS as lexicon entries of their own kind."""
    return [("new-technology", word, word) for word in NEW_TECHNOLOGY_WORDS]


# --- when ----------------------------------------------------------------------------

# Time words as reports write them: '연말까지', '올해', '내년 상반기까지', '오는 7월',
# '오는 3월부터', '오는 17일부터', '올 하반기', '연내', '다음 달부터', '3월까지'. A year
# with 까지 is an end year (see amounts.end_years_stated), not a timeline; the report's
# own date ('19일 광주시에 따르면') is none: a day counts only after '오는'.
_PART = r"(?:\s*(?:상반기|하반기|말|초|중순|초순|하순))?"
_UNTIL = r"(?:\s*(?:까지|부터|중|내))?"
_TIMELINE = re.compile(
    r"(?<![가-힣])(?:"
    rf"(?:올해|금년|내년|내후년){_PART}{_UNTIL}"
    rf"|올\s+(?:상반기|하반기|연말|말){_UNTIL}"
    rf"|오는\s*\d{{1,2}}월(?:\s*\d{{1,2}}일)?{_UNTIL}"
    rf"|오는\s*\d{{1,2}}일{_UNTIL}"
    rf"|(?:연말|연초|연내|연중|상반기|하반기){_UNTIL}"
    rf"|(?:다음|이번)\s*(?:달|주){_UNTIL}|(?:내달|이달){_UNTIL}"
    r"|\d{1,2}월\s*(?:부터|까지|중)"
    r")(?![가-힣])"
)


def timelines_stated(text: str) -> list[tuple[str, int, int]]:
    """Each time word of ``text``, as written, with its start and end:
    '인공지능산업국은 연말까지 자치구…' → [('연말까지', 9, 13)]."""
    return [(m.group(0), m.start(), m.end()) for m in _TIMELINE.finditer(text)]


# --- names: the quoted name or the noun phrase of the project ------------------------

_QUOTED = re.compile(r"‘([^’]+)’|'([^']+)'|「([^」]+)」")
_NOUNISH = frozenset("NNG NNP SL SN SH XSN XPN".split())


def quoted_names(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Each name in single quotation marks, as written, with its start and end."""
    found = []
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 4) if match.group(g) is not None)
        found.append((match.group(group), offset + match.start(group), offset + match.end(group)))
    return found


def object_phrases(tokens: tuple[Token, ...], blocked: set[int]) -> list[tuple[int, int]]:
    """The noun phrase before each object marker (을/를, or 도: '센서도 설치할') that an
    act follows within three morphemes ('AI 스마트 교차로를 선보이고' → 'AI 스마트
    교차로'), as spans. A phrase runs back over nouns, '의', '·', '및' and '…을 위한';
    it stops at a morpheme in ``blocked`` (a time word, the department that is the subject)."""
    acts = {t.start for t in acts_in(tokens)}
    spans = []
    for j, token in enumerate(tokens):
        marks_object = token.tag == "JKO" or (token.tag == "JX" and token.form == "도")
        if not marks_object or not any(t.start in acts for t in tokens[j + 1 : j + 4]):
            continue
        first = _phrase_start(tokens, j, blocked)
        if first is not None:
            spans.append((tokens[first].start, tokens[j - 1].end))
    return spans


def _phrase_start(tokens: tuple[Token, ...], j: int, blocked: set[int]) -> int | None:
    i, first = j - 1, None
    while i >= 0 and tokens[i].start not in blocked:
        token = tokens[i]
        if token.tag in _NOUNISH or (token.tag == "NNB" and token.form not in ("등", "수", "것")):
            first = i
        elif token.tag == "ETN" and i > 0 and tokens[i - 1].tag == "VV":  # 맺기
            i -= 1
            first = i
        elif token.tag == "ETM" and i > 1 and tokens[i - 1].form == "위하":  # …을 위한
            i -= 2 if tokens[i - 2].tag == "JKO" else 1
        elif not (token.form in ("의", "및", "·") and first is not None):
            break
        i -= 1
    return first
