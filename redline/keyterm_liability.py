"""Return the `liability_cap` key term: the words that cap liability and their normal form."""

from __future__ import annotations

import re

from redline.keyterm_numbers import cap_value, norm_cap
from redline.keyterm_text import TermText, cand, choose, sentences
from redline.model import KeyTerm
from redline.spans import deepest_clause


_CAP_PHRASE = re.compile(
    r"(?:shall|will|may)\s+(?:not\s+|in\s+no\s+event\s+|never\s+)?(?:exceed|be\s+limited\s+to|be\s+more\s+than)\b|"
    r"(?:not|never)\s+(?:to\s+)?exceed(?:ing)?\b|limited\s+to|capped\s+at|no\s+greater\s+than|in\s+excess\s+of|"
    r"\bliability\s+(?:[\w-]+\s+){0,6}?exceed\b", re.I)


def liability_cap(tx: TermText) -> KeyTerm:
    """Return `liability_cap`: the words that cap liability, normalised ("12 months' fees")."""
    cands = []
    for s, e, chunk in sentences(tx, r"liab", avoid=r"credits?\s+(?:issued|shall|will|per)|deposit|"
                                  r"insurance|beta|preview|trial|evaluation"):
        if not re.search(r"(?:total|aggregate|cumulative|maximum|entire|each\s+party.s|either\s+party.s|"
                         r"our|its|the)\s+liability|liability\s+(?:of|under|for)|shall\s+not\s+be\s+liable\s+for\s+"
                         r"(?:any\s+)?(?:amount|damages)\s+in\s+excess", chunk, re.I):
            continue
        found = None
        for m in _CAP_PHRASE.finditer(chunk):  # the last cap phrase that names an amount
            value, a, b = cap_value(chunk, m)
            if re.search(r"fee|charge|amount|paid|payable|price|\$|sum|dollar|month", value, re.I):
                found = (value, a, b)
        if not found:
            continue
        value, a, b = found
        clause = deepest_clause(tx.agreement, s + a)
        rank = 2 if "limitation" in tx.heading_words(clause) or \
            "limitation_of_liability" in tx.topic_ids(clause) else 1
        cands.append(cand(tx, value, norm_cap(value), s + a, s + b, rank=rank))
    return choose("liability_cap", cands)
