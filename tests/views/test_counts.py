"""One count for one thing, on a generated corpus (most governments name no department;
one has no policy): build's summary, index.html, the overview, the departments ×
technologies page and each government's page count governments, departments, policies
and sources alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

# build's summary names → the kinds pages count
KINDS = {
    "governments": "government",
    "departments": "department",
    "policies": "policy",
    "sources": "source",
    "technologies": "technology",
    "target groups": "target-group",
    "partners": "partner",
}


def _page_data(folder: Path, name: str) -> dict:
    text = (folder / f"{name}.html").read_text(encoding="utf-8")
    return json.loads(text.split('id="page-data">', 1)[1].split("</script>", 1)[0])


def _index_table(folder: Path, table: str) -> list[tuple[str, ...]]:
    index = (folder / "index.html").read_text(encoding="utf-8")
    body = index.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [
        tuple(re.sub("<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", body)
        if "<td" in row
    ]


def test_build_the_index_and_the_whole_graphs_pages_count_alike(generated):
    folder, built, _views = generated
    expected = {KINDS[name]: built[name] for name in KINDS}
    assert expected["government"] == 25 and expected["department"] > 0
    for name in ("overview", "department-technology"):
        assert _page_data(folder, name)["covers"]["counts"] == expected, name
        assert len(_page_data(folder, name)["covers"]["governments"]) == 25
    names = {
        "정책": "policy",
        "부서·기관": "department",
        "지방정부": "government",
        "출처": "source",
    }
    names |= {"기술": "technology", "정책 대상": "target-group", "협력 기관": "partner"}
    table = {names[kind]: int(n.replace(",", "")) for kind, n in _index_table(folder, "counts")
             if kind in names}  # fmt: skip
    assert table == expected
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<p id="covers">지방정부 25곳, 정책 {built["policies"]:,}건, 출처 24건.' in index


def test_every_government_is_listed_and_its_page_counts_as_the_index_does(generated):
    folder, built, _views = generated
    rows = _index_table(folder, "governments-list")
    assert len(rows) == built["governments"] == 25
    assert ("외딴군", "0", "0") in rows  # no policy, no page: listed with 0
    assert sum(int(policies) for _name, policies, _units in rows) == built["policies"]
    assert sum(int(units) for _name, _policies, units in rows) == built["departments"]
    pages = sorted(folder.glob("government-*.html"))
    assert len(pages) == 24
    by_name = {name: (int(p), int(u)) for name, p, u in rows}
    for page in pages:
        data = _page_data(folder, page.stem)
        counts = data["covers"]["counts"]
        assert counts["government"] == 1
        assert (counts["policy"], counts.get("department", 0)) == by_name[
            data["page"]["title"]["ko"]
        ]


def test_the_departments_page_counts_its_rows_as_what_they_are(generated):
    folder, built, views = generated
    note = views["department-technology"].note["ko"]
    units, governments = map(int, re.findall(r"부서 ([\d,]+)곳과 .* 지방정부 ([\d,]+)곳", note)[0])
    data = _page_data(folder, "department-technology")
    rows = data["graph"]["rows"]
    kinds = [data["terms"][row]["k"] for row in rows]
    assert (units, governments) == (kinds.count("department"), kinds.count("government"))
    assert units <= built["departments"]  # rows are departments that lead a policy


def test_the_page_says_the_counts_build_printed(opener, generated):
    folder, built, _views = generated
    page = opener(folder, "overview")
    covers = page.js("document.getElementById('covers').textContent")
    assert f"지방정부 {built['governments']}곳" in covers
    assert f"부서·기관 {built['departments']:,}" in covers
    assert f"정책 {built['policies']:,}" in covers and f"출처 {built['sources']}" in covers
