"""The checks that only every file's records together can make: ids declared twice
(and distinct records whose IRIs would be equal), references to ids that no record
declares (with the nearest known id as a hint), cycles in concept hierarchies and in
``part_of`` chains. Each adds its problems to a list; none stops the others.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import Problem
from .model import (
    CONCEPT_SECTIONS,
    CONCEPT_WORDS,
    Government,
    Organisation,
    Programme,
    Records,
    record_name,
)
from .one_file import UnreadFile
from .values import Text, describe, did_you_mean


def _check_unique(problems: list[Problem], records: Records) -> None:
    def check(items, key) -> None:
        seen: dict = {}
        for item in items:
            k = key(item)
            if k in seen:
                first = seen[k]
                problems.append(
                    Problem(
                        item.origin.file,
                        item.origin.line,
                        record_name(item),
                        "id",
                        f"duplicate id (first in {first.origin.file}:{first.origin.line})",
                    )
                )
            else:
                seen[k] = item

    # Governments and other organisations share the org/<slug> IRIs.
    check([*records.governments, *records.organisations], lambda r: r.id)
    check(records.sources, lambda r: r.id)
    check(records.concepts, lambda r: (r.kind, r.id))
    check(records.units, lambda r: (r.government, r.id))
    check(records.programmes, lambda r: (r.government, r.id))
    check(records.policies, lambda r: (r.government, r.id))
    _check_same_iris(problems, records)


def _check_same_iris(problems: list[Problem], records: Records) -> None:
    """Distinct records whose IRIs would be equal: a unit's (and a policy's, a
    programme's) IRI joins its government's slug and its own, so government 'a' with
    unit 'b-c' and government 'a-b' with unit 'c' would both be …/org/a-b-c."""
    from .iris import record_path  # the IRIs the graph will have

    named = [*records.governments, *records.organisations, *records.units]
    # Of an unknown government (reported as such), a record has no IRI to compare:
    # its would-be IRI may not even be one ('gwa ngju'), and rdflib would say so.
    governments = {government.id for government in records.governments}
    placed = [r for r in [*records.programmes, *records.policies] if r.government in governments]
    seen: dict[str, Any] = {}
    for record in [*named, *placed]:
        iri = record_path(record)
        first = seen.setdefault(iri, record)
        if first is record or _same_record(first, record):
            continue
        problems.append(
            Problem(
                record.origin.file,
                record.origin.line,
                _full_name(record),
                "id",
                f"its IRI …/id/{iri} is also that of {_full_name(first)} "
                f"({first.origin.file}:{first.origin.line}): choose another id",
            )
        )


def _same_record(first, other) -> bool:
    """Two records that the checks of duplicate ids report already."""
    if {type(first), type(other)} <= {Government, Organisation}:
        return first.id == other.id
    return type(first) is type(other) and (first.government, first.id) == (
        other.government,
        other.id,
    )


def _full_name(record) -> str:
    government = getattr(record, "government", None)
    return f"{record_name(record)} of {government}" if government else record_name(record)


class _References:
    """Checks that the ids a record names exist, suggesting the nearest known id."""

    def __init__(self, problems: list[Problem], records: Records):
        self.problems = problems
        self.unknown: dict[tuple[str, str, str], list] = {}  # (field, what, message) → records
        self.known: dict[str, dict[str, str]] = {}  # what → id → label (ko)
        self.labels: dict[str, dict[str, str]] = {}  # what → ko/en label → id
        self._add("government", records.governments)
        self._add("organisation", records.organisations)
        # A source is published by a news organisation or by a government itself; a
        # partner or a source's creator may be either too.
        self._add("publisher", [*records.organisations, *records.governments])
        self._add("organisation or government", [*records.organisations, *records.governments])
        self._add("source", records.sources)
        for concept_kind, words in CONCEPT_WORDS.items():
            self._add(words, records.concepts_of(concept_kind))
        for government in records.governments:
            self._add(f"department of {government.id}", government.units)
        programmes: dict[str, list[Programme]] = {g.id: [] for g in records.governments}
        for programme in records.programmes:
            programmes.get(programme.government, []).append(programme)
        for government, theirs in programmes.items():
            self._add(f"programme of {government}", theirs)

    def _add(self, what: str, items) -> None:
        self.known[what] = {item.id: item.id for item in items}
        labels = self.labels[what] = {}
        for item in items:
            text = getattr(item, "label", None) or getattr(item, "title", None)
            if isinstance(text, Text):
                labels[text.ko] = labels[text.en] = item.id
            for alternatives in getattr(item, "alt_labels", {}).values():
                for alternative in alternatives:
                    labels.setdefault(alternative, item.id)

    def check(self, record, name: str, what: str, values) -> None:
        for value in (values,) if isinstance(values, str | None) else values:
            if value is None or value in self.known.get(what, {}):
                continue
            hint = did_you_mean(value, self.known.get(what, {}), self.labels.get(what))
            message = f"unknown {what} {describe(value)}{hint}"
            self.unknown.setdefault((name, what, message), []).append(record)

    def report(self, unread: list[UnreadFile]) -> None:
        """One problem per unknown reference: where many records name the same unknown
        id, one line at the first of them, with the count and the next places. What a
        file that could not be read may hold is not reported, but counted on its line."""
        unchecked: dict[int, dict[str, int]] = {}  # unread file → what → references
        for (name, what, message), records in self.unknown.items():
            blamed = _unread_holding(what, unread)
            if blamed is not None:
                counts = unchecked.setdefault(blamed, {})
                counts[what] = counts.get(what, 0) + len(records)
                continue
            first, *others = records
            if others:
                places = ", ".join(
                    f"{r.origin.file}:{r.origin.line_of(name)} ({record_name(r)})"
                    for r in others[:3]
                )
                more = f" and {len(others) - 3} more" if len(others) > 3 else ""
                message = f"{message}; {len(others)} more records name it too: {places}{more}"
            self.problems.append(
                Problem(
                    first.origin.file,
                    first.origin.line_of(name),
                    record_name(first),
                    name,
                    message,
                )
            )
        for blamed, counts in unchecked.items():
            self._count_unchecked(unread[blamed].problem, counts)

    def _count_unchecked(self, problem: Problem, counts: dict[str, int]) -> None:
        """Add to an unread file's problem how many references it leaves unchecked."""
        total = sum(counts.values())
        words = _and(list(map(_plural, counts)))
        message = (
            f"{problem.message}; until it is read, {total} reference{'s' if total != 1 else ''} "
            f"to {words} cannot be checked"
        )
        self.problems[self.problems.index(problem)] = replace(problem, message=message)


# The kind of id a reference names (its first word: 'department' of 'department of
# gwangju') → the sections that declare such ids.
_DECLARED_IN = {
    "government": {"governments"},
    "department": {"governments"},
    "organisation": {"organisations"},
    "publisher": {"organisations", "governments"},
    "organisation or government": {"organisations", "governments"},
    "source": {"sources"},
    "programme": {"programmes"},
    **{words: {section} for words, section in zip(CONCEPT_WORDS.values(), CONCEPT_SECTIONS)},
}


def _unread_holding(what: str, unread: list[UnreadFile]) -> int | None:
    """The first unread file that names a section declaring ``what``, else the first
    whose sections are unknown: the file whose records are missing."""
    sections = _DECLARED_IN[what.split(" of ")[0]]
    named = [i for i, file in enumerate(unread) if file.sections and file.sections & sections]
    unknown = [i for i, file in enumerate(unread) if file.sections is None]
    return next(iter(named + unknown), None)


def _plural(what: str) -> str:
    """'technology' → 'technologies', 'department of gwangju' → 'departments of gwangju',
    'organisation or government' → 'organisations or governments'."""
    kind, of, rest = what.partition(" of ")
    words = [w[:-1] + "ies" if w.endswith("y") else w + "s" for w in kind.split(" or ")]
    return f"{' or '.join(words)}{of}{rest}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _check_references(
    problems: list[Problem], records: Records, unread: list[UnreadFile] = ()
) -> None:
    refs = _References(problems, records)
    _name_references(refs, records)
    refs.report(list(unread))


def _name_references(refs, records: Records) -> None:
    """Tell ``refs`` (an _References) every id that a record names, and what it names."""
    for government in records.governments:
        refs.check(government, "kind", "organisation type", government.kind)
        refs.check(government, "part_of", "government", government.part_of)
        for unit in government.units:
            refs.check(unit, "unit_type", "organisation type", unit.unit_type)
    for organisation in records.organisations:
        refs.check(organisation, "kind", "organisation type", organisation.kind)
    for source in records.sources:
        refs.check(source, "publisher", "publisher", source.publisher)
        refs.check(source, "creator", "organisation or government", source.creator)
    for concept in records.concepts:
        refs.check(concept, "broader", CONCEPT_WORDS[concept.kind], concept.broader)
    for programme in records.programmes:
        refs.check(programme, "government", "government", programme.government)
        if programme.government in refs.known["government"]:
            refs.check(
                programme, "part_of", f"programme of {programme.government}", programme.part_of
            )
        refs.check(programme, "source", "source", programme.sources)
        refs.check(programme, "budget_kind", "budget kind", programme.budget_kind)
    for policy in records.policies:
        refs.check(policy, "government", "government", policy.government)
        if policy.government in refs.known["government"]:
            refs.check(
                policy,
                "lead_department",
                f"department of {policy.government}",
                policy.lead_department,
            )
            refs.check(policy, "programme", f"programme of {policy.government}", policy.programme)
        refs.check(policy, "technologies", "technology", policy.technologies)
        refs.check(policy, "target_groups", "target group", policy.target_groups)
        refs.check(policy, "partners", "organisation or government", policy.partners)
        refs.check(policy, "domains", "domain", policy.domains)
        refs.check(policy, "source", "source", policy.sources)
        refs.check(policy, "stage", "policy stage", policy.stage)
        refs.check(policy, "budget_kind", "budget kind", policy.budget_kind)


def _check_hierarchies(problems: list[Problem], records: Records) -> None:
    """A concept may not be broader than itself, however far up the chain."""
    concepts = {(c.kind, c.id): c for c in records.concepts}
    reported: set[frozenset] = set()
    for start in records.concepts:
        path = [start.id]
        stack = [(start.id, iter(start.broader))]
        while stack:
            current, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.pop()
                continue
            if parent == start.id:
                cycle = frozenset(path)
                if cycle not in reported:
                    reported.add(cycle)
                    chain = " → ".join([*path, start.id])
                    problems.append(
                        Problem(
                            start.origin.file,
                            start.origin.line_of("broader"),
                            record_name(start),
                            "broader",
                            f"cycle in the {CONCEPT_WORDS[start.kind]} hierarchy: {chain}",
                        )
                    )
                continue
            node = concepts.get((start.kind, parent))
            if node is not None and parent not in path:
                path.append(parent)
                stack.append((parent, iter(node.broader)))


def _check_part_of_chains(problems: list[Problem], records: Records) -> None:
    """A programme (strand) or government may not be part of itself, however far up."""
    for items in (records.programmes, records.governments):
        by_key = {(getattr(r, "government", None), r.id): r for r in items}
        for start in items:
            chain, current = [start.id], start
            while current.part_of is not None:
                current = by_key.get((getattr(start, "government", None), current.part_of))
                if current is None:
                    break
                chain.append(current.id)
                if current.id == start.id:
                    if min(chain[:-1]) == start.id:  # one line per cycle
                        problems.append(
                            Problem(
                                start.origin.file,
                                start.origin.line_of("part_of"),
                                record_name(start),
                                "part_of",
                                f"cycle: {' → '.join(chain)}",
                            )
                        )
                    break
                if len(chain) > len(items):
                    break


def check_together(problems: list[Problem], records: Records, unread: list[UnreadFile]) -> None:
    """Add to ``problems`` (those of reading each file) the problems that only the
    records of every file together show: ids declared twice, references to nothing,
    cycles (``unread``: the files that could not be read, which may hold what others
    name: their problems say how many references they leave unchecked)."""
    _check_unique(problems, records)
    _check_references(problems, records, unread)
    _check_hierarchies(problems, records)
    _check_part_of_chains(problems, records)


def no_policies(data_dir: Path, files: int) -> Problem:
    """The problem of a records folder whose files (``files`` of them read) hold no policy."""
    read = f"{files} record file{'s' if files != 1 else ''} read"
    return Problem(str(data_dir), message=f"no policies in these records ({read})")


# --- the same checks, told apart from files' keys ----------------------------------
#
# Most runs find no problem across files, and most rebuilds change one file of
# thousands: so each file's records are summed up once, as it is read, in the keys
# that these checks compare (what it declares, what it names, its part_of links), and
# a run first asks of those keys alone whether check_together would find anything.
# Only when it may does check_together run on every record, so that its problems are
# always its own, word for word. The keys may tell of a problem that check_together
# does not find (then it runs, and finds none): never the other way round.

_NOT_CHECKED = "\x01"  # a reference to no key: check_together must run


def keys_of(records: Records) -> tuple[str, str, str]:
    """What one file's records mean to the checks across files, as lines of keys:
    what they declare (each id in its namespace, and the IRI of each record whose IRI
    is compared), what they name (each reference once), and their part_of links."""
    declared = _declared(records)
    named: dict[str, None] = {}
    _name_references(_Names(named), records)
    links = [
        f"programme of {r.government}\0{r.id}\0{r.part_of}"
        for r in records.programmes
        if r.part_of is not None
    ]
    links += [f"government\0{r.id}\0{r.part_of}" for r in records.governments if r.part_of]
    # A government or part_of written with line breaks or NULs could be misread.
    if any("\n" in key for key in declared) or any(_odd(link) for link in links):
        named[_NOT_CHECKED] = None
    return "\n".join(declared), "\n".join(named), "\n".join(links)


def _declared(records: Records) -> list[str]:
    """Each id that ``records`` declare, in the namespace of the references to it (as
    _References knows them), and each IRI that _check_same_iris compares."""
    from .iris import record_path

    placed = [*records.governments, *records.organisations, *records.units]
    declared = [f"iri\0{record_path(r)}" for r in [*placed, *records.programmes, *records.policies]]
    for government in records.governments:
        declared += [f"government\0{government.id}", f"organisation or government\0{government.id}"]
        declared += [f"department of {government.id}\0{unit.id}" for unit in government.units]
    for organisation in records.organisations:
        declared += [
            f"organisation\0{organisation.id}",
            f"organisation or government\0{organisation.id}",
        ]
    declared += [f"source\0{source.id}" for source in records.sources]
    declared += [f"{CONCEPT_WORDS[c.kind]}\0{c.id}" for c in records.concepts]
    declared += [f"programme of {p.government}\0{p.id}" for p in records.programmes]
    return declared


def _odd(link: str) -> bool:
    return "\n" in link or link.count("\0") != 2


class _Names:
    """What _check_references names, as keys (an _References that only listens)."""

    def __init__(self, named: dict[str, None]) -> None:
        self.named = named
        self.known = {"government": _Everything()}  # every condition holds: all are named

    def check(self, _record, _name: str, what: str, values) -> None:
        for value in (values,) if isinstance(values, str | None) else values:
            if value is None:
                continue
            # 'publisher' names what 'organisation or government' declares
            what = "organisation or government" if what == "publisher" else what
            key = f"{what}\0{value}" if isinstance(value, str) else _NOT_CHECKED
            self.named[_NOT_CHECKED if key.count("\0") > 1 or "\n" in key else key] = None


class _Everything:
    def __contains__(self, _item) -> bool:
        return True


def nothing_together(keys: list[tuple[str, str, str]], concepts: list) -> bool:
    """Whether check_together would find no problem in the records whose files' keys
    (see keys_of) are ``keys`` and whose concepts are ``concepts``: no key declared
    twice, every named key declared, no part_of cycle, no cycle among the concepts."""
    declared: set[str] = set()
    count = 0
    for declares, _names, _links in keys:
        if declares:
            lines = declares.split("\n")
            declared.update(lines)
            count += len(lines)
    if len(declared) != count:
        return False
    for _declares, names, _links in keys:
        if names and not declared.issuperset(names.split("\n")):
            return False
    links = [link for _d, _n, file_links in keys if file_links for link in file_links.split("\n")]
    if _has_cycle(links):
        return False
    found: list[Problem] = []
    _check_hierarchies(found, Records(concepts=concepts))
    return not found


def _has_cycle(links: list[str]) -> bool:
    """Whether part_of links (lines 'group\\0id\\0part_of') go round in a circle."""
    up = {}
    for link in links:
        group, child, parent = link.rsplit("\0", 2)
        up[(group, child)] = (group, parent)
    done: set = set()
    for start in up:
        path: set = set()
        node = start
        while node in up and node not in done:
            if node in path:
                return True
            path.add(node)
            node = up[node]
        done |= path
    return False
