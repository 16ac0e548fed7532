"""Benchmark of issue 14, target 4: one records file (a national export) against the
same policies in a folder per government.

    .venv/bin/python bench/one_file.py [--policies 20000] [--policies-per-city 40] [--keep DIR]
        [--also-src DIR ...]

Generates both corpora (`policy-graph generate`, with and without `--one-file`: the
same records, the same graph), then, each in a process of its own, with its time and
peak memory: the build (`build --format nt --fresh`), and reading the records alone
as the build reads them (`records.reading.read_folder`: a big file in parts, a reader
process each). ``--also-src``: the one-file build and read once more with another
source tree. Checks that the builds wrote the same triples. Prints a Markdown table;
peaks are of the largest process (its own or a reader's). A benchmark, not a test:
nothing here passes or fails; keep it modest on a shared machine (the issue's 100k
policies take minutes and gigabytes).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [sys.executable]
CLI = [*PYTHON, "-m", "policy_graph"]

# Reading the records as a build does (a big file in parts, a process per core; no
# results kept): records, problems and each file's triples.
READ_ALL = """
import sys
try:
    from policy_graph.graph.pipeline import READER_WORK
    from policy_graph.records.reading import read_folder
    reading = read_folder(sys.argv[1], work=READER_WORK)
except ImportError:  # a source tree from before the stage packages (--also-src)
    from policy_graph.compiled import read_compiled
    reading = read_compiled(sys.argv[1])
assert not reading.problems, reading.problems[:3]
print(len(reading.records.policies))
"""


def measured(args: list[str], cwd: Path, src: Path = ROOT / "src") -> tuple[float, int, str]:
    """Seconds, peak memory (MB, of the largest of the process and its children) and
    output of a command."""
    started = time.perf_counter()
    # Builds keep what they read in a cache folder of this run's own (and --fresh
    # reads every file: each build is a clean one).
    env = {**os.environ, "PYTHONPATH": str(src), "POLICY_GRAPH_CACHE_DIR": str(cwd / "cache")}
    process = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - started
    out, err = process.stdout.read(), process.stderr.read()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{err[-2000:]}")
    # ru_maxrss of wait4 is the largest of the process and the children it waited for.
    return took, usage.ru_maxrss // 1024, out.strip()


def triples(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=20_000)
    parser.add_argument("--policies-per-city", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="write the corpora here (default: a temp dir)")
    parser.add_argument(
        "--also-src",
        type=Path,
        action="append",
        default=[],
        help="another source tree to build one file with (repeatable)",
    )
    options = parser.parse_args()
    cities = max(1, options.policies // options.policies_per_city)
    corpora = [("per city", "per-city", ROOT / "src"), ("one file", "one-file", ROOT / "src")]
    for src in options.also_src:
        corpora.append((f"one file, {src}", "one-file", src.resolve()))
    with tempfile.TemporaryDirectory() as temp:
        work = options.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        rows = [
            measure_corpus(work, n, corpus, cities, options) for n, corpus in enumerate(corpora)
        ]
        first = triples(work / "0.nt")
        same = all(triples(work / f"{n}.nt") == first for n in range(1, len(corpora)))
    print(
        f"\n{options.policies} policies of {cities} governments; {os.cpu_count()} cores; "
        f"the builds wrote the same triples: {'yes' if same else 'NO'}\n"
    )
    print("| corpus | files | largest file | build | build peak | read records | read peak |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, files, largest, build, read in rows:
        print(
            f"| {name} | {files} | {largest:.1f} MB | {build[0]:.1f} s | {build[1]} MB "
            f"| {read[0]:.1f} s | {read[1]} MB |"
        )


def measure_corpus(work: Path, n: int, corpus, cities: int, options) -> tuple:
    """Generate a corpus (once), then build it and read its records, each measured."""
    name, folder_name, src = corpus
    folder = work / folder_name
    if not folder.exists():
        per = ["--policies-per-city", str(options.policies_per_city)]
        extra = ["--one-file"] if folder_name == "one-file" else []
        measured(
            [*CLI, "generate", "--out", str(folder), "--cities", str(cities), *per, *extra], work
        )
    files = sorted(folder.rglob("*.yaml"))
    largest = max(p.stat().st_size for p in files) / 2**20
    build_args = [
        *("build", "--data", str(folder), "--format", "nt", "--fresh"),
        *("--out", str(work / f"{n}.nt")),
    ]
    build = measured([*CLI, *build_args], work, src)
    read = measured([*PYTHON, "-c", READ_ALL, str(folder)], work, src)
    print(
        f"{name}: build {build[0]:.1f} s {build[1]} MB, read {read[0]:.1f} s {read[1]} MB",
        file=sys.stderr,
    )
    return name, len(files), largest, build, read


if __name__ == "__main__":
    main()
