"""The machine a benchmark ran on, as the reports name it (shared by bench/*.py)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> str:
    """Cores usable here, CPU model, memory and system, e.g. "2 cores (AMD EPYC),
    23 GiB memory, Linux 6.18"."""
    cpu = _first_field(Path("/proc/cpuinfo"), "model name") or platform.processor()
    memory = _first_field(Path("/proc/meminfo"), "MemTotal")
    gib = int(memory.split()[0]) // 1024 // 1024 if memory else 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({cpu}), {gib} GiB memory, {platform.system()} {platform.release()}"


def _first_field(path: Path, name: str) -> str:
    """The value of the first ``name: value`` line of a /proc file ("" elsewhere)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return ""
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(name)), "")


def bytecode_cached(env: dict[str, str], folder: Path) -> dict[str, str]:
    """``env`` with Python's bytecode cached in ``folder``, as an installed wheel has it:
    where PYTHONDONTWRITEBYTECODE is set (this machine sets it), every command would
    compile policy-graph's sources again, some 0.25 s that no user waits for."""
    cached = dict(env, PYTHONPYCACHEPREFIX=str(folder))
    cached.pop("PYTHONDONTWRITEBYTECODE", None)
    return cached
