"""Amounts of won and years as Korean reports write them ('2,064억 원', '35억원',
'1조 2천억 원', '2025년까지'), to tell whether a record's number is stated by its quotes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# A number, optionally with thousands separators or a decimal part, then a unit.
# Possessive (++) and atomic ((?>…)): a text that is not an amount fails at once
# instead of trying every way of splitting its digits and spaces into terms.
_NUMBER = r"\d++(?:,\d{3})*+(?:\.\d++)?+"
_LARGE_UNITS = {"조": Decimal(10) ** 12, "억": Decimal(10) ** 8, "만": Decimal(10) ** 4}
_SMALL_UNITS = {"천": Decimal(1000), "백": Decimal(100)}
_TERM = re.compile(rf"({_NUMBER})\s*(천|백)?\s*(조|억|만)?")
_AMOUNT = re.compile(rf"(?>{_NUMBER}\s*(?:천|백)?\s*(?:조|억|만)?\s*)+원?")


def amounts_in(text: str) -> set[Decimal]:
    """Every amount that ``text`` writes with a Korean unit or as a number of won:
    '2,064억 원' → 206400000000, '1조 2천억 원' → 1200000000000, '5000만원' → 50000000."""
    found = set()
    for match in _AMOUNT.finditer(text):
        written = match.group(0)
        if not (re.search(r"[조억만]", written) or written.endswith("원")):
            continue  # a bare number is not an amount of money
        total = _sum_of_terms(written)
        if total is not None:
            found.add(total)
    return found


def _sum_of_terms(written: str) -> Decimal | None:
    total, pending = Decimal(0), Decimal(0)
    for number, small, large in _TERM.findall(written):
        try:
            value = Decimal(number.replace(",", ""))
        except InvalidOperation:
            return None
        if small:
            value *= _SMALL_UNITS[small]
        if large:
            total += (pending + value) * _LARGE_UNITS[large]
            pending = Decimal(0)
        else:
            pending += value
    return total + pending


def parse_amount_text(text: str) -> Decimal | None:
    """The number of won that a whole text writes ('200억 원', '20,000,000,000'), if it is one."""
    text = text.strip()
    plain = text.replace(",", "")
    try:
        value = Decimal(plain)
        return value if value.is_finite() else None
    except InvalidOperation:
        pass
    match = _AMOUNT.fullmatch(text)
    return _sum_of_terms(text) if match and re.search(r"[조억만]", text) else None


def years_in(text: str) -> set[int]:
    """Every four-digit year of ``text`` ('2025년까지' → 2025)."""
    return {int(y) for y in re.findall(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)", text)}


def won_in_words(amount: Decimal) -> dict[str, str]:
    """An amount of won as a Korean report writes it and in English:
    20000000000 → {"ko": "200억 원", "en": "KRW 20 billion"};
    1200000000000 → {"ko": "1조 2,000억 원", "en": "KRW 1.2 trillion"}."""
    return {"ko": _korean_won(amount), "en": _english_won(amount)}


def _korean_won(amount: Decimal) -> str:
    if amount != amount.to_integral_value() or amount < 10**4:
        return f"{amount.normalize():,f} 원"
    parts, rest = [], int(amount)
    for unit, size in _LARGE_UNITS.items():
        count, rest = divmod(rest, int(size))
        if count:
            parts.append(f"{count:,}{unit}")
    if rest:
        parts.append(f"{rest:,}")
    return " ".join(parts) + " 원"


def _english_won(amount: Decimal) -> str:
    for size, name in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal("0.001")).normalize()
            return f"KRW {scaled:,f} {name}"
    return f"KRW {amount.normalize():,f}"


# --- reading amounts and end years out of a passage (policy-graph draft) -------------

# An amount of money: terms as above, then 원 ('200억 원', '5,000만원', '1조 2천억 원').
_WON = re.compile(rf"(?<![\d,.])(?>{_NUMBER}\s*(?:천|백)?\s*(?:조|억|만)?\s*)+원")
# An end year: '2025년까지', '2026년 말까지', '2030년 완공', '2024~2026년' (the later year).
_END_YEAR = re.compile(
    r"(?<!\d)(?:(?:1\d{3}|2\d{3})\s*[~∼-]\s*)?(1\d{3}|2\d{3})년"
    r"(?:\s*(?:말|상반기|하반기|초))?\s*(?:까지|완공|준공|완료|개통|목표)"
    r"|(?<!\d)(?:1\d{3}|2\d{3})\s*[~∼-]\s*(1\d{3}|2\d{3})년"
)


def won_stated(text: str) -> list[tuple[str, Decimal]]:
    """Each amount of won that ``text`` writes, as written and as a number, in order:
    '2025년까지 200억 원을 투입해' → [('200억 원', 20000000000)]. A number without 원
    ('100개사', '2025년') is no amount of money."""
    found = []
    for match in _WON.finditer(text):
        written = match.group(0)
        total = _sum_of_terms(written)
        if total is not None and total > 0:
            found.append((written, total))
    return found


def end_years_stated(text: str) -> list[tuple[str, int]]:
    """Each year that ``text`` states as an end, as written and as a number, in order:
    '2025년까지 200억 원을' → [('2025년까지', 2025)]; a year alone ('2021년 1월') is none."""
    return [
        (match.group(0), int(match.group(1) or match.group(2)))
        for match in _END_YEAR.finditer(text)
    ]
