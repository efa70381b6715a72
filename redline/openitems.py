"""Return the blanks and placeholders left to fill ("$X.XX", "xxxxxxx", "[Customer Name]", "____").

An attorney must close each before signing, so each comes back as an `OpenItem` with its exact
span. Redaction marks ("[*]") and structural notes ("[PAGE BREAK]") are not open items; text
inside furniture (page headers, web chrome) is left out.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from redline.model import Agreement, OpenItem
from redline.spans import furniture_in

_PLACEHOLDER_WORDS = (r"name|date|address|insert|amount|title|number|company|party|customer|provider|"
                      r"vendor|supplier|entity|state|county|price|fee|rate|term|percent|city|email|phone|"
                      r"signature|signatory|jurisdiction|location|quantity|tbd|__|…|\.\.\.|•")

_PATTERNS = (
    # money or numbers left as X: $X.XX, $XX,XXX, $__
    re.compile(r"\$\s?(?:X[X,]*(?:\.X+)?|_{2,}(?:\.\_+)?)(?![A-Za-z])"),
    # runs of x: xxxxxxx, xxx xx, 2019
    re.compile(r"(?<![A-Za-z])[xX]{3,}(?:\s+[xX]{2,})*(?![A-Za-z])"),
    # bracketed blanks: [Customer Name], [DATE], [●], [insert amount]
    re.compile(r"\[(?:[^\[\]\n]{0,50}?(?:%s)[^\[\]\n]{0,30}|\s*[●•_ .…]+\s*)\]" % _PLACEHOLDER_WORDS,
               re.I),
    # blank lines to fill: ______ (4 or more)
    re.compile(r"_{4,}"),
    # TBD / TBC / to be determined
    re.compile(r"\b(?:TBD|TBC|T\.B\.D\.)\b|\bto be (?:determined|confirmed|agreed)\b(?= *[\].;,)])"),
    # a single X standing for a number: "a minimum order quantity of X concurrent calls"
    re.compile(r"(?:(?<=\bof )|(?<=\bthan )|(?<=\bminimum )|(?<=\bmaximum )|(?<=\bto )|(?<=\bat )|"
               r"(?<=\bis ))X{1,3}(?= [a-z%])"),
    # blank percentages or days: "__%", "___ days"
    re.compile(r"(?<![A-Za-z])_{2,3}\s?(?:%|days|months|years)"),
)

_NOT_OPEN = re.compile(r"^\[\s*(?:\*|page break|cover page|signature page follows|reserved|intentionally "
                       r"left blank)\s*\]$", re.I)


def find(agreement: Agreement) -> Tuple[OpenItem, ...]:
    """Return the open items of `agreement` in document order (overlaps merged)."""
    text = agreement.text
    spans: List[Tuple[int, int]] = []
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            if _NOT_OPEN.match(m.group(0)):
                continue
            if furniture_in(agreement, s, e):
                continue
            spans.append((s, e))
    spans.sort()
    merged: List[Tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(OpenItem(text=text[s:e], start=s, end=e) for s, e in merged)
