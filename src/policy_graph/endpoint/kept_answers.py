"""Answers kept in an HTTP process, so that a question asked again is not run again.

A build never changes once served, so the answer to the same request of the same
build is the same: a dashboard or a page that asks the same query every few seconds,
or many readers opening the same resource, are answered from memory without a query
worker (as Wikidata's query service keeps answers for a while). An answer is kept by
the build that made it and the request as the workers read it (its kind, query or
path, negotiated format's inputs, limits): nothing of a request that could change its
answer is left out of the key.

Only whole, successful answers held in memory are kept (status 200, a body of at most
:data:`LARGEST`; an answer streamed from a file is not), within a budget of bytes,
the least recently asked leaving first. A request with ``Cache-Control: no-cache`` (or
``Pragma: no-cache``) is answered by a worker, and its answer kept for the next. A kept
answer says how long it has been kept in an ``Age`` header, as HTTP caches do.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import replace

from .protocol import Answer

LARGEST = 256 * 1024  # bytes of the largest answer kept


class KeptAnswers:
    """Answers by build and request, least recently asked first out, within ``budget``
    bytes (0 keeps none)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._answers: OrderedDict[tuple[str, str], tuple[Answer, float]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(build: str, request: dict) -> tuple[str, str]:
        return build, json.dumps(request, sort_keys=True, ensure_ascii=False)

    def get(self, key: tuple[str, str]) -> Answer | None:
        """The answer kept for ``key``, with its ``Age``; None when none is."""
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                return None
            self._answers.move_to_end(key)
        answer, kept_at = found
        age = str(max(0, int(time.monotonic() - kept_at)))
        return replace(answer, headers=(*answer.headers, ("Age", age)))

    def put(self, key: tuple[str, str], answer: Answer) -> None:
        """Keep ``answer`` when it is whole, successful and small enough."""
        if not self.worth_keeping(answer):
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = (answer, time.monotonic())
            self._held += len(answer.body)
            while self._held > self.budget:
                _, (gone, _) = self._answers.popitem(last=False)
                self._held -= len(gone.body)

    def worth_keeping(self, answer: Answer) -> bool:
        return (
            answer.status == 200
            and answer.file is None
            and not answer.truncated
            and len(answer.body) <= min(LARGEST, self.budget)
        )

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._held = 0

    def __len__(self) -> int:
        return len(self._answers)
