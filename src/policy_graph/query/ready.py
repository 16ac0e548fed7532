"""Answers ready before the question: a saved query's whole answer, asked as it was
asked before on the store kept for a records folder, read back without reading the
query, opening the store or importing the query stages (issue 25: a kept answer from
a new process in well under 0.1 s, most of which is Python's own start).

When :mod:`.asking` answers a saved query on a kept store, it keeps the answer under
the key of its whole text (see :class:`.kept_store.KeptAnswers`) and notes the
*request* it answered: the query's name and file text, the parameters as given, the
language and the format, with policy-graph's, Oxigraph's and the prefixes' versions
(:func:`request_parts`). :func:`ready_answer` takes a request as the command got it,
and returns the answer noted for it in the current build of the records as they are
now, or None: then the query is answered as always. Nothing here parses SPARQL, so
nothing here can answer a request that was not answered before in the same build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


def request_parts(text: str, params: dict[str, str], lang: str | None, fmt: str) -> list[str]:
    """What a saved query's answer depends on besides the build: its text (the ``.rq``
    file as read), the parameters given (a default is in the text), ``lang``, the format
    written, and the versions of what finds and writes it."""
    import pyoxigraph

    from ..graph.prefixes import PREFIXES
    from ..version import __version__

    given = [f"{name}={value}" for name, value in sorted(params.items())]
    prefixes = [f"{prefix}={iri}" for prefix, iri in sorted(PREFIXES.items())]
    versions = f"policy-graph {__version__}, pyoxigraph {pyoxigraph.__version__}"
    return [versions, *prefixes, "", text, *given, "", lang or "", fmt]


class Looked(NamedTuple):
    """What :func:`look_for_answer` found of the store kept for ``folders`` (the records
    folder and ``--store`` as given, see :func:`folders_of`): its current generation,
    or None where it holds no build of the records as they are. A command that goes
    on to answer the query takes it instead of looking again (the glance at 5,800
    records files is most of a ready answer's time)."""

    folders: tuple[str | None, str | None]
    store: object


def folders_of(data_dir, store_dir) -> tuple[str | None, str | None]:
    """``data_dir`` and ``store_dir`` as given (None for a default), as one key."""
    return tuple(os.fspath(Path(given)) if given else None for given in (data_dir, store_dir))


def current_kept_store(data_dir, store_dir):
    """The store kept for ``data_dir`` when it holds the records as they are (a glance
    at their stats: no rdflib), else None (see loading.open_kept_store); Oxigraph's
    store opened only if the answer is not kept."""
    from ..graph.kept_store import KeptStore, folder_for
    from ..records.folder import default_data_dir

    data_dir = Path(data_dir) if data_dir else default_data_dir()
    return KeptStore(folder_for(data_dir, store_dir)).open_if_current(data_dir, lazily=True)


def ready_answer(
    name: str,
    fmt: str,
    params: dict[str, str],
    lang: str | None = None,
    data_dir: Path | str | None = None,
    store_dir: Path | str | None = None,
) -> bytes | None:
    """The answer in ``fmt`` to the saved query ``name`` with ``params`` given and
    ``lang``, as it was written for the same request on the current build of
    ``data_dir``'s records (the store kept for it, or in ``store_dir``), where the
    records are as that build found them; None otherwise, and where ``name`` would not
    be read as a saved query's name (a file of that name, a path, a ``.rq``)."""
    return look_for_answer(name, fmt, params, lang, data_dir, store_dir)[0]


def look_for_answer(
    name, fmt, params, lang=None, data_dir=None, store_dir=None
) -> tuple[bytes | None, Looked | None]:
    """:func:`ready_answer`, and what it found of the kept store where it looked."""
    from .. import paths

    if not name or name.startswith(".") or "/" in name or name.endswith(".rq"):
        return None, None
    if os.path.isfile(name):  # read as a query file by the command
        return None, None
    try:
        text = (paths.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    looked = Looked(folders_of(data_dir, store_dir), current_kept_store(data_dir, store_dir))
    if looked.store is None:
        return None, looked
    answers = looked.store.answers
    request = answers.request_key(*request_parts(text, params, lang, fmt))
    return answers.answer_to(request, fmt), looked
