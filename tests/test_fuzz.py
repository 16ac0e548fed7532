"""No surprises from broken records (issue 11): a property-based fuzz test of the CLI.

Every case copies ``tests/data/minimal``, breaks it with one to three mutations of
``fuzz_records`` (an alias bomb, a value nested hundreds of levels deep, a list as a
key, invalid UTF-8, a FIFO named ``x.yaml``, byte flips …), then runs the real
command in a child process, ``build --format ttl --format nt`` and ``validate`` side
by side, each with at most 60 s and 2 GB of address space. Either both exit 0, the
graph files parse and hold the policies (all three of the minimal records' where
``policies.yaml`` was left alone), and stderr holds nothing but warnings (in the
form of problems); or both exit 1, with nothing on stdout and on stderr only the
documented lines (README, "Errors"): ``FILE:LINE: record: field: message`` or
``FILE: message`` naming a file of the records folder, then ``policy-graph: N
problems found; nothing was written``. Never a traceback, a line longer than 500
characters or a control character; and a failed build leaves the graph files of an
earlier good build as they were, byte for byte.

CI runs a fixed, derandomised budget of 40 drawn cases and the named cases below,
one or more per mutation that issues 11 and 26 list (about 4 minutes on two idle
cores): issue 26 adds a policy without a government (or with a list, or a blank),
ids with white space around them, a date with a time, the numbers YAML 1.1 reads in
its own ways, and control and bidi characters in ids and file names, which no line
may show raw. The
long run, random and with shrinking, selected by ``POLICY_GRAPH_FUZZ=long``::

    python3 tasks.py fuzz                                  # 2,000 cases
    POLICY_GRAPH_FUZZ_EXAMPLES=20000 python3 tasks.py fuzz

(``tasks.py fuzz`` sets ``POLICY_GRAPH_FUZZ=long`` and runs only the property). A
failure prints the case in words, the exit codes and the first lines of stderr.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from rdflib import RDF, Graph, Namespace

from tests import fuzz_records as fz
from tests.helpers import MINIMAL

PG = Namespace("https://w3id.org/policy-graph/ontology#")
SECONDS = 60  # a run on the minimal records takes about 1 s
MEMORY = 2 << 30  # bytes of address space; a blow-up fails the case, not the machine
# No huge echoes; a message that names three other places of a reference is ~350.
LONGEST_LINE = 500
# Characters that a terminal or a line-reading tool would not show as text: they would
# break a line, move the cursor, colour what follows or turn it right to left.
CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]"
)
BUILD = ("build", "--data", "data", "--out", "out/graph.ttl", "--format", "ttl", "--format", "nt")
VALIDATE = ("validate", "--data", "data")
OUTPUTS = ("graph.ttl", "graph.nt")

settings.register_profile(
    "fuzz-ci",
    max_examples=40,
    derandomize=True,  # the same cases on every CI run
    database=None,
    deadline=None,
    # A failure is reported as drawn: shrinking one costs minutes of child processes.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz-long",
    max_examples=int(os.environ.get("POLICY_GRAPH_FUZZ_EXAMPLES", "2000")),
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
FUZZ_PROFILE = settings.get_profile(
    "fuzz-long" if os.environ.get("POLICY_GRAPH_FUZZ") == "long" else "fuzz-ci"
)

# The closing line of an InputError (cli._Failure.show), and of warnings (cli._echo_warnings).
CLOSING = re.compile(
    r"policy-graph: (\d+) problems? found(?: \(and (\d+) warnings?\))?; nothing was written"
)
WARNINGS_CLOSING = re.compile(r"policy-graph: (\d+) warnings? \(--strict makes them errors\)")
# Problem.__str__: "file:line: record: field: message" or "file: message" (parts optional).
PROBLEM = re.compile(r"(?P<file>[^:\s][^:]*?)(?::(?P<line>\d+))?: (?P<rest>\S.*)")


def _lines(text: str) -> list[str]:
    """Lines as a terminal or grep sees them: split at newlines only."""
    return text.removesuffix("\n").split("\n") if text else []


def _visible(line: str) -> str:
    line = CONTROL.sub(lambda match: repr(match[0])[1:-1], line)
    return line if len(line) <= 200 else f"{line[:200]}… ({len(line):,} characters)"


def _require(condition: object, message: str) -> None:
    """Fail with ``message`` alone: pytest's view of the values would echo megabytes."""
    __tracebackhide__ = True
    if not condition:
        raise AssertionError(message)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Run:
    command: str
    code: int | None  # None: killed after SECONDS
    stdout: str
    stderr: str
    seconds: float

    def summary(self, lines: int = 8) -> str:
        code = f"killed after {SECONDS} s" if self.code is None else f"exit {self.code}"
        shown = [_visible(line) for line in _lines(self.stderr)[:lines]]
        more = len(_lines(self.stderr)) - len(shown)
        tail = [f"  … {more} more lines"] if more > 0 else []
        stderr = "\n".join(["  stderr:", *(f"    {line}" for line in shown), *tail])
        return f"{self.command}: {code} in {self.seconds:.1f} s\n{stderr}"


def run_commands(work: Path, *commands: tuple[str, ...]) -> list[Run]:
    """Run each command in ``work`` at the same time (two cores), each in a child
    limited in memory and killed after SECONDS."""
    started = time.monotonic()
    # One hash seed: a message that echoes a set reads the same in every run.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "policy_graph", *command],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_limit_child,
        )
        for command in commands
    ]
    runs = []
    for command, child in zip(commands, children, strict=True):
        try:
            left = max(SECONDS - (time.monotonic() - started), 1)
            out, err = child.communicate(timeout=left)
            code = child.returncode
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            code = None
        text = [stream.decode("utf-8", errors="replace") for stream in (out, err)]
        runs.append(Run(command[0], code, *text, time.monotonic() - started))
    return runs


@pytest.fixture(scope="module")
def good_outputs(tmp_path_factory) -> Path:
    """The graph files of a good build of the minimal records, laid out as each case's."""
    work = tmp_path_factory.mktemp("good-build")
    shutil.copytree(MINIMAL, work / "data")
    (run,) = run_commands(work, BUILD)
    assert run.code == 0, run.summary()
    return work / "out"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def check_case(case: list, good_outputs: Path) -> list[Run]:
    """Apply ``case`` to a copy of the minimal records; run build and validate on it;
    assert that each either succeeds with a graph or fails with documented lines."""
    with tempfile.TemporaryDirectory(prefix="policy-graph-fuzz-") as folder:
        work = Path(folder)
        shutil.copytree(MINIMAL, work / "data")
        shutil.copytree(good_outputs, work / "out")
        for mutation in case:
            file = getattr(mutation, "file", None)
            if file and not (work / "data" / file).exists():
                continue  # renamed by a mutation before it
            mutation.apply(work / "data")
        before = _snapshot(work / "out")
        build, validate = run_commands(work, BUILD, VALIDATE)
        about = f"case: {fz.describe_case(case)}\n{build.summary()}\n{validate.summary()}"
        strays = sorted(p.name for p in work.iterdir() if p.name not in ("data", "out"))
        _require(not strays, f"files written outside out/: {strays}\n{about}")
        for run in (build, validate):
            _check_run(run, about)
        _require(build.code == validate.code, f"build and validate disagree\n{about}")
        if build.code == 0:
            policies = _check_graph(work / "out", build, about)
            if all(getattr(mutation, "file", "") != "policies.yaml" for mutation in case):
                kept = _policies(good_outputs / "graph.nt", "nt")
                _require(policies >= kept, f"policies went missing from the graph\n{about}")
        else:
            _require(_snapshot(work / "out") == before, f"a failed build changed out/\n{about}")
            _require(build.stderr == validate.stderr, f"build and validate differ\n{about}")
        return [build, validate]


def _check_run(run: Run, about: str) -> None:
    _require(run.code is not None, f"{run.command} did not finish within {SECONDS} s\n{about}")
    _require(run.code in (0, 1), f"{run.command} exited {run.code}\n{about}")
    _require("Traceback" not in run.stderr, f"{run.command} crashed\n{about}")
    longest = max(map(len, _lines(run.stderr)), default=0)
    _require(
        longest <= LONGEST_LINE, f"{run.command} printed a line of {longest:,} characters\n{about}"
    )
    control = CONTROL.search(run.stderr)
    _require(
        not control,
        f"{run.command} printed the control character {control and control[0]!r}\n{about}",
    )
    if run.code == 0:
        _check_warning_lines(run, about)
    else:
        _require(run.stdout == "", f"{run.command} failed but printed on stdout\n{about}")
        _check_error_lines(run, about)


def _check_warning_lines(run: Run, about: str) -> None:
    """Nothing, or warnings (a timeline no quote states) and their closing line."""
    if not run.stderr:
        return
    lines = _lines(run.stderr)
    closing = WARNINGS_CLOSING.fullmatch(lines[-1])
    _require(closing, f"{run.command}: the last line is not the warnings' closing line\n{about}")
    _check_problem_lines(run, lines[:-1], about)
    _require(
        all(": warning: " in line for line in lines[:-1]) and len(lines) - 1 == int(closing[1]),
        f"{run.command}: the closing line does not count the warnings above it\n{about}",
    )


def _check_error_lines(run: Run, about: str) -> None:
    """Problem lines naming files of the records folder, then the closing line."""
    lines = _lines(run.stderr)
    _require(lines, f"{run.command} failed without a word\n{about}")
    closing = CLOSING.fullmatch(lines[-1])
    _require(closing, f"{run.command}: the last line is not the closing line\n{about}")
    problems = lines[:-1]
    _check_problem_lines(run, problems, about)
    warnings = sum(": warning: " in line for line in problems)
    errors = len(problems) - warnings
    _require(
        errors > 0 and (errors, warnings) == (int(closing[1]), int(closing[2] or 0)),
        f"{run.command}: {errors} problem lines and {warnings} warnings, but the closing "
        f"line says otherwise\n{about}",
    )


def _check_problem_lines(run: Run, lines: list[str], about: str) -> None:
    for line in lines:
        match = PROBLEM.fullmatch(line)
        _require(match, f"{run.command}: not a problem line: {_visible(line)!r}\n{about}")
        file = match["file"]
        _require(
            file == "data" or file.startswith("data/"),
            f"{run.command}: a problem that names no records file: {_visible(line)!r}\n{about}",
        )


def _check_graph(out: Path, build: Run, about: str) -> set:
    """Both graph files parse and hold the same policies, as many as the summary says;
    those policies."""
    left = sorted(p.name for p in out.iterdir())
    _require(left == sorted(OUTPUTS), f"out/ holds {left} after a good build\n{about}")
    counted = re.search(r"^  policies +(\d+)$", build.stdout, re.MULTILINE)
    _require(counted, f"no count of policies in the summary\n{about}\n{build.stdout}")
    policies = []
    for name, fmt in zip(OUTPUTS, ("turtle", "nt"), strict=True):
        try:
            policies.append(_policies(out / name, fmt))
        except Exception as error:  # any parser error fails the case
            raise AssertionError(f"out/{name} does not parse: {error}\n{about}") from error
    _require(policies[0] == policies[1], f"graph.ttl and graph.nt hold other policies\n{about}")
    _require(
        len(policies[0]) == int(counted[1]) > 0,
        f"{len(policies[0])} policies in the graph, {counted[1]} in the summary\n{about}",
    )
    return policies[0]


def _policies(path: Path, fmt: str) -> set:
    return set(Graph().parse(path, format=fmt).subjects(RDF.type, PG.Policy))


# --- every kind of case, drawn ------------------------------------------------------


@FUZZ_PROFILE
@given(case=fz.cases)
def test_property_any_broken_records_fail_cleanly_or_build(case, good_outputs):
    check_case(case, good_outputs)


# --- each mutation that issue 11 lists, by name ------------------------------------------

POLICIES = "policies.yaml"
IN_POLICIES = "data/policies.yaml"


def _first_policy_field(key: str, value) -> fz.InsertField:
    """A field added to the first policy, after its "  - id: …" (the file's key line 1)."""
    return fz.InsertField(POLICIES, 1, key, value)


def _first_policy_value(key: str, value) -> fz.SetValue:
    return fz.SetValue(POLICIES, 0, value, key=key)


# name → (mutations, the start of the path some problem line must name, or None
# where a successful build is right too; either way the checks of check_case hold)
NAMED_CASES = {
    "alias-bomb-timeline": ([_first_policy_field("timeline", fz.AliasBomb())], IN_POLICIES),
    "alias-bomb-record": ([fz.InsertItem(POLICIES, 0, fz.AliasBomb())], IN_POLICIES),
    "alias-bomb-record-mapping": (
        [fz.InsertItem(POLICIES, 0, fz.AliasBombMapping())],
        IN_POLICIES,
    ),
    "alias-recursive": ([_first_policy_field("timeline", fz.ALIAS_RECURSION)], IN_POLICIES),
    "nested-250-list": ([_first_policy_field("timeline", fz.Nested(250))], IN_POLICIES),
    "nested-999-map": ([_first_policy_field("timeline", fz.Nested(999, "map"))], IN_POLICIES),
    "nested-999-record": ([fz.InsertItem(POLICIES, 0, fz.Nested(999, "map"))], IN_POLICIES),
    "list-as-key-in-field": ([_first_policy_field("title", fz.LIST_AS_KEY)], IN_POLICIES),
    "list-as-key-record": ([fz.InsertItem(POLICIES, 0, fz.LIST_AS_KEY)], IN_POLICIES),
    "budget-5000-digits": ([_first_policy_value("budget_krw", fz.BigNumber(5000))], None),
    "1mb-timeline": ([_first_policy_field("timeline", fz.Huge())], None),
    "1mb-lead-department": ([_first_policy_value("lead_department", fz.Huge())], IN_POLICIES),
    "1mb-unknown-field": ([_first_policy_field("x" * 1000, fz.Huge())], IN_POLICIES),
    "1mb-korean-id": ([_first_policy_value("id", fz.Huge(korean=True))], IN_POLICIES),
    "invalid-utf8": ([fz.ByteEdit(POLICIES, 40, "insert", b"\xff\xfe")], IN_POLICIES),
    "control-character-raw": (
        [_first_policy_field("timeline", fz.ControlCharacter("\x07", raw=True))],
        IN_POLICIES,
    ),
    "escape-sequence-in-id": (
        [_first_policy_value("id", fz.Literal('"smart\\e[31mfactory"'))],
        IN_POLICIES,
    ),
    "control-character-escaped": (
        [_first_policy_field("timeline", fz.ControlCharacter("\x1b", raw=False))],
        None,
    ),
    "empty-policies-file": ([fz.ReplaceFile(POLICIES, "")], "data"),
    "empty-extra-file": ([fz.AddEntry("x.yaml", "empty-file")], None),
    "dangling-symlink": ([fz.AddEntry("x.yaml", "dangling-symlink")], "data/x.yaml"),
    "fifo": ([fz.AddEntry("x.yaml", "fifo")], "data/x.yaml"),
    "symlink-loop": ([fz.AddEntry("x.yaml", "symlink-loop")], "data/x.yaml"),
    "folder-loop": ([fz.AddEntry("sub", "folder-loop")], None),
    "directory-named-x-yaml": ([fz.AddEntry("x.yaml", "directory")], None),
    "tab-indent": ([fz.Reindent(POLICIES, 1, tab=True)], IN_POLICIES),
    "unclosed-quote": ([fz.UnclosedQuote(POLICIES, 1)], IN_POLICIES),
    "wrong-indentation": ([fz.Reindent(POLICIES, 1, delta=1)], IN_POLICIES),
    "duplicate-key": ([fz.DuplicateKey(POLICIES, 0, key="lead_department")], IN_POLICIES),
    "unknown-field": ([_first_policy_field("colour", fz.Literal("blue"))], IN_POLICIES),
    "wrong-type-budget": ([_first_policy_value("budget_krw", fz.Literal("{a: 1}"))], IN_POLICIES),
    "wrong-type-id": ([_first_policy_value("id", fz.Literal("[a, b]"))], IN_POLICIES),
    "half-deleted": ([fz.Truncate(POLICIES)], IN_POLICIES),
    "lines-swapped": ([fz.SwapLines(POLICIES, 0, 1)], IN_POLICIES),
    "byte-flipped": ([fz.ByteEdit(POLICIES, 7, "flip", b"\x20")], None),
    "tag-python-object-apply": (
        [_first_policy_field("timeline", fz.Literal(fz.TAGS[0]))],
        IN_POLICIES,
    ),
    "tag-set-as-id": ([_first_policy_value("id", fz.Literal("!!set {a, b}"))], IN_POLICIES),
    "tag-binary": ([_first_policy_field("timeline", fz.Literal("!!binary aGVsbG8="))], IN_POLICIES),
    "merge-key-record": ([fz.MergeRecord(POLICIES, 0, 1, "record")], None),
    "merge-key-mapping": ([fz.MergeRecord(POLICIES, 0, 1, "mapping")], IN_POLICIES),
    "merge-key-undefined": ([fz.MergeRecord(POLICIES, 0, 1, "undefined")], IN_POLICIES),
    # Issue 26: the last inputs that surprised.
    "government-missing": ([fz.DeleteField(POLICIES, 0, "government")], IN_POLICIES),
    "government-list": (
        [_first_policy_value("government", fz.Literal("[gwangju, other]"))],
        IN_POLICIES,
    ),
    "government-blank": ([_first_policy_value("government", fz.Literal('""'))], IN_POLICIES),
    "id-trailing-space": ([_first_policy_value("id", fz.Literal('"smart-factory "'))], IN_POLICIES),
    "id-trailing-tab": ([_first_policy_value("id", fz.Literal('"smart-factory\\t"'))], IN_POLICIES),
    "id-no-break-space": (
        [_first_policy_value("id", fz.Literal("smart-factory\u00a0"))],
        IN_POLICIES,
    ),
    "reference-trailing-space": (
        [_first_policy_value("government", fz.Literal('"gwangju "'))],
        IN_POLICIES,
    ),
    "id-with-osc-bel-and-rlo": (
        [_first_policy_value("id", fz.Literal('"x\\e]0;title\\a\\u202eevil"'))],
        IN_POLICIES,
    ),
    "file-name-with-newline": (
        [
            fz.RenameFile(POLICIES, "pol\nicies.yaml"),
            fz.SetValue("pol\nicies.yaml", 0, fz.Literal("abc"), key="budget_krw"),
        ],
        "data/pol",
    ),
    "issued-date-time": (
        [fz.SetValue("organisations.yaml", 0, fz.Literal("2021-01-19 10:00:00"), key="issued")],
        "data/organisations.yaml",
    ),
    **{
        f"budget-{name}": ([_first_policy_value("budget_krw", fz.Literal(written))], IN_POLICIES)
        for name, written in (
            ("hexadecimal", "0x4A817C800"),
            ("binary", "0b1010"),
            ("octal", "017"),
            ("underscores", "20_000_000_000"),
            ("base-60", "1:30"),
            ("minus-zero", "-0"),
            ("signed-exponent", "+2e10"),
            ("1e400", "1E+400"),
        )
    },  # fmt: skip
}


@pytest.mark.parametrize("name", NAMED_CASES)
def test_named_case(name, good_outputs):
    case, must_name = NAMED_CASES[name]
    build, _validate = check_case(case, good_outputs)
    if must_name is None:
        return
    files = [PROBLEM.fullmatch(line)["file"] for line in _lines(build.stderr)[:-1]]
    _require(
        build.code == 1 and any(file.startswith(must_name) for file in files),
        f"{name}: expected a problem naming {must_name}\n{build.summary()}",
    )
