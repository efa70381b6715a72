"""Return the agreement's defined terms: where each is defined, how often used, and gaps.

Definitions are read where the drafting makes them: `"X" means ...` (also "shall mean", "refers
to", "has the meaning", "includes", "is", straight or curly quotes) and parenthetical definitions
`(the "X")`, `("X" or "Y")`, `(each, an "X")`. Each comes back as a `DefinedTerm` with the span of
its definition and the number of uses outside it; `uses == 0` is a term defined but never used.

Capitalised terms used like defined terms but never defined are reported with `defined=False`
(span None). To keep the list short and useful this is conservative: a multi-word capitalised
phrase, used at least twice after "the"/"such"/"any"/"each", that is not defined, not a clause
heading, not a party's or a product's name (its words are not in the title or the defined names),
and not a reference to a document ("Section", "Exhibit", ...).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Dict, List, Tuple

from redline.model import Agreement, DefinedTerm

_Q_OPEN = "\"“”'‘"
_Q = r"[\"“”]"
_TERM = r"(?P<term>[^\"“”\n]{1,70}?)"
_MEANS = re.compile(
    _Q + _TERM + r",?" + _Q + r"\s*(?:\([^)]{1,20}\)\s*)?(?:(?:or|and)\s+" + _Q + r"[^\"“”\n]{1,60}" + _Q +
    r"\s*)?(?:shall\s+mean|shall\s+have\s+the\s+meaning|has\s+the\s+meaning|have\s+the\s+meaning|means|"
    r"mean|refers?\s+to|shall\s+refer\s+to|encompasses|shall\s+include|includes|shall\s+be|is|are)\b")
_PAREN = re.compile(r"\((?P<body>[^()]{0,160}?" + _Q + r"[^()]{1,200}?)\)")
_QUOTED = re.compile(_Q + r"(?P<term>[^\"“”\n]{1,60}?),?" + _Q)
_NOT_TERM = re.compile(r"^(?:as is|as available|where is|with all faults)$", re.I)
_DOC_WORDS = re.compile(r"\b(?:Section|Sections|Article|Exhibit|Schedule|Attachment|Appendix|Annex|Page|"
                        r"Part|Clause|Table|Figure|Rider|Addendum|Amendment)\b")
_PROPER_END = re.compile(r"\b(?:Act|Acts|Association|Commission|Regulations?|License|Licence|Court|Courts|States|"
                         r"Kingdom|Union|Convention|Code|Office|Department|Bureau|Authority|Agency|Policy|"
                         r"Inc|LLC|Corp|Corporation|Company|University|Council|Institute|Standards?)$")
_INLINE = re.compile(r"\b(?:a|an|the)\s+" + _Q + r"(?P<term>[A-Z][^\"“”\n]{1,50}?)" + _Q +
                     r"\s+(?:equal|equals|of|for|which|that|as|shall|will|is|means)\b")
_LEAD = re.compile(r"\b(?:the|such|any|each|all|this|that|its|your|our)\s+"
                   r"(?P<p>(?:[A-Z][a-z0-9]+(?:[-/][A-Za-z0-9]+)?\s+){1,3}[A-Z][a-z0-9]+(?:[-/][A-Za-z0-9]+)?)\b")


def _count_uses(text: str, terms, holes: List[Tuple[int, int]]) -> Dict[str, int]:
    """Return {term: uses outside `holes`}, all terms in two passes (the longest term wins)."""
    merged: List[Tuple[int, int]] = []
    for s, e in sorted(holes):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    starts = [h[0] for h in merged]
    counts = {t: 0 for t in terms}
    upper = [t for t in terms if not t[:1].islower()]
    lower = [t for t in terms if t[:1].islower()]
    for group, flags in ((upper, 0), (lower, re.I)):  # "Term" is not "term"; "bug" is "Bug"
        if not group:
            continue
        lookup = {t.lower() if flags else t: t for t in group}
        alternation = "|".join(re.escape(t) for t in sorted(group, key=len, reverse=True))
        pat = re.compile(r"(?<![\w\"“”])(" + alternation + r")(?:s|es)?(?![\w])", flags)
        for m in pat.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < merged[i][1]:
                continue
            key = m.group(1).lower() if flags else m.group(1)
            if key in lookup:
                counts[lookup[key]] += 1
    return counts


def _clean(term: str) -> str:
    return re.sub(r"\s+", " ", term).strip().strip(",;:").strip()


def _good(term: str) -> bool:
    if not term or len(term) > 60 or _NOT_TERM.match(term):
        return False
    if not re.search(r"[A-Za-z]", term) or term.lower().startswith(("http", "www.")):
        return False
    if len(term.split()) > 6:
        return False
    return True


def find(agreement: Agreement) -> Tuple[DefinedTerm, ...]:
    """Return the defined terms (document order), then the undefined capitalised ones."""
    text = agreement.text
    found: Dict[str, Tuple[int, int]] = {}
    for m in _MEANS.finditer(text):
        term = _clean(m.group("term"))
        if _good(term) and term not in found:
            found[term] = (m.start(), _definition_end(text, m.end()))
    for m in _PAREN.finditer(text):
        body = m.group("body")
        if not re.match(r"\s*(?:the\s+|each\s*,?\s+(?:a|an|the)\s+|each\s+|a\s+|an\s+|collectively\s*,?\s+"
                        r"(?:the\s+)?|together\s*,?\s+(?:the\s+)?|hereinafter\s+(?:referred\s+to\s+as\s+)?"
                        r"(?:the\s+)?|referred\s+to\s+as\s+(?:the\s+)?|as\s+)?" + _Q, body, re.I):
            continue
        for q in _QUOTED.finditer(body):
            term = _clean(q.group("term"))
            if _good(term) and term not in found:
                found[term] = (m.start(), m.end())
    for m in _INLINE.finditer(text):
        term = _clean(m.group("term"))
        if _good(term) and term not in found:
            found[term] = (m.start(), _definition_end(text, m.end()))
    holes = list(found.values())
    out: List[DefinedTerm] = []
    uses = _count_uses(text, list(found), holes)
    for term, (s, e) in sorted(found.items(), key=lambda kv: kv[1][0]):
        out.append(DefinedTerm(term=term, start=s, end=e, uses=uses[term], defined=True))
    out.extend(_undefined(agreement, found, holes))
    return tuple(out)


def _definition_end(text: str, pos: int) -> int:
    """Return where the definition starting before `pos` ends (its sentence or list item)."""
    m = re.compile(r"(?<=[.;])\s|\n|(?=[\"“][A-Z][^\"”]{0,60}[\"”]\s*(?:shall\s+)?(?:means|refers))").search(text, pos)
    return m.start() if m else len(text)


def _undefined(agreement: Agreement, found: Dict[str, Tuple[int, int]], holes) -> List[DefinedTerm]:
    text = agreement.text
    defined_words = set()
    for term in found:
        defined_words.update(w.lower() for w in re.findall(r"[A-Za-z]+", term))
    known = {t.lower() for t in found}
    stems = {re.sub(r"(?:ies|s)$", "", t) for t in known}
    title_words = {w.lower() for w in re.findall(r"[A-Za-z]+", agreement.title or "")}
    for p in agreement.parts:
        title_words.update(w.lower() for w in re.findall(r"[A-Za-z]+", p.title or ""))
    headings = {(c.heading or "").strip().rstrip(".:").lower() for c in agreement.clauses if c.heading}
    counts: Counter = Counter()
    first: Dict[str, int] = {}
    for m in _LEAD.finditer(text):
        phrase = m.group("p")
        if any(s <= m.start("p") < e for s, e in holes):
            continue
        counts[phrase] += 1
        first.setdefault(phrase, m.start("p"))
    out = []
    for phrase, n in counts.items():
        if n < 2:
            continue
        low = phrase.lower()
        words = low.split()
        if low in known or re.sub(r"(?:ies|s)$", "", low) in stems or low in headings:
            continue
        if _DOC_WORDS.search(phrase) or phrase.isupper():
            continue
        if _PROPER_END.search(phrase) or "".join(words) in title_words:
            continue
        if words[0] in title_words or all(w in defined_words for w in words):
            continue
        if any(low in k or k in low for k in known if len(k) > 3):
            continue
        out.append(DefinedTerm(term=phrase, start=None, end=None, uses=n, defined=False))
    out.sort(key=lambda d: first[d.term])
    return out
