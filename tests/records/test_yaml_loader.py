"""Reading records is bounded and skips nothing in silence (issue 11, "No surprises"):
whatever a records folder holds, each problem is one line naming its file (and line),
every problem of the run is reported together, and nothing hangs or blows up."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import policy_graph
from policy_graph.cli.main import cli
from policy_graph.errors import InputError
from policy_graph.records.reading import load_records, read_records
from tests.helpers import MINIMAL
from tests.helpers import cli_command as _command


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """The minimal fixture copied to ./data (so that messages name data/…)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINIMAL, tmp_path / "data")
    return tmp_path / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit no longer fits {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(data: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_records(data)
    return [str(problem) for problem in raised.value.problems]


PLANNED_END = "    planned_end: 2025\n"  # line 14 of policies.yaml, in policy smart-factory


# Processes the tests start run the policy_graph under test, wherever they run.
_ENV = {**os.environ, "PYTHONPATH": str(Path(policy_graph.__file__).parents[1])}


# --- anchors, aliases, tags, merge keys: refused before anything is built -------------


def test_an_alias_bomb_is_refused_before_it_expands(data):
    """Twelve levels of ten aliases each stand for 10**12 items (terabytes for any
    check that walked them, or a message that echoed them): the first anchor is
    refused, before anything is built."""
    fields = ["    x0: &x0 [" + ", ".join(["lol"] * 10) + "]\n"]
    for level in range(1, 12):
        fields.append(f"    x{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 10) + "]\n")
    _edit(data / "policies.yaml", PLANNED_END, "".join(fields) + "    timeline: *x11\n")
    assert _problems(data) == [
        "data/policies.yaml:14: an anchor '&x0': records files take no YAML anchors or "
        "aliases: write each value out in full"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "    timeline: *when\n",
            "an alias '*when': records files take no YAML anchors or aliases: "
            "write each value out in full",
        ),
        (
            "    planned_end: !!int 2025\n",
            "a YAML tag '!!int': records files take no tags: write the value alone "
            "(a text in quotes if it is one)",
        ),
        (
            "    timeline: !when 연말까지\n",
            "a YAML tag '!when': records files take no tags: write the value alone "
            "(a text in quotes if it is one)",
        ),
        (
            "    <<: {timeline: 연말까지}\n",
            "a merge key '<<': records files take no merge keys: write each field out",
        ),
        (
            "    timeline: [연말까지,*when]\n",
            "an alias '*when': records files take no YAML anchors or aliases: "
            "write each value out in full",
        ),
        (
            '    timeline: {"연말":!when 까지}\n',
            "a YAML tag '!when': records files take no tags: write the value alone "
            "(a text in quotes if it is one)",
        ),
    ],
    ids=[
        "alias",
        "standard-tag",
        "own-tag",
        "merge-key",
        "alias-after-a-comma",
        "tag-after-a-colon",
    ],
)
def test_yaml_that_records_need_not_is_refused_at_its_line(data, written, message):
    _edit(data / "policies.yaml", PLANNED_END, written)
    assert _problems(data) == [f"data/policies.yaml:14: {message}"]


def test_ampersands_stars_and_exclamation_marks_in_texts_are_text(data):
    """The marks that start anchors, aliases and tags are common in texts (R&D):
    inside a text they are read as text."""
    _edit(
        data / "policies.yaml",
        "title: {ko: 스마트공장 질적 고도화, en: Smart factory upgrade}",
        'title: {ko: 스마트공장 R&D 지원!, en: "Smart factory R&D *now*! <<"}',
    )
    [policy, *_] = load_records(data).policies
    assert (policy.title.ko, policy.title.en) == (
        "스마트공장 R&D 지원!",
        "Smart factory R&D *now*! <<",
    )


# --- nesting, long values, odd keys and numbers -------------------------------------


@pytest.mark.parametrize("depth", [38, 300, 999, 5000])
def test_values_nested_too_deep_are_refused(data, depth):
    """Three levels hold a policy's field (the file's sections, a section's list, the
    record): 38 lists in it make 41, one past the bound; past libyaml's own bound
    (1,000), the line is the same."""
    _edit(data / "policies.yaml", PLANNED_END, f"    timeline: {'[' * depth}{']' * depth}\n")
    assert _problems(data) == [
        "data/policies.yaml:14: lists and mappings nested more than 40 deep: "
        "records never need so many"
    ]


def test_a_value_nested_as_deep_as_the_bound_is_shown_as_an_excerpt(data):
    _edit(data / "policies.yaml", PLANNED_END, f"    timeline: {'[' * 37}{']' * 37}\n")
    assert _problems(data) == [
        "data/policies.yaml:14: policy smart-factory: timeline: expected a text, got "
        + "[" * 37
        + "]" * 23
        + "…"
    ]


def test_a_long_value_is_refused_and_only_an_excerpt_is_shown(data):
    _edit(data / "policies.yaml", PLANNED_END, f"    planned_end: {'x' * 1_000_000}\n")
    _edit(data / "policies.yaml", "en: Smart factory upgrade}", f"en: {'y' * 1_000_000}}}")
    assert _problems(data) == [
        "data/policies.yaml:6: policy smart-factory: title: en: a text of 1,000,000 "
        f"characters, more than the 10,000 a value may hold: '{'y' * 59}…",
        "data/policies.yaml:14: policy smart-factory: planned_end: expected a year such as "
        f"2025, got '{'x' * 59}…",
    ]


def test_a_long_id_is_a_problem_and_its_record_is_named_by_an_excerpt(data):
    _edit(data / "government.yaml", "  - id: gwangju\n", f"  - id: {'g' * 150}\n")
    [problem, *_unknown_government] = _problems(data)
    assert problem == (
        f"data/government.yaml:2: government {'g' * 60}…: id: an id of 150 characters, "
        f"more than the 100 an id may have: '{'g' * 59}…"
    )


def test_a_record_whose_id_yaml_reads_as_a_number_is_kept(data):
    """'id: 2025' is the number 2025 to YAML, and the slug '2025' to the id's check:
    the record was left out without a word."""
    _edit(data / "policies.yaml", "id: smart-factory", "id: 2025")
    assert [p.id for p in load_records(data).policies] == [
        "2025",
        "airport-relocation-chatbot",
        "library-collection",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("    {[a, b]: c}: 1\n", "a list where a field name belongs: write a name"),
        ("    planned_end: {[a, b]: c}\n", "a list where a field name belongs: write a name"),
        ("    ? {a: b}\n    : c\n", "a mapping where a field name belongs: write a name"),
    ],
    ids=["field", "inside-a-field", "mapping"],
)
def test_a_list_or_mapping_as_a_key_is_a_problem_line(data, written, message):
    _edit(data / "policies.yaml", PLANNED_END, written)
    assert _problems(data) == [f"data/policies.yaml:14: {message}"]


def test_numbers_of_thousands_of_digits_are_problem_lines(data):
    """Python makes no int of more than 4,300 digits: such a number is named by its
    length, in the field's own words."""
    _edit(data / "policies.yaml", "budget_krw: 20000000000", f"budget_krw: {'9' * 5000}")
    _edit(data / "policies.yaml", "planned_end: 2025", f"planned_end: {'2' * 5000}")
    assert _problems(data) == [
        "data/policies.yaml:13: policy smart-factory: budget_krw: a number of 5,000 digits: "
        "too long for a number of won",
        "data/policies.yaml:14: policy smart-factory: planned_end: expected a year such as "
        "2025, got a number of 5,000 digits",
    ]


def test_a_quoted_budget_that_is_almost_an_amount_is_refused_at_once(data):
    """Read as an amount of won, its 40 digits could be split into terms in 2**39 ways:
    all of them were tried before the text was found not to be one."""
    _edit(data / "policies.yaml", "budget_krw: 20000000000", f'budget_krw: "{"1" * 40}억x"')
    assert _problems(data) == [
        "data/policies.yaml:13: policy smart-factory: budget_krw: expected a number of won "
        f"such as 20000000000, got '{'1' * 40}억x'"
    ]


def test_a_date_that_is_no_day_is_a_problem_line(data):
    _edit(data / "organisations.yaml", "issued: 2021-01-19", "issued: 2021-02-30")
    assert _problems(data) == [
        "data/organisations.yaml:15: source asiae-2021-01-19-gwangju-1ai: issued: expected "
        "a date such as 2021-01-19, got '2021-02-30'"
    ]


# --- bytes that are not text ------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_located_by_line_and_column(data):
    path = data / "policies.yaml"
    broken = "스마트".encode() + b"\xff" + "공장".encode()
    path.write_bytes(path.read_bytes().replace("스마트공장".encode(), broken, 1))
    assert _problems(data) == [
        "data/policies.yaml:6: byte 0xff at column 20 is not UTF-8 text: save the file as UTF-8"
    ]


def test_a_file_cut_short_inside_a_value_says_so_at_its_last_line(data):
    policies = data / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    # Cut inside the first flow mapping, as a full disk or a copy cut short would.
    cut = text[: text.index("{", text.index("title:")) + 4]
    policies.write_text(cut, encoding="utf-8")
    last = len(cut.splitlines())
    assert _problems(data) == [
        f"data/policies.yaml:{last}: the file ends inside an unfinished value: was it cut short?"
    ]


def test_a_control_character_is_located_in_one_line(data):
    _edit(data / "policies.yaml", "ko: 스마트공장 질적", "ko: 스마트\x07공장 질적")
    assert _problems(data) == [
        "data/policies.yaml:6: a control character (U+0007) at column 20, which YAML does "
        "not allow: delete it"
    ]


# --- nothing skipped in silence ------------------------------------------------------


def test_what_is_named_like_a_records_file_but_is_none_is_named(data):
    """Each is one line of the same run, and none is opened for reading (a FIFO would
    block): the records of the other files are read all the same."""
    (data / "empty.yaml").write_text("# policies of 2026: to do\n\n", encoding="utf-8")
    (data / "dangling.yaml").symlink_to("gone.yaml")
    (data / "loop.yaml").symlink_to(data / "loop.yaml")
    os.mkfifo(data / "fifo.yaml")
    (data / "folder.yaml").mkdir()
    records, problems = read_records(data)
    assert sorted(map(str, problems)) == [
        "data/dangling.yaml: a symbolic link to gone.yaml, which does not exist: "
        "point it at a file",
        "data/empty.yaml: empty records file: write records or delete it",
        "data/fifo.yaml: a FIFO (named pipe), not a records file: records files are regular "
        "files (rename it, or move it out of the records folder)",
        "data/folder.yaml: a folder, not a records file: records files are regular files "
        "(rename it, or move it out of the records folder)",
        "data/loop.yaml: a symbolic link in a loop (it leads back to itself): point it at a file",
    ]
    assert len(records.policies) == 3
    assert records.files == 5  # the four of the fixture, and the empty one


def test_the_command_reports_them_together_and_writes_nothing(data):
    (data / "empty.yaml").write_text("", encoding="utf-8")
    os.mkfifo(data / "fifo.yaml")
    _edit(data / "policies.yaml", PLANNED_END, "    timeline: *when\n")
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/empty.yaml: empty records file: write records or delete it",
        "data/fifo.yaml: a FIFO (named pipe), not a records file: records files are regular "
        "files (rename it, or move it out of the records folder)",
        "data/policies.yaml:14: an alias '*when': records files take no YAML anchors or "
        "aliases: write each value out in full",
        "policy-graph: 3 problems found; nothing was written",
    ]
    assert not (data.parent / "build").exists()


def test_files_that_vanish_or_change_kind_while_records_are_read_are_named(data):
    """Files are read 50 at a time, and the first 50 are reported read before the
    next are opened: that is when two of them go."""
    for number in range(60):
        (data / f"types-{number:02}.yaml").write_text(
            f"organisation_types:\n  - {{id: type-{number:02}, label: {{ko: 유형, en: type}}}}\n",
            encoding="utf-8",
        )
    assert sorted(data.glob("*.yaml")).index(data / "types-46.yaml") == 49
    gone, now_a_folder = data / "types-58.yaml", data / "types-59.yaml"

    def remove_two(step, done, total):
        if done == 50:
            gone.unlink()
            now_a_folder.unlink()
            now_a_folder.mkdir()

    records, problems = read_records(data, remove_two)
    assert [str(p) for p in problems] == [
        f"data/{gone.name}: no longer exists: it was removed while records were read",
        f"data/{now_a_folder.name}: a folder, not a records file: records files are regular "
        "files (rename it, or move it out of the records folder)",
    ]
    assert records.files == 62  # of 64


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_and_an_unlistable_folder_are_named(data):
    (data / "policies.yaml").chmod(0)
    (data / "more").mkdir()
    (data / "more").chmod(0)
    try:
        assert _problems(data) == [
            "data/more: cannot list this folder: Permission denied",
            "data/policies.yaml: cannot read: permission denied",
        ]
    finally:
        (data / "more").chmod(0o755)


def test_records_without_policies_say_how_many_files_were_read(data):
    (data / "policies.yaml").unlink()
    (data / "government.yaml").unlink()
    assert _problems(Path("data")) == ["data: no policies in these records (2 record files read)"]


# --- a file that cannot be read: its follow-on problems are counted on its line --------


def test_references_to_what_an_unreadable_file_holds_are_counted_on_its_line(data):
    """The technologies move to their own file, broken on line 6: the five references
    of the three policies to them are one count on that line; a reference to another
    kind that is unknown is still reported on its own."""
    vocabularies = (data / "vocabularies.yaml").read_text(encoding="utf-8")
    technologies, rest = vocabularies.split("target_groups:")
    (data / "vocabularies.yaml").write_text("target_groups:" + rest, encoding="utf-8")
    (data / "technologies.yaml").write_text(
        technologies.replace("{ko: 챗봇, en: chatbot}", "{ko: 챗봇, en: chatbot"),
        encoding="utf-8",
    )
    _edit(data / "policies.yaml", "partners: []", "partners: [nowhere]")
    assert _problems(data) == [
        "data/policies.yaml:39: policy library-collection: partners: unknown organisation or "
        "government 'nowhere' (known: asiae, chonnam-national-university-hospital, gwangju)",
        "data/technologies.yaml:6: a '{' opened here is never closed with '}'; until it is "
        "read, 5 references to technologies cannot be checked",
    ]


def test_a_government_that_is_no_slug_is_one_line_and_nothing_else(data):
    """Its policy's would-be IRI holds a space: rdflib warned of it on stderr (a real
    process: the warning goes through logging, to the process's stderr)."""
    _edit(
        data / "policies.yaml",
        "government: gwangju\n    lead_department: jobs",
        "government: gwa ngju\n    lead_department: jobs",
    )
    result = subprocess.run(
        _command("build"),
        cwd=data.parent,
        env=_ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.stderr.splitlines() == [
        "data/policies.yaml:3: policy smart-factory: government: unknown government "
        "'gwa ngju' (did you mean 'gwangju'?)",
        "policy-graph: 1 problem found; nothing was written",
    ]


# --- reading processes end with the process that started them -------------------------


def _children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (a zombie is dead)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux's")
def test_reading_processes_end_when_the_command_is_killed(tmp_path):
    """A corpus of over 200 files is read by a process per core; kill -9 the command
    while they read, and they end too, instead of waiting forever for work."""
    from policy_graph.generate import generate
    from policy_graph.records.folder import record_files
    from policy_graph.records.readers import PARALLEL_FROM_FILES

    generate(tmp_path / "corpus", 80, policies_per_city=5)
    assert len(record_files(tmp_path / "corpus")) >= PARALLEL_FROM_FILES
    command = subprocess.Popen(
        _command("validate", "--data", str(tmp_path / "corpus")),
        env=_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    while not workers and command.poll() is None:
        time.sleep(0.005)
        workers = _children(command.pid)
    assert workers, f"the command ended ({command.returncode}) before it started any worker"
    os.kill(command.pid, signal.SIGKILL)
    command.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # ours to clean up, before failing
        os.kill(pid, signal.SIGKILL)
    assert left == [], "reading processes outlived the command that started them"


def test_records_read_from_a_removed_working_directory_are_named_by_their_path(
    tmp_path, monkeypatch
):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    data = tmp_path / "data"
    data.mkdir()
    (data / "policies.yaml").write_text("policies: {}\n", encoding="utf-8")
    _records, problems = read_records(data)
    assert [str(p) for p in problems] == [
        f"{data / 'policies.yaml'}:1: policies: expected a list of records"
    ]
