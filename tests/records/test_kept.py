"""Rebuilds: each records file's records and triples are kept by its content, and a
rebuild reads only the files that changed, yet gives what a clean build gives."""

from __future__ import annotations

import pickle
import shutil

import pytest

from policy_graph import api
from policy_graph.errors import InputError
from policy_graph.generate import generate
from policy_graph.graph import shacl as validate_module
from policy_graph.graph.pipeline import READER_WORK
from policy_graph.records import parts as record_parts
from policy_graph.records import readers
from policy_graph.records.folder import record_files
from policy_graph.records.kept import cache_folder
from policy_graph.records.reading import read_folder, read_records
from tests.helpers import MANY


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLICY_GRAPH_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def in_processes(monkeypatch):
    """Files read by reader processes, a few per chunk, as a national corpus's are."""
    monkeypatch.setattr(readers, "PARALLEL_FROM_FILES", 2)
    monkeypatch.setattr(readers, "CHUNK", 3)


def _graph(path) -> bytes:
    """A graph file without its header (which names the file and the time)."""
    return b"".join(
        line for line in path.read_bytes().splitlines(True) if not line.startswith(b"#")
    )


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_rebuild_after_one_city_changes_reads_it_alone_and_equals_a_clean_build(
    tmp_path, cache, in_processes, engine
):
    data = tmp_path / "corpus"
    generate(data, cities=6, policies_per_city=5, seed=3)
    files = len(record_files(data))
    first = api.build(data, tmp_path / "first" / "g.ttl", ["ttl"], engine=engine)
    assert first.reused == 0 and first.files == files > 6
    city = sorted((data / "governments").iterdir())[2] / "policies.yaml"
    title = city.read_text(encoding="utf-8").split("\n    en: ")[1].split("\n")[0]
    _edit(city, f"\n    en: {title}\n", f"\n    en: {title} (revised)\n")

    rebuilt = api.build(data, tmp_path / "rebuilt" / "g.ttl", ["ttl", "nt"], engine=engine)
    clean = api.build(data, tmp_path / "clean" / "g.ttl", ["ttl", "nt"], engine=engine, reuse=False)

    assert (rebuilt.reused, clean.reused) == (files - 1, 0)
    for suffix in ("ttl", "nt"):
        assert _graph(tmp_path / "rebuilt" / f"g.{suffix}") == _graph(
            tmp_path / "clean" / f"g.{suffix}"
        )
    assert f"{title} (revised)".encode() in _graph(tmp_path / "rebuilt" / "g.nt")
    assert rebuilt.counts == clean.counts and rebuilt.counts["policies"] == 30


def test_a_rebuild_of_the_article_is_byte_for_byte_the_first_build(tmp_path, cache):
    data = shutil.copytree(MANY, tmp_path / "many")
    first = api.build(data, tmp_path / "first" / "g.ttl", ["ttl", "nt"])
    again = api.build(data, tmp_path / "again" / "g.ttl", ["ttl", "nt"])
    assert (first.reused, again.reused) == (0, first.files)
    for suffix in ("ttl", "nt"):
        assert _graph(tmp_path / "first" / f"g.{suffix}") == _graph(
            tmp_path / "again" / f"g.{suffix}"
        )


def test_a_changed_vocabulary_is_checked_against_every_kept_file(tmp_path, cache):
    data = shutil.copytree(MANY, tmp_path / "many")
    api.validate(data)
    # A technology that kept (unchanged) files name disappears from the vocabulary.
    vocabularies = data / "vocabularies.yaml"
    text = vocabularies.read_text(encoding="utf-8")
    start = text.index("  - id: big-data")
    end = text.index("\n  - id:", start + 1)
    vocabularies.write_text(text[:start] + text[end + 1 :], encoding="utf-8")

    with pytest.raises(InputError) as raised:
        api.validate(data)

    messages = [str(problem) for problem in raised.value.problems]
    expected = f"{data / 'garam.yaml'}:13: policy smart-farm-control: technologies: unknown "
    assert any(m.startswith(f"{expected}technology 'big-data'") for m in messages), messages


def test_a_kept_files_problems_are_reported_again_where_the_user_stands(
    tmp_path, cache, monkeypatch
):
    data = shutil.copytree(MANY, tmp_path / "many")
    _edit(data / "garam.yaml", "budget_krw: 1200000000", "budget_krw: lots")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as first:
        api.validate(data)
    with pytest.raises(InputError) as again:
        api.validate(data)
    assert list(map(str, again.value.problems)) == list(map(str, first.value.problems))
    assert str(first.value.problems[0]).startswith("many/garam.yaml:")

    monkeypatch.chdir(data)  # the same files, seen from elsewhere: named as seen from here
    with pytest.raises(InputError) as elsewhere:
        api.validate(data)
    assert str(elsewhere.value.problems[0]).startswith("garam.yaml:")
    assert [str(p).removeprefix("garam.yaml") for p in elsewhere.value.problems] == [
        str(p).removeprefix("many/garam.yaml") for p in first.value.problems
    ]


def _results(kept) -> list:
    """The results kept of each file (besides them: the triples made of the records
    that several files share, "shared-…")."""
    return [entry for entry in kept.glob("*.pickle") if not entry.name.startswith("shared-")]


def test_the_cache_keeps_one_result_per_file_and_a_damaged_one_is_read_again(tmp_path, cache):
    data = shutil.copytree(MANY, tmp_path / "many")
    api.build(data, tmp_path / "first" / "g.nt", ["nt"])
    kept = cache_folder(data)
    files = len(record_files(data))
    assert len(_results(kept)) == files and len(list(kept.glob("shared-*.pickle"))) == 1
    _edit(data / "hanbit.yaml", "en: ", "en: Revised ")
    api.build(data, tmp_path / "second" / "g.nt", ["nt"])
    # The old result of hanbit.yaml is kept while the store holds the build made of it
    # (the rebuild patched that build's graph file), and gone the run after.
    assert len(_results(kept)) == files + 1
    api.build(data, tmp_path / "second" / "g.nt", ["nt"])
    assert len(_results(kept)) == files
    assert len(list(kept.glob("shared-*.pickle"))) == 1

    # Each file's result damaged, its summary not: the file is read again when its
    # records or triples are asked for (and kept again).
    for entry in kept.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    damaged = api.build(data, tmp_path / "third" / "g.nt", ["nt"])
    assert _graph(tmp_path / "third" / "g.nt") == _graph(tmp_path / "second" / "g.nt")
    assert pickle.loads(_results(kept)[0].read_bytes()).records.files == 1

    # Everything damaged (results, summaries, digests): every file is read again.
    for entry in kept.iterdir():
        entry.write_bytes(b"not a pickle")
    damaged = api.build(data, tmp_path / "fourth" / "g.nt", ["nt"])
    assert damaged.reused == 0
    assert _graph(tmp_path / "fourth" / "g.nt") == _graph(tmp_path / "second" / "g.nt")
    assert pickle.loads(_results(kept)[0].read_bytes()).records.files == 1


def test_fresh_reads_every_file_and_keeps_them_for_the_next_run(tmp_path, cache):
    data = shutil.copytree(MANY, tmp_path / "many")
    api.validate(data)
    for entry in cache_folder(data).glob("*.pickle"):
        entry.unlink()
    assert api.validate(data, reuse=False).reused == 0
    again = api.validate(data)
    assert again.reused == again.files == len(_results(cache_folder(data)))


def test_an_unwritable_cache_only_means_reading_again(tmp_path, monkeypatch):
    data = shutil.copytree(MANY, tmp_path / "many")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("POLICY_GRAPH_CACHE_DIR", str(blocked))
    first = read_folder(data, keep_in=cache_folder(data), work=READER_WORK)
    again = read_folder(data, keep_in=cache_folder(data), work=READER_WORK)
    assert (first.reused, again.reused) == (0, 0)
    assert again.records == first.records and not again.problems


def test_shacl_of_a_rebuild_covers_the_cities_of_changed_files(
    tmp_path, cache, in_processes, monkeypatch
):
    monkeypatch.setattr(validate_module, "SHACL_WHOLE_UP_TO", 10)
    monkeypatch.setattr(validate_module, "SHACL_SAMPLE_CITIES", 2)
    data = tmp_path / "corpus"
    generate(data, cities=6, policies_per_city=5, seed=3)
    assert api.validate(data).shacl == "a sample of 2 of 6 cities (--full-shacl for all)"
    # The sample is the first and the last government: change one in between.
    city = sorted((data / "governments").iterdir())[2] / "policies.yaml"
    _edit(city, "\n    en: ", "\n    en: Revised ")
    validated = []
    real = validate_module.validate_graph

    def counted(graph, index=None):
        validated.append(len(graph))
        return real(graph, index)

    monkeypatch.setattr(validate_module, "validate_graph", counted)
    rebuilt = api.validate(data)
    assert rebuilt.shacl == (
        "a sample of 3 of 6 cities, 1 of them changed since the last build (--full-shacl for all)"
    )
    # The two cities of the sample are as SHACL found them last time, and so are the
    # shared records (validated on their own): only the changed city is validated
    # again; with --fresh, the sample again and the shared records (nothing reused).
    assert len(validated) == 1
    validated.clear()
    assert (
        api.validate(data, reuse=False).shacl == "a sample of 2 of 6 cities (--full-shacl for all)"
    )
    assert len(validated) == 3


def test_warnings_of_kept_files_come_again_in_the_order_of_a_clean_run(tmp_path, cache):
    data = shutil.copytree(MANY, tmp_path / "many")
    # A budget that no quote states: a warning, about this record alone.
    _edit(data / "garam.yaml", "budget_krw: 1200000000", "budget_krw: 1300000000")
    clean = api.validate(data, reuse=False)
    kept = api.validate(data)
    assert kept.reused == kept.files
    assert (
        [str(w) for w in kept.warnings]
        == [str(w) for w in clean.warnings]
        == [
            f"{data / 'garam.yaml'}:15: policy smart-farm-control: budget_krw: warning: "
            "none of the quotes states 1300000000 won: quote the passage that does"
        ]
    )


# --- one big file (a national export), read in parts ---------------------------------


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of a few kB, so that a small corpus in one file is read in several."""
    monkeypatch.setattr(record_parts, "PART_CHARS", 4096)


def test_one_file_read_in_parts_builds_the_graph_of_a_folder_per_government(
    tmp_path, cache, small_parts
):
    generate(tmp_path / "folders", cities=6, policies_per_city=5, seed=3)
    generate(tmp_path / "one", cities=6, policies_per_city=5, seed=3, one_file=True)
    compiled = read_folder(
        tmp_path / "one", keep_in=cache_folder(tmp_path / "one"), work=READER_WORK
    )
    [big] = [
        i for i, p in enumerate(record_files(tmp_path / "one")) if p.name == "governments.yaml"
    ]
    assert len(compiled.triples[big][-1]) > 2  # its policies' triples came in parts
    for name in ("folders", "one"):
        api.build(tmp_path / name, tmp_path / f"{name}.nt", ["nt"])
    assert _graph(tmp_path / "one.nt") == _graph(tmp_path / "folders.nt")
    again = api.build(tmp_path / "one", tmp_path / "again.nt", ["nt"])  # kept whole
    assert again.reused == again.files and _graph(tmp_path / "again.nt") == _graph(
        tmp_path / "one.nt"
    )


def test_problems_of_a_file_read_in_parts_are_those_of_reading_it_whole(
    tmp_path, cache, small_parts, monkeypatch
):
    data = tmp_path / "one"
    generate(data, cities=6, policies_per_city=5, seed=3, one_file=True)
    big = data / "governments.yaml"
    lines = big.read_text(encoding="utf-8").splitlines(keepends=True)
    # Errors near the end (in the last parts): a budget in words, a technology unknown.
    at = max(i for i, line in enumerate(lines) if line.startswith("  budget_krw: "))
    lines[at] = "  budget_krw: lots\n"
    # the first technology of the last policy's list (any of the vocabulary's)
    tech = max(i for i, line in enumerate(lines) if line == "  technologies:\n") + 1
    lines[tech] = "  - chatbots\n"
    big.write_text("".join(lines), encoding="utf-8")

    assert len(record_parts.split(big.read_text(encoding="utf-8"), 4096)) > 2
    compiled = read_folder(data, keep_in=cache_folder(data), work=READER_WORK)
    monkeypatch.setattr(record_parts, "PART_CHARS", 2**40)  # now read whole
    _records, whole = read_records(data)
    assert list(map(str, compiled.problems)) == list(map(str, whole))
    assert any(f"{big}:{at + 1}: " in str(p) for p in whole)
    field = tech  # the list's line: its first item
    assert any(f"{big}:{field}: " in str(p) and "technology 'chatbots'" in str(p) for p in whole)
