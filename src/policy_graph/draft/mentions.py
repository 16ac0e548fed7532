"""A report's text → the passages that may each state one project (for :mod:`.policies`).

Every sentence is cut into clauses and lists (:mod:`.segments`); then, with the
vocabularies:

- a list **names projects** when the words after its 등 say so ('등 15개 서비스', '등
  스마트 솔루션', '등의 사업') or when most of its items look like projects (a technology
  of the vocabulary, a quoted name, or a head noun that names a system, service or
  facility: :data:`PROJECT_HEADS`); each item is then a passage, and an item that holds
  a list of its own gives that list's items ('▲A, B 등 ‘…’', '산업(A, B)');
- a list whose words after 등 count fields or strategies ('등 5개 분야', '3대 혁신
  방향으로 A, B, C를') names the **strands** of a plan: its items are passages of role
  ``strand``;
- any other list (target groups, partners, technologies, fields) is part of its clause;
- two project-like noun phrases joined by 와/과/및 are two passages ('A와 B를 구축해'),
  but not when the first is a bare noun that the second goes on ('지역대학과 AI 전문기업
  협업체계'), nor inside the argument of a verb ('교통 혼잡과 사고 위험을 예측하는 …').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count

from .segments import Clause, Group, clauses, conjunction
from .text import ACT_NOUNS, Passage, Sentence, report_sentences, trimmed

# Head nouns that name what a project builds or runs, in the words of Korean public
# administration: a system, a service, a facility, a device, a course, a rule.
PROJECT_HEADS = frozenset(
    """서비스 시스템 플랫폼 센터 교육 프로그램 과정 모임 커뮤니티 동아리 로봇 스피커
    키오스크 단말기 기기 장비 설비 센서 쉼터 주차장 정류장 횡단보도 교차로 존 구역 공원
    팜 공장 인증제 조례 조례안 용역 콘텐츠 앱 애플리케이션 포털 홈페이지 누리집 상황실
    관제 감시 측정 모니터링 안내 예측 분석 지도 랩 거점 스튜디오 허브 캠퍼스 아카데미
    대회 경진대회 공모전 교실 체험관 전시관 도서관 영수증 메뉴판 지역화폐 카드 알림톡
    전광판 가로등 신호 신호기 충전소 경로당 관리소 연구모임 실증 모형 모델 데이터센터
    센터 챗봇 콜봇 전화 상담 대출 관리 시범사업 선도사업 오픈랩 개방 보급 구축""".split()
)
# Words that name no project of their own: kinds of project, the administration, its
# means in general ('AI 기술을 활용한 사업', '스마트 서비스를 확대', '지능형 행정 서비스').
GENERIC = frozenset(
    """사업 정책 행정 서비스 행정서비스 공공서비스 기술 분야 인프라 기반 체계 전환 혁신 솔루션
    활용 생태계 방안 과제 역량 도시 시민 주민 구민 군민 도민 생활 편의 지능 형 첨단
    과학 미래 신 관련 다양 전반 적 제도 본격 본격화 추진 진행 확산 도입 구현 고도화 강화
    지원 운영 확대 구축 조성 마련 중심 노력 전 영역 성장 도약 등 이 그 이번 각종 모든
    선도 역할 위상 시대 중 곳 것 수 등등 부문 방향 목표 비전 사례 성과 효율 효율성 편익
    증진 제고 향상 개선 삶 질 변화 실현 일상 눈길 적용 접목 기반한 정보 데이터화 통합
    사회 산업 경제 공공 민간 지역 현안 문제 해결""".split()
)
# The nouns after 등 (or before a list) that count the strands of a plan.
_STRANDS = re.compile(
    r"\d+\s*(?:대|개|가지)?\s*(?:의\s*)?(?:중점\s*)?(?:혁신\s*)?(?:추진\s*)?(?:분야|전략|방향|부문|영역)"
)
_PROJECT_NOUN = re.compile(r"서비스|사업|솔루션|인프라|시스템|플랫폼|과제|프로젝트")


# The list noun of two phrases joined by 와/과/및 (no list of the writer's own).
JOINED = "와/과"


@dataclass(frozen=True)
class Mentioned:
    """A passage, and what it is: ``project`` (may state one), ``strand`` (an item of
    the strands of a plan) or ``list`` (a clause whose lists name no projects)."""

    passage: Passage
    role: str


def passages(text: str, vocabulary=None) -> list[Passage]:
    """The passages of ``text`` that may state a project, in order (without
    ``vocabulary``, every list is taken for a list of projects)."""
    return [m.passage for m in mentions(text, vocabulary) if m.role == "project"]


def mentions(
    text: str, vocabulary=None, sentences: list[Sentence] | None = None
) -> list[Mentioned]:
    """Every passage of ``text`` with its role (see :class:`Mentioned`)."""
    found: list[Mentioned] = []
    groups = count()
    for sentence in sentences if sentences is not None else report_sentences(text):
        first = True
        for clause in clauses(text, sentence.tokens, sentence.start, sentence.end):
            for start, end, role, extra in _cut(text, clause, vocabulary, groups):
                start, end = trimmed(text, start, end)
                if start >= end:
                    continue
                inside = tuple(t for t in clause.tokens if start <= t.start and t.end <= end)
                found.append(
                    Mentioned(
                        Passage(
                            start,
                            end,
                            text[start:end],
                            inside,
                            sentence.number,
                            first,
                            extra.get("group") is not None,
                            text[sentence.start : sentence.end],
                            extra.get("acts", False),
                            extra.get("shared", ()),
                            extra.get("group"),
                            extra.get("noun", ""),
                            (clause.start, clause.end),
                            sentence.kind,
                            sentence.lede,
                            sentence.start,
                            extra.get("name"),
                        ),
                        role,
                    )
                )
                first = False
    return found


def _cut(text: str, clause: Clause, vocabulary, groups):
    """(start, end, role, extra) of each passage of a clause."""
    for group in clause.groups:
        kind = list_kind(text, group, vocabulary)
        if kind == "other":
            continue
        number = next(groups)
        shared = (group.head, group.tail)
        acts = _acts_in(clause, *group.tail) or _acts_in(clause, *group.head)
        extra = {"group": number, "shared": shared, "noun": group.noun, "acts": acts}
        role = "strand" if kind == "strands" else "project"
        yield from _items(text, clause, group, vocabulary, role, extra, groups)
        return
    yield from _conjuncts(text, clause, clause.start, clause.end, vocabulary, "project", {}, groups)


def _items(text, clause, group: Group, vocabulary, role, extra, groups):
    for index, (start, end) in enumerate(group.items):
        inner = [g for g in group.inner.get(index, []) if list_kind(text, g, vocabulary) != "other"]
        if inner and role == "project":
            label = group.label.get(index)
            if label:  # '산업(스마트 전통시장, …)': '산업' is a strand of the plan
                yield label[0], label[1], "strand", dict(extra)
            number = next(groups)
            shared = (*extra["shared"], inner[0].head, inner[0].tail)
            for a, b in inner[0].items:
                yield a, b, "project", {**extra, "group": number, "shared": shared}
            continue
        if role == "project":
            yield from _conjuncts(text, clause, start, end, vocabulary, role, extra, groups)
        else:
            yield start, end, role, extra


def _conjuncts(text: str, clause: Clause, start: int, end: int, vocabulary, role, extra, groups):
    """A span, or its two project-like noun phrases joined by 와/과/및: a list of two,
    whose shared words are the span's others ('…를 구축한다')."""
    tokens = clause.tokens
    a = next((i for i, t in enumerate(tokens) if t.start >= start), len(tokens))
    b = next((i for i, t in enumerate(tokens) if t.end > end), len(tokens))
    if vocabulary is not None:
        for joint, before, after in conjunction(tokens, a, b):
            first, second = tokens[before:joint], tokens[joint + 1 : after]
            if not first or not second or means(text[second[-1].end : end], vocabulary):
                continue
            if first[-1].form in ACT_NOUNS and not _named_own(text, second, vocabulary):
                continue  # '일자리 정보 제공과 맞춤형 상담': what the service gives
            if _conjunct(text, first, vocabulary) and _conjunct(text, second, vocabulary):
                if extra.get("group") is None:
                    shared = ((start, first[0].start), (second[-1].end, end))
                    acts = _acts_in(clause, second[-1].end, end)
                    extra = {"group": next(groups), "shared": shared, "acts": acts, "noun": JOINED}
                yield (
                    start,
                    tokens[joint - 1].end,
                    role,
                    {**extra, "name": (first[0].start, first[-1].end)},
                )
                yield (
                    tokens[joint + 1].start,
                    end,
                    role,
                    {**extra, "name": (second[0].start, second[-1].end)},
                )
                return
    yield start, end, role, extra


def _named_own(text: str, tokens, vocabulary) -> bool:
    """A technology or a quoted name of its own."""
    words = text[tokens[0].start : tokens[-1].end]
    terms = vocabulary.lexicon.find(words)
    return any(t.kind in ("technology", "new-technology") for t in terms) or bool(
        re.search(r"[‘'「][^’'」]{2,}[’'」]", words)
    )


def _acts_in(clause: Clause, start: int, end: int) -> bool:
    from .text import acts_in

    return bool(acts_in(t for t in clause.tokens if start <= t.start and t.end <= end))


# --- what a list names ----------------------------------------------------------------


def list_kind(text: str, group: Group, vocabulary) -> str:
    """``projects``, ``strands`` or ``other`` (see the module's docstring)."""
    if vocabulary is None:
        return "projects"
    items = [(a, b) for a, b in group.items if a < b]
    if not items or all(_only_terms(text, a, b, vocabulary) for a, b in items):
        return "other"  # technologies, target groups, partners, fields
    noun = group.noun
    if re.search(r"기술$|기술들$", noun) or sum(_org_like(text, a, b) for a, b in items) * 2 >= len(
        items
    ):
        return "other"  # '… 등 4대 과학기술', '전대병원, 조대병원 등에'
    if _STRANDS.match(noun) or (
        not noun and _STRANDS.search(text[group.head[0] : group.head[1]][-20:])
    ):
        return "strands"
    if re.search(r"(?:분야|영역|부문)$", noun):
        return "other"  # '… 등 스마트 도시건설에 필요한 전 분야': topics
    projects_named = _PROJECT_NOUN.search(noun)
    if _apposition(text, group, vocabulary) or _means(text, group, vocabulary):
        return "other"
    shared = " ".join(text[a:b] for a, b in (group.head, group.tail))
    terms = vocabulary.lexicon.find(shared) + [
        t for a, b in items for t in vocabulary.lexicon.find(text[a:b])
    ]
    if not any(t.kind in ("technology", "new-technology") for t in terms):
        return "other"  # a list of projects names a technology somewhere
    if projects_named and (_counted(noun) or _generic(noun, vocabulary)):
        if _counted(noun) and not _PROJECT_NOUN.search(_first_count(noun)):
            return "other"  # '등 4대 추진목표와 6개 중점분야, 18개 세부사업': goals
        return "projects"  # '등 15개 서비스', '등 스마트 솔루션', '등 블록체인 기반 서비스'
    likes = sum(project_like(text, a, b, vocabulary) for a, b in items)
    if likes >= 2 and likes * 2 >= len(items):
        return "projects"
    if likes and _technology_acted(text, group, vocabulary):
        return "projects"  # '폭염 대응 통합 관리, … 등에 디지털 트윈 기술을 도입해'
    return "other"


def _apposition(text: str, group: Group, vocabulary) -> bool:
    """'AI 챗봇, 챗경북의 …': a technology, then the name of the same thing."""
    if (
        group.noun
        or group.bulleted
        or len(group.items) != 2
        or text[group.head[1] - 1 : group.head[1]] == "("
    ):
        return False
    a, b = group.items[0]
    last = " ".join(text[a:b].split()[-2:])
    return _only_terms(last, 0, len(last), vocabulary)


def _means(text: str, group: Group, vocabulary) -> bool:
    """'A 및 B, C를 도입해 시민이 체감할 수 있는 인공지능 건강관리 서비스를 제공한다': the list
    is what the clause's project is made of (its verb says how, -해), not projects."""
    return means(text[group.tail[0] : group.tail[1]], vocabulary)


def means(tail: str, vocabulary) -> bool:
    """Whether the words after a list or two joined phrases go on, after '-해', to the
    service they make ('…를 도입해 … 건강관리 서비스를 제공한다')."""
    found = re.search(r"(?:해|하여|해서)\s+(.+)$", tail)
    if not found:
        return False
    rest = found.group(1)
    terms = vocabulary.lexicon.find(rest)
    named = any(t.kind in ("technology", "new-technology") for t in terms)
    acted = any(word in rest for word in ACT_NOUNS)
    return named and acted and bool(re.search(r"(?:서비스|시스템|플랫폼)(?:을|를)\s", rest))


def _first_count(noun: str) -> str:
    """The words of the first count of a noun phrase: '4 대 추진 목표 와' of '4대
    추진목표와 6개 중점분야'."""
    found = re.match(r"\d+\s*(?:대|개|가지|건)[^\d]*", noun)
    return found.group(0) if found else noun


def _counted(noun: str) -> bool:
    return bool(re.match(r"\d+\s*(?:대|개|가지|건)", noun))


def _generic(words: str, vocabulary) -> bool:
    """Words that name nothing but technologies and kinds of project ('스마트 솔루션')."""
    for term in vocabulary.lexicon.find(words):
        words = words.replace(term.written, " ")
    return all(w in GENERIC for w in re.findall(r"[가-힣A-Za-z]+", words))


def _technology_acted(text: str, group: Group, vocabulary) -> bool:
    """The list's own words name a technology and an act on it ('…등에 디지털 트윈 기술을
    도입해', '블록체인 서비스를 …등으로 확대할')."""
    shared = text[group.head[0] : group.head[1]] + " " + text[group.tail[0] : group.tail[1]]
    named = any(t.kind in ("technology", "new-technology") for t in vocabulary.lexicon.find(shared))
    return named and any(word in shared for word in ACT_NOUNS)


# Head nouns of organisations, places and people: a list of them names partners,
# places or target groups, not projects.
ORG_HEADS = frozenset(
    """병원 대학 대학교 기관 기업 학교 협회 재단 공사 공단 연구원 시군 지역 가구 계층 주민
    시민 어르신 노인 장애인 청년 여성 아동 학생 기업들 업체 단체 부처 정부""".split()
)


def _org_like(text: str, start: int, end: int) -> bool:
    head = head_noun(text[start:end])
    return any(head.endswith(h) for h in ORG_HEADS)


def _only_terms(text: str, start: int, end: int, vocabulary) -> bool:
    """An item that is nothing but words of the vocabularies (and what joins them)."""
    words = text[start:end]
    for term in vocabulary.lexicon.find(words, start):
        words = words.replace(term.written, " ")
    words = re.sub(r"\d+\s*(?:일|월|년|세)", " ", words)
    return not re.sub(r"[\s·,()‘’'“”「」\-]|등|및|와|과|의|\d+", "", words)


def project_like(text: str, start: int, end: int, vocabulary) -> bool:
    """Whether a noun phrase looks like the name of a project (see the module)."""
    terms = vocabulary.lexicon.find(text[start:end], start)
    if any(t.kind in ("technology", "new-technology") for t in terms):
        return True
    if re.search(r"[‘'「“][^’'」”]{2,}[’'」”]", text[start:end]):
        return True
    return project_head(head_noun(text[start:end]))


def project_head(head: str) -> bool:
    """Whether a head noun names what a project builds or runs (:data:`PROJECT_HEADS`),
    also at the end of a compound ('연구거점', '통합관리시스템')."""
    return head in PROJECT_HEADS or any(head.endswith(h) for h in PROJECT_HEADS if len(h) > 1)


def head_noun(words: str) -> str:
    """The last word of a noun phrase, without brackets and particles."""
    words = re.sub(r"\([^)]*\)|[‘’'“”「」]", " ", words)
    found = re.findall(r"[가-힣A-Za-z0-9]+", words)
    if not found:
        return ""
    last = found[-1]
    last = re.sub(r"(?:을|를|이|가|은|는|도|의|에|으로|로|과|와|등)$", "", last) or last
    return last


def _conjunct(text: str, tokens, vocabulary) -> bool:
    """A noun phrase joined by 와/과/및 that names a project of its own: a technology or
    a project's head noun, more than one word, and not only what it acts on."""
    nouns = [t for t in tokens if t.tag in ("NNG", "NNP", "SL", "XSN", "SH")]
    if len(nouns) < 2:
        return False
    start, end = tokens[0].start, tokens[-1].end
    words = text[start:end]
    head = tokens[-1]
    particles = any(t.tag.startswith("J") and t.tag not in ("JKG", "JC") for t in tokens)
    if head.form in _NO_HEAD or (head.form in ACT_NOUNS and particles):
        return False  # '…안전관리 체계 및 …', '데이터를 저장·유통·활용 및 …'
    if head.form in ACT_NOUNS and not _has_technology_or_head(text, tokens, vocabulary):
        return False
    terms = vocabulary.lexicon.find(words, start)
    if any(t.kind in ("target-group", "organisation", "government", "unit") for t in terms):
        if not any(t.kind in ("technology", "new-technology") for t in terms):
            return False
    if any(t.kind in ("technology", "new-technology") for t in terms):
        covered = "".join(t.written.replace(" ", "") for t in terms)
        return len(re.sub(r"[\s·()]", "", words)) > len(covered)  # not a bare technology
    return project_head(head_noun(words)) or head.form in ACT_NOUNS


# Head nouns that name no project of their own: a framework, a basis, a field, a plan.
_NO_HEAD = frozenset("체계 기반 분야 방안 역량 정책 사업 계획 전략 방향 부문 영역 인프라".split())


def _has_technology_or_head(text: str, tokens, vocabulary) -> bool:
    words = text[tokens[0].start : tokens[-1].end]
    terms = vocabulary.lexicon.find(words)
    return any(t.kind in ("technology", "new-technology") for t in terms) or any(
        project_head(t.form) for t in tokens[:-1]
    )
