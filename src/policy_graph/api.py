"""The public functions that the CLI and notebooks both call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import ORG, RDF

from . import paths
from .build import build_graph as _graph_of
from .errors import InputError, UsageError
from .outputs import RDF_FORMATS, output_paths, serialise, write_atomic
from .quotes import check_quotes
from .records import Records, load_records as _load_records, record_files
from .validate import record_index, validate_graph
from .vocab import PG

DEFAULT_OUT = Path("build/policy-graph.ttl")


def default_data_dir() -> Path:
    """``./data`` when the working directory has one, else the bundled Gwangju records."""
    local = Path("data")
    return local if local.is_dir() else paths.bundled_data_dir()


def load_records(data_dir: Path | str | None = None) -> Records:
    """Load and check the records of ``data_dir``; raise InputError listing every problem."""
    return _load_records(Path(data_dir) if data_dir else default_data_dir())


def build_graph(data_dir: Path | str | None = None, *, validate: bool = True) -> Graph:
    """The validated RDF graph of the records in ``data_dir``."""
    records = load_records(data_dir)
    graph = _graph_of(records)
    if validate:
        _raise_on_problems(validate_graph(graph, record_index(records)))
    return graph


@dataclass
class BuildResult:
    """What a build made: the graph, its counts, the files written, how long it took."""

    data_dir: Path
    files: int
    graph: Graph
    counts: dict[str, int]
    written: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def count_resources(graph: Graph) -> dict[str, int]:
    """The summary that ``build`` prints: resources of each kind and triples."""

    def instances(cls) -> int:
        return len(set(graph.subjects(RDF.type, cls)))

    return {
        "policies": instances(PG.Policy),
        "departments": instances(ORG.OrganizationalUnit),
        "technologies": instances(PG.Technology),
        "target groups": instances(PG.TargetGroup),
        "partners": len(set(graph.objects(None, PG.partnerInstitution))),
        "triples": len(graph),
    }


def validate(data_dir: Path | str | None = None, sources_dir: Path | str | None = None) -> BuildResult:
    """Every check of ``build`` (records, references, SHACL), and quotes against
    ``sources_dir`` when given; writes nothing. Raises InputError on any problem."""
    started = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    records = _load_records(data_dir)
    graph = _graph_of(records)
    problems = validate_graph(graph, record_index(records))
    if sources_dir is not None:
        problems += check_quotes(records, sources_dir)
    _raise_on_problems(problems)
    return BuildResult(
        data_dir,
        len(record_files(data_dir)),
        graph,
        count_resources(graph),
        seconds=time.perf_counter() - started,
    )


def build(
    data_dir: Path | str | None = None,
    out: Path | str = DEFAULT_OUT,
    formats: Sequence[str] = ("ttl",),
) -> BuildResult:
    """Load, check, convert and validate the records, then write the graph in each format.

    Nothing is written unless everything passes; each file is replaced atomically.
    """
    started = time.perf_counter()
    formats = list(dict.fromkeys(formats)) or ["ttl"]
    unknown = [f for f in formats if f not in RDF_FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; expected one of {', '.join(RDF_FORMATS)}")
    result = validate(data_dir)
    targets = output_paths(Path(out), formats)
    contents = {name: serialise(result.graph, name) for name in formats}
    for name, path in targets.items():
        write_atomic(path, contents[name])
    result.written = targets
    result.seconds = time.perf_counter() - started
    return result


def _raise_on_problems(problems) -> None:
    if problems:
        raise InputError(problems)
