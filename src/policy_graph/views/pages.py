"""Catalogue → the views: which nodes and links each page draws (the data that its page
carries is made by :mod:`.page_data`; HTML by :mod:`.html`).

A page carries the policies it covers with their facets, so that the browser filters,
focuses and counts without a server; a page of many governments draws them as
governments × technologies (aggregated: a line's width is a number of policies),
never thousands of policies at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from ..errors import UsageError
from .analysis import KIND_NAMES
from .catalogue import Catalogue, Policy, is_hub
from .page_data import DRAWN_ROWS, PageData, government_page_name, texts

# What a network page draws: a policy's department, technologies, groups, partners and
# government, and the hierarchies above them.
NETWORK_KINDS = ("policy", "department", "technology", "target-group", "partner", "government")
MAX_QUERY_NODES = 5000  # a query's answer past this keeps its most connected nodes
MAX_FOCUS_DEPTH = 4  # a focus page carries this many steps, to deepen on the page


@dataclass(eq=False)
class View:
    """One page to write: a file name, a title, the network it draws (for the CLI's
    counts and for exports) and its page data (for the browser)."""

    name: str
    title: dict[str, str]
    network: nx.Graph
    data: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.note = self.data.get("page", {}).get("note") or texts("", "")
        self.policy_count = len(self.data.get("policies", ()))
        self.size = (len(self.network), self.network.number_of_edges())

    def release(self) -> None:
        """Let the network and page data go once the page is written (a national run
        writes a thousand pages); name, title, note and counts stay."""
        self.network, self.data = nx.Graph(), {}


# --- the views -----------------------------------------------------------------------


def overview(catalogue: Catalogue) -> View:
    """The whole graph: its policies and their neighbours for one government; for
    several, governments × technologies (the governments with most policies first)."""
    title = texts("정책 그래프 전체", "The whole policy graph")
    if not catalogue.several_governments:
        policies = list(catalogue.policies.values())
        return network_view(catalogue, "overview", title, policies, counted=None)
    return aggregate_view(catalogue, "overview", title, rows_by="government")


def department_technology(catalogue: Catalogue) -> View:
    """Departments × technologies (a policy without a department under its government)."""
    title = texts(
        "부서 × 기술 (선 굵기 = 정책 수)", "Departments × technologies (width = policies)"
    )
    return aggregate_view(catalogue, "department-technology", title, rows_by="department")


def government_views(catalogue: Catalogue) -> Iterator[View]:
    """A page per government, where there are several: its policies and their
    neighbours; made one by one, so that each can be written and let go."""
    if not catalogue.several_governments:
        return
    by_government: dict[str, list[Policy]] = defaultdict(list)
    for policy in catalogue.policies.values():
        if policy.government:
            by_government[policy.government].append(policy)
    for government in sorted(by_government):
        yield network_view(
            catalogue,
            government_page_name(government),
            texts(catalogue.label(government, "ko"), catalogue.label(government, "en")),
            by_government[government],
            counted={government},
        )


def network_view(
    catalogue: Catalogue, name: str, title: dict, policies: list[Policy], counted=None
) -> View:
    """Policies, their departments, technologies, target groups, partners and
    governments, and the hierarchies above them; its counts are of ``counted`` (the
    whole graph when None, or some governments: see PageData)."""
    nodes = neighbourhood(catalogue, policies)
    network = _network(catalogue, nodes, shortcuts=False)
    data = PageData(catalogue, name, title, counted=counted).network(network, policies)
    return View(name, title, network, data)


def neighbourhood(catalogue: Catalogue, policies: list[Policy]) -> set[str]:
    """The policies, what they link to of NETWORK_KINDS, and everything above that."""
    nodes = {p.iri for p in policies}
    for policy in policies:
        for iri in (
            policy.department,
            policy.government,
            *policy.technologies,
            *policy.target_groups,
            *policy.partners,
        ):
            if iri and catalogue.kinds.get(iri) in NETWORK_KINDS:
                nodes.add(iri)
    return _with_ancestors(catalogue, nodes)


def _with_ancestors(catalogue: Catalogue, nodes: set[str]) -> set[str]:
    pending = list(nodes)
    while pending:
        node = pending.pop()
        for parent in (
            *catalogue.broader.get(node, []),
            catalogue.unit_government.get(node),
            catalogue.parents.get(node),
        ):
            if parent and parent not in nodes and catalogue.kinds.get(parent) in NETWORK_KINDS:
                nodes.add(parent)
                pending.append(parent)
    return nodes


def _network(catalogue: Catalogue, nodes: set[str], shortcuts: bool = True) -> nx.DiGraph:
    """The links among ``nodes``. Without ``shortcuts``, a link that a longer path draws
    too is left out: a policy's government where it has a department, a unit's
    government where it sits in another unit."""
    network = nx.DiGraph()
    for node in sorted(nodes):
        network.add_node(node, kind=catalogue.kinds.get(node, "other"))
    for subject in sorted(nodes):
        for obj, relation in catalogue.links_from.get(subject, ()):
            if obj in nodes and (shortcuts or not _is_shortcut(catalogue, subject, relation)):
                network.add_edge(subject, obj, relation=relation)
    return network


def _is_shortcut(catalogue: Catalogue, subject: str, relation: str) -> bool:
    if relation == "government":
        policy = catalogue.policies.get(subject)
        return bool(policy and policy.department)
    return relation == "unitOf" and subject in catalogue.parents


def aggregate_view(catalogue: Catalogue, name: str, title: dict, rows_by: str) -> View:
    """Rows (governments, or departments) × technologies; weight = policies, a policy
    counting for its technologies and every broader one. The page carries every row and
    draws the DRAWN_ROWS with most policies under its filters, and says so."""
    weights, row_policies = aggregate(catalogue, catalogue.policies.values(), rows_by)
    rows = sorted(row_policies)
    columns = sorted({column for (_row, column) in weights})
    network = nx.Graph()
    for node in (*rows, *columns):
        network.add_node(node, kind=catalogue.kinds.get(node, "government"))
    for (row, column), weight in sorted(weights.items()):
        network.add_edge(row, column, weight=weight, relation="usesTechnology")
    for column in columns:
        for parent in catalogue.broader.get(column, []):
            if parent in network:
                network.add_edge(column, parent, relation="broader")
    note = _rows_note(catalogue, rows) if len(rows) > DRAWN_ROWS else texts("", "")
    data = PageData(catalogue, name, title, note, counted=None).aggregate(
        network, list(catalogue.policies.values()), rows, columns, rows_by
    )
    return View(name, title, network, data)


def _rows_note(catalogue: Catalogue, rows: list[str]) -> dict:
    """What an aggregate page leaves out of its drawing, counting its rows as what they
    are: governments, or departments and the governments that stand for their policies
    that name none (a government is never counted as a department)."""
    governments = sum(1 for r in rows if catalogue.kinds.get(r) != "department")
    units = len(rows) - governments
    if not units:
        what = texts(f"지방정부 {governments:,}곳", f"{governments:,} governments")
    else:
        what = texts(
            f"부서 {units:,}곳과 부서를 밝히지 않은 정책의 지방정부 {governments:,}곳",
            f"{units:,} departments and {governments:,} governments (for their policies "
            "that name no department)",
        )
    return texts(
        f"{what['ko']} 가운데 정책이 많은 {DRAWN_ROWS}곳씩 그립니다: 다른 곳은 필터로 "
        "고르세요. 순위·행렬·표에는 모두 들어 있습니다.",
        f"Of {what['en']}, the {DRAWN_ROWS} with most policies are drawn at a time: choose "
        "others with the filters. The rankings, matrix and table hold them all.",
    )


def aggregate(catalogue: Catalogue, policies, rows_by: str) -> tuple[Counter, Counter]:
    """Policies per (row, technology), through skos:broader*, and policies per row. A
    row is a policy's government, or (``rows_by="department"``) its department, or its
    government where it names none."""
    weights: Counter = Counter()
    per_row: Counter = Counter()
    closure: dict[str, list[str]] = {}
    for policy in policies:
        row = policy.government if rows_by == "government" else policy.department
        row = row or policy.government
        if row is None:
            continue
        per_row[row] += 1
        reached = set()
        for technology in policy.technologies:
            if technology not in closure:
                closure[technology] = catalogue.ancestors(technology)
            reached.update(closure[technology])
        for technology in reached:
            weights[(row, technology)] += 1
    return weights, per_row


def focus_view(catalogue: Catalogue, key: str, depth: int = 2, max_nodes: int = 2000) -> View:
    """The neighbourhood of one resource (by IRI, id or name), ``depth`` steps out,
    walking on from no hub (a government, programme, source, vocabulary root): the
    view's network. Its page carries up to MAX_FOCUS_DEPTH steps (and its policies),
    so that depth can change there."""
    if depth < 1:
        raise UsageError(f"--depth must be 1 or more, not {depth}")
    centre = find_resource(catalogue, key)
    hubs = hub_terms(catalogue)
    distances = walk(catalogue, centre, max(depth, MAX_FOCUS_DEPTH), hubs)
    ordered = sorted(distances, key=lambda n: (distances[n], n))
    kept = set(ordered[:max_nodes])
    carried = _network(catalogue, kept)  # what the page can show
    network = carried.subgraph(n for n in kept if distances[n] <= depth).copy()
    policies = [catalogue.policies[n] for n in sorted(kept) if n in catalogue.policies]
    label = {lang: catalogue.display_label(centre, lang) for lang in ("ko", "en")}
    title = texts(f"{label['ko']} 주변", f"Around {label['en']}")
    note = texts("", "")
    if len(ordered) > len(kept):
        left = len(ordered) - len(kept)
        note = texts(
            f"가까운 노드 {len(kept):,}개만 담았습니다 ({left:,}개 생략).",
            f"The nearest {len(kept):,} nodes are kept ({left:,} left out).",
        )
    slug = centre.rstrip("/").rsplit("/", 1)[-1]
    page = PageData(catalogue, f"focus-{slug}", title, note)
    data = page.network(carried, policies, focus={"node": centre, "depth": depth})
    return View(f"focus-{slug}", title, network, data)


def hub_terms(catalogue: Catalogue) -> set[str]:
    """What a focus does not walk on from (see :func:`is_hub`)."""
    return {iri for iri in catalogue.kinds if is_hub(catalogue, iri)}


def walk(catalogue: Catalogue, centre: str, depth: int, hubs: set[str]) -> dict[str, int]:
    """Steps from ``centre`` to each resource within ``depth``, over links either way,
    never on from a hub other than ``centre``."""
    around = catalogue.neighbours
    distances = {centre: 0}
    queue = deque([centre])
    while queue:
        node = queue.popleft()
        if distances[node] >= depth or (node in hubs and node != centre):
            continue
        for other in around.get(node, ()):
            if other not in distances:
                distances[other] = distances[node] + 1
                queue.append(other)
    return distances


def find_resource(catalogue: Catalogue, key: str) -> str:
    """The resource that ``key`` names: its IRI, its id (the end of its IRI) or one of
    its names (a unit's with or without its government). UsageError when none or
    several do, listing those to choose from."""
    if key in catalogue.kinds:
        return key
    matches = sorted(n for n in catalogue.kinds if n.rsplit("/", 1)[-1] == key)
    if not matches:
        matches = sorted(
            n
            for n in catalogue.kinds
            if key in (*catalogue.labels.get(n, {}).values(), *_display_names(catalogue, n))
        )
    if not matches:
        raise UsageError(f"nothing in the graph is called {key!r} (give an IRI, an id or a label)")
    if len(matches) > 1:
        raise UsageError(_ambiguous(catalogue, key, matches))
    return matches[0]


def _display_names(catalogue: Catalogue, iri: str) -> tuple[str, ...]:
    return tuple(catalogue.display_label(iri, lang) for lang in ("ko", "en"))


def _ambiguous(catalogue: Catalogue, key: str, matches: list[str]) -> str:
    ids = Counter(n.rsplit("/", 1)[-1] for n in catalogue.kinds)
    lines = [f"{key!r} names {len(matches)} resources; give one of them by its id or IRI:"]
    for node in sorted(matches, key=lambda n: (catalogue.display_label(n, "ko"), n)):
        kind = KIND_NAMES.get(catalogue.kinds[node], ("resource",))[0].lower()
        slug = node.rsplit("/", 1)[-1]
        name = slug if ids[slug] == 1 else node
        lines.append(f"  {catalogue.display_label(node, 'ko')} ({kind}): {name}")
    return "\n".join(lines)


def query_view(catalogue: Catalogue, network: nx.DiGraph, name: str, empty: dict) -> View:
    """A CONSTRUCT or DESCRIBE answer (as networkx: see analysis.to_networkx) drawn;
    its policies that the catalogue knows carry their facets for the filters. Past
    MAX_QUERY_NODES nodes, the most connected are kept and the page says so."""
    title = texts(f"질의: {name}", f"Query: {name}")
    note = texts("", "")
    if len(network) > MAX_QUERY_NODES:
        left = len(network) - MAX_QUERY_NODES
        ranked = sorted(network, key=lambda n: (-network.degree(n), n))
        network = network.subgraph(ranked[:MAX_QUERY_NODES]).copy()
        note = texts(
            f"노드가 많아 연결이 많은 {MAX_QUERY_NODES:,}개만 그렸습니다 ({left:,}개 생략).",
            f"Too many nodes to draw: the {MAX_QUERY_NODES:,} most connected are shown, "
            f"{left:,} left out.",
        )
    policies = [catalogue.policies[n] for n in sorted(network) if n in catalogue.policies]
    page = PageData(
        catalogue, f"query-{name}", title, note, empty=empty if not len(network) else None
    )
    return View(f"query-{name}", title, network, page.network(network, policies))
