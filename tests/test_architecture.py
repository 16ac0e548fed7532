"""The layout of the package (docs/architecture.md): one package per stage, imports
that run one way, modules a newcomer can read whole.

Imports are read with ast from every module under src/policy_graph, those made inside
functions too (a late import is still a dependency), and resolved to the module they
name. The checks fail on any import circle between modules, on a package that imports
one above it in the layers that docs/architecture.md declares, and on a module longer
than MAX_LINES.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "policy_graph"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAX_LINES = 600
MAX_TOP_MODULES = 9


# --- reading the imports -------------------------------------------------------------


def module_names(package: Path) -> dict[str, Path]:
    """Every module of ``package`` by its dotted name (a package by its own name)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ours that ``name`` (at ``path``) imports, anywhere in it."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from package import module` names the module; `from module import name`, the module
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = module_names(package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif step not in index:
                index[step] = low[step] = len(index)
                stack.append(step)
                on_stack.add(step)
                work.append((step, iter(sorted(graph.get(step, ())))))
            elif step in on_stack:
                low[node] = min(low[node], index[step])
    return found


def unit_of(module: str) -> str:
    """The stage a module belongs to: its package under policy_graph, or itself at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def declared_layers(text: str) -> list[set[str]]:
    """The layers of docs/architecture.md, top first: the fenced block under '## Layers',
    a line each, its units before two spaces."""
    section = text.split("## Layers", 1)[1]
    block = section.split("```", 2)[1]
    layers = []
    for line in block.strip("\n").splitlines()[1:]:  # [0]: the fence's info string
        units = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        layers.append({unit.strip() for unit in units.split(",")})
    return layers


def upward_imports(graph: dict[str, set[str]], layers: list[set[str]]) -> list[str]:
    """Each import from a unit to one in its own layer or above (other than itself)."""
    rank = {unit: number for number, layer in enumerate(layers) for unit in layer}
    wrong = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            source, goal = unit_of(module), unit_of(target)
            if source != goal and rank.get(goal, -1) <= rank.get(source, -1):
                wrong.append(f"{module} → {target}")
    return wrong


# --- the checks --------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = import_graph(PACKAGE)
    assert len(found) > 40 and found["policy_graph.api"]  # the real package, read
    return found


def test_no_import_circle_between_modules(graph):
    assert circles(graph) == []


def test_packages_import_only_the_layers_below(graph):
    layers = declared_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    units = {unit_of(module) for module in graph}
    assert units == set().union(*layers), "docs/architecture.md names every stage, no other"
    assert upward_imports(graph, layers) == []


def test_no_circle_between_packages(graph):
    between = {}
    for module, targets in graph.items():
        between.setdefault(unit_of(module), set()).update(
            unit_of(t) for t in targets if unit_of(t) != unit_of(module)
        )
    assert circles(between) == []


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert max(lengths.values()) > 300  # counted lines, not nothing
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_the_top_holds_few_modules_and_the_stages_are_packages():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
    stages = {"records", "graph", "query", "views", "draft", "endpoint", "outputs", "cli"}
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert stages <= packages


# --- the checker catches what it should ----------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "policy_graph"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_circle_through_a_late_import_is_found(tmp_path):
    root = _package(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/one.py": "from ..b.two import x\n",
            "b/__init__.py": "",
            "b/two.py": "def f():\n    from ..a import one\n",
            "c.py": "import policy_graph.a.one\n",
        },
    )
    found = import_graph(root)
    assert found["policy_graph.a.one"] == {"policy_graph.b.two"}
    assert found["policy_graph.b.two"] == {"policy_graph.a.one"}
    assert found["policy_graph.c"] == {"policy_graph.a.one"}
    assert circles(found) == [["policy_graph.a.one", "policy_graph.b.two"]]


def test_an_upward_import_is_found(tmp_path):
    root = _package(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/x.py": "from ..high.y import z\n",
            "high/__init__.py": "",
            "high/y.py": "z = 1\n",
        },
    )
    layers = declared_layers("## Layers\n\n```text\nhigh  the top\nlow, __init__\n```\n")
    assert layers == [{"high"}, {"low", "__init__"}]
    assert upward_imports(import_graph(root), layers) == [
        "policy_graph.low.x → policy_graph.high.y"
    ]
