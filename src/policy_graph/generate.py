"""A synthetic corpus in our own record format, for benchmarks and scale tests.

Deterministic for a seed: N cities of ~25 departments each, policies tagged from
the real vocabularies (the technology hierarchy, target groups, domains), Korean
and English labels, and quotes that are verbatim in a generated source text per
city, so that the corpus goes through the real pipeline, `validate --sources` too.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from . import paths
from .outputs import write_atomic

EXTRA_UNITS = [
    ("digital-policy", "디지털정책관", "Digital Policy Division", "division"),
    ("smart-city", "스마트도시국", "Smart City Bureau", "bureau"),
]
TIMELINES = ["연말까지", "올해", "오는 7월", "상반기 중"]
# Triples of a generated city: measured (782 for 40 policies, 1,190 cities); --triples.
TRIPLES_PER_POLICY = 15
TRIPLES_PER_CITY = 180  # its government, units, programme and source


def _dump(data) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000).encode(
        "utf-8"
    )


def _load(path: Path):
    return yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def cities_for(triples: int, policies_per_city: int) -> int:
    """How many cities give about ``triples`` triples."""
    per_city = policies_per_city * TRIPLES_PER_POLICY + TRIPLES_PER_CITY
    return max(1, round(triples / per_city))


def generate(
    out: Path | str, cities: int, policies_per_city: int = 40, seed: int = 7, report=None
) -> dict[str, int]:
    """Write the corpus under ``out`` (records) and ``out/sources`` (texts);
    ``report(step, done, total)`` hears of each city written."""
    out = Path(out)
    rng = random.Random(seed)
    bundled = paths.bundled_data_dir()
    vocab = out / "vocabularies"
    vocab.mkdir(parents=True, exist_ok=True)
    for name in ("technologies", "target-groups", "domains", "organisation-types"):
        shutil.copyfile(bundled / "vocabularies" / f"{name}.yaml", vocab / f"{name}.yaml")
    shutil.copyfile(bundled / "organisations.yaml", out / "organisations.yaml")
    technologies = _load(vocab / "technologies.yaml")["technologies"]
    groups = _load(vocab / "target-groups.yaml")["target_groups"]
    domains = _load(vocab / "domains.yaml")["domains"]
    partners = [
        o["id"]
        for o in _load(out / "organisations.yaml")["organisations"]
        if o["kind"] != "publisher"
    ]
    gwangju = _load(bundled / "gwangju" / "government.yaml")["governments"][0]
    units = [
        (u["id"], u["label"]["ko"], u["label"]["en"], u["unit_type"]) for u in gwangju["units"]
    ] + EXTRA_UNITS
    sources, policies_written = [], 0
    for number in range(1, cities + 1):
        city = f"city-{number:04d}"
        source = f"synthetic-{city}"
        sources.append(
            {
                "id": source,
                "type": "report",
                "title": f"가상시 {number} AI 정책 보고서",
                "title_en": f"AI policy report of Synthetic City {number}",
                "publisher": "asiae",
                "issued": "2021-01-19",
            }
        )
        government = {
            "id": city,
            "label": {"ko": f"가상시 {number}", "en": f"Synthetic City {number}"},
            "kind": "metropolitan-city",
            "units": [
                {"id": u, "label": {"ko": ko, "en": en}, "unit_type": kind}
                for u, ko, en, kind in units
            ],
        }
        programme_quote = f"가상시 {number}는 ‘1실국 1AI 정책’을 추진한다."
        programme = {
            "id": "one-office-one-ai",
            "government": city,
            "title": {"ko": "1실국 1AI 정책", "en": "One AI Policy for Each Office"},
            "quotes": [programme_quote],
            "source": source,
        }
        policies, quotes = [], [programme_quote]
        for index in range(1, policies_per_city + 1):
            policy, quote = _policy(
                rng, index, source, city, units, technologies, groups, domains, partners
            )
            policies.append(policy)
            quotes.append(quote)
        folder = out / "cities" / city
        write_atomic(folder / "government.yaml", _dump({"governments": [government]}))
        write_atomic(folder / "programme.yaml", _dump({"programmes": [programme]}))
        write_atomic(folder / "policies.yaml", _dump({"policies": policies}))
        write_atomic(out / "sources" / f"{source}.txt", ("\n".join(quotes) + "\n").encode("utf-8"))
        policies_written += len(policies)
        if report:
            report("writing cities", number, cities)
    write_atomic(out / "sources.yaml", _dump({"sources": sources}))
    return {"cities": cities, "policies": policies_written}


def _policy(rng, index, source, city, units, technologies, groups, domains, partners):
    unit_id, unit_ko, _unit_en, _kind = rng.choice(units)
    techs = rng.sample(technologies, rng.choice((1, 1, 2, 2, 3)))
    domain = rng.sample(domains, rng.choice((1, 1, 2)))
    title_ko = f"{techs[0]['label']['ko']} 기반 {domain[0]['label']['ko']} 사업 {index}"
    title_en = f"{techs[0]['label']['en']} for {domain[0]['label']['en']}, project {index}"
    quote = f"{unit_ko}은 {title_ko}을 추진한다."
    policy = {
        "id": f"policy-{index:04d}",
        "government": city,
        "lead_department": unit_id,
        "programme": "one-office-one-ai",
        "title": {"ko": title_ko, "en": title_en},
        "description": {"ko": f"{title_ko}을 추진한다.", "en": f"{title_en}."},
        "technologies": [t["id"] for t in techs],
        "target_groups": [g["id"] for g in rng.sample(groups, rng.choice((0, 0, 1, 2)))],
        "partners": rng.sample(partners, 1) if rng.random() < 0.15 else [],
        "domains": [d["id"] for d in domain],
    }
    if rng.random() < 0.1:
        policy["budget_krw"] = rng.randrange(1, 500) * 100_000_000
        policy["planned_end"] = rng.randrange(2021, 2031)
    if rng.random() < 0.1:
        policy["timeline"] = rng.choice(TIMELINES)
    policy["quotes"] = [quote]
    policy["source"] = source
    return policy, quote
