"""A synthetic corpus in our own record format, for benchmarks and scale tests.

Deterministic for a seed: N governments of the kinds the graph holds together —
metropolitan and special cities and provinces with their departments (a team inside
a division, a division inside an office), and their districts (구) and counties (군),
which name no department. Top-level governments have an AI master plan with a budget,
an end year and strands; policies have budgets, end years and timelines in words;
every city has a 기획조정실 (`planning-coordination`), so department names repeat
across governments. Policies are tagged from the real vocabularies (the technology
hierarchy, target groups, domains), with Korean and English labels, and quotes that
are verbatim in a generated source text per government, so that the corpus goes
through the real pipeline, `validate --sources` too. Every record is fictional.

A government's slug is one word (``city0001``, ``district0002``: letters and digits,
no '-'), so in the IRIs ``org/<government>-<unit>``, ``policy/<government>-<id>`` and
``programme/<government>-<id>`` the government is what precedes the first '-': two
different pairs never give one IRI, and a government's own ``org/<slug>`` has no '-'.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths
from .errors import UsageError

# The departments every city and province has, and units its 관 and 국 may hold.
CORE_UNITS = ("planning-coordination",)
EXTRA_UNITS = [
    ("digital-policy", "디지털정책관", "Digital Policy Division", "division"),
    ("smart-city", "스마트도시국", "Smart City Bureau", "bureau"),
]
INNER_UNITS = {
    "digital-policy": ("ai-team", "인공지능팀", "AI Team", "team"),
    "smart-city": ("smart-city-data-team", "스마트도시데이터팀", "Smart City Data Team", "team"),
}
# Organisation types of the generated governments and units that data/ may lack.
EXTRA_TYPES = {
    "special-city": ("특별시", "special city"),
    "province": ("도", "province"),
    "district": ("자치구", "autonomous district"),
    "county": ("군", "county"),
    "team": ("팀", "team"),
}
# kind → (slug word, Korean name, English name); top-level kinds with their weights.
TOP_KINDS = {
    "metropolitan-city": ("city", "가상광역시", "Synthetic Metropolitan City"),
    "special-city": ("special", "가상특별시", "Synthetic Special City"),
    "province": ("province", "가상도", "Synthetic Province"),
}
TOP_WEIGHTS = (6, 1, 3)
# The first governments, so that even a corpus of four has every kind.
OPENING = ("metropolitan-city", "district", "province", "county")
TOP_SHARE = 0.25  # of the governments after the opening; the others are inside one
DISTRICTS = [
    ("jung", "중구", "Jung District"),
    ("dong", "동구", "Dong District"),
    ("seo", "서구", "Seo District"),
    ("nam", "남구", "Nam District"),
    ("buk", "북구", "Buk District"),
    ("nuri", "누리구", "Nuri District"),
    ("hanbit", "한빛구", "Hanbit District"),
    ("saebit", "새빛구", "Saebit District"),
    ("eunha", "은하구", "Eunha District"),
]
COUNTIES = [
    ("garam", "가람군", "Garam County"),
    ("haneul", "하늘군", "Haneul County"),
    ("bora", "보라군", "Bora County"),
    ("solmoe", "솔뫼군", "Solmoe County"),
    ("dain", "다인군", "Dain County"),
    ("narae", "나래군", "Narae County"),
]
STRANDS = [
    ("ai-infrastructure", "AI 기반 구축", "Building the foundations of AI"),
    ("ai-citizen-services", "AI 시민 서비스", "AI services for citizens"),
    ("ai-talent", "AI 인재 양성", "Training AI talent"),
    ("ai-industry-growth", "AI 산업 육성", "Growing the AI industry"),
    ("data-administration", "데이터 행정 혁신", "Data-driven administration"),
]
TIMELINES = ["연말까지", "올해", "오는 7월", "상반기 중", "내년 상반기까지", "오는 3월부터"]
KIND_WORDS = {
    "metropolitan-city": ("metropolitan city", "metropolitan cities"),
    "special-city": ("special city", "special cities"),
    "province": ("province", "provinces"),
    "district": ("district", "districts"),
    "county": ("county", "counties"),
}
PUBLISHER = {
    "id": "synthetic-daily",
    "label": {"ko": "가상일보", "en": "Synthetic Daily"},
    "kind": "publisher",
}
EOK = 100_000_000  # 억 원
# Triples of a generated corpus (for --triples), measured on corpora of 5 to 40 policies
# a government and 100 to 400 governments: 14 a policy, some 60 a government.
TRIPLES_PER_POLICY = 14
TRIPLES_PER_CITY = 60  # its government (a quarter with units), programmes, source


@dataclass
class _Government:
    """One government of the corpus, as planned before its records are written."""

    number: int
    kind: str
    slug: str
    ko: str
    en: str
    short: str  # how its own texts name it: 가상광역시 3, 중구
    parent: _Government | None = None
    children: list[str] = field(default_factory=list)  # names used inside it

    @property
    def top_level(self) -> bool:
        return self.parent is None


def describe(made: dict[str, int]) -> str:
    """``generate``'s counts in words: '5 governments (2 metropolitan cities, …)'."""
    kinds = [
        f"{made[kind]} {KIND_WORDS[kind][made[kind] != 1]}" for kind in KIND_WORDS if made.get(kind)
    ]
    plural = "s" if made["governments"] != 1 else ""
    return f"{made['governments']} government{plural} ({', '.join(kinds)})"


def _dump(data) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000).encode(
        "utf-8"
    )


def _load(path: Path):
    return yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _write(path: Path, data: bytes) -> None:
    # A new corpus in a folder of its own: a file half written is regenerated, not
    # kept, so no fsync per file (write_atomic's took 30 of 50 s at 1M triples).
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def cities_for(triples: int, policies_per_city: int) -> int:
    """How many governments give about ``triples`` triples."""
    per_city = policies_per_city * TRIPLES_PER_POLICY + TRIPLES_PER_CITY
    return max(1, round(triples / per_city))


def government_slug(kind: str, number: int) -> str:
    """One word, never holding a '-' (see the module's docstring): ``city0001``."""
    word = TOP_KINDS[kind][0] if kind in TOP_KINDS else kind
    return f"{word}{number:04d}"


def plan_governments(rng: random.Random, count: int) -> list[_Government]:
    """``count`` governments: the opening kinds, then a top-level government now and
    then (TOP_SHARE), each followed by districts and counties inside it."""
    plan: list[_Government] = []
    top: _Government | None = None
    for number in range(1, count + 1):
        if number <= len(OPENING):
            kind = OPENING[number - 1]
        elif top is None or rng.random() < TOP_SHARE or not _free_names(top):
            kind = rng.choices(list(TOP_KINDS), TOP_WEIGHTS)[0]
        elif top.kind == "province" or rng.random() < 0.2:
            kind = "county"
        else:
            kind = "district"
        if kind in TOP_KINDS:
            _word, ko, en = TOP_KINDS[kind]
            top = _Government(
                number, kind, government_slug(kind, number), f"{ko} {number}", f"{en} {number}",
                f"{ko} {number}",
            )  # fmt: skip
            plan.append(top)
        else:
            plan.append(_inside(rng, top, kind, number))
    return plan


def _free_names(top: _Government) -> list[tuple[str, str, str]]:
    names = COUNTIES if top.kind == "province" else DISTRICTS + COUNTIES
    return [n for n in names if n[0] not in top.children]


def _inside(rng: random.Random, top: _Government, kind: str, number: int) -> _Government:
    names = {"district": DISTRICTS, "county": COUNTIES}
    free = [n for n in names[kind] if n[0] not in top.children]
    if not free:  # every name of this kind is taken in this city: the other kind
        kind = "county" if kind == "district" else "district"
        free = [n for n in names[kind] if n[0] not in top.children]
    word, ko, en = rng.choice(free)
    top.children.append(word)
    return _Government(
        number, kind, government_slug(kind, number), f"{top.ko} {ko}", f"{en}, {top.en}", ko, top
    )


def generate(
    out: Path | str,
    cities: int,
    policies_per_city: int = 40,
    seed: int = 7,
    report=None,
    one_file: bool = False,
) -> dict[str, int]:
    """Write the corpus of ``cities`` governments under ``out`` (records) and
    ``out/sources`` (texts); ``report(step, done, total)`` hears of each one written.
    Returns how many governments of each kind, and policies, were written.

    ``one_file``: every government's records in one file, ``out/governments.yaml`` (a
    national export), instead of a folder per government: the same records, ids and
    texts, in the same order kind by kind, so both corpora build the same graph."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise UsageError(
            f"{out} is not empty: generate writes a new corpus into a new or empty folder "
            "(records left from another corpus would mix with it)"
        )
    rng = random.Random(seed)
    vocabulary = _copy_vocabularies(out)
    plan = plan_governments(rng, cities)
    sources, made = [], {"governments": len(plan), "policies": 0}
    writer = _OneFile(out / "governments.yaml") if one_file else _FilePerGovernment(out)
    for done, government in enumerate(plan, 1):
        source, text = _write_government(writer, rng, government, policies_per_city, vocabulary)
        sources.append(source)
        _write(out / "sources" / f"{source['id']}.txt", text.encode("utf-8"))
        made[government.kind] = made.get(government.kind, 0) + 1
        made["policies"] += policies_per_city
        if report:
            report("writing governments", done, len(plan))
    writer.close()
    _write(out / "sources.yaml", _dump({"organisations": [PUBLISHER], "sources": sources}))
    return made


def _copy_vocabularies(out: Path) -> dict:
    """The bundled vocabularies and organisations, with the organisation types they
    lack; returns what policies are tagged from."""
    bundled = paths.bundled_data_dir()
    vocab = out / "vocabularies"
    vocab.mkdir(parents=True, exist_ok=True)
    for name in ("technologies", "target-groups", "domains", "organisation-types"):
        shutil.copyfile(bundled / "vocabularies" / f"{name}.yaml", vocab / f"{name}.yaml")
    shutil.copyfile(bundled / "organisations.yaml", out / "organisations.yaml")
    known = {t["id"] for t in _load(vocab / "organisation-types.yaml")["organisation_types"]}
    extra = [
        {"id": kind, "label": {"ko": ko, "en": en}}
        for kind, (ko, en) in EXTRA_TYPES.items()
        if kind not in known
    ]
    if extra:
        _write(vocab / "generated-organisation-types.yaml", _dump({"organisation_types": extra}))
    gwangju = _load(bundled / "gwangju" / "government.yaml")["governments"][0]
    return {
        "technologies": _load(vocab / "technologies.yaml")["technologies"],
        "groups": _load(vocab / "target-groups.yaml")["target_groups"],
        "domains": _load(vocab / "domains.yaml")["domains"],
        "partners": [
            o["id"]
            for o in _load(out / "organisations.yaml")["organisations"]
            if o["kind"] != "publisher"
        ],
        "units": [
            (u["id"], u["label"]["ko"], u["label"]["en"], u["unit_type"]) for u in gwangju["units"]
        ]
        + EXTRA_UNITS,
    }


class _FilePerGovernment:
    """Writes each government's records into a folder of its own:
    ``governments/<slug>/{government,programmes,policies}.yaml``."""

    def __init__(self, out: Path):
        self.out = out

    def write(self, slug: str, sections: dict[str, list[dict]]) -> None:
        for name, items in sections.items():
            if items:
                _write(self.out / "governments" / slug / _FILE_OF[name], _dump({name: items}))

    def close(self) -> None:
        pass


_FILE_OF = {
    "governments": "government.yaml",
    "programmes": "programmes.yaml",
    "policies": "policies.yaml",
}


class _OneFile:
    """Writes every government's records into one file, a section per kind, the
    governments in the order their folders would be read (by slug): so that each kind's
    records come in the same order as from a folder per government."""

    def __init__(self, path: Path):
        self.path = path
        self.items: dict[str, dict[str, bytes]] = {name: {} for name in _FILE_OF}

    def write(self, slug: str, sections: dict[str, list[dict]]) -> None:
        for name, items in sections.items():
            if items:  # dumped now: a list at the left margin, to go under its section
                self.items[name][slug] = _dump(items)

    def close(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as file:
            for name, dumped in self.items.items():
                file.write(f"{name}:\n".encode())
                file.writelines(dumped[slug] for slug in sorted(dumped))


def _write_government(writer, rng, government, policies_per_city, vocabulary) -> tuple[dict, str]:
    """Write one government's records; return its source and the source's text."""
    source = _source(rng, government)
    record = {"id": government.slug, "label": {"ko": government.ko, "en": government.en}}
    if government.short != government.ko:
        record["alt_labels"] = {"ko": [government.short]}
    record["kind"] = government.kind
    units: list[tuple[str, str, str | None]] = []  # id, how a quote names it, holder
    if government.top_level:
        record["units"] = _units(rng, vocabulary["units"], units, every=government.number == 1)
    else:
        record["part_of"] = government.parent.slug
    programmes = _programmes(rng, government, source)
    lines = [q for p in programmes for q in p["quotes"]]
    policies = []
    for index in range(1, policies_per_city + 1):
        policy = _policy(rng, index, government, source, units, programmes, vocabulary)
        policies.append(policy)
        lines += policy["quotes"]
    sections = {"governments": [record], "programmes": programmes, "policies": policies}
    writer.write(government.slug, sections)
    return source, "\n".join(dict.fromkeys(lines)) + "\n"


def _units(rng, known, named: list, every: bool = False) -> list[dict]:
    """A city's or province's units: 기획조정실 and most others, some holding a team;
    sometimes the 디지털정책관 sits inside the 기획조정실 (``every``: all units, each
    holding what it may, for the first city). ``named`` gets each unit."""
    others = [u for u in known if u[0] not in CORE_UNITS]
    least = len(others) if every else len(others) * 2 // 3
    chosen = set(rng.sample(range(len(others)), rng.randint(least, len(others))))
    units = [u for u in known if u[0] in CORE_UNITS] + [
        u for i, u in enumerate(others) if i in chosen
    ]
    tree, by_id = [], {}
    for unit_id, ko, en, kind in units:
        by_id[unit_id] = {"id": unit_id, "label": {"ko": ko, "en": en}, "unit_type": kind}
        named.append((unit_id, ko, None))
        inner = INNER_UNITS.get(unit_id)
        if inner and (every or rng.random() < 0.5):
            inner_id, inner_ko, inner_en, inner_kind = inner
            by_id[unit_id]["units"] = [
                {"id": inner_id, "label": {"ko": inner_ko, "en": inner_en}, "unit_type": inner_kind}
            ]
            named.append((inner_id, inner_ko, ko))
        holder = "planning-coordination" if unit_id == "digital-policy" else None
        if holder and (every or rng.random() < 0.3):
            by_id[holder].setdefault("units", []).append(by_id[unit_id])
        else:
            tree.append(by_id[unit_id])
    return tree


def _source(rng, government: _Government) -> dict:
    """The one source of a government: its own report, press release (often without a
    headline) or web page, or a news article."""
    issued = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
    source = {"id": f"synthetic-{government.slug}"}
    draw = rng.random()
    if draw < 0.4:
        source |= {"type": "news-article", "publisher": rng.choice(("asiae", "synthetic-daily"))}
        title = (f"{government.ko}, AI 정책 추진", f"AI policies of {government.en}")
    elif government.top_level:
        source |= {"type": "report", "publisher": government.slug}
        title = (f"{government.ko} 인공지능 종합계획", f"AI master plan of {government.en}")
    elif draw < 0.8:
        source |= {"type": "press-release", "publisher": government.slug}
        title = None
    else:
        source |= {"type": "web-page", "publisher": government.slug}
        title = (f"{government.ko} 스마트 행정", f"Smart administration in {government.en}")
    if title:
        source |= {"title": title[0], "title_en": title[1]}
    source["issued"] = issued
    return source


def _programmes(rng, government: _Government, source: dict) -> list[dict]:
    """A city's or province's AI master plan (a budget, an end year, strands: always
    for the first city) and sometimes a 1실국 1AI 정책; a district's or county's plan,
    now and then."""
    year = source["issued"].year
    subject = _topic(government.short)
    programmes = []
    if government.top_level:
        title = (f"{government.short} AI 종합계획", f"AI master plan of {government.en}")
        budget, end = rng.randrange(100, 3000), year + rng.randrange(2, 7)
        quote = f"{subject} {end}년까지 총 {budget}억 원을 투입하는 ‘{title[0]}’을 추진한다."
        master = _programme(government, "ai-master-plan", title, source, quote)
        master |= {"budget_krw": budget * EOK, "planned_end": end}
        programmes.append(master)
        counts = (2, 3, 3, 4) if government.number == 1 else (0, 2, 3, 3, 4)
        strands = sorted(rng.sample(range(len(STRANDS)), rng.choice(counts)))
        named = ", ".join(f"‘{STRANDS[i][1]}’" for i in strands)
        quote = f"계획은 {named}의 {len(strands)}대 전략으로 구성된다."
        for i in strands:
            strand_id, ko, en = STRANDS[i]
            strand = _programme(government, strand_id, (ko, en), source, quote)
            programmes.append({**strand, "part_of": "ai-master-plan"})
        if rng.random() < 0.5:
            title = ("1실국 1AI 정책", "One AI Policy for Each Office")
            quote = f"{subject} ‘1실국 1AI 정책’을 추진한다."
            programmes.append(_programme(government, "one-office-one-ai", title, source, quote))
    elif rng.random() < 0.5:
        title = (
            f"{government.short} AI 행정 혁신 계획",
            f"AI in the administration of {government.en}",
        )
        budget = rng.randrange(5, 200) if rng.random() < 0.5 else None
        spent = f"{budget}억 원을 들여 " if budget else ""
        quote = f"{subject} {spent}‘{title[0]}’을 추진한다."
        plan = _programme(government, "ai-administration-plan", title, source, quote)
        if budget:
            plan["budget_krw"] = budget * EOK
        programmes.append(plan)
    return programmes


def _programme(government, programme_id, title, source, quote) -> dict:
    return {
        "id": programme_id,
        "government": government.slug,
        "title": {"ko": title[0], "en": title[1]},
        "quotes": [quote],
        "source": source["id"],
    }


def _in_programme(rng, programmes: list[dict]) -> str | None:
    """Most policies in a strand where there are strands, some in the plan itself,
    some in the 1실국 1AI 정책, a few in none."""
    strands = [p["id"] for p in programmes if "part_of" in p]
    whole = [p["id"] for p in programmes if "part_of" not in p]
    draw = rng.random()
    if strands and draw < 0.6:
        return rng.choice(strands)
    if whole and draw < 0.9:
        return rng.choice(whole)
    return None


def _policy(rng, index, government, source, units, programmes, vocabulary) -> dict:
    techs = rng.sample(vocabulary["technologies"], rng.choice((1, 1, 2, 2, 3)))
    domain = rng.sample(vocabulary["domains"], rng.choice((1, 1, 2)))
    groups = rng.sample(vocabulary["groups"], rng.choice((0, 0, 1, 2)))
    title_ko = f"{techs[0]['label']['ko']} 기반 {domain[0]['label']['ko']} 사업 {index}"
    title_en = f"{techs[0]['label']['en']} for {domain[0]['label']['en']}, project {index}"
    title_en = title_en[0].upper() + title_en[1:]
    policy = {"id": f"policy-{index:04d}", "government": government.slug}
    department = rng.choice(units) if units and rng.random() < 0.9 else None
    if department:
        policy["lead_department"] = department[0]
    programme = _in_programme(rng, programmes)
    if programme:
        policy["programme"] = programme
    timing, words, words_en = _timing(rng, source["issued"].year)
    action = f"{words}{_object(title_ko)} 추진한다."
    policy |= {
        "title": {"ko": title_ko, "en": title_en},
        "description": {"ko": action, "en": f"{title_en}{words_en}."},
        "technologies": [t["id"] for t in techs],
    }
    if groups:
        policy["target_groups"] = [g["id"] for g in groups]
    if rng.random() < 0.15:
        policy["partners"] = [rng.choice(vocabulary["partners"])]
    policy["domains"] = [d["id"] for d in domain]
    if department:  # 디지털정책관 인공지능팀은 …, as a city's plan names a team
        subject = f"{department[2]} {department[1]}" if department[2] else department[1]
    else:
        subject = government.short
    return policy | timing | {"quotes": [f"{_topic(subject)} {action}"], "source": source["id"]}


def _timing(rng, year: int) -> tuple[dict, str, str]:
    """Now and then a budget, an end year or a timeline in words; with how the
    policy's quote says them in Korean, and its description in English."""
    timing, words, words_en = {}, "", ""
    if rng.random() < 0.15:
        budget = rng.randrange(1, 500)
        timing["budget_krw"] = budget * EOK
        words, words_en = f"{budget}억 원을 들여 ", f", for {budget}00 million won"
    if rng.random() < 0.15:
        end = year + rng.randrange(1, 7)
        timing["planned_end"] = end
        words, words_en = f"{end}년까지 {words}", f"{words_en}, by {end}"
    elif rng.random() < 0.15:
        timing["timeline"] = rng.choice(TIMELINES)
        words = f"{timing['timeline']} {words}"
    return timing, words, words_en


# --- Korean particles: 은/는 and 을/를 after a final consonant or not -------------

_FINAL_DIGITS = set("013678")  # 영 일 삼 육 칠 팔 end in a consonant


def _has_final_consonant(word: str) -> bool:
    last = word.rstrip()[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    return last in _FINAL_DIGITS


def _topic(word: str) -> str:
    return f"{word}{'은' if _has_final_consonant(word) else '는'}"


def _object(word: str) -> str:
    return f"{word}{'을' if _has_final_consonant(word) else '를'}"
