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
