"""Benchmark of issue 14, target 4: one records file (a national export) against the
same policies in a folder per government.

    .venv/bin/python bench/one_file.py [--policies 20000] [--policies-per-city 40] [--keep DIR]

Generates both corpora (`policy-graph generate`, with and without `--one-file`: the
same records, the same graph), then, each in a process of its own, with its time and
peak memory: the build (`build --format nt`), and reading the records alone
(`read_records`). Where src/policy_graph/record_parts.py exists it also reads the big
file in parts: one process after the other, and a process per core (what the readers
will do with it). Checks that both builds wrote the same triples. Prints a Markdown
table. A benchmark, not a test: nothing here passes or fails; keep it modest on a
shared machine (the issue's 100k policies take minutes and gigabytes).
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

READ_ALL = """
import sys
from policy_graph.records import read_records
records, problems = read_records(sys.argv[1])
assert not problems, problems[:3]
print(len(records.policies))
"""

# The big file read in parts, by one process or a process per core: a stand-in for
# the readers' pool, which the lead is restructuring (see record_parts.read_part).
READ_PARTS = """
import os, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from policy_graph import record_parts
from policy_graph.records import _read_text

path, workers = Path(sys.argv[1]), int(sys.argv[2])
parts = record_parts.split(_read_text(path))
assert parts, "not split"
shown = str(path)
if workers == 1:
    results = [record_parts.read_part(part, shown) for part in parts]
else:
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(record_parts.read_part, parts, [shown] * len(parts)))
records, problems = record_parts.joined(results)
assert not problems, problems[:3]
print(len(records.policies), len(parts))
"""


def measured(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Seconds, peak memory (MB, of the process and its children) and output of a command."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
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
    options = parser.parse_args()
    cities = max(1, options.policies // options.policies_per_city)
    with tempfile.TemporaryDirectory() as temp:
        work = options.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for name, extra in (("per city", []), ("one file", ["--one-file"])):
            folder = work / name.replace(" ", "-")
            if not folder.exists():
                per = ["--policies-per-city", str(options.policies_per_city)]
                measured(
                    [*CLI, "generate", "--out", str(folder), "--cities", str(cities), *per, *extra],
                    work,
                )
            files = sorted(folder.rglob("*.yaml"))
            big = max(files, key=lambda p: p.stat().st_size)
            build = measured(
                [*CLI, "build", "--data", str(folder), "--format", "nt", "--out", f"{folder}.nt"],
                work,
            )
            read = measured([*PYTHON, "-c", READ_ALL, str(folder)], work)
            rows.append((name, len(files), big.stat().st_size / 2**20, build, read))
            print(
                f"{name}: build {build[0]:.1f} s {build[1]} MB, read {read[0]:.1f} s {read[1]} MB",
                file=sys.stderr,
            )
        same = triples(work / "per-city.nt") == triples(work / "one-file.nt")
        parts = []
        if (ROOT / "src/policy_graph/record_parts.py").exists():
            big = work / "one-file" / "governments.yaml"
            for workers in (1, os.cpu_count() or 1):
                took, peak, out = measured(
                    [*PYTHON, "-c", READ_PARTS, str(big), str(workers)], work
                )
                parts.append((workers, took, peak, out.split()[1]))
        print(
            f"\n{options.policies} policies of {cities} governments; {os.cpu_count()} cores; "
            f"both builds wrote the same triples: {'yes' if same else 'NO'}\n"
        )
        print("| corpus | files | largest file | build | build peak | read records | read peak |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, files, largest, build, read in rows:
            print(
                f"| {name} | {files} | {largest:.1f} MB | {build[0]:.1f} s | {build[1]} MB "
                f"| {read[0]:.1f} s | {read[1]} MB |"
            )
        for workers, took, peak, count in parts:
            who = "one process" if workers == 1 else f"{workers} processes"
            print(f"| one file read in {count} parts, {who} | | | | | {took:.1f} s | {peak} MB |")


if __name__ == "__main__":
    main()
