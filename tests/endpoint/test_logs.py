"""The endpoint's log lines (issue 26): one JSON object a line, every string escaped."""

from __future__ import annotations

import io
import json
import re

import pytest

from policy_graph.endpoint.logs import json_line, message_line, request_line, write_line

HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\u2028\u2029\ufeff]"
)


@pytest.mark.parametrize(
    "text",
    [
        "a\nb", "a\rb", "\x1b[31mred\x1b[0m", "nul\x00", "del\x7f", "nel\x85", "csi\x9b2J",
        "rtl\u202eevil", "isolate\u2066x\u2069", "ls\u2028ps\u2029", "bom\ufeff", "zw\u200b",
        "tag\U000e0041", "private\ue000", "lone\ud800",
    ],
)  # fmt: skip
def test_every_character_that_is_not_shown_as_text_is_escaped(text):
    line = json_line({"message": text})
    assert "\n" not in line and not HIDDEN.search(line), repr(line)
    assert json.loads(line) == {"message": text}


def test_text_that_is_shown_stays_as_it_is():
    line = json_line({"message": "서울특별시 강서구 · Gangseo “quoted”"})
    assert line == '{"message": "서울특별시 강서구 · Gangseo “quoted”"}'


def test_a_request_line_holds_the_target_as_sent_and_cut_when_long():
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET",
               "REQUEST_URI": "/id/x%0ay" + "z" * 400}  # fmt: skip
    record = json.loads(request_line(environ, 404, 12, 3.4, False))
    assert record["target"] == ("/id/x%0ay" + "z" * 400)[:299] + "…"
    assert (record["client"], record["method"], record["status"], record["bytes"], record["ms"]) == (
        "127.0.0.1", "GET", 404, 12, 3,
    )  # fmt: skip
    assert "truncated" not in record
    assert json.loads(request_line(environ, 200, 1, 0, True))["truncated"] is True


def test_a_message_naming_a_file_with_a_line_break_stays_one_line():
    line = message_line("serving /tmp/a\nfake line.ttl: 3 triples")
    assert len(line.splitlines()) == 1
    assert json.loads(line)["message"] == "serving /tmp/a\nfake line.ttl: 3 triples"


class _Writes(io.RawIOBase):
    """A file that records each write made to it."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.calls.append(bytes(data))
        return len(data)


def test_a_log_line_is_one_write_with_its_newline():
    """Several HTTP processes write to one log: a line written apart from its newline
    (as print does) let another process's line in between, making two lines one."""
    raw = _Writes()  # under a text stream as sys.stderr is off a terminal: no buffer
    stream = io.TextIOWrapper(raw, write_through=True)
    line = message_line("now serving the new build sha256:feed")
    write_line(stream, line)
    write_line(stream, line)
    assert raw.calls == [f"{line}\n".encode()] * 2
