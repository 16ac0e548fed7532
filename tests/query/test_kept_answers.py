"""Issue 25: `policy-graph query` on the store kept for a records folder, without rdflib,
and saved queries' answers kept per build. A kept answer is the same bytes as the
answer found by loading the graph file, is never read for another build (a rebuild, or
another records folder in the same --store), and a build's answers can be kept ahead
of the first ask (query.warming)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from policy_graph import api
from policy_graph.cli.main import cli
from policy_graph.errors import FileError
from policy_graph.graph import kept_store
from policy_graph.graph.kept_store import KeptStore
from policy_graph.query.asking import written_answer
from policy_graph.query.ready import ready_answer
from policy_graph.query.results import SELECT_FORMATS
from policy_graph.query.warming import keep_answers, warm
from tests.helpers import DATA, GARAM_SMART_FARM, MANY, REPO

# Without GROUP_CONCAT, whose order is the store's (a graph file loaded, a kept store's
# named graphs): their answers are the same bytes on either.
LISTINGS = ("governments-overview", "policies-using-technology", "budgets")


@pytest.fixture
def records(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(MANY, folder)
    return folder


def _kept_files(store_dir: Path) -> list[Path]:
    generation = KeptStore(store_dir).current()
    return sorted((generation.folder / kept_store.ANSWERS).glob("*.*"))


def _from_file(records: Path, tmp_path: Path, name: str, fmt: str, **params) -> bytes:
    """The answer as loading the built graph file gives it (no kept store)."""
    graph_file = tmp_path / "graph.nt"
    if not graph_file.exists():
        api.build(records, graph_file, engine="rdflib")  # built apart from any kept store
    return written_answer(name, fmt, params=params, graph_file=graph_file).data


@pytest.mark.parametrize("fmt", SELECT_FORMATS)
def test_kept_answers_are_the_bytes_of_the_graph_file_answers(records, tmp_path, fmt):
    store = tmp_path / "store"
    api.validate(records, store_dir=store)
    for name in LISTINGS:
        expected = _from_file(records, tmp_path / "file", name, fmt)
        found = written_answer(name, fmt, data_dir=records, store_dir=store).data
        kept = written_answer(name, fmt, data_dir=records, store_dir=store).data
        assert found == expected == kept, name
    concat = "policies-per-department"  # on the kept store, found and kept: the same bytes
    found = written_answer(concat, fmt, data_dir=records, store_dir=store).data
    assert found == written_answer(concat, fmt, data_dir=records, store_dir=store).data
    assert (
        GARAM_SMART_FARM.encode()
        in written_answer(LISTINGS[2], fmt, data_dir=records, store_dir=store).data
    )
    kinds = {path.suffix for path in _kept_files(store)}
    assert kinds == {".json", f".{fmt}"}  # read from what was kept, not found again
    assert len(_kept_files(store)) == (len(LISTINGS) + 1) * len(kinds)


def test_a_kept_answer_is_what_is_printed_and_read_again(records, tmp_path):
    store = tmp_path / "store"
    api.validate(records, store_dir=store)
    args = ["query", "--data", str(records), "--store", str(store), "--format", "csv"]
    first = CliRunner().invoke(cli, [*args, "budgets"])
    assert first.exit_code == 0, first.output
    [kept_csv] = [p for p in _kept_files(store) if p.suffix == ".csv"]
    kept_csv.write_bytes(b"only what was kept\n")  # proves the second answer is read
    again = CliRunner().invoke(cli, [*args, "budgets"])
    assert again.output == "only what was kept\n"
    # a government's answer, with a name to look up, is kept under its own key
    one = CliRunner().invoke(cli, [*args, "budgets", "--param", "government=garam"])
    assert one.exit_code == 0 and GARAM_SMART_FARM in one.output
    assert "hanbit" not in one.output


def test_a_kept_answer_is_read_without_opening_oxigraphs_store(records, tmp_path, monkeypatch):
    store = tmp_path / "store"
    api.validate(records, store_dir=store)
    first = written_answer("budgets", "csv", data_dir=records, store_dir=store).data

    def refused(path):
        raise OSError(f"not opened: {path}")

    monkeypatch.setattr(pyoxigraph.Store, "read_only", refused)
    assert written_answer("budgets", "csv", data_dir=records, store_dir=store).data == first
    with pytest.raises(FileError, match="^cannot open the kept store .*: not opened: "):
        written_answer("governments-overview", "csv", data_dir=records, store_dir=store)


def test_a_rebuild_that_changes_the_records_drops_the_kept_answers(records, tmp_path):
    store = tmp_path / "store"
    api.validate(records, store_dir=store)
    before = written_answer(LISTINGS[2], "csv", data_dir=records, store_dir=store).data
    assert GARAM_SMART_FARM.encode() in before and _kept_files(store)
    garam = records / "garam.yaml"
    garam.write_text(
        garam.read_text(encoding="utf-8").replace(GARAM_SMART_FARM, "스마트팜 새 이름"),
        encoding="utf-8",
    )
    after = written_answer(LISTINGS[2], "csv", data_dir=records, store_dir=store).data
    renamed = "스마트팜 새 이름".encode()
    assert GARAM_SMART_FARM.encode() not in after and renamed in after
    assert after == _from_file(records, tmp_path / "file", LISTINGS[2], "csv")
    assert KeptStore(store).current().number == 2
    [kept] = [path for path in _kept_files(store) if path.suffix == ".csv"]
    assert kept.read_bytes() == after  # the new generation's own


def test_no_kept_answer_of_another_records_folder(records, tmp_path):
    store = tmp_path / "store"  # one --store for two records folders, in turn
    name = "budgets"
    many = written_answer(name, "csv", data_dir=records, store_dir=store).data
    assert GARAM_SMART_FARM.encode() in many
    article = written_answer(name, "csv", data_dir=DATA, store_dir=store).data
    assert article == _from_file(DATA, tmp_path / "file", name, "csv")
    assert "광주광역시".encode() in article and GARAM_SMART_FARM.encode() not in article
    assert written_answer(name, "csv", data_dir=records, store_dir=store).data == many


def test_a_builds_answers_are_kept_ahead_of_the_first_ask(records, tmp_path):
    store = tmp_path / "store"
    built = api.validate(records, store_dir=store).graph
    took = keep_answers(built, LISTINGS)
    assert set(took) == set(LISTINGS)
    assert len([p for p in _kept_files(store) if p.suffix == ".table"]) == len(LISTINGS)
    for name in LISTINGS:
        table = written_answer(name, None, data_dir=records, store_dir=store).data
        assert table == _from_file(records, tmp_path / "file", name, "table")
    shutil.rmtree(built.generation.folder / kept_store.ANSWERS)
    assert warm(store, built.generation.number)  # in its own process after a build
    kept_tables = [p for p in _kept_files(store) if p.suffix == ".table"]
    assert len(kept_tables) >= len(LISTINGS)  # each saved SELECT's, found in a child
    assert (built.generation.folder / kept_store.ANSWERS / kept_store.WARMED).exists()
    for name in LISTINGS:  # ready for the first ask, in the default format and CSV
        for fmt in ("table", "csv"):
            ready = ready_answer(name, fmt, {}, data_dir=records, store_dir=store)
            assert ready == _from_file(records, tmp_path / "file", name, fmt), (name, fmt)
    assert not warm(store, built.generation.number + 1)  # not the current generation


def test_warming_stops_a_query_that_takes_too_long(records, tmp_path):
    store = tmp_path / "store"
    built = api.validate(records, store_dir=store).graph
    assert warm(store, built.generation.number, within=0.0)  # every child stopped at once
    assert not [p for p in _kept_files(store) if p.suffix == ".table"]
    assert (built.generation.folder / kept_store.ANSWERS / kept_store.WARMED).exists()


def test_the_query_command_imports_no_rdflib_on_a_current_store(records, tmp_path):
    store = tmp_path / "store"
    api.validate(records, store_dir=store)
    code = (
        "import sys; from policy_graph.cli.main import main; sys.argv = ['policy-graph', "
        f"'query', '--data', {str(records)!r}, '--store', {str(store)!r}, "
        "'budgets', '--param', 'government=가람군']\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print('rdflib' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert GARAM_SMART_FARM in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"
