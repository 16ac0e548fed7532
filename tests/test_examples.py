"""Every script in examples/ runs and prints what it promises."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO


def test_notebook_example_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "notebook.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(" triples") and int(lines[0].split()[0]) > 1000
    assert "policies-per-department: Policies per department · 부서별 정책" in lines
    assert any(line.startswith("기획조정실 4 ") for line in lines)
    assert (
        "[{'title': 'Qualitative upgrade of smart factories', 'budget': Decimal('20000000000')}]"
        in lines
    )
