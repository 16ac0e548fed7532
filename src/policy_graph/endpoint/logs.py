"""The endpoint's log: one JSON object a line, that no client can forge.

Every line ``serve`` writes is a JSON object with ``time`` (local, ISO 8601, to the
second) and either ``message`` (the server's own: which build it serves, a new build,
a worker that failed) or the fields of a request: ``client``, ``method``, ``target``
(the request line's target, as sent), ``status``, ``bytes``, ``ms`` and, for a cut
answer, ``truncated``. Strings are escaped as JSON escapes them, and beyond that
every character that a terminal or a reader of lines would not show as text (C1
controls, bidi and other format characters, line and paragraph separators, surrogates,
private-use and unassigned code points) is written as a ``\\uXXXX`` escape: a request
for ``/%0a…`` cannot add a line, ``%1b[31m`` colours nothing, a NUL is ``\\u0000``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata

TARGET_SHOWN = 300  # characters of a request's target that are logged
_BEYOND_ASCII = re.compile(r"[^\x20-\x7e]")
_HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _escape(match: re.Match) -> str:
    char = match[0]
    if unicodedata.category(char) not in _HIDDEN:
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as JSON writes a code point past U+FFFF
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_line(record: dict) -> str:
    """``record`` as one line of JSON that shows only text (see the module's docstring)."""
    return _BEYOND_ASCII.sub(_escape, json.dumps(record, ensure_ascii=False))


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def message_line(message: str) -> str:
    return json_line({"time": now(), "message": message})


def request_line(environ, status: int, length: int, took_ms: float, truncated: bool) -> str:
    target = environ.get("REQUEST_URI") or (
        environ.get("PATH_INFO", "")
        + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
    )
    if len(target) > TARGET_SHOWN:
        target = target[: TARGET_SHOWN - 1] + "…"
    record = {
        "time": now(),
        "client": environ.get("REMOTE_ADDR", "-"),
        "method": environ.get("REQUEST_METHOD", ""),
        "target": target,
        "status": status,
        "bytes": length,
        "ms": round(took_ms),
    }
    if truncated:
        record["truncated"] = True
    return json_line(record)


def write_line(stream, line: str) -> None:
    """``line`` and its newline in ``stream``, flushed, in one write: several HTTP
    processes log to one file or pipe, and ``print`` writes the newline apart (a line
    of another process could land between them, making two lines one)."""
    stream.write(line + "\n")
    stream.flush()


class JsonLines(logging.Handler):
    """Waitress's own log records (a client gone, a socket error …) as our lines."""

    def __init__(self, stream) -> None:
        super().__init__()
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += ": " + repr(record.exc_info[1])
            line = json_line({"time": now(), "message": f"waitress: {text}"})
            write_line(self.stream, line)
        except Exception:  # noqa: BLE001 - logging must never fail a request
            self.handleError(record)
