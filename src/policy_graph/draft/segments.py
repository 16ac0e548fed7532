"""A sentence → its clauses, and in each the lists it holds (for :mod:`.mentions`).

Korean reports state several projects in one sentence in three ways, and each is cut
here by its morphemes (Kiwi), every span a slice of the source text:

- clauses joined by a connective ending: '…을 구축하고(,) …을 도입한다', '…할 계획이며
  …', '…하는 한편 …', '…제정한 데 이어 …', and a noun of act closing a clause before a
  comma ('…을 도입, …');
- lists: items after bullets ('▲A ▲B 등의 사업을 추진한다', '△…'), or items joined by
  commas and closed by 등 ('A, B, C 등 스마트 서비스를 확대해') or by the particle of the
  last item ('A 및 B, C도 구축한다'); an item may hold a list of its own ('산업(A, B)',
  '▲A, B 등 ‘…’');
- two noun phrases joined by 와/과/및 ('A와 B를 구축한다'): :func:`conjunction`.

Whether a list names projects, fields or target groups is decided by the caller, with
the vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import ACT_NOUNS, Token

# Bullets that Korean reports put before each item of a list of projects.
BULLETS = "▲△■□●○◆◇▶▷•"
_NOMINAL = frozenset("NNG NNP NNB NR SL SN SH XSN XPN".split())
_OPEN, _CLOSE = "(‘「[", ")’」]"  # not “…”: it holds someone's words, not a name


def _tag(token: Token) -> str:
    return token.tag.split("-")[0]  # Kiwi writes irregular verbs VV-R, VV-I


def _is_predicate(token: Token) -> bool:
    return _tag(token) in ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA", "EP")


def _is_adjective(token: Token) -> bool:
    return _tag(token) in ("VA", "XSA")


@dataclass
class Group:
    """A list within a clause: its items (spans), the words before them (``head``)
    and after them (``tail``, from 등), the noun phrase that follows 등 ('스마트
    솔루션', '5개 분야'), and lists inside its items (item index → lists)."""

    items: list[tuple[int, int]]
    head: tuple[int, int]
    tail: tuple[int, int]
    noun: str
    bulleted: bool
    inner: dict[int, list[Group]] = field(default_factory=dict)
    label: dict[int, tuple[int, int]] = field(default_factory=dict)  # '산업' of '산업(A, B)'


@dataclass
class Clause:
    start: int
    end: int
    tokens: tuple[Token, ...]
    groups: list[Group]


def clauses(text: str, tokens: tuple[Token, ...], start: int, end: int) -> list[Clause]:
    """The clauses of a sentence, each with its lists."""
    found = []
    for a, b in _clause_spans(tokens, start, end):
        a, b = _strip(text, a, b)
        if a >= b:
            continue
        inside = tuple(t for t in tokens if a <= t.start and t.end <= b)
        found.append(Clause(a, b, inside, _groups(text, inside, a, b)))
    return found


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",·" + BULLETS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _depths(tokens) -> list[int]:
    """The bracket depth at each morpheme: (…), ‘…’, 「…」, […]."""
    depth, found = 0, []
    for token in tokens:
        if token.form in _CLOSE and depth:
            depth -= 1
        found.append(depth)
        if token.form in _OPEN:
            depth += 1
    return found


def _clause_spans(tokens: tuple[Token, ...], start: int, end: int) -> list[tuple[int, int]]:
    spans, first = [], start
    depth = _depths(tokens)
    for i, token in enumerate(tokens[:-1]):
        if depth[i]:
            continue
        after = tokens[i + 1]
        cut = None
        if token.tag == "EC" and token.form in ("고", "며", "으며", "면서", "으면서"):
            before = tokens[i - 1] if i else None
            if before is not None and _is_predicate(before) and not _is_adjective(before):
                if not _tag(after).startswith("VX") and not _verb_follows(tokens, i + 1):
                    cut = token.end
        elif token.form == "한편" and i and tokens[i - 1].tag == "ETM":
            cut = token.end
        elif (
            token.form == "데" and i and tokens[i - 1].tag == "ETM" and after.form in ("잇", "이어")
        ):
            cut = tokens[i + 2].end if i + 2 < len(tokens) else None
        elif (
            token.tag == "NNG"
            and token.form in ACT_NOUNS
            and after.form == ","
            and i
            and tokens[i - 1].tag == "JKO"
        ):
            cut = token.end  # '…을 도입, 지역 상권에 …'
        if cut is not None and cut > first:
            spans.append((first, cut))
            first = cut
    spans.append((first, end))
    return spans


def _verb_follows(tokens, i: int) -> bool:
    """'…구축하고 실증하는 사업': another verb on the same object, no new noun first."""
    if i < len(tokens) and _tag(tokens[i]).startswith("VV"):
        return True
    return (
        i + 1 < len(tokens)
        and tokens[i].tag == "NNG"
        and tokens[i].form in ACT_NOUNS
        and tokens[i + 1].tag == "XSV"
    )


# --- lists ---------------------------------------------------------------------------


def _groups(text: str, tokens: tuple[Token, ...], start: int, end: int) -> list[Group]:
    depth = _depths(tokens)
    bullets = [i for i, t in enumerate(tokens) if t.form in BULLETS and not depth[i]]
    if len(bullets) >= 2:
        return [_bulleted(text, tokens, bullets, start, end)]
    return _comma_lists(text, tokens, depth, start, end)


def _bulleted(text, tokens, bullets, start, end) -> Group:
    marks = [tokens[i].start for i in bullets]
    items = list(zip([m + 1 for m in marks], [*marks[1:], end], strict=True))
    last_start, last_end = items[-1]
    inside = [i for i, t in enumerate(tokens) if last_start <= t.start < last_end]
    closing = _closing(tokens, inside, _depths(tokens), last=True)
    tail_start = last_end
    if closing is not None:
        tail_start = tokens[closing].start
        items[-1] = (last_start, tail_start)
    group = Group(
        items=[_strip(text, a, b) for a, b in items],
        head=(start, marks[0]),
        tail=(tail_start, end),
        noun=_noun_after(tokens, closing) if closing is not None else "",
        bulleted=True,
    )
    for index, (a, b) in enumerate(group.items):
        inner_tokens = tuple(t for t in tokens if a <= t.start and t.end <= b)
        inner = _comma_lists(text, inner_tokens, _depths(inner_tokens), a, b)
        if inner:
            group.inner[index] = inner
    return group


def _closing(tokens, indexes, depth, last=False) -> int | None:
    """The 등 that closes a list among ``indexes``: one not inside a relative clause
    ('미세먼지센서 등을 추가하는 스마트 보안 등 사업을': the second)."""
    found = None
    for i in indexes:
        if tokens[i].form == "등" and tokens[i].tag == "NNB" and not depth[i]:
            if _inside_relative(tokens, i):
                continue
            found = i
            if not last:
                return i
    return found


def _inside_relative(tokens, i: int) -> bool:
    """'X 등을 추가하는 Y': the 등 ends an argument of a verb that modifies Y (not '…등으로
    확대할 예정이다', where the verb ends the clause, nor '…등 주민들이 체감할 …', where
    a noun follows 등)."""
    if i + 1 >= len(tokens) or not tokens[i + 1].tag.startswith("J"):
        return False
    return modifies(tokens, i + 1)


def modifies(tokens, i: int) -> bool:
    """Whether the particle ``tokens[i]`` marks an argument of a verb that modifies a noun
    after it ('사고 위험을 예측하는 …'), rather than of the clause's own verb."""
    for j in range(i + 1, min(i + 5, len(tokens))):
        token = tokens[j]
        if token.tag == "ETM":
            after = tokens[j + 1] if j + 1 < len(tokens) else None
            if tokens[i].form == "에서" and _is_adjective(tokens[j - 1]):
                return False  # '…등에서 높은 점수를 받았다': the adjective takes no 에서
            return after is not None and after.form not in MODAL
        if token.tag in ("EC", "EF", "SF") or token.form in ("위하", "통하"):
            return False
    return False


# Nouns after a verb's modifier ending that make it the end of the clause: '…할 계획이다'.
MODAL = frozenset("계획 예정 방침 방안 전망 것 수 목표 생각 뜻 입장".split())


def _noun_after(tokens, i: int) -> str:
    """The words after 등, up to their particle: '스마트 솔루션', '5개 분야 80개 사업',
    '시민이 체감할 수 있는 스마트 서비스'."""
    end = np_end(tokens, i + 1)
    return " ".join(t.form for t in tokens[i + 1 : end] if t.tag != "JKG")


def _is_separator(tokens, i: int, depth) -> bool:
    token = tokens[i]
    if token.form != "," or depth[i] or not i:
        return False
    before = tokens[i - 1]
    return before.tag in _NOMINAL or before.form in _CLOSE or before.tag in ("SSC", "ETN")


def _comma_lists(text, tokens, depth, start, end) -> list[Group]:
    """Lists of items joined by commas: each closed by its 등 (or, past the last 등, by
    the particle that ends its last item)."""
    separators = [i for i in range(len(tokens)) if _is_separator(tokens, i, depth)]
    if not separators:
        return []
    closings = [
        i
        for i, t in enumerate(tokens)
        if t.form == "등" and t.tag == "NNB" and not depth[i] and not _inside_relative(tokens, i)
    ]
    groups, used = [], 0
    for closing in closings:
        mine = [s for s in separators[used:] if s < closing]
        used += len(mine)
        if mine:
            groups.append(_comma_group(text, tokens, mine, closing, start, end))
    rest = separators[used:]
    if rest:
        stop = _last_item_end(tokens, depth, rest[-1])
        middles = zip([s + 1 for s in rest[:-1]], rest[1:], strict=True)
        if stop is not None and all(_bare(tokens, depth, a, b) for a, b in middles):
            groups.append(_comma_group(text, tokens, rest, stop, start, end, closed=False))
    return groups


def _last_item_end(tokens, depth, separator: int) -> int | None:
    """Without 등: the last item ends at its particle ('데이터 센터도 구축한다', 'A, B는
    …'; one that a noun follows goes on: '오프라인 행정에 온라인 기술 융합을'); none when
    the words after it say what for ('…구축을 위한 …'): then the commas join no list of
    projects."""
    for i in range(separator + 1, len(tokens)):
        token = tokens[i]
        if depth[i]:
            continue
        if _is_predicate(token) or token.tag in ("EC", "EF", "ETM"):
            return None
        if not token.tag.startswith("J") or token.tag in ("JKG", "JC"):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        verb_after = i + 2 < len(tokens) and tokens[i + 2].tag in ("XSV", "XSA")
        if after is not None and token.tag == "JKB" and after.tag in _NOMINAL and not verb_after:
            continue  # '오프라인 행정에 온라인 기술 융합을', not '…전략으로 구성된다'
        if modifies(tokens, i) or (
            after is not None and after.form in ("위하", "통하", "따르", "대하")
        ):
            return None
        return i if i > separator + 1 else None
    return None


def _bare(tokens, depth, start: int, end: int) -> bool:
    """An item between commas with no particle but 의 and 와/과 (outside brackets)."""
    return not any(
        tokens[i].tag.startswith("J") and tokens[i].tag not in ("JKG", "JC") and not depth[i]
        for i in range(start, end)
    )


def _comma_group(text, tokens, seps, stop, start, end, closed=True) -> Group:
    first = np_start(tokens, seps[0], floor=_floor(tokens, seps[0]))
    bounds = [first, *[s + 1 for s in seps]]
    stops = [*seps, stop]
    noun = _noun_after(tokens, stop) if closed else ""
    if not closed:  # 'A, B, C의 3대 전략으로': the count after the last item names them
        counted = next(
            (
                i
                for i in range(bounds[-1], stop - 1)
                if tokens[i].tag == "JKG" and tokens[i + 1].tag == "SN"
            ),
            None,
        )
        if counted is not None:
            noun = " ".join(t.form for t in tokens[counted + 1 : stop])
            stops[-1] = counted
    items = []
    for a, b in zip(bounds, stops, strict=True):
        if a >= b:
            continue
        items.append(_strip(text, tokens[a].start, tokens[b - 1].end))
    group = Group(
        items=items,
        head=(start, tokens[first].start),
        tail=(tokens[stops[-1]].start, end),
        noun=noun,
        bulleted=False,
    )
    for index, (a, b) in enumerate(items):  # '산업(스마트 전통시장, …, 스마트 팜)'
        inside = [i for i, t in enumerate(tokens) if a <= t.start and t.end <= b]
        opening = next((i for i in inside if tokens[i].form == "("), None)
        if opening is None or not any(tokens[i].form == "," for i in inside if i > opening):
            continue
        closing = next((i for i in inside if i > opening and tokens[i].form == ")"), None)
        inner_end = tokens[closing].start if closing is not None else b
        inner_tokens = tuple(t for t in tokens if tokens[opening].end <= t.start < inner_end)
        inner_start = tokens[opening].end
        inner_depth = _depths(inner_tokens)
        seps = [i for i in range(len(inner_tokens)) if _is_separator(inner_tokens, i, inner_depth)]
        bounds = [inner_start, *[inner_tokens[s].end for s in seps]]
        stops = [*[inner_tokens[s].start for s in seps], inner_end]
        group.label[index] = (a, tokens[opening].start)
        group.inner[index] = [
            Group(
                items=[_strip(text, x, y) for x, y in zip(bounds, stops, strict=True)],
                head=(a, inner_start),
                tail=(inner_end, b),
                noun="",
                bulleted=False,
            )
        ]
    return group


def _floor(tokens, separator: int) -> int:
    """How far back the first item of a list may reach: past the last 등 (another list)."""
    for i in range(separator - 1, -1, -1):
        if tokens[i].form == "등" and tokens[i].tag == "NNB":
            return i + 1
    return 0


# --- noun phrases ----------------------------------------------------------------------


def np_start(tokens, end: int, floor: int = 0) -> int:
    """The first morpheme of the noun phrase that ends before ``tokens[end]``: nouns
    and what joins them (의, ·, 및, 와/과, brackets), a verb that modifies them with its
    arguments ('드론을 이용한 …', '24시간 상담이 가능한 …'), and the arguments of a noun
    of act ('‘스마트 플러그’로 전력량을 모니터링'). ``end`` itself if none."""
    i, first = end - 1, end
    depth, arguments = 0, 0
    acting = end - 1 >= floor and _nominal_act(tokens[end - 1])  # the phrase is an act
    while i >= floor:
        token = tokens[i]
        if token.form in _OPEN + _CLOSE or depth:
            depth = _bracket_depth(token, depth)
            if depth < 0:
                break
            first = i
        elif token.tag in _NOMINAL and token.form not in _NO_PHRASE:
            if acting and not arguments and i < end - 1:
                acting = False  # '지능형 CCTV 확충': the act's object, without a particle
            first = i
        elif token.form in ("·", "및", "-") or token.tag in ("JC", "SO", "JKG"):
            if first == end:
                break
        elif token.tag == "ETM" and first != end:
            start = _relative_start(tokens, i, floor)
            if start is None:
                break
            first = i = start
            continue
        elif token.tag in ("JKO", "JKB") and acting and arguments < 2:
            if not (i - 1 >= floor and tokens[i - 1].tag in (*_NOMINAL, "SSC")):
                break
            arguments += 1
        else:
            break
        i -= 1
    while first < end and (tokens[first].tag in ("JC", "JKG") or tokens[first].form in ("·", "및")):
        first += 1
    return first


# Nouns that begin no project's name: 등, and the time words before a list ('대전은
# 지난해 A와 B, C 등 …': the year of every item).
_NO_PHRASE = frozenset("등 올해 지난해 작년 금년 내년 이날 당시".split())


def _bracket_depth(token: Token, depth: int) -> int:
    """The bracket depth before ``token``, reading backwards (-1: an opening bracket
    that the phrase is inside of)."""
    if token.form in _CLOSE:
        return depth + 1
    if token.form in _OPEN:
        return depth - 1
    return depth


def _nominal_act(token: Token) -> bool:
    return token.tag == "NNG" and (token.form in ACT_NOUNS or token.form.endswith("링"))


def _relative_start(tokens, etm: int, floor: int) -> int | None:
    """The first morpheme of a verb that modifies the noun after ``etm``, with one
    argument before it ('도움이 필요한', '교육로봇을 활용한', '…을 위한')."""
    i = etm - 1
    while i >= floor and (_is_predicate(tokens[i]) or tokens[i].tag in ("EP", "XSN")):
        i -= 1
    if i >= floor and tokens[i].tag in _NOMINAL:  # the noun of 활용한, 가능한
        while i - 1 >= floor and tokens[i - 1].tag in _NOMINAL:
            i -= 1
        first = i
        i -= 1
    else:
        first = i + 1
    if first > etm - 1:
        return None
    if i >= floor and tokens[i].tag in ("JKO", "JKS", "JKB"):
        argument = np_start(tokens, i, floor)
        if argument < i:
            return argument
    return first


def np_end(tokens, start: int) -> int:
    """The end (exclusive) of the noun phrase that starts at ``tokens[start]``: up to the
    first particle that is no argument of a verb modifying the phrase, or 등."""
    depth = 0
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token.form in _OPEN:
            depth += 1
        elif token.form in _CLOSE and depth:
            depth -= 1
        if depth:
            continue
        if token.form == "등" and token.tag == "NNB":
            return i
        if token.tag.startswith("J") and token.tag not in ("JKG", "JC"):
            if not modifies(tokens, i):
                return i
        elif token.tag in ("EC", "EF", "SF") or (_is_predicate(token) and token.tag != "XSN"):
            if not modifies(tokens, i - 1):
                return i
    return len(tokens)


def conjunction(tokens, a: int, b: int) -> list[tuple[int, int, int]]:
    """Each 와/과/및 between ``tokens[a]`` and ``tokens[b]`` (exclusive) at depth 0, as
    (index of the conjunction, start of the phrase before it, end of the one after)."""
    depth = _depths(tokens)
    found = []
    for i in range(a, b):
        token = tokens[i]
        joins = token.tag == "JC" or (token.form == "및" and token.tag in ("MAG", "MAJ", "NNG"))
        if joins and not depth[i] and a < i < b - 1:
            before = np_start(tokens, i if token.form == "및" else i, floor=a)
            after = np_end(tokens, i + 1)
            found.append((i, before, min(after, b)))
    return found
