"""The plan a report is about, as a programme record: the passages that name it, its
budget, end year and timeline, its strands, and which programme each policy comes under
(for :mod:`.policies`).

A passage is about a plan as a whole when a plan noun (계획, 구상, 로드맵, 방안, 전략; 정책
when quoted or after a technology: 'AI 정책') is its subject or object ('‘…실행계획’을
추진한다', '이번 계획은 …', '…스마트도시계획에는 …') — not '…할 계획이다' (a verb's
plan), not '…전략에 따라' (the plan a project comes under), and not a plan still to be
drawn up ('기본계획을 수립할 계획이다', a project of its own). The lede joins the plan
when it states an end year for a general means ('2024년까지 ‘전주형 스마트시티’를
구축한다'). A sentence that states the plan's money ('총 1조6552억원의 예산이 투입된다')
is one of its passages too. The items of a list of strands ('A, B, C 등 4대 전략') are
programmes ``part_of`` it; a policy comes under the strand its sentence names ('경제분야는
…', '기반 구축을 위해 …'), else under the plan once the plan has been named.
"""

from __future__ import annotations

import re

from ..records.amounts import end_years_stated, won_stated
from .fields import budget_kind, first_stated
from .mentions import GENERIC
from .model import MOST_PASSAGES, Draft, DraftProgramme
from .segments import np_start
from .terms import GENERAL_MEANS, Guess, Vocabulary
from .text import Passage, quoted_names, timelines_stated

_PLAN_NOUNS = frozenset("계획 구상 로드맵 방안 전략 정책".split())
# A plan named before a list: a quoted name with a plan noun, or a word ending in one.
_PLAN_WORD = re.compile(
    r"[‘'「]([^’'」]*(?:계획|구상|로드맵|방안))[’'」]|(?<![ᆯ할될])\s?(\S*(?:계획|구상|로드맵|방안))"
    r"(?:에는|에서는|은|는|을|를|이|가|의)?\s"
)
_DRAWN_UP = re.compile(r"^(?:을|를)\s*(?:수립|마련|작성)\s*(?:할|하기로)")
_ORGANISATION = re.compile(r"(?:추진단|위원회|협의체|전담팀|조직|TF)$")


def plan_title(passage: Passage, vocabulary: Vocabulary) -> str | None:
    """The name of the plan a passage is about (see the module), or None."""
    tokens = passage.tokens
    domains = None  # the passage's domain words, found once when first asked for
    for i, token in enumerate(tokens):
        if token.tag not in ("NNG", "NNP") or not token.form.endswith(tuple(_PLAN_NOUNS)):
            continue  # '계획', and in one word: '스마트도시계획', '추진계획'
        if token.tag == "NNP" and token.form in _PLAN_NOUNS:
            continue
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if before is not None and before.tag == "ETM":
            continue  # '…할 계획이다'
        if domains is None:
            domains = self_terms(passage, vocabulary)
        if any(t.start <= token.start < t.end for t in domains):
            continue  # '도시계획' (a domain), '…분석해 도시계획 등 정책결정에'
        rest = passage.text[token.end - passage.start :]
        if re.match(r"\s*에\s*(?:따라|따른|관한|대한|의해)", rest) or _DRAWN_UP.match(
            rest.lstrip("’'」 ")
        ):
            continue
        if (
            after is not None
            and after.tag in ("NNG", "NNP")
            and after.form not in ("승인", "수립", "발표", "확정", "심의")
        ):
            continue  # '정책결정', '전략산업'
        if after is not None and after.form in ("등", "분야"):
            continue  # '…분석해 도시계획 등 정책결정에': a field among others
        named = _quoted_around(passage, token.start, token.end)
        if (
            token.form.endswith("정책")
            and not named
            and not _after_technology(passage, token, vocabulary)
        ):
            continue
        if named:
            return named
        first = np_start(tokens, i + 1)
        return passage.text[tokens[first].start - passage.start : token.end - passage.start]
    return None


def _span(passage: Passage, start: int, end: int, text: str) -> Passage:
    """A passage of the words ``start:end`` of ``passage``'s sentence."""
    return Passage(
        start,
        end,
        text,
        passage.tokens,
        passage.sentence,
        passage.first_in_sentence,
        False,
        passage.sentence_text,
        False,
        clause=(start, end),
        kind=passage.kind,
        sentence_start=passage.sentence_start,
    )


def self_terms(passage: Passage, vocabulary: Vocabulary):
    return [t for t in vocabulary.find(passage) if t.kind == "domain"]


def _quoted_around(passage: Passage, start: int, end: int) -> str | None:
    """A quoted name that holds the plan noun ('‘…실행계획’') or ends right before it
    ('‘ABB 과학행정’ 추진 계획')."""
    for name, a, b in quoted_names(passage.text, passage.start):
        if a <= start and end <= b:
            return name
        if b < start and not passage.text[b - passage.start + 1 : start - passage.start].strip(
            " 추진의"
        ):
            return name
    return None


def _after_technology(passage: Passage, token, vocabulary: Vocabulary) -> bool:
    before = passage.text[: token.start - passage.start].rstrip()
    return any(
        t.kind == "technology" and t.end - passage.start >= len(before) - 1
        for t in vocabulary.lexicon.find(before, passage.start)
    )


# Sentences that add something beside what came before ('이와 함께', '더불어'), not
# more of the same strand ('또').
_BESIDE = r"\s*(?:이와 함께|이 밖에도|이밖에도|이외에도|아울러|한편|더불어)"


class Plans:
    """The programmes of one draft, made as the passages come."""

    def __init__(self, draft: Draft, vocabulary: Vocabulary):
        self.draft = draft
        self.vocabulary = vocabulary
        self.main: DraftProgramme | None = None
        self.named_at: int | None = None  # the sentence where the plan was first named
        self.current: DraftProgramme | None = None  # the strand policies now come under
        self._strand_groups: dict[int, DraftProgramme] = {}
        self._strands = _Strands()

    def consider(self, passage: Passage) -> bool:
        """Take ``passage`` if it is about the plan as a whole; whether it was."""
        if passage.kind == "speech":
            return False
        title = plan_title(passage, self.vocabulary)
        if title is None and passage.lede and self._lede_frames(passage):
            title = self._lede_name(passage)
        if title is None and not (self.main and self._states_money(passage)):
            return False
        if title is not None and _ORGANISATION.search(title):
            return False
        self._add(passage, title)
        return True

    def _add(self, passage: Passage, title: str | None) -> None:
        added = True
        if self.main is None:
            self.main = DraftProgramme(f"{self.draft.source}-programme", [passage])
            self.draft.programmes.insert(0, self.main)
        elif len(self.main.passages) < MOST_PASSAGES and all(
            p.text != passage.text for p in self.main.passages
        ):
            self.main.passages.append(passage)
        else:
            added = False  # its words are the plan's already, or it has enough
        if title and (
            self.main.title is None or self.main.title.why != "the quoted name of the plan"
        ):
            quoted = any(title == name for name, _, _ in quoted_names(passage.text))
            if self.main.title is None or quoted:
                why = "the quoted name of the plan" if quoted else "the words naming the plan"
                self.main.title = Guess(title, why)
        if passage.kind != "headline" and self.named_at is None:
            self.named_at = passage.sentence
        if added:
            self._fill(self.main)
        if passage.kind != "headline":
            self.draft.general.append(passage.text)

    def _fill(self, programme: DraftProgramme) -> None:
        quotes = " ".join(programme.quotes)
        totals = [
            (w, v) for w, v in won_stated(quotes) if re.search(rf"총\s*{re.escape(w)}", quotes)
        ]
        programme.budget_krw = first_stated(totals or won_stated(quotes))
        programme.budget_kind = (
            budget_kind(quotes, self.vocabulary) if programme.budget_krw else None
        )
        programme.planned_end = first_stated(end_years_stated(quotes))
        times = timelines_stated(quotes)
        programme.timeline = (
            Guess(times[0][0], "the passage's own words of when") if times else None
        )

    def _lede_frames(self, passage: Passage) -> bool:
        """A lede that states an end year for a general means (in its quoted name, if it
        has one: '‘글로벌 스마트 도시’를 조성하겠다'): the whole plan."""
        if not end_years_stated(passage.text):
            return False
        terms = [t for t in self.vocabulary.find(passage) if t.kind == "technology"]
        names = quoted_names(passage.text, passage.start)
        if names:
            _, a, b = names[0]
            terms = [t for t in terms if a <= t.start and t.end <= b]
        labels = {self.vocabulary.labels.get(("technology", t.id)) for t in terms}
        general = GENERAL_MEANS | {"스마트시티"}
        return bool(terms) and labels <= general | {
            self.vocabulary.labels.get(("technology", "smart-city"))
        }

    @staticmethod
    def _lede_name(passage: Passage) -> str | None:
        names = quoted_names(passage.text)
        return names[0][0] if names else None

    @staticmethod
    def _states_money(passage: Passage) -> bool:
        """'올해 1262억원을 시작으로 2025년까지 총 1조6552억원의 예산이 투입된다'."""
        return bool(won_stated(passage.text)) and bool(
            re.search(r"예산|총사업비|총\s*[\d,]", passage.text)
        )

    def list_head(self, passage: Passage, head: str) -> None:
        """The words before a list that name the plan ('고령군 스마트도시계획에는 … A, B 등
        …', '먼저 추진계획 심의에서는 △A △B …'): the list's clause is one of its passages."""
        if self.main is not None and any(p.clause == passage.clause for p in self.main.passages):
            return
        found = _PLAN_WORD.search(head)
        if found is None or passage.kind == "speech":
            return
        a, b = passage.clause
        words = passage.sentence_text[a - passage.sentence_start : b - passage.sentence_start]
        self._add(_span(passage, a, b, words), found.group(1) or found.group(2))

    def topic(self, passage: Passage) -> bool:
        """A clause whose topic is a strand of the plan ('‘마이데이터 기반 혁신
        서비스’에서는 …'): that strand's words (and so is the rest of its sentence), no
        project of its own."""
        programme = self._strands.topic_of(passage.text)
        if programme is None:
            return False
        programme.passages.append(passage)
        return True

    # --- strands -----------------------------------------------------------------

    def strand(self, passage: Passage) -> None:
        """An item of a list of the plan's strands: a programme ``part_of`` the plan."""
        a, b = passage.clause
        if self.main is None or all(p.clause != passage.clause for p in self.main.passages):
            words = passage.sentence_text[a - passage.sentence_start : b - passage.sentence_start]
            self._add(_span(passage, a, b, words), None)  # the clause that lists them
        text = re.sub(r"^[‘'「]|[’'」]$", "", passage.text.strip())
        key = ""
        bracket = re.search(r"\(([^)]{1,10})\)\s*$", text)
        if bracket:
            key, text = bracket.group(1), text[: bracket.start()].strip()
        number = len(self.draft.programmes)
        programme = DraftProgramme(
            f"{self.draft.source}-programme-{number}",
            [passage],
            title=Guess(text, "an item of the list of the plan's strands"),
            part_of=self.main.id,
            key=key,
        )
        self.draft.programmes.append(programme)
        self._strand_groups[passage.start] = programme
        self._strands.add(programme)

    def under(self, passage: Passage) -> Guess | None:
        """The programme a policy of ``passage`` comes under."""
        for start, _end in passage.shared:  # '산업(A, B)': an item of the strand 산업
            if start in self._strand_groups:
                chosen = self._strand_groups[start]
                return Guess(chosen.id, f"an item of the strand '{chosen.title.value}'")
        if passage.first_in_sentence or self.current is None:
            named = self._strands.named(passage.sentence_text)
            if named is not None:
                self.current = named
            elif passage.first_in_sentence and re.match(_BESIDE, passage.sentence_text):
                self.current = None  # '이와 함께 …': beside the strands, under the plan
        if self.current is not None:
            return Guess(self.current.id, f"its sentence comes under '{self.current.title.value}'")
        if (
            self.main is not None
            and self.named_at is not None
            and passage.sentence >= self.named_at
        ):
            title = self.main.title.value if self.main.title else "the plan"
            return Guess(self.main.id, f"stated after the plan '{title}'")
        return None

    def mark_empty_strands(self) -> None:
        """A strand that no drafted policy comes under says so: curators write a plan's
        strands where the report places projects under them."""
        used = {p.programme.value for p in self.draft.policies if p.programme}
        for programme in self.draft.programmes:
            if programme.part_of and programme.id not in used and programme.title:
                programme.title = Guess(
                    programme.title.value,
                    f"{programme.title.why}; no drafted policy comes under it: keep it if "
                    "the report places projects under it",
                )


_WORD = re.compile(r"[가-힣A-Za-z]{2,}")


class _Strands:
    """The strands of a draft's plan, in the order they were drafted, indexed by their
    titles, keys and words: which strand a passage names is found without going
    through every strand (a long text has hundreds), with the answer that going
    through them in order gives. Of strands with the same title (or key), only the
    first can be that answer; strands are known by their place in ``self._strands``."""

    def __init__(self):
        self._strands: list[DraftProgramme] = []
        self._titled: dict[str, int] = {}  # title → the first strand of it
        self._title_lengths: set[int] = set()
        self._keyed: dict[str, int] = {}  # key → the first strand of it
        self._key_lengths: set[int] = set()
        self._own: dict[int, set[str]] = {}  # a title's own words (see named)
        self._by_word: dict[str, list[int]] = {}  # such a word → the strands of it
        self._by_prefix: dict[str, set[str]] = {}  # a prefix → the words it begins
        self._topic_patterns: dict[int, re.Pattern] = {}

    def add(self, programme: DraftProgramme) -> None:
        number = len(self._strands)
        self._strands.append(programme)
        key = programme.key
        if key and key not in self._keyed:
            self._keyed[key] = number
            self._key_lengths.add(len(key))
        title = programme.title.value if programme.title else ""
        if not title or title in self._titled:
            return
        self._titled[title] = number
        self._title_lengths.add(len(title))
        self._own[number] = {w for w in _WORD.findall(title) if w not in GENERIC}
        for word in self._own[number]:
            self._by_word.setdefault(word, []).append(number)
            for end in range(2, len(word) + 1):
                self._by_prefix.setdefault(word[:end], set()).add(word)

    def _titles_in(self, text: str, starts) -> set[int]:
        """The strands whose title is the words of ``text`` at one of ``starts``."""
        return {
            self._titled[text[i : i + n]]
            for i in starts
            for n in self._title_lengths
            if text[i : i + n] in self._titled
        }

    def topic_of(self, text: str) -> DraftProgramme | None:
        """The first strand whose title is the topic that ``text`` opens with
        ('‘…’에서는 ')."""
        if not self._titled:
            return None
        # The title comes after white space and a quotation mark, if any.
        spaces = re.match(r"\s*", text).end()
        for number in sorted(self._titles_in(text, range(spaces + 2))):
            pattern = self._topic_patterns.get(number)
            if pattern is None:
                title = re.escape(self._strands[number].title.value)
                pattern = self._topic_patterns[number] = re.compile(
                    rf"^\s*[‘'「]?{title}[’'」]?\s*(?:에서는|에서|은|는)\s"
                )
            if pattern.match(text):
                return self._strands[number]
        return None

    def named(self, sentence: str) -> DraftProgramme | None:
        """The strand a sentence names: by its key ('경제분야는 …', for '…(경제)'), its
        title at the start ('기반 구축을 위해 …'), or most of its title's own words
        ('디지털 트윈 플랫폼도 구독형으로 도입해' for '구독형 디지털 서비스 전환'); the
        first such strand."""
        opening = sentence[:30]
        starts = range(len(opening))
        named = self._titles_in(opening, starts) | {
            self._keyed[opening[i : i + n]]
            for i in starts
            for n in self._key_lengths
            if opening[i : i + n] in self._keyed
            and re.search(rf"{re.escape(opening[i : i + n])}\s*분야", opening)
        }
        if named:
            return self._strands[min(named)]
        related: set[str] = set()  # titles' words that begin a word or that a word begins
        for word in set(_WORD.findall(sentence)):
            related |= self._by_prefix.get(word, set())
            related.update(word[:end] for end in range(2, len(word) + 1))
        found: dict[int, int] = {}
        for word in related:
            for number in self._by_word.get(word, ()):
                found[number] = found.get(number, 0) + 1
        best, shared = None, 1
        for number in sorted(found):
            if found[number] > shared and found[number] * 2 >= len(self._own[number]):
                best, shared = number, found[number]
        return None if best is None else self._strands[best]
