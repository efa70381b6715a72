"""Return the service-level key terms: the uptime committed and the cap on service credits."""

from __future__ import annotations

import re
from typing import List, Tuple

from redline.keyterm_numbers import PCT, cap_value, norm_credit
from redline.keyterm_text import EXHIBIT_KINDS, TermText, cand, choose, sentences, term
from redline.model import KeyTerm


def sla_uptime(tx: TermText) -> KeyTerm:
    """Return `sla_uptime`: the uptime percentages committed ("99.99%"), an exhibit's first."""
    found: List[Tuple[str, int, int]] = []
    for s, e, chunk in sentences(tx, r"\b9\d(?:\.\d+)?\s*%"):
        words = re.search(r"uptime|availab|service\s+level|\bsla\b|commitment|up\s+time|target|guarantee",
                          chunk, re.I)
        if not words:
            continue
        for m in re.finditer(r"(?<![<>\d.])(?<!less than )(?<!below )\b(9\d(?:\.\d+)?)\s*%", chunk):
            before = chunk[max(0, m.start() - 12):m.start()].lower()
            if re.search(r"[<>]\s*$|less\s+than\s*$|below\s*$|under\s*$|exceeds?\s*$|more\s+than\s*$", before):
                continue
            found.append((m.group(1) + "%", s + m.start(), s + m.end()))
    if not found:
        return KeyTerm(name="sla_uptime", value=None)
    groups = {"exhibit": [], "master": []}
    for item in found:
        order, kind = tx.part_kind(item[1])
        groups["exhibit" if kind in EXHIBIT_KINDS and order > 0 else "master"].append(item)
    main = groups["exhibit"] or groups["master"]
    other = groups["master"] if groups["exhibit"] else []

    def as_cand(items):
        values: List[str] = []
        for v, _, _ in items:
            if v not in values:
                values.append(v)
        return cand(tx, values, values, items[0][1], items[0][2])

    best = as_cand(main)
    alts = [as_cand(other)] if other and set(as_cand(other).value) != set(best.value) else []
    return term("sla_uptime", best, alts)


_FLAT_CREDIT = re.compile(r"\bcredits?\s+(?:equal\s+to\s+|of\s+)(?P<v>" + PCT + r"\s+of\s+[^,;.()]{0,60}?"
                          r"(?:fees|charges|mrc)\b)", re.I)


def credit_cap(tx: TermText) -> KeyTerm:
    """Return `service_credit_cap`: the most that service credits can come to ("10% of monthly charges")."""
    cands, flat = [], []
    for s, e, chunk in sentences(tx, r"credit"):
        for f in _FLAT_CREDIT.finditer(chunk):
            if re.search(r"\b(?:for\s+each|per|every)\s+(?:full\s+|additional\s+|complete\s+)?(?:hour|day|minute|"
                         r"incident|outage|occurrence|\d|percent|0?\.\d)", chunk, re.I):
                continue  # a credit per hour or per incident is a rate, not a flat credit
            v = re.sub(r"\s+", " ", f.group("v"))
            flat.append(cand(tx, v, norm_credit(v), s + f.start("v"), s + f.end("v"), rank=0))
        if not re.search(r"(?:total|aggregate|maximum|cumulative|all)\s+(?:\w+\s+){0,3}credits?|credits?\b[^.;]{0,60}?"
                         r"\b(?:shall|will|may|must)\s+(?:not|never|in\s+no\s+event)|in\s+no\s+event\s+(?:shall|will|may)\s+"
                         r"(?:the\s+)?(?:total|aggregate|amount|(?:service\s+)?credits?)|up\s+to\s+(?:a\s+)?maximum|credits?\b[^.;]{0,160}?\bcapped\s+at", chunk, re.I):
            continue
        m = re.search(r"(?:not|never|in\s+no\s+event)\s+(?:\w+\s+){0,12}?(?:exceed|be\s+more\s+than|be\s+greater\s+"
                      r"than)|capped\s+at|limited\s+to|up\s+to\s+(?:a\s+)?maximum\s+of|(?:maximum|max\.?)\s+(?:of\s+)?"
                      r"(?=\d)|(?:maximum|total|aggregate)\s+(?:\w+\s+){0,2}?credits?\s+(?:[\w-]+\s+){0,4}?(?:is|are|shall\s+be|"
                      r"will\s+be)\b", chunk, re.I)
        if not m:
            continue
        value, a, b = cap_value(chunk, m)
        if not re.search(r"charge|fee|%|percent|amount|mrc|\$", value, re.I):
            continue
        cands.append(cand(tx, value, norm_credit(value), s + a, s + b, rank=1))
    if not cands and len({c.normalized for c in flat}) == 1:
        cands = flat[:1]  # one flat credit, no tiers: the credit is also the most that can be credited
    return choose("service_credit_cap", cands)
