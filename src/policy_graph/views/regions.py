"""Where a government is on the map of Korea: its administrative code (법정동 code, as
its records give it: current when its report was written) matched to the codes of the
boundaries the views draw (``static/korea/regions.geojson``, made once by
:mod:`.boundaries`; where they come from is in ``static/korea/SOURCE.md``).

Codes change when governments do: 강원도 became 강원특별자치도 in 2023 and its code 42
became 51, 전라북도 became 전북특별자치도 in 2024 and 45 became 52, and the codes of the
시·군·구 under them changed with them. :data:`CODE_CHANGES` lists such changes; a code of
before a change is carried forward through it to the codes the boundaries use, which
are those in force since the last change listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

BOUNDARIES = ("static", "korea", "regions.geojson")


@dataclass(frozen=True)
class CodeChange:
    """One change of code: from ``date`` on, ``old`` is ``new``. A two-digit ``old`` (a
    시·도) changes the codes of every 시·군·구 under it too (their last three digits stay)."""

    date: str
    old: str
    new: str
    name: str  # the name under the new code
    why: str


CODE_CHANGES = (
    CodeChange("2013-09-23", "41730", "41670", "여주시", "여주군 became 여주시"),
    CodeChange("2014-07-01", "43710", "43110", "청주시", "청원군 joined 청주시"),
    CodeChange("2018-07-01", "28170", "28177", "미추홀구", "인천 남구 was renamed 미추홀구"),
    CodeChange("2023-06-11", "42", "51", "강원특별자치도", "강원도 became 강원특별자치도"),
    CodeChange("2023-07-01", "47720", "27720", "군위군", "군위군 moved to 대구광역시"),
    CodeChange("2024-01-18", "45", "52", "전북특별자치도", "전라북도 became 전북특별자치도"),
)


def current_code(code: str) -> str:
    """``code`` carried through every later change of :data:`CODE_CHANGES`: the code of
    the same place in the boundaries' vintage ("45110" → "52110", "42" → "51")."""
    for change in CODE_CHANGES:
        if code == change.old or (len(change.old) == 2 and code[:2] == change.old):
            code = change.new + code[len(change.old) :]
    return code


@lru_cache(maxsize=1)
def _features() -> tuple[dict, ...]:
    text = files("policy_graph.views").joinpath(*BOUNDARIES).read_text(encoding="utf-8")
    return tuple(f["properties"] for f in json.loads(text)["features"])


def boundary_codes() -> frozenset[str]:
    """The codes of the regions the map draws (시·도 and 시·군·구)."""
    return frozenset(f["code"] for f in _features())


def sido_names() -> dict[str, str]:
    """Each 시·도's code and name (what a page names a region by before its map loads)."""
    return {f["code"]: f["name"] for f in _features() if f["level"] == "sido"}


def map_code(code: str | None) -> str | None:
    """The region of the map that a government of ``code`` is drawn as, or None when
    the code (after its changes) is not one of the boundaries'."""
    if not code:
        return None
    found = current_code(code)
    return found if found in boundary_codes() else None


def boundaries_script() -> bytes:
    """The boundaries as a script the pages load (``assets/korea-regions.js``): pages
    opened from disk may not fetch a file, but they may load a script."""
    text = files("policy_graph.views").joinpath(*BOUNDARIES).read_text(encoding="utf-8")
    return f"window.PolicyGraphKorea = {text.strip()};\n".encode()
