"""A report's text → draft policy and programme records for a curator to review
(``policy-graph draft``).

The report is read sentence by sentence (:mod:`.text`: headlines, bylines, captions and
someone's words told apart); each sentence is cut into the passages that may each state
one project (:mod:`.mentions`: clauses, the items of a list of projects, two projects
joined by 와/과). A passage is a candidate policy when

- it is an item of a list of projects (each item is one project, also when the item
  names only a general means: '스마트 쉼터', or none: the list names it), or
- it is a clause of the body that names a technology of our vocabulary (or a technology
  word the vocabulary lacks) with an act of building, introducing, running or supporting,
  names something specific (not only '스마트 서비스', 'AI 기술을 활용한 사업'), and is not
  about setting up an organisation ('추진단을 구성하고', '전담 조직을 운영하고');

and it is not about the plan as a whole (:mod:`.plans`: a programme record). A passage
that names again a project drafted before it ('△전주시 빅데이터 플랫폼 조성' … '빅데이터
플랫폼도 구축할 예정이다'), or a sentence that opens with '특히', '이를 위해' and goes on
about it, adds a quote to that project. Fields come from the passages (:mod:`.fields`);
each is a guess that says what it is based on (``Guess.why``), written beside it as a
``# draft:`` comment (see :mod:`.writing`). ``validate`` warns while such marks remain
(:data:`policy_graph.records.one_file.REVIEW_MARK`).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .fields import fill
from .mentions import GENERIC, JOINED, ORG_HEADS, head_noun, mentions, project_head
from .model import MOST_PASSAGES, Draft, DraftPolicy
from .plans import Plans
from .terms import Guess, Vocabulary
from .text import ACT_NOUNS, Passage, Term, acts_in, report_sentences, timelines_stated

# Sentences that go on about the project before them ('특히 …': in particular), and
# those that add another of the same department ('또 …', '더불어 …').
_GOES_ON = ("특히", "이를 위해", "이를 통해")
_ADDS = ("또", "또한", "더불어", "아울러", "이와 함께", "이 밖에도", "이밖에도", "특히", "이를")
# Setting up an organisation or holding a meeting is no project ('추진단을 구성하고',
# '전담 조직을 운영하고', 'AI데이터팀 신설', '위원회 제1차 회의를 열고').
_ORGANISATIONAL = re.compile(
    r"(?:추진단|위원회|협의체|조직|[가-힣A-Za-z]+팀|TF)[’'」]?\s*(?:을|를)?\s*"
    r"(?:신설|구성|운영|설치|출범|발족|꾸리|만들)"
    r"|(?:회의|보고회|간담회|토론회|설명회|심의)(?:를|을)?\s*(?:열|개최)"
)
_TECHNOLOGY = ("technology", "new-technology")


def draft_records(
    text: str, records, government: str, source_id: str, model: object = "shipped"
) -> Draft:
    """The draft records that ``text`` (the source ``source_id``) suggests for
    ``government``, with our vocabularies from ``records`` (a :class:`Records`).
    ``model``: the domains model (:mod:`.learned`): the one shipped with the package by
    default, None for none."""
    if model == "shipped":
        from .learned import load

        model = load()
    vocabulary = Vocabulary(records, government)
    vocabulary.model = model
    draft = Draft(
        government,
        source_id,
        government_known=any(g.id == government for g in records.governments),
        source_known=any(s.id == source_id for s in records.sources),
    )
    plans = Plans(draft, vocabulary)
    names = _Names()
    found = mentions(text, vocabulary, report_sentences(text))
    current_unit: Term | None = None
    consumed: set[int] = set()  # sentences taken whole by the policy before them
    last: DraftPolicy | None = None  # the policy the last quote went to
    for mentioned in found:
        passage = mentioned.passage
        terms = vocabulary.find(passage)
        current_unit = _unit_of(passage, terms, current_unit)
        if passage.sentence in consumed:
            continue
        if mentioned.role == "strand":
            plans.strand(passage)
            continue
        if mentioned.role != "project" or plans.consider(passage):
            continue
        if passage.list_item and passage.shared:  # '…계획에는 A, B 등 …'
            a, b = passage.shared[0]
            plans.list_head(passage, text[a:b])
        if plans.topic(passage):  # '‘마이데이터 기반 혁신 서비스’에서는 …': a strand's words
            consumed.add(passage.sentence)
            continue
        if not _is_candidate(passage, terms, vocabulary):
            if _with_partners(last, passage, terms, vocabulary):
                last.passages.append(passage)
                _refill(last, draft, vocabulary, text, last.lead_department, plans, names)
            else:
                _goes_with(draft, passage, terms, text)
            continue
        last = _take(draft, vocabulary, plans, names, passage, terms, current_unit, text, consumed)
    _technologies_of_the_list(draft)
    plans.mark_empty_strands()
    return draft


def _with_partners(last: DraftPolicy | None, passage: Passage, terms, vocabulary) -> bool:
    """A sentence right after a project's that names no project of its own but those it
    is done with ('나인이즈, 이엔티, 메디앙시스템과 공동으로 ICT를 접목한 서비스를 선보일
    방침이다'): it goes on about that project."""
    if last is None or not passage.first_in_sentence or passage.list_item:
        return False
    if passage.sentence != last.passages[-1].sentence + 1 or not _generic(
        passage, _partner_terms(passage, terms), vocabulary
    ):
        return False
    return any(t.kind == "organisation" for t in terms) or bool(_PARTNERED.search(passage.text))


_PARTNERED = re.compile(r"[가-힣A-Za-z]{2,}(?:와|과)\s+(?:함께|공동으로|협력해|협업해|손잡고)")


def _partner_terms(passage: Passage, terms: list[Term]) -> list[Term]:
    """``terms`` and the names before '…와 함께', '…과 공동으로' (partners, not projects)."""
    found = list(terms)
    match = _PARTNERED.search(passage.text)
    if match:
        names = passage.text[: match.end()]
        found.append(Term("organisation", "", names, passage.start, passage.start + match.end()))
    return found


def _technologies_of_the_list(draft: Draft) -> None:
    """An item of a list that names no technology, in a list whose own words name none
    either ('AI 안부 전화, 공감 스피커 등이'): the technology most of its list names."""
    from collections import Counter

    groups: dict[int, list[DraftPolicy]] = {}
    for policy in draft.policies:
        first = policy.passages[0]
        if first.group is not None and first.list_noun != JOINED:
            groups.setdefault(first.group, []).append(policy)
    for policies in groups.values():
        named = Counter(
            i for p in policies for i in (p.technologies.value if p.technologies else [])
        )
        if not named:
            continue
        common, count = named.most_common(1)[0]
        if count * 2 < len(policies):
            continue
        for policy in policies:
            if policy.technologies is not None and not policy.technologies.value:
                policy.technologies = Guess(
                    [common], f"none named: {common}, which most items of its list name"
                )


def _goes_with(draft: Draft, passage: Passage, terms: list[Term], text: str) -> None:
    """A clause that states no project of its own, joined to the project's clause before
    it without a comma ('…시스템을 구축해 재난재해에 적극 대응하고 시민생활 안전을
    강화한다'): the rest of that project's sentence, part of its quote."""
    if not draft.policies or passage.list_item or any(t.kind in _TECHNOLOGY for t in terms):
        return
    policy = draft.policies[-1]
    last = policy.passages[-1]
    if (
        last.sentence != passage.sentence
        or last.list_item
        or text[last.end : passage.start].strip()
    ):
        return
    policy.passages[-1] = Passage(
        last.start,
        passage.end,
        text[last.start : passage.end],
        last.tokens + passage.tokens,
        last.sentence,
        last.first_in_sentence,
        False,
        last.sentence_text,
        last.sentence_acts,
        last.shared,
        last.group,
        last.list_noun,
        (last.clause[0], passage.clause[1]),
        last.kind,
        last.lede,
        last.sentence_start,
        last.name,
    )


def _take(draft, vocabulary, plans, names, passage, terms, unit, text, consumed) -> DraftPolicy:
    previous = draft.policies[-1] if draft.policies else None
    if previous and _goes_on(previous, passage):
        consumed.add(passage.sentence)
        if _gathers(previous, _whole_sentence(passage)):
            _refill(previous, draft, vocabulary, text, previous.lead_department, plans, names)
        return previous
    same = _same_project(names, passage, vocabulary)
    if same is not None:
        if _gathers(same, passage):
            _refill(same, draft, vocabulary, text, same.lead_department, plans, names)
        return same
    policy = DraftPolicy([passage])
    lead = Guess(unit.id, _unit_why(unit, passage)) if unit else None
    policy.programme = plans.under(passage)
    _refill(policy, draft, vocabulary, text, lead, plans, names)
    draft.policies.append(policy)
    names.add(policy)
    return policy


def _gathers(policy: DraftPolicy, passage: Passage) -> bool:
    """Add ``passage`` to ``policy``'s unless it repeats one of them word for word or
    the policy has MOST_PASSAGES; whether it was added."""
    if len(policy.passages) >= MOST_PASSAGES or any(
        p.text == passage.text for p in policy.passages
    ):
        return False
    policy.passages.append(passage)
    return True


def _refill(policy: DraftPolicy, draft, vocabulary, text, lead, plans, names) -> None:
    first = policy.passages[0]
    spans = [(a, b) for a, b in first.shared if b > a]
    shared = [t for a, b in spans for t in vocabulary.lexicon.find(text[a:b], a)]
    shared_text = " ".join(text[a:b] for a, b in spans)
    fill(policy, draft, vocabulary, lead, shared, shared_text, policy.programme, vocabulary.model)
    names.renamed(policy)


# --- which passages state a project ------------------------------------------------------


def _is_candidate(passage: Passage, terms: list[Term], vocabulary: Vocabulary) -> bool:
    if passage.kind == "headline" or (passage.kind == "speech" and not passage.list_item):
        return False
    if passage.list_item and passage.list_noun != JOINED:
        return not _org_like(passage)  # the list says what it names: '스마트 팜'
    if passage.list_item:  # one of two joined phrases: a project when its clause acts
        acted = acts_in(passage.tokens) or passage.sentence_acts or _named_thing(passage, terms)
        return bool(acted) and not _ORGANISATIONAL.search(passage.text + " ")
    if not any(t.kind in _TECHNOLOGY for t in terms):
        return False
    if not (acts_in(passage.tokens) or passage.sentence_acts or _named_thing(passage, terms)):
        return False
    if _ORGANISATIONAL.search(passage.text + " ") and not _names_a_project(passage, terms):
        return False
    if _POLICY_OBJECT.search(passage.text) and not _names_a_project(passage, terms):
        return False  # '…스마트 솔루션을 접목한 도시재생 정책을 추진하고': policies in general
    return not _generic(passage, terms, vocabulary)


# A policy or plan as the thing acted on, but not one still to be drawn up ('기본계획을
# 수립할 계획이다': making it is a project).
_POLICY_OBJECT = re.compile(
    r"(?:정책|계획|방안|전략|비전)(?:을|를|이|가|은|는)\s(?!\s*(?:수립|마련|작성)\s*(?:할|하기로))"
)


def _named_thing(passage: Passage, terms: list[Term]) -> bool:
    """A quoted name of a system, service or facility ('AI 실증장비로 건강 상태를 측정하는
    ‘라이프로그 건강관리소’ 등을 통해 …'): a project, whatever the verb."""
    from .text import quoted_names

    return any(project_head(head_noun(name)) for name, _, _ in quoted_names(passage.text))


def _names_a_project(passage: Passage, terms: list[Term]) -> bool:
    """A quoted name that is no organisation, or a technology with a project's head noun."""
    from .text import quoted_names

    for name, _, _ in quoted_names(passage.text):
        if not re.search(r"(?:추진단|위원회|협의체|팀|조직)$", name):
            return True
    return False


def _narrow(term: Term, vocabulary: Vocabulary) -> bool:
    """A technology that is a kind of a broader one ('초거대 AI', '챗봇'): specific."""
    return term.kind == "technology" and bool(vocabulary.broader.get(("technology", term.id)))


def _generic(passage: Passage, terms: list[Term], vocabulary: Vocabulary) -> bool:
    """Whether the passage names nothing but technologies, the government, times,
    amounts, acts and words of the administration in general (:data:`GENERIC`): 'AI
    기술을 활용한 사업을 추진해', '스마트 서비스를 확대한다'."""
    if any(t.kind == "new-technology" or _narrow(t, vocabulary) for t in terms):
        return False  # a kind of a technology ('초거대 AI플랫폼'), or one we lack
    covered = [(t.start, t.end) for t in terms if t.kind != "domain"]  # '교육용 키오스크'
    covered += [
        (passage.start + a, passage.start + b) for _, a, b in timelines_stated(passage.text)
    ]
    for token in passage.tokens:
        if token.tag not in ("NNG", "NNP", "SL", "SH"):
            continue
        if any(a <= token.start < b for a, b in covered):
            continue
        if token.form in GENERIC or token.form in ACT_NOUNS or token.form in _ADMINISTRATION:
            continue
        if token.form in ("시", "구", "군", "도"):
            continue
        return False
    return True


# The administration's own words: its work, its offices and its terms of office.
_ADMINISTRATION = frozenset(
    """도정 시정 군정 구정 행정 민선 기 지자체 자치단체 정부 국비 예산 억 원 발표 계기 관계자
    올해 내년 지난해 최초 전국 가운데 처음 단계 모두 가지 통해 위해 방침 계획 예정 목표""".split()
)


def _org_like(passage: Passage) -> bool:
    head = head_noun(passage.text)
    return any(head.endswith(h) for h in ORG_HEADS) and not project_head(head)


def _goes_on(previous: DraftPolicy, passage: Passage) -> bool:
    """'특히 …', '이를 위해 …' opening a sentence that names the project before it again."""
    if not passage.first_in_sentence or passage.list_item:
        return False
    if not passage.sentence_text.lstrip().startswith(_GOES_ON):
        return False
    title = previous.title.value if previous.title else ""
    words = [w for w in re.findall(r"[가-힣A-Za-z0-9]{3,}", title) if w not in GENERIC]
    return any(w in passage.sentence_text for w in words)


def _whole_sentence(passage: Passage) -> Passage:
    text = passage.sentence_text.strip()
    start = passage.sentence_start + passage.sentence_text.find(text)
    return Passage(
        start,
        start + len(text),
        text,
        passage.tokens,
        passage.sentence,
        True,
        False,
        passage.sentence_text,
        passage.sentence_acts,
        clause=(start, start + len(text)),
        kind=passage.kind,
        sentence_start=passage.sentence_start,
    )


_TRAILING_ACTS = re.compile(
    r"(?:\s*(?:" + "|".join(sorted(ACT_NOUNS, key=len, reverse=True)) + r")(?:·\S+)?)+$"
)


def _same_project(names: _Names, passage: Passage, vocabulary) -> DraftPolicy | None:
    """A policy drafted before that this passage names again: its name (without its acts
    and what it is for, six characters or more) in the earlier one's."""
    from .fields import title as title_of

    new_core = _core(title_of(passage, vocabulary.find(passage)).value)
    if len(new_core) < 6:
        return None
    return names.naming(new_core, passage.sentence)


class _Names:
    """The names of the policies drafted so far (their titles without white space and
    quotation marks), indexed by their pieces of six characters: the first policy whose
    name holds a core of six characters or more is found without going through every
    policy (a long text has hundreds), with the answer going through them in order gives."""

    PIECE = 6

    def __init__(self):
        self._policies: list[DraftPolicy] = []  # in the order they were drafted
        self._numbers: dict[int, int] = {}  # id of a policy → its place in _policies
        self._names: list[str] = []  # each policy's name as indexed
        self._by_piece: dict[str, list[int]] = {}

    @staticmethod
    def name(policy: DraftPolicy) -> str:
        return re.sub(r"[\s‘’'“”]+", "", policy.title.value if policy.title else "")

    def add(self, policy: DraftPolicy) -> None:
        """A policy just drafted (after the ones before it)."""
        self._numbers[id(policy)] = len(self._policies)
        self._policies.append(policy)
        self._names.append("")
        self.renamed(policy)

    def renamed(self, policy: DraftPolicy) -> None:
        """Index ``policy``'s name again (its title may change when it is filled again)."""
        number = self._numbers.get(id(policy))
        if number is None:  # not drafted yet: indexed when added
            return
        name = self.name(policy)
        if name == self._names[number]:
            return
        self._names[number] = name
        for start in range(len(name) - self.PIECE + 1):
            numbers = self._by_piece.setdefault(name[start : start + self.PIECE], [])
            if not numbers or numbers[-1] != number:
                numbers.append(number)

    def naming(self, core: str, sentence: int) -> DraftPolicy | None:
        """The first policy, not of ``sentence``, whose name holds ``core``."""
        for number in sorted(set(self._by_piece.get(core[: self.PIECE], ()))):
            policy = self._policies[number]
            if policy.passages[0].sentence != sentence and core in self._names[number]:
                return policy
        return None


def _core(title: str) -> str:
    words = _TRAILING_ACTS.sub("", title.strip())
    words = re.sub(r"^.*(?:을|를)\s+(?:위한|활용한|이용한)\s+", "", words)
    return re.sub(r"[\s‘’'“”]+", "", words)


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
    from ..errors import UsageError
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
    text = read_source_text(source)
    records, _problems = read_records(data_dir)  # a draft under review elsewhere is no bar
    draft = draft_records(text, records, government, source_id)
    out = Path(out) if out else Path(f"{source_id}.draft.yaml")
    _write_new(out, render_draft(draft))
    return out, draft


# The largest source text draft reads: a report is a few kilobytes; a megabyte is
# hundreds of them, and more is not a report.
MOST_SOURCE_BYTES = 1_000_000


def read_source_text(source: Path) -> str:
    """The UTF-8 text of ``source``, a regular file of at most MOST_SOURCE_BYTES.
    Opened without waiting (a FIFO's writer may never come) and read no further than
    the limit (``/dev/zero`` never ends)."""
    from ..errors import FileError

    def refuse(reason: str) -> FileError:
        return FileError(f"{source}: cannot read the source text: {reason}")

    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise refuse(error.strerror or str(error)) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise refuse("not a regular file (draft reads a report's text from a file)")
        data = os.read(descriptor, MOST_SOURCE_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MOST_SOURCE_BYTES:
        raise refuse(
            f"over {MOST_SOURCE_BYTES:,} bytes, the most draft reads (a report is a few "
            "thousand): give it one report at a time"
        )
    try:
        return data.decode("utf-8-sig")  # a byte order mark is no text
    except UnicodeDecodeError:
        raise refuse("not UTF-8 text") from None


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
