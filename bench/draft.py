"""How well `policy-graph draft` finds the policies of a report that we curated by hand.

    PYTHONPATH=src .venv/bin/python bench/draft.py [--without ID,ID…]

Drafts the Gwangju article (../shared/sources/asiae-2021-01-19-gwangju-1ai.txt, kept
outside the repository) with the vocabularies of data/, and each source text of
tests/data/many-governments with that folder's records, and compares the candidates
with the curated policies that cite the source (of the government most of them have):

- a curated policy is **found** when a candidate's passage and one of its quotes
  overlap by at least half of the shorter of the two (matched one to one, largest
  overlap first); recall = found / curated policies;
- precision = candidates that found a policy / candidates;
- field agreement, over the found policies: the same set of technologies, target
  groups, partners, domains; the same lead department, budget, end year, timeline,
  Korean title. (Domains are guessed from domain words only; the curator chooses them.)

Prints a Markdown report (for docs/benchmarks.md) and lists every miss, every candidate
that is no policy and every disagreement, so that a figure can be read with its reasons.
A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from policy_graph.draft.policies import draft_records  # noqa: E402
from policy_graph.records.quotes import fold_space  # noqa: E402
from policy_graph.records.reading import load_records  # noqa: E402

MANY = ROOT / "tests" / "data" / "many-governments"
ARTICLE = ROOT.parent / "shared" / "sources" / "asiae-2021-01-19-gwangju-1ai.txt"
TARGETS = {"recall": 0.90, "precision": 0.80, "technologies": 0.80}
FIELDS = (
    "technologies",
    "target_groups",
    "partners",
    "domains",
    "lead_department",
    "budget_krw",
    "planned_end",
    "timeline",
    "title",
)


def spans_of(text: str, quotes) -> list[tuple[int, int]]:
    """Where each quote stands in ``text`` (compared with white space folded)."""
    found = []
    for quote in quotes:
        at = text.find(fold_space(quote))
        if at >= 0:
            found.append((at, at + len(fold_space(quote))))
    return found


def overlap(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> float:
    """The largest overlap of two spans, as a share of the shorter one."""
    best = 0.0
    for a, b in first:
        for c, d in second:
            shared = min(b, d) - max(a, c)
            if shared > 0:
                best = max(best, shared / min(b - a, d - c))
    return best


def match(curated, candidates, text: str) -> dict[int, int]:
    """Curated policy index → candidate index, one to one, largest overlap first."""
    pairs = []
    for i, policy in enumerate(curated):
        for j, candidate in enumerate(candidates):
            share = overlap(spans_of(text, policy.quotes), spans_of(text, candidate.quotes))
            if share >= 0.5:
                pairs.append((share, i, j))
    matched, used = {}, set()
    for _share, i, j in sorted(pairs, reverse=True):
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def curated_value(policy, name: str):
    value = getattr(policy, name)
    if name == "title":
        return value.ko
    if isinstance(value, tuple):
        return frozenset(value)
    return int(value) if name == "budget_krw" and value is not None else value


def drafted_value(candidate, name: str):
    guess = getattr(candidate, name)
    value = None if guess is None else guess.value
    if name in ("technologies", "target_groups", "partners", "domains"):
        return frozenset(value or ())
    return value


def report(source: Path, data: Path, heading: str, without: frozenset[str] = frozenset()) -> str:
    """The comparison of the draft of ``source`` with the policies of ``data`` that cite
    it; the technologies ``without`` are left out of the vocabulary the draft uses."""
    text = fold_space(source.read_text(encoding="utf-8"))
    records = load_records(data)
    full = list(records.concepts)
    records.concepts = [c for c in full if not (c.kind == "technology" and c.id in without)]
    curated = [p for p in records.policies if source.stem in p.sources]
    government = Counter(p.government for p in curated).most_common(1)[0][0]
    started = time.perf_counter()
    draft = draft_records(source.read_text(encoding="utf-8"), records, government, source.stem)
    seconds = time.perf_counter() - started
    candidates = draft.policies
    records.concepts = full  # the curated records keep every technology
    matched = match(curated, candidates, text)
    recall = len(matched) / len(curated)
    precision = len(matched) / len(candidates) if candidates else 0.0
    identical = sum(
        {fold_space(q) for q in curated[i].quotes} == {fold_space(q) for q in candidates[j].quotes}
        for i, j in matched.items()
    )
    lines = [
        f"### {heading}",
        "",
        f"`{source.name}` for `{government}`: {len(curated)} curated policies, "
        f"{len(candidates)} candidates, {len(matched)} found; drafting took {seconds:.1f} s.",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| recall (curated policies found) | {recall:.0%} ({len(matched)}/{len(curated)}) | ≥ 90% |",
        f"| precision (candidates that are policies) | {precision:.0%} ({len(matched)}/{len(candidates)}) | ≥ 80% |",
    ]
    lines.append(
        f"| quotes identical to the curated ones | {identical / len(matched):.0%} ({identical}/{len(matched)}) | |"
    )
    disagreements = []
    for name in FIELDS:
        same = 0
        for i, j in matched.items():
            want, got = curated_value(curated[i], name), drafted_value(candidates[j], name)
            if want == got:
                same += 1
            else:
                disagreements.append(
                    f"- {curated[i].id}: {name}: curated {_shown(want)}, drafted {_shown(got)}"
                )
        target = " ≥ 80%" if name == "technologies" else ""
        lines.append(
            f"| {name} agree | {same / len(matched):.0%} ({same}/{len(matched)}) |{target} |"
        )
    missed = [p.id for i, p in enumerate(curated) if i not in matched]
    extra = [c.quotes[0] for j, c in enumerate(candidates) if j not in matched.values()]
    lines += ["", "Missed curated policies: " + (", ".join(missed) or "none") + "."]
    lines += [
        "",
        "Candidates that are no curated policy: "
        + ("; ".join(f"“{q[:60]}”" for q in extra) or "none")
        + ".",
    ]
    lines += ["", "Disagreements:", "", *disagreements]
    return "\n".join(lines) + "\n"


def _shown(value) -> str:
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    return repr(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--without",
        default="",
        help="Technology ids (comma-separated) to leave out of the vocabulary the draft uses, "
        "to see what a vocabulary that lacks them would miss.",
    )
    args = parser.parse_args()
    without = frozenset(filter(None, args.without.split(",")))
    print(
        f"## `policy-graph draft` beside hand-curated records (bench/draft.py, {time.strftime('%Y-%m-%d')})\n"
    )
    if ARTICLE.is_file():
        heading = "The Gwangju report (data/)"
        if without:
            heading += f", without the technologies {', '.join(sorted(without))}"
        print(report(ARTICLE, ROOT / "data", heading, without))
    else:
        print(f"(no Gwangju article at {ARTICLE}: shared/ is not beside the repository)\n")
    for source in sorted((MANY / "sources").glob("*.txt")):
        heading = f"Fixture text {source.stem} (tests/data/many-governments)"
        print(report(source, MANY, heading, without))


if __name__ == "__main__":
    main()
