"""Korean report text → its sentences and what they say: the kind of line each is on
(a headline, the body, someone's words; bylines, captions and copyright left out), the
acts, terms of our vocabularies, time words, quoted names and noun phrases.

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
    ('…구축하고'), an item of a list of projects ('▲도시재생국 ‘…’'), or one of two
    projects joined by 와/과 ('A와 B를 구축한다')."""

    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]
    sentence: int  # which sentence of the source it belongs to
    first_in_sentence: bool
    list_item: bool
    sentence_text: str
    sentence_acts: bool  # for a list item: the list's own words state an act
    # The words a list item shares with the other items of its list (the clause's words
    # before and after the items: '…을 기반으로 △A △B 등도 펼칠 예정이다'), as spans.
    shared: tuple[tuple[int, int], ...] = ()
    group: int | None = None  # which list of the source it is an item of
    list_noun: str = ""  # the words after the list's 등: '스마트 솔루션', '5대 사업'
    clause: tuple[int, int] = (0, 0)  # the clause it is part of
    kind: str = "body"  # of its sentence: body, headline or speech (see Sentence)
    lede: bool = False  # of the report's first sentence
    sentence_start: int = 0  # where its sentence starts in the source
    name: tuple[int, int] | None = None  # for one of two joined phrases: its own words


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
def kiwi():
    """The Kiwi analyser, made once per process."""
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


@dataclass(frozen=True)
class Sentence:
    """A sentence of the report, what kind of line it is on, and its morphemes."""

    number: int
    start: int
    end: int
    tokens: tuple[Token, ...]
    kind: str  # body, headline (a line without a final ending), speech (someone's words)
    lede: bool  # the first sentence of the body: what the whole report is about


# Lines that are no part of the report's text: copyright, bylines alone, addresses,
# dates of the page, picture captions ('(옥천군 제공)', '부산시청. 부산시 제공', '…ⓒ부여군').
_BOILERPLATE = re.compile(
    r"무단\s*전재|재배포|Copyright|저작권자|All rights reserved|Photo Image|"
    r"^[^가-힣]*$|^\s*(?:입력|기사\s*작성일|수정)\s*:?\s*\d|"
    r"^[^.]{0,30}?기자\s*(?:\S+@\S+)?\s*$|^\s*\S+@\S+\s*$|^\s*[|!]|"
    r"제공\s*[.)\]]?\s*\|?\s*$|[\[(][^\])]{0,20}제공[^\])]{0,20}[\])]\s*\|?\s*$|ⓒ\s*\S+\s*$|"
    r"^\s*#"
)
# A byline before the text ('[아시아경제 박종일 기자] ', '(광주=뉴스1) 이승현 기자 = ',
# '[로컬세계 = 임종환 기자]') and after it ('옥천=이영복 기자'): not the report's words.
_BYLINE_BEFORE = re.compile(r"^\s*[\[(][^\n]{0,40}?기자\s*(?:\]\s*|=\s*|\s(?==))=?\s*")
_BYLINE_AFTER = re.compile(r"\s+\S+=\s?[가-힣]{2,4}\s*기자\s*$|\s+[가-힣]{2,4}\s*기자\s*$")
# Someone's words: a sentence that opens with a quotation mark, or one that reports
# them ('…”며', '…”고 말했다').
_SPEECH = re.compile(r"^\s*[“\"]|[”\"]\s*(?:며|고|라고|라며|라는|면서)")


def report_sentences(text: str) -> list[Sentence]:
    """The sentences of a report's text, in order, each with the kind of its line.
    Lines are split apart first: a headline or a byline is never part of the sentence
    after it; lines of copyright, bylines and captions are left out."""
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        line, offset = match.group(), match.start()
        before = _BYLINE_BEFORE.match(line)
        if before:
            line, offset = line[before.end() :], offset + before.end()
        if _BOILERPLATE.search(line):
            continue
        after = _BYLINE_AFTER.search(line)
        if after:
            line = line[: after.start()]
        lines.extend(_pieces(line, offset))
    analysed = _analysed([line for _, line in lines])
    found: list[Sentence] = []
    body_seen = lede_seen = False
    for offset, line in lines:
        sentences_of_line = analysed[line]
        # A line without a final ending before the body: a headline or a caption. After
        # it, such a line is the body's (a sentence the excerpt cuts off).
        headline = not body_seen and not _ends(line, sentences_of_line)
        body_seen = body_seen or not headline
        for sentence_start, sentence_end, morphemes in sentences_of_line:
            tokens = tuple(
                Token(form, tag, offset + a, offset + b) for form, tag, a, b in morphemes
            )
            if not tokens:
                continue
            start, end = offset + sentence_start, offset + sentence_end
            kind = (
                "headline" if headline else "speech" if _SPEECH.search(text[start:end]) else "body"
            )
            lede = kind == "body" and not lede_seen
            lede_seen = lede_seen or lede
            found.append(Sentence(len(found), start, end, tokens, kind, lede))
    return found


# The longest piece of a line read as one: a report's sentence is far shorter, and an
# unpunctuated wall of text read whole costs time that grows with its square.
LONGEST_PIECE = 1000
_SENTENCE_STOP = re.compile(r"[.?!。]\s")


def _pieces(line: str, offset: int) -> list[tuple[int, str]]:
    """``line`` (which starts at ``offset``) in pieces of at most LONGEST_PIECE
    characters, each cut after the last sentence end in it, or else after its last
    white space, or else where it must; empty pieces are left out."""
    pieces = []
    while len(line) > LONGEST_PIECE:
        window = line[:LONGEST_PIECE]
        stops = [m.end() for m in _SENTENCE_STOP.finditer(window)]
        space = max(window.rfind(" "), window.rfind("\t")) + 1
        cut = stops[-1] if stops else space or LONGEST_PIECE
        pieces.append((offset, line[:cut]))
        line, offset = line[cut:], offset + cut
    pieces.append((offset, line))
    return [(at, piece) for at, piece in pieces if piece.strip()]


# A line's sentences as Kiwi reads them: (start, end, morphemes), a morpheme as (form,
# tag, start, end), all within the line.
_Analysis = list[tuple[int, int, list[tuple[str, str, int, int]]]]


def _analysed(lines: list[str]) -> dict[str, _Analysis]:
    """Each line's sentences and morphemes. A line that comes again is read once: Kiwi
    reads each line on its own, and reading is most of draft's time."""
    distinct = list(dict.fromkeys(lines))
    split = kiwi().split_into_sents(distinct, return_tokens=True, return_sub_sents=False)
    return {
        line: [
            (s.start, s.end, [(t.form, t.tag, t.start, t.start + t.len) for t in s.tokens])
            for s in sentences
        ]
        for line, sentences in zip(distinct, split, strict=True)
    }


def _ends(line: str, sentences: _Analysis) -> bool:
    """Whether a line ends as a sentence does: a final ending, or a full stop."""
    last = sentences[-1][2] if sentences else []
    return line.rstrip().endswith((".", "다", "”", '"')) or any(t[1] == "EF" for t in last[-3:])


def sentences(text: str) -> Iterator[tuple[int, int, tuple[Token, ...]]]:
    """Each sentence of ``text`` (see :func:`report_sentences`): start, end, morphemes."""
    for sentence in report_sentences(text):
        yield sentence.start, sentence.end, sentence.tokens


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


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without who said it ('19일 광주시에 따르면 '), bullets or white space at
    its ends."""
    according = _ACCORDING_TO.match(text, start, end)
    if according:
        start = according.end()
    while start < end and (text[start].isspace() or text[start] in "▲△■□●○◆◇▶▷•"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- acts: what says a project is built, introduced, run or supported ---------------

# Nouns of acts, as '구축하다', '도입해', '…구축’' write them (Sino-Korean noun + 하다).
ACT_NOUNS = frozenset(
    "구축 도입 운영 운용 지원 제공 개발 시행 추진 실시 개통 설치 보급 확대 마련 조성 "
    "개설 시작 활용 적용 분석 개선 확충 구현 실증 투입 육성 양성 설립 시범 배치 개방 "
    "건립 제정 개최 가동 제작 연계 고도화 활성화 자동화 지능화 확산 주력 수립".split()
)
# Native verbs of acts: 만들다, 선보이다, (센터를) 열다, (억 원을) 들이다, 세우다, 펼치다, 갖추다,
# and of taking a task on: (…에) 힘쓰다, 나서다.
ACT_VERBS = frozenset("만들 선보이 열 들이 세우 펼치 갖추 늘리 힘쓰 나서".split())


def acts_in(tokens: Iterable[Token]) -> list[Token]:
    """The morphemes of ``tokens`` that state an act: a noun of act followed by 하다
    (or ending a name, as in '…플랫폼 구축’', or before a bracket: '개방(40종)하고'),
    '…화하다' ('고도화하고'), or a verb of act."""
    tokens = list(tokens)
    found = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.tag == "NNG" and token.form in ACT_NOUNS:
            if _describes(tokens, i):
                continue  # 'AI 기술을 활용한 사업': the act describes a thing
            if (
                after is None
                or after.tag in ("XSV", "SSC", "SP", "SSO")
                or after.form in ("·", "’", "중", "사업")
            ):
                found.append(token)  # '구축하다', '…구축’', '운영 중', '조성사업'
            elif after.tag == "JKO" and i + 2 < len(tokens) and tokens[i + 2].form == "통하":
                found.append(token)  # '…키오스크 개발을 통해': an act as the means

        elif token.tag == "XSN" and token.form == "화" and i and after is not None:
            if tokens[i - 1].form + "화" in ACT_NOUNS and after.tag == "XSV":
                found.append(token)
        elif token.tag.startswith("VV") and token.form in ACT_VERBS:
            found.append(token)
    return found


def _describes(tokens: list[Token], i: int) -> bool:
    """'…을 활용한 Y', '…을 기반으로 한 Y': using or building on something, said of a thing."""
    if tokens[i].form not in ("활용", "적용", "연계"):
        return False
    rest = tokens[i + 1 : i + 3]
    return len(rest) == 2 and rest[0].tag == "XSV" and rest[1].tag == "ETM"


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
        self._pattern = _labels_pattern(sorted(self._ids, key=len, reverse=True))
        # What each text names (positions from its start): a draft asks again and again
        # of the same passage, and of the same words in a text that repeats itself.
        self._found: dict[str, tuple[tuple[str, str, str, int, int], ...]] = {}

    def find(self, text: str, offset: int = 0) -> list[Term]:
        """Each term of ``text`` (positions shifted by ``offset``), leftmost, longest."""
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = tuple(self._terms(text))
        return [
            Term(kind, id_, written, offset + a, offset + b) for kind, id_, written, a, b in found
        ]

    def _terms(self, text: str) -> list[tuple[str, str, str, int, int]]:
        """(kind, id, as written, start, end) of each term of ``text``."""
        if not self._ids:
            return []
        found = []
        for match in self._pattern.finditer(text):
            kind, id_ = self._ids[_fold(match.group(0))]
            found.append((kind, id_, match.group(0), match.start(), match.end()))
        return found


def _fold(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _labels_pattern(labels: list[str]) -> re.Pattern:
    """One pattern for ``labels`` (folded), tried in the order given: spaces optional
    ('예측 시스템', '예측시스템'); a Latin or numeric edge not inside a longer Latin word
    ('AI' in 'AI기반', not in 'MAIL'). The labels that start with the same character
    are one branch, in their order (only they can match where that character is): a
    position is tried against a few labels, not hundreds."""
    by_first: dict[str, list[str]] = {}
    for label in labels:
        by_first.setdefault(label[0], []).append(label)
    branches = []
    for first, group in by_first.items():
        rests = []
        for label in group:
            rest = "".join(r"\s*" + re.escape(c) for c in label[1:])
            if label[-1].isascii() and label[-1].isalnum():
                rest += r"(?![A-Za-z])"
            rests.append(rest)
        head = re.escape(first)
        if first.isascii() and first.isalnum():
            head = r"(?<![A-Za-z])" + head
        branches.append(head + "(?:" + "|".join(rests) + ")")
    return re.compile("|".join(branches))


# Technologies that our vocabularies may lack, in general Korean usage: found, they are
# proposed as new concepts (never assigned as known ones).
NEW_TECHNOLOGY_WORDS = tuple(
    "로봇 드론 메타버스 블록체인 클라우드 자율주행 가상현실 증강현실 디지털트윈 키오스크 "
    "음성인식 영상분석 딥러닝 머신러닝 CCTV VR AR XR GPS RPA LTE 6G NFT GIS BIM UAM V2X "
    "OCR ChatGPT GPT LLM 와이파이 Wi-Fi 데이터센터 초거대 생성형 실감형 홀로그램 웨어러블 "
    "센서 스마트팜 ITS 마이데이터 정보보호 사이버보안".split()
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
    rf"(?:올해|금년|내년|내후년|지난해|작년){_PART}{_UNTIL}"
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
