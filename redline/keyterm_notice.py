"""Return the exit key terms: the notice on which the customer may terminate, and the notice not to renew."""

from __future__ import annotations

import bisect
import re

from redline.keyterm_periods import AUTO_RENEWAL
from redline.keyterm_numbers import NUM, to_int
from redline.keyterm_text import TermText, cand, choose, sentences
from redline.model import KeyTerm


_CUSTOMER_SUBJECT = re.compile(
    r"\b(?:customer|you|either\s+party|each\s+party|client|subscriber|licensee|buyer|purchaser|"
    r"city|county|company)\b[^.;]{0,60}?\b(?:may|can|shall\s+have\s+the\s+right\s+to|has\s+the\s+"
    r"right\s+to|is\s+entitled\s+to),?\s+(?:[\w-]+,?\s+){0,4}?(?:terminate|cancel|end)|"
    r"may\s+be\s+(?:terminated|cancelled|canceled)\s+by\s+(?:either\s+party|customer|you|the\s+customer)|"
    r"until\s+terminated\s+by\s+either\s+party|"
    r"\b(?:either|each)\s+party\s+(?:gives|serves|provides)\b[^.;]{0,80}?\bnotice\s+(?:to\s+terminate|of\s+termination)|"
    r"\b(?:customer|you|client|subscriber)\b[^.;]{0,40}?\b(?:may|can)\s+close\s+(?:your|its|the|their)\s+account|"
    r"\b(?:customer|you|client|subscriber|licensee|buyer|purchaser)\s+(?:cancels?|terminates?)\b", re.I)
_NOTICE_DAYS = [
    re.compile(r"(?P<n>%s)\s*(?:calendar\s+|business\s+)?days?['’]?\s*(?:\(\d+\)\s*)?(?:prior\s+|advance\s+)?"
               r"(?:written\s+)?(?:notice|notification)" % NUM, re.I),
    re.compile(r"(?:notice|notify)[^.;]{0,50}?(?:at\s+least|no\s+(?:less|fewer)\s+than|not\s+less\s+than|"
               r"a\s+minimum\s+of)\s+(?P<n>%s)\s*(?:calendar\s+|business\s+)?days?" % NUM, re.I),
    re.compile(r"(?:upon|on|with|by\s+giving|by\s+providing)\s+(?:at\s+least\s+|not\s+less\s+than\s+)?"
               r"(?P<n>%s)\s*(?:calendar\s+|business\s+)?days?\b" % NUM, re.I),
    re.compile(r"at\s+least\s+(?P<n>%s)\s*(?:calendar\s+|business\s+)?days?\s+(?:before|prior\s+to)" % NUM, re.I),
]


def _notice_days(chunk: str):
    for pat in _NOTICE_DAYS:
        m = pat.search(chunk)
        if m:
            return m
    return None


_TERM_AVOID = re.compile(r"for\s+cause|breach|default|\bcure|insolven|bankrupt|suspend|installation\s+"
                         r"(?:is\s+)?delay|force\s+majeure|cost\s+increase|rate\s+increase|increased\s+"
                         r"costs|change\s+in\s+law|\bfeatures?\b|\badd-?ons?\b|\boptional\b", re.I)


def termination_notice(tx: TermText, nonrenewal: KeyTerm = None) -> KeyTerm:
    """Return `termination_notice_days`: the shortest notice on which the customer may end the agreement."""
    cands = []
    for s, e, chunk in sentences(tx, r"terminat|cancel|close\s+(?:your|its|the|their)\s+account"):
        subj = _CUSTOMER_SUBJECT.search(chunk)
        if not subj:
            continue
        m = _notice_days(chunk[subj.start():])
        if m is None:  # "may close its account at any time": no notice at all
            m = re.match(r"[^.;]{0,80}?\b(?P<n>at\s+any\s+time)\b(?![^.;]{0,60}?\bnotice)", chunk[subj.start():], re.I)
            if m and not _TERM_AVOID.search(chunk[subj.start():subj.start() + m.end()]):
                base = s + subj.start()
                cands.append(cand(tx, 0, 0, base + m.start("n"), base + m.end("n"), rank=0))
            continue
        if m and not _TERM_AVOID.search(chunk[subj.start():subj.start() + m.end()]):
            n = to_int(m.group("n"))
            base = s + subj.start()
            cands.append(cand(tx, n, n, base + m.start("n"), base + m.end(), rank=0))
    if not cands and nonrenewal is not None and nonrenewal.value is not None:
        # no exit without cause but not renewing: the customer ends it at the end of a term on that notice
        i = bisect.bisect_right(tx.sentence_starts, nonrenewal.start) - 1
        s, e = tx.sentences[i]
        if re.search(r"\b(?:either|each)\s+party|\b(?:customer|you|client|subscriber|licensee|buyer)\b",
                     tx.text[s:nonrenewal.start], re.I):
            cands.append(cand(tx, nonrenewal.value, nonrenewal.value, nonrenewal.start, nonrenewal.end))
    shortest = lambda group: sorted(group, key=lambda c: (c.value, c.start))[0]  # noqa: E731
    return choose("termination_notice_days", cands, pick=shortest)


def nonrenewal_notice(tx: TermText) -> KeyTerm:
    """Return `nonrenewal_notice_days`: the notice needed before a term ends to stop it renewing."""
    cands = []
    for s, e, chunk in sentences(tx, r"renew|expiration|end\s+of\s+the\s+(?:then[- ]current\s+)?"
                                      r"(?:[a-z-]+\s+)?(?:term|period)\b|"
                                      r"conclusion\s+of\s+the\s+term"):
        if not re.search(r"renew|month[- ]to[- ]month|(?:expiration|end|conclusion)\s+of\s+(?:the|that|any)",
                         chunk, re.I):
            continue
        m = re.search(r"(?P<n>%s)\s*(?:calendar\s+|business\s+)?days?['’]?\s*(?:\(\d+\)\s*)?"
                      r"(?:prior\s+to|before|in\s+advance\s+of|preceding)\s+(?:the\s+)?(?:expiration|end|"
                      r"conclusion|renewal|expiry|last\s+day|commencement\s+of)" % NUM, chunk, re.I)
        rank = 2
        if m is None and AUTO_RENEWAL.search(chunk) and re.search(r"terminat|cancel|non-?renew|not\s+to\s+renew",
                                                            chunk, re.I):
            m = _notice_days(chunk)
            rank = 1
        if m is None and AUTO_RENEWAL.search(chunk):  # "unless you cancel ... before the renewal date": no notice period
            z = re.search(r"\b(?:cancel|terminate|opt\s+out|turn\s+off)\w*\b[^.;]{0,50}?\b(?:before|prior\s+to)\s+(?:the\s+)?"
                          r"(?:renewal|end|expiration|expiry)", chunk, re.I)
            if z and not re.search(r"\d|\b(?:%s)\s+(?:days?|months?)" % NUM, z.group(0), re.I):
                cands.append(cand(tx, 0, 0, s + z.start(), s + z.end(), rank=0))
                continue
        if m:
            n = to_int(m.group("n"))
            cands.append(cand(tx, n, n, s + m.start("n"), s + m.end(), rank=rank))
    return choose("nonrenewal_notice_days", cands)
