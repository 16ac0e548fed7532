"""A records folder's files: linked folders are read, each folder once."""

from __future__ import annotations

import os
import shutil

import pytest

from policy_graph.errors import InputError
from policy_graph.records.folder import record_files
from policy_graph.records.reading import load_records, read_records
from tests.helpers import MINIMAL


@pytest.fixture
def linked(tmp_path):
    """./data holding one file, and a folder of the other files linked in from elsewhere."""
    elsewhere = shutil.copytree(MINIMAL, tmp_path / "elsewhere")
    data = tmp_path / "data"
    data.mkdir()
    shutil.move(elsewhere / "policies.yaml", data / "policies.yaml")
    os.symlink(elsewhere, data / "shared")
    return data


def test_a_linked_folder_is_read(linked):
    records = load_records(linked)
    assert len(records.policies) == 3 and records.files == 4
    assert [p.name for p in record_files(linked)] == [
        "policies.yaml", "government.yaml", "organisations.yaml", "vocabularies.yaml"
    ]  # fmt: skip


def test_a_link_back_to_a_folder_already_read_is_a_problem(linked):
    os.symlink(linked, linked / "shared" / "again")  # a loop: data/shared/again is data
    _records, problems = read_records(linked)
    assert [(p.file, p.message) for p in problems] == [
        (
            f"{linked}/shared/again",
            f"a link to a folder whose records are read already ({linked}): "
            "each folder is read once; remove the link",
        )
    ]
    with pytest.raises(InputError):
        load_records(linked)
