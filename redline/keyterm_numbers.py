"""Return numbers, days, periods, rates and caps as an agreement writes them, and their normal forms.

`parse_number("thirty (30)") -> 30.0`; `NUM`, `DAYS`, `PERIOD` and `PCT` match numbers, days,
periods and rates as written (`ABOVE_BASE`, `OF_UNPAID` what follows a rate), and `norm_rate`,
`months_text`, `norm_cap`, `norm_credit` give their normal forms; `cap_value` reads the amount
after a cap phrase. The key-term readers build their patterns from these.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

# ---------------------------------------------------------------------------------------------
# Numbers as written

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
WORD = r"(?:%s)" % "|".join(sorted(list(_UNITS) + list(_TENS) + ["hundred", "a"], key=len,
                                      reverse=True))
NUM = (r"(?:\d{1,4}(?:\.\d+)?|(?:%s)(?:[\s-]+(?:and\s+)?%s)*)(?:\s*\(\s*\d{1,4}\s*\))?"
       % (WORD, WORD))
"""A number as written: "30", "thirty", "thirty (30)", "one hundred twenty (120)", "a"."""


def parse_number(text: str) -> Optional[float]:
    """Return the number written in `text` ("thirty (30)" -> 30, "one hundred" -> 100)."""
    text = text.strip().lower()
    paren = re.search(r"\(\s*(\d{1,4})\s*\)", text)
    if paren:
        return float(paren.group(1))
    digits = re.match(r"\d{1,4}(?:\.\d+)?", text)
    if digits:
        return float(digits.group(0))
    total, seen = 0, False
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word == "a":
            total, seen = max(total, 1), True
        elif word in _UNITS:
            total, seen = total + _UNITS[word], True
        elif word in _TENS:
            total, seen = total + _TENS[word], True
        elif word == "hundred":
            total, seen = max(total, 1) * 100, True
        else:
            break
    return float(total) if seen else None


def to_int(text: str) -> Optional[int]:
    n = parse_number(text)
    return int(n) if n is not None else None


# ---------------------------------------------------------------------------------------------
# Days, periods, rates and caps as written, and their normal forms

DAYS = r"(?P<n>%s)\s*(?:calendar\s+|business\s+|working\s+)?days?\b" % NUM


PCT = (r"(?:\d{1,2}(?:\.\d+)?\s*%|\d{1,2}(?:\.\d+)?\s+per\s?cent|" + WORD +
        r"\s+(?:and\s+(?:one|a)[\s-]+half\s+)?per\s?cent(?:\s*\(\s*\d[\d.]*\s*%?\s*\))?)")
ABOVE_BASE = (r"(?:\s+(?:above|over|plus)\s+(?:the\s+)?(?:[^.;,]{0,50}?\b(?P<base>base|prime|reference|"
               r"policy|bank)\s+(?:lending\s+)?rate|(?:[^.;,]{0,30}?\b)?(?P<index>SOFR|LIBOR|EURIBOR|SONIA)\b))?")
OF_UNPAID = (r"\s+of\s+(?:the\s+|any\s+)?(?:unpaid|overdue|outstanding|past[- ]due|late)\s+"
              r"(?:amount|balance|sum|charges?)s?(?:\s+[^.;\d%]{0,40}?)?\s+(?:per|for\s+each|each|every|a)\s+"
             r"(?:calendar\s+)?month")


def norm_rate(v: str) -> str:
    """Return a rate in normal form: "1.5% per month", "4% per year above base rate"."""
    pct = re.search(r"(\d{1,2}(?:\.\d+)?)\s*(?:%|percent)", v)
    num = pct.group(1) if pct else None
    if num is None:
        n = parse_number(v.split("percent")[0])
        num = ("%g" % n) if n is not None else v
    per = "year" if re.search(r"annum|year|annual", v, re.I) else "month"
    base = re.search(r"(?:above|over|plus)\s.*?\b(base|prime|reference|policy|bank)\s+(?:lending\s+)?rate", v, re.I)
    if base:
        return f"{num}% per {per} above {base.group(1).lower()} rate"
    index = re.search(r"(?:above|over|plus)\s.*?\b(SOFR|LIBOR|EURIBOR|SONIA)\b", v, re.I)
    if index:
        return f"{num}% per {per} above {index.group(1).upper()}"
    return f"{num}% per {per}"


PERIOD = r"(?P<n>%s)[\s-]*(?P<u>months?|years?|yr)\b" % NUM


def months_text(n: str, unit: str) -> Optional[str]:
    """Return a period as months: ("two", "years") -> "24 months"."""
    k = parse_number(n)
    if k is None:
        return None
    months = k * 12 if unit.lower().startswith("y") else k
    return f"{int(months)} months" if months != 1 else "1 month"


def norm_cap(value: str) -> str:
    """Return a liability cap in normal form ("12 months' fees", "$1,000,000", "fees paid")."""
    v = value.lower()
    m = re.search(r"(?P<n>%s)[\s-]*\(?\s*(?:\d+\s*\)\s*)?(?:calendar\s+)?months?" % NUM, v)
    if m and re.search(r"preced|prior|before|previous|last|immediately", v):
        n = to_int(m.group("n"))
        times = re.match(r"\s*(?:the\s+)?(?P<k>%s|\d+(?:\.\d+)?)\s*(?:times|x)\b" % NUM, v)
        k = parse_number(times.group("k")) if times else None
        prefix = f"{k:g}x " if k and k != 1 else ""
        return f"{prefix}{n} months' fees"
    m = re.search(r"\$\s?[\d,]+(?:\.\d+)?(?:\s*(?:million|thousand))?", v)
    if m:
        return m.group(0).replace(" ", "")
    if re.search(r"fees|charges|amounts?\s+(?:paid|payable)", v) and \
            re.search(r"(?:contract|agreement|service|billing)\s+year|\b(?:that|the\s+same|such|the\s+then[- ]current)"
                      r"\s+(?:contract\s+)?year\b", v):
        return "12 months' fees"  # the fees of the year in which the claim arises
    if re.search(r"order|purchase\s+price|statement\s+of\s+work|sow", v):
        return "fees under the order"
    if re.search(r"fees|charges|amounts?\s+(?:paid|payable)", v):
        return "fees paid"
    return value


def norm_credit(value: str) -> str:
    """Return a service-credit cap in normal form ("10% of monthly charges")."""
    v = value.lower()
    pct = re.search(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)", v)
    if pct:
        return f"{pct.group(1)}% of monthly charges"
    if re.search(r"month", v) and re.search(r"charge|fee|mrc", v):
        return "1 month's charges"
    return value


def cap_value(chunk: str, m) -> Tuple[str, int, int]:
    """Return the words after the cap phrase `m` up to the end of the clause phrase."""
    start = m.end()
    rest = chunk[start:]
    stop = re.search(r"[;.](?:\s|$)|,\s+(?:provided|except|and\s+(?:neither|in\s+no|the)|whichever)"
                     r"|\.\s*$", rest)
    end = start + (stop.start() if stop else min(len(rest), 300))
    while start < end and chunk[start].isspace():
        start += 1
    aside = re.match(r"(?:per\s+(?:claim|event|incident)\s*)?\([^()]{0,200}\)\s*", chunk[start:end], re.I)
    if aside and end - start - aside.end() > 10:
        start += aside.end()  # "per claim (or, in the aggregate, ...)" before the amount itself
    value = re.sub(r"\s+", " ", chunk[start:end]).strip()
    return value, start, end
