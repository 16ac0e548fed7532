"""A :class:`~policy_graph.draft.model.Draft` as a records file: YAML that our reader reads,
written as text so that each guess keeps its ``# draft:`` comment on its own line.

Texts are written as JSON strings (double-quoted YAML: any character is safe);
ids and numbers as they are. The English texts are left empty (``en: ""``), which
``validate`` refuses until the curator writes them.
"""

from __future__ import annotations

import json

from .model import DRAFT_MARK, Draft, DraftPolicy, DraftProgramme
from .terms import Guess

_HEADER = """\
# Draft records of the source {source}
# for the government {government}, written by `policy-graph draft`.
# Each line marked `{mark}` is a guess, with what it is based on:
# check it against the source, correct it, then delete the mark (`policy-graph
# validate` warns while marks remain). Write the English texts (en: ""), choose the
# domains, give each policy and programme an id of English words (and use it in the
# policies' `programme:`), and delete what is no policy.
"""


def render_draft(draft: Draft) -> str:
    """The text of the draft records file."""
    parts = [_HEADER.format(source=draft.source, government=draft.government, mark=DRAFT_MARK)]
    if not draft.government_known:
        parts.append(
            f"{DRAFT_MARK} the records have no government {draft.government} yet: add its "
            "record (governments:, see docs/records.md)\n"
        )
    if not draft.source_known:
        parts.append(_source_stub(draft.source))
    if draft.programmes:
        parts.append("programmes:\n")
        parts += [_programme(programme, draft) for programme in draft.programmes]
    parts.append("policies:\n" if draft.policies else "policies: []\n")
    for number, policy in enumerate(draft.policies, 1):
        parts.append(_policy(policy, f"{draft.source}-{number}", draft))
    quoted = {q for programme in draft.programmes for q in programme.quotes}
    general = [text for text in draft.general if text not in quoted]
    if general:
        parts.append(_general(general))
    if draft.proposals:
        parts.append(_proposals(draft.proposals))
    return "\n".join(parts)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _line(indent: int, key: str, value: str, why: str | None = None) -> str:
    mark = f"  {DRAFT_MARK} {_one_line(why)}" if why else ""
    return f"{' ' * indent}{key}: {value}{mark}\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _policy(policy: DraftPolicy, provisional_id: str, draft: Draft) -> str:
    lines = [f"  - id: {provisional_id}  {DRAFT_MARK} a provisional id: name it in English words\n"]
    lines.append(_line(4, "government", draft.government))
    lines.append(_lead(policy.lead_department))
    title = policy.title or Guess("", "no name found")
    lines.append("    title:\n")
    lines.append(_line(6, "ko", _text(title.value), title.why))
    lines.append(_line(6, "en", '""', "the title in English, for the curator"))
    lines.append("    description:\n")
    description = " ".join(policy.quotes)
    lines.append(_line(6, "ko", _text(description), "the quotes as written: say what it does"))
    lines.append(_line(6, "en", '""', "the description in English, for the curator"))
    for name in ("technologies", "target_groups", "partners"):
        lines.append(_ids(name, getattr(policy, name)))
    domains = policy.domains or Guess([], "no domain word in the passage: choose one or more")
    lines.append(_ids("domains", domains))
    lines += _scalars(policy, ("programme", "stage", "budget_krw", "budget_kind", "planned_end"))
    if policy.timeline is not None:
        lines.append(_line(4, "timeline", _text(policy.timeline.value), policy.timeline.why))
    lines.append("    quotes:\n")
    lines += [f"      - {_text(quote)}\n" for quote in policy.quotes]
    lines.append(_line(4, "source", draft.source))
    return "".join(lines)


def _scalars(record, names) -> list[str]:
    """The lines of the fields ``names`` that ``record`` has a guess for, as they are."""
    lines = []
    for name in names:
        guess = getattr(record, name)
        if guess is not None and guess.value is not None:
            lines.append(_line(4, name, str(guess.value), guess.why))
    return lines


def _programme(programme: DraftProgramme, draft: Draft) -> str:
    lines = [f"  - id: {programme.id}  {DRAFT_MARK} a provisional id: name it in English words\n"]
    lines.append(_line(4, "government", draft.government))
    title = programme.title or Guess("", "no name found: write the plan's name")
    lines.append("    title:\n")
    lines.append(_line(6, "ko", _text(title.value), title.why))
    lines.append(_line(6, "en", '""', "the title in English, for the curator"))
    if programme.part_of:
        lines.append(_line(4, "part_of", programme.part_of, "a strand of the plan"))
    lines += _scalars(programme, ("budget_krw", "budget_kind", "planned_end"))
    if programme.timeline is not None:
        lines.append(_line(4, "timeline", _text(programme.timeline.value), programme.timeline.why))
    lines.append("    quotes:\n")
    lines += [f"      - {_text(quote)}\n" for quote in programme.quotes]
    lines.append(_line(4, "source", draft.source))
    return "".join(lines)


def _lead(lead: Guess | None) -> str:
    if lead is None:
        return ""
    if lead.value:
        return _line(4, "lead_department", lead.value, lead.why)
    return f"    # lead_department:  {DRAFT_MARK} {_one_line(lead.why)}\n"  # a proposed unit


def _ids(name: str, guess: Guess | None) -> str:
    if guess is None:
        return ""
    return _line(4, name, f"[{', '.join(guess.value)}]", guess.why)


def _source_stub(source: str) -> str:
    return (
        "sources:\n"
        f"  - id: {source}  {DRAFT_MARK} no record of this source yet: fill in its fields\n"
        f"    type: news-article  {DRAFT_MARK} or press-release, report, web-page\n"
        f'    publisher: ""  {DRAFT_MARK} the id of its publisher (an organisation or government)\n'
        f"    issued:  {DRAFT_MARK} the date it was published (YYYY-MM-DD)\n"
    )


def _general(passages: list[str]) -> str:
    lines = ["# Passages about the policies as a whole, not drafted as policies:\n"]
    lines += [f"#   {_text(text)}\n" for text in passages]
    return "".join(lines)


_KIND_WORDS = {
    "technologies": "technologies (data/vocabularies)",
    "target_groups": "target groups (data/vocabularies)",
    "units": "units of the government (its governments: record)",
    "organisations": "organisations (partners)",
}


def _proposals(proposals: dict[str, dict[str, list[str]]]) -> str:
    lines = [
        "# Proposed new vocabulary: words of the source that our records lack. Add what you\n",
        "# accept to the records named, then use its id in the policies above.\n",
    ]
    for kind, words in proposals.items():
        lines.append(f"# {_KIND_WORDS[kind]}:\n")
        for word, quotes in words.items():
            lines.append(f"#   - {word}: {'; '.join(_text(q) for q in quotes)}\n")
    return "".join(lines)
