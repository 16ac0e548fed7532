"""Each records file's digest, known from its stats while it is unchanged: a file whose
stats changed is digested again, and so is one whose stats were taken in the same
moment as its last edit (git's "racily clean" files)."""

from __future__ import annotations

import hashlib
import os

import pytest

from policy_graph.records import digests as digests_module
from policy_graph.records.digests import Entry, FolderDigests, stats_of


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_GRAPH_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    return data


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _age(path, seconds: int = 10) -> None:
    """Set a file's times ``seconds`` back (as a file edited long ago)."""
    status = path.stat()
    back = seconds * 10**9
    os.utime(path, ns=(status.st_atime_ns - back, status.st_mtime_ns - back))


def test_an_unchanged_file_is_digested_once(folder):
    path = folder / "a.yaml"
    path.write_text("policies: []\n")
    _age(path)  # its change time is now: the first run digests it, a later one needs not
    first = FolderDigests(folder)
    assert first.digests([path]) == [_sha("policies: []\n")] and first.read == 1
    digests_module.RACY_NS, racy = 0, digests_module.RACY_NS  # its change is old by now
    try:
        again = FolderDigests(folder)
        assert again.digests([path]) == [_sha("policies: []\n")] and again.read == 0
    finally:
        digests_module.RACY_NS = racy


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_seen(folder):
    path = folder / "a.yaml"
    path.write_text("id: aaaa\n")
    FolderDigests(folder).digests([path])
    mtime = path.stat().st_mtime_ns
    path.write_text("id: bbbb\n")  # in the same second, the same size
    os.utime(path, ns=(mtime, mtime))  # and the modification time set back: not the change time
    assert FolderDigests(folder).digests([path]) == [_sha("id: bbbb\n")]


def test_a_file_edited_as_its_stats_were_taken_is_digested_again(folder):
    """An edit in the same tick of the file system's clock as the stats were taken
    keeps every stat: stats taken so near a file's last change never tell alone."""
    path = folder / "a.yaml"
    path.write_text("id: aaaa\n")
    digests = FolderDigests(folder)
    digests.digests([path])
    path.write_text("id: bbbb\n")
    stats = stats_of(path)
    # What a run would have recorded had it taken the stats just before this edit, in
    # the same tick: the same stats as now, the old digest.
    changed = max(stats[1], stats[2])
    digests.entries["/a.yaml"] = Entry(stats, changed + 1, _sha("id: aaaa\n"))
    digests.save()
    assert FolderDigests(folder).digests([path]) == [_sha("id: bbbb\n")]

    # Recorded well after the edit, the same stats tell the file is unchanged: they are
    # trusted (and the bytes not read), which is why the margin is there.
    digests.entries["/a.yaml"] = Entry(stats, changed + digests_module.RACY_NS + 1, _sha("old"))
    digests.changed = True
    digests.save()
    trusted = FolderDigests(folder)
    assert trusted.digests([path]) == [_sha("old")] and trusted.read == 0


def test_what_cannot_be_read_has_no_digest_and_removed_files_are_forgotten(folder):
    kept, gone, fifo = folder / "kept.yaml", folder / "gone.yaml", folder / "pipe.yaml"
    kept.write_text("a\n")
    gone.write_text("b\n")
    os.mkfifo(fifo)
    digests = FolderDigests(folder)
    assert digests.digests([kept, gone, fifo]) == [_sha("a\n"), _sha("b\n"), None]
    gone.unlink()
    again = FolderDigests(folder)
    assert again.digests([kept, gone]) == [_sha("a\n"), None]
    assert set(FolderDigests(folder).entries) == {"/kept.yaml"}


def test_a_damaged_record_of_digests_means_digesting_again(folder):
    path = folder / "a.yaml"
    path.write_text("a\n")
    digests = FolderDigests(folder)
    digests.digests([path])
    digests.file.write_bytes(b"not a pickle")
    again = FolderDigests(folder)
    assert again.digests([path]) == [_sha("a\n")] and again.read == 1
