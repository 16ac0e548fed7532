"""Issue 11, "no surprises": a run's outputs change together.

Real processes on real files: builds and viz runs are killed (-9) at seeded random
moments and, through the test hook POLICY_GRAPH_TEST_PAUSE (outputs.turns.pause), at the
very steps between which a kill matters; disks are filled and made read-only (tmpfs,
as root); two writers of one output run at once. After each, every file is whole, the
set is all old or all new (or, killed between renames, finished by the next command),
and nothing of a dead run is left once another has written there.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph

from tests.helpers import MINIMAL
from tests.helpers import cli_command as _command
from tests.helpers import run_cli as _run

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads process states and locks in /proc"
)

FORMATS = ("--format", "ttl", "--format", "nt", "--format", "xml")
SET = ("pg.ttl", "pg.nt", "pg.rdf")
NEW_TITLE = "Smart factory upgrade (second edition)"


def _build_args(records: str) -> tuple[str, ...]:
    """``build`` of the old or new records into out/pg.{ttl,nt,rdf}."""
    return ("build", "--data", records, "--out", "out/pg.ttl", *FORMATS)


# The next command that writes into out/ (it reads the graph there as well).
EXPORT = ("export", "--format", "graphml", "--out", "out/pg.graphml", "--graph-file", "out/pg.ttl")


def _start(*args: str, cwd: Path, pause: str | None = None, code: str | None = None):
    """A policy-graph process; ``pause``: the step where it stops itself (SIGSTOP)."""
    env = dict(os.environ)
    if pause:
        env["POLICY_GRAPH_TEST_PAUSE"] = pause
    command = [sys.executable, "-c", code, *args] if code else _command(*args)
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _state(process: subprocess.Popen) -> str:
    stat = Path(f"/proc/{process.pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


def _wait_until(condition, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the writer ended before {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within 60 s")
        time.sleep(0.02)


def _wait_paused(process: subprocess.Popen) -> None:
    _wait_until(lambda: _state(process) in "Tt", process, "test pause")


def _kill(process: subprocess.Popen) -> None:
    process.kill()
    process.communicate()


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (hidden ones too), with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _restore(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _assert_whole(folder: Path) -> None:
    for name, rdflib_format in (("pg.ttl", "turtle"), ("pg.nt", "nt"), ("pg.rdf", "xml")):
        assert len(Graph().parse(folder / name, format=rdflib_format)) > 200, name


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A working folder with two record folders, ``old`` (the minimal fixture) and ``new``
    (the same, one title changed, so that every output differs), and their graphs in
    ``graphs/``. Shared by the tests of this module, which run one after another."""
    from policy_graph import api

    work = tmp_path_factory.mktemp("output-sets")
    shutil.copytree(MINIMAL, work / "old")
    shutil.copytree(MINIMAL, work / "new")
    policies = work / "new" / "policies.yaml"
    text = policies.read_text(encoding="utf-8")
    assert text.count("en: Smart factory upgrade}") == 1
    policies.write_text(text.replace("Smart factory upgrade}", f"{NEW_TITLE}}}"), "utf-8")
    for records in ("old", "new"):
        api.build(work / records, work / "graphs" / f"{records}.ttl")
    return work


@pytest.fixture(scope="module")
def built_sets(work) -> tuple[dict, dict]:
    """The bytes of out/pg.{ttl,nt,rdf} as built from the old records and from the new."""
    from policy_graph import api

    sets = []
    for records in ("old", "new"):
        api.build(work / records, work / "out" / "pg.ttl", ["ttl", "nt", "xml"])
        sets.append(_files(work / "out"))
    old, new = sets
    assert sorted(old) == sorted(new) == sorted(SET)
    assert all(old[name] != new[name] for name in SET)
    return old, new


@pytest.fixture
def graph_sets(work, built_sets) -> tuple[dict, dict]:
    """The old and new sets of out/; the old one on disk, alone."""
    _restore(work / "out", built_sets[0])
    return built_sets


# --- build: killed ---------------------------------------------------------------------


def test_a_build_killed_before_its_renames_leaves_every_old_file(work, graph_sets):
    old, _new = graph_sets
    build = _start(*_build_args("new"), cwd=work, pause="before-switch")
    _wait_paused(build)
    _kill(build)
    files = _files(work / "out")
    assert {name: files[name] for name in SET} == old
    leftovers = sorted(set(files) - set(SET))
    assert ".policy-graph.switch" in leftovers
    mine = [n for n in leftovers if re.fullmatch(rf"\.pg\.\w+\.pg-{build.pid}-\w+\.tmp", n)]
    assert len(mine) == 3
    # The next writer there drops the killed run's files and journal: the old set stays.
    result = _run(*EXPORT, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "note" not in result.stderr
    assert _files(work / "out") == old | {"pg.graphml": (work / "out" / "pg.graphml").read_bytes()}


def test_a_build_killed_between_renames_is_finished_by_the_next_command(work, graph_sets):
    old, new = graph_sets
    build = _start(*_build_args("new"), cwd=work, pause="mid-switch")
    _wait_paused(build)
    _kill(build)
    files = _files(work / "out")
    # The documented window: each file whole, the first one renamed, the others not yet.
    assert (files["pg.ttl"], files["pg.nt"], files["pg.rdf"]) == (
        new["pg.ttl"],
        old["pg.nt"],
        old["pg.rdf"],
    )
    assert ".policy-graph.switch" in files
    # A command that only reads a graph there finishes the switch first, and says so:
    # the N-Triples it reads are the new ones (ASK exits 0 when true, 1 when false).
    ask = f'ASK {{ ?policy ?title "{NEW_TITLE}"@en }}'
    result = _run("query", "-e", ask, "--graph-file", "out/pg.nt", cwd=work)
    assert (result.returncode, result.stdout) == (0, "true\n"), result.stderr
    assert result.stderr == (
        f"policy-graph: note: a policy-graph run (pid {build.pid}) stopped while replacing "
        "out/pg.ttl, out/pg.nt, out/pg.rdf; finished replacing them\n"
    )
    assert _files(work / "out") == new
    _assert_whole(work / "out")


def test_builds_killed_at_random_moments_leave_whole_files_all_old_or_all_new(work, graph_sets):
    from policy_graph.outputs import finish_interrupted, write_atomic

    old, new = graph_sets
    moments = random.Random(11).sample([x / 20 for x in range(4, 30)], 4)  # 0.2 s to 1.5 s
    for moment in moments:
        _restore(work / "out", old)
        build = _start(*_build_args("new"), cwd=work)
        time.sleep(moment)
        _kill(build)
        finish_interrupted(work / "out")  # what the next command does first
        files = _files(work / "out")
        _assert_whole(work / "out")
        assert {name: files[name] for name in SET} in (old, new), f"killed after {moment} s"
    write_atomic(work / "out" / "other.txt", b"the next writer there")
    assert sorted(_files(work / "out")) == sorted([*SET, "other.txt"])


# --- build: two at once, a full disk, a read-only one ----------------------------------------


def test_a_second_build_into_one_out_waits_for_the_first_and_says_so(work, graph_sets):
    first = _start(*_build_args("old"), cwd=work, pause="before-switch")
    _wait_paused(first)
    second = _start(*_build_args("new"), cwd=work)
    _wait_until(lambda: _waits_for_a_lock(second.pid), second, "waiting for the lock")
    # Said while it waits, not once the wait is over.
    waiting = _line_within(second.stderr, 30)
    assert waiting == (
        f"policy-graph: note: waiting for another policy-graph writing out/pg.ttl (pid {first.pid})\n"
    )
    first.send_signal(signal.SIGCONT)
    first_out, first_err = first.communicate(timeout=60)
    second_out, second_err = second.communicate(timeout=60)
    second_err = waiting + second_err
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert first_out.startswith("Built out/pg.ttl, out/pg.nt, out/pg.rdf from old")
    assert second_out.startswith("Built out/pg.ttl, out/pg.nt, out/pg.rdf from new")
    assert (
        f"policy-graph: note: waiting for another policy-graph writing out/pg.ttl (pid {first.pid})\n"
        in second_err
    )
    # The second ran after the first: its whole set is there, nothing else.
    assert _files(work / "out") == graph_sets[1]


def _line_within(stream, seconds: float) -> str:
    """The next line of a child's pipe, or "" when none comes within ``seconds``."""
    import select

    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


def _waits_for_a_lock(pid: int) -> bool:
    """Whether ``pid`` is blocked on a file lock (a "->" line of /proc/locks)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any("->" in line and f" {pid} " in line for line in lines)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs (mounting one needs root: CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` but ``leave`` bytes."""
    stats = os.statvfs(disk)
    with open(disk / "filler", "wb") as filler:
        filler.write(b"\0" * (stats.f_bavail * stats.f_frsize - leave))


def test_a_build_that_runs_out_of_space_leaves_every_old_file(work, small_disk):
    from policy_graph import api

    out = small_disk / "out"
    api.build(work / "old", out / "pg.ttl", ["ttl", "nt", "xml"])
    old = _files(out)
    # Room for the lock file and the new Turtle (a page more: it is a few bytes longer),
    # not for the N-Triples written after it.
    page = os.statvfs(small_disk).f_frsize
    pages = {name: -(-len(data) // page) for name, data in old.items()}
    _fill(small_disk, page * (1 + pages["pg.ttl"] + 1 + pages["pg.nt"] // 2))
    result = _run("build", "--data", work / "new", "--out", out / "pg.ttl", *FORMATS, cwd=work)
    assert result.returncode == 1
    assert result.stderr == f"policy-graph: cannot write {out}/pg.nt: No space left on device\n"
    assert _files(out) == old  # byte for byte; no temporary file, journal or lock is left


def test_views_that_run_out_of_space_leave_the_old_folder(work, made_views, small_disk):
    views = small_disk / "views"
    _restore(views, made_views[0])
    old = _files(small_disk)
    _fill(small_disk, 1_000_000)  # room for a page or two of --all, not for all of them
    result = _run(*_viz_args("new", out=views), cwd=work)
    assert result.returncode == 1
    # a page, or one of the scripts the pages share (ECharts alone is 1.1 MB)
    assert re.fullmatch(
        rf"policy-graph: cannot write {views}/(assets/)?[\w.-]+\.(html|js|css|txt): "
        "No space left on device\n",
        result.stderr,
    )
    assert _files(small_disk) == old | {"filler": (small_disk / "filler").read_bytes()}
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "views"]


def test_a_build_onto_a_read_only_disk_says_so_and_changes_nothing(work, small_disk):
    from policy_graph import api

    out = small_disk / "out"
    api.build(work / "old", out / "pg.ttl")
    old = _files(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = _run("build", "--data", "new", "--out", out / "pg.ttl", cwd=work)
    assert result.returncode == 1
    assert result.stderr == f"policy-graph: cannot write {out}/pg.ttl: Read-only file system\n"
    assert _files(out) == old


def test_a_cache_that_cannot_be_written_is_a_note_and_the_graph_is_used(
    minimal_copy, tmp_path, monkeypatch
):
    from policy_graph import GraphNote, api

    (tmp_path / "blocked").write_text("a file where the cache folder would go")
    monkeypatch.setenv("POLICY_GRAPH_CACHE_DIR", str(tmp_path / "blocked" / "cache"))
    with pytest.warns(GraphNote) as notes:
        graph = api.load_graph(minimal_copy)
    assert len(graph) > 200
    assert [str(note.message) for note in notes] == [
        f"cannot keep the graph in {tmp_path}/blocked/cache: Not a directory"
    ]


# --- viz ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made_views(work) -> tuple[dict, dict]:
    """site/views as `viz --all` of the old graph and of the new, each beside files of
    the user's own (mine.html, notes/todo.txt): both sets' bytes."""
    views = work / "site" / "views"
    sets = []
    for records in ("old", "new"):
        _restore(views, {"mine.html": b"a view of mine", "notes/todo.txt": b"keep me"})
        result = _run(*_viz_args(records), cwd=work)
        assert result.returncode == 0, result.stderr
        sets.append(_files(views))
    old, new = sets
    assert sorted(old) == sorted(new)
    assert {"index.html", "overview.html", "mine.html", "notes/todo.txt"} <= set(old)
    assert old["overview.html"] != new["overview.html"]
    return old, new


@pytest.fixture
def view_sets(work, made_views) -> tuple[dict, dict]:
    """The old and new sets of site/views; the old one on disk, alone in site/."""
    shutil.rmtree(work / "site")
    _restore(work / "site" / "views", made_views[0])
    return made_views


def _viz_args(records: str, *views: str, out: Path | str = "site/views") -> tuple[str, ...]:
    """``viz`` of the old or new graph: ``views`` (default --all), in English, into ``out``."""
    graph = f"graphs/{records}.ttl"
    return (
        "viz",
        *(views or ("--all",)),
        "--lang",
        "en",
        "--graph-file",
        graph,
        "--out-dir",
        str(out),
    )


def test_views_killed_before_the_swap_stay_old_and_the_next_run_tidies(work, view_sets):
    old, new = view_sets
    viz = _start(*_viz_args("new"), cwd=work, pause="before-switch")
    _wait_paused(viz)
    _kill(viz)
    assert _files(work / "site" / "views") == old
    # Its new folder and its lock file (which a killed holder cannot remove) are left.
    [leftover] = {p.name for p in (work / "site").iterdir()} - {"views", ".policy-graph.lock"}
    assert re.fullmatch(rf"\.views\.pg-{viz.pid}-[0-9a-f]{{8}}\.tmp", leftover)
    # The next run into site/ removes them (here: one that writes only one view).
    result = _run(*_viz_args("new", "--dept-tech"), cwd=work)
    assert result.returncode == 0, result.stderr
    assert _files(work / "site" / "views") == old | {
        "department-technology.html": new["department-technology.html"]
    }
    assert [p.name for p in (work / "site").iterdir()] == ["views"]


def test_views_killed_at_random_moments_are_all_old_or_all_new(work, view_sets):
    old, new = view_sets
    moments = random.Random(7).sample([x / 10 for x in range(5, 35)], 3)  # 0.5 s to 3.4 s
    for moment in moments:
        _restore(work / "site" / "views", old)
        viz = _start(*_viz_args("new"), cwd=work)
        time.sleep(moment)
        _kill(viz)
        assert _files(work / "site" / "views") in (old, new), f"killed after {moment} s"


# Where renameat2 is missing (not Linux, an old C library), the old folder is moved aside
# and the new one in: a kill between the two leaves no folder, which the next run fixes.
NO_EXCHANGE = (
    "import sys; import policy_graph.outputs.files as files; from policy_graph.cli.main import cli\n"
    "files._exchange = lambda first, second: False\n"
    "cli(sys.argv[1:], prog_name='policy-graph')"
)


def test_views_killed_between_moves_where_folders_cannot_swap_are_finished(work, view_sets):
    _old, new = view_sets
    viz = _start(*_viz_args("new"), cwd=work, pause="mid-switch", code=NO_EXCHANGE)
    _wait_paused(viz)
    _kill(viz)
    assert not (work / "site" / "views").exists()
    # The next command that writes into site/ (an export beside the views) finishes it.
    export = (
        "export",
        "--format",
        "gexf",
        "--out",
        "site/pg.gexf",
        "--graph-file",
        "graphs/new.ttl",
    )
    built = _run(*export, cwd=work)
    assert built.returncode == 0, built.stderr
    assert built.stderr == (
        f"policy-graph: note: a policy-graph run (pid {viz.pid}) stopped while replacing "
        "site/views; finished replacing it\n"
    )
    assert _files(work / "site" / "views") == new
    assert sorted(p.name for p in (work / "site").iterdir()) == ["pg.gexf", "views"]


def test_a_second_viz_into_one_folder_waits_for_the_first(work, view_sets):
    _old, new = view_sets
    first = _start(*_viz_args("new"), cwd=work, pause="before-switch")
    _wait_paused(first)
    second = _start(*_viz_args("old", "--focus", "Smart factory upgrade"), cwd=work)
    _wait_until(lambda: _waits_for_a_lock(second.pid), second, "waiting for the lock")
    first.send_signal(signal.SIGCONT)
    _out, first_err = first.communicate(timeout=60)
    assert first.returncode == 0, first_err
    _out, second_err = second.communicate(timeout=60)
    assert second.returncode == 0, second_err
    assert second_err == (
        f"policy-graph: note: waiting for another policy-graph writing site/views (pid {first.pid})\n"
    )
    # The second ran on the first's folder: the first's pages, the user's, and its own.
    files = _files(work / "site" / "views")
    [focus_page] = [name for name in files if name.startswith("focus-")]
    focus = files.pop(focus_page).decode("utf-8")
    assert files == new
    assert "Smart factory upgrade" in focus and NEW_TITLE not in focus
