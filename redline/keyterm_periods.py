"""Return the duration key terms: the initial term, and whether and for how long the agreement renews.

`AUTO_RENEWAL` matches the words by which an agreement renews by itself (the notice readers use it).
"""

from __future__ import annotations

import re
from typing import List, Tuple

from redline.keyterm_numbers import NUM, PERIOD, months_text
from redline.keyterm_text import TermText, cand, choose, sentences
from redline.model import KeyTerm


def initial_term(tx: TermText) -> KeyTerm:
    """Return `initial_term`: the first term as written, normalised to months ("36 months")."""
    cands = []
    pats = [
        (3, r"initial\s+(?:minimum\s+)?(?:service\s+|agreement\s+|subscription\s+)?terms?\s+"
            r"(?:of|shall\s+be|will\s+be|is)\s+(?:an?\s+)?(?:initial\s+)?(?:minimum\s+)?(?:term\s+of\s+)?"
            + PERIOD),
        (3, r"(?:for\s+)?an?\s+initial\s+(?:minimum\s+)?(?:service\s+)?(?:term|period)\s+of\s+" + PERIOD),
        (2, r"(?:shall|will)\s+(?:continue|remain\s+in\s+(?:full\s+force\s+and\s+)?effect)\s+for\s+"
            r"(?:a\s+period\s+of\s+|an?\s+(?:initial\s+)?(?:term|period)\s+of\s+)?" + PERIOD),
        (2, r"\b" + PERIOD + r"\s+initial\s+(?:service\s+)?term"),
        (1, r"\b(?:term|service\s+term)\s+(?:of|is)\s+" + PERIOD),
        (2, r"\bterm\s+of\s+this\s+(?:agreement|contract)\s+(?:is|shall\s+be|will\s+be)\s+(?:an?\s+(?:period\s+of\s+)?)?"
            + PERIOD),
        (1, r"(?:lasts?|runs?|continues?)\s+for\s+(?:an?\s+)?(?:(?:minimum|initial|fixed)\s+)?(?:(?:period|term)\s+"
            r"of\s+)?" + PERIOD),
    ]
    for s, e, chunk in sentences(tx, r"\bterm\b|\bcontinues?\s+for\b|\bperiod\s+of\b|\blasts?\s+for\b|"
                                      r"\bremain\s+in\s+(?:full\s+force\s+and\s+)?effect\s+for\b|"
                                      r"\bruns?\s+for\b",
                                  avoid=r"confidential|surviv|warrant|licen[cs]e|after\s+the\s+"
                                        r"(?:end|expiration)|retain|store|beta"):
        for rank, pat in pats:
            m = re.search(pat, chunk, re.I)
            if m:
                norm = months_text(m.group("n"), m.group("u"))
                value = re.sub(r"\s+", " ", chunk[m.start("n"):m.end("u")])
                cands.append(cand(tx, value, norm, s + m.start("n"), s + m.end("u"), rank=rank))
                break
    cands += _defined_term_period(tx)
    return choose("initial_term", cands)


_DEFINED_PERIOD = re.compile(r"[“\"](?P<d>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})[”\"]\s+(?:means|shall\s+mean)\s+"
                             r"(?:the\s+|a\s+|an\s+)?(?:initial\s+|minimum\s+)?(?:period|term)\s+of\s+" + PERIOD)


def _defined_term_period(tx: TermText) -> List:
    """Return candidates where the term is a defined period ("continues for the Minimum Period")."""
    out = []
    for s, e, chunk in sentences(tx, r"\bmeans\b|\bshall\s+mean\b"):
        for d in _DEFINED_PERIOD.finditer(chunk):
            name = d.group("d")
            named_initial = re.fullmatch(r"(?:Initial|Minimum)\s+(?:Service\s+|Subscription\s+)?(?:Term|Period)", name)
            used = re.search(r"(?:continues?|remains?\s+in\s+(?:full\s+)?(?:force|effect)|runs?|lasts?)\s+"
                             r"(?:\w+\s+){0,2}?for\s+(?:the\s+|its\s+)?" + re.escape(name) + r"\b", tx.text)
            if named_initial or used:
                value = re.sub(r"\s+", " ", chunk[d.start("n"):d.end("u")])
                out.append(cand(tx, value, months_text(d.group("n"), d.group("u")), s + d.start("n"), s + d.end("u"),
                                rank=2))
    return out


_UNTIL_ENDED = (r"until\s+(?:terminated|ended|cancell?ed|(?:either|one|a|the\s+other)\s+party|"
                r"(?:the\s+)?customer|you|we|it\s+is\s+(?:terminated|ended|cancell?ed))")
AUTO_RENEWAL = re.compile(r"(?:automatically|auto[- ])\s*(?:be\s+)?(?:renew|extend|continue\s+for)|(?:renew|extend)(?:s|ed)?\s+automatically|shall\s+renew|will\s+renew|"
                   r"(?:renews?|(?:be\s+)?renewed|(?:be\s+)?extended|extends?)\s+for\s+(?:(?:an?|one\s+or\s+more)\s+)?"
                   r"(?:successive|subsequent|additional|consecutive|further)\b|"
                   r"(?:then|thereafter)\s+(?:(?:it|this\s+agreement|the\s+agreement|the\s+service|each\s+service)\s+)?"
                   r"(?:shall\s+|will\s+)?continues?\s+" + _UNTIL_ENDED + r"|continues?\s+thereafter\s+" + _UNTIL_ENDED + "|"
                   r"(?:continue|renew)\s+(?:on\s+a\s+)?month[- ]to[- ]month|evergreen", re.I)
_NO_AUTO = re.compile(r"(?:shall|will|does|do)\s+not\s+(?:be\s+)?(?:automatically\s+)?renew|no\s+automatic\s+renewal|"
                      r"not\s+(?:be\s+)?renew(?:ed)?\s+automatically", re.I)


_OTHER_OBJECT = re.compile(r"\s+(?:its|their|his|her|such|any|all|the|each|these|those)\s+(?!(?:then[- ]current\s+|"
                           r"initial\s+|current\s+)?(?:agreement|contract|term|order|service|subscription|plan|"
                           r"schedule|sow|statement)s?\b)", re.I)


def renewal(tx: TermText) -> Tuple[KeyTerm, KeyTerm]:
    """Return (`auto_renewal`, `renewal_period`): whether the agreement renews by itself, and for how long."""
    auto, period = [], []
    for s, e, chunk in sentences(tx, r"renew|month[- ]to[- ]month|evergreen|extend(?:s|ed)?\s+(?:for|automatically)|"
                                     r"automatically\s+(?:be\s+)?(?:extend|continue)|"
                                     r"continues?\s+(?:thereafter\s+)?until"):
        neg = _NO_AUTO.search(chunk)
        m = neg or AUTO_RENEWAL.search(chunk)
        if not m or (m.group(0).lower().endswith("renew") and _OTHER_OBJECT.match(chunk, m.end())):
            continue  # "will renew its insurance policies" is not the agreement renewing
        auto.append(cand(tx, not bool(neg), not bool(neg), s + m.start(), s + m.end(),
                          rank=2 if "renew" in m.group(0).lower() else 1))
        if neg:
            continue
        p = re.search(r"(?:for|into)\s+(?:(?:subsequent|successive|consecutive|additional|further|"
                      r"renewal)\s+)*(?:terms?\s+of\s+|periods?\s+of\s+)?" + PERIOD, chunk[m.start():], re.I)
        q = re.search(r"\b(?P<n>%s)[\s-]*(?P<u>months?|years?)\s+(?:renewal|additional|successive)" % NUM,
                      chunk, re.I)
        eq = re.search(r"(?:periods?|terms?)\s+equal\s+(?:in\s+length\s+)?to\s+the\s+(?:length\s+of\s+the\s+)?"
                       r"(?:then[- ]current\s+|initial\s+|original\s+)?(?:service\s+)?term", chunk, re.I)
        mtm = re.search(r"month[- ]to[- ]month", chunk, re.I)
        each = re.search(r"\b(?:each|every)\s+(?P<u>month|year)\b", chunk[m.start():m.start() + 60], re.I)
        base = s + m.start()
        if p:
            period.append(cand(tx, re.sub(r"\s+", " ", chunk[m.start() + p.start("n"):m.start() + p.end("u")]),
                                months_text(p.group("n"), p.group("u")), base + p.start("n"), base + p.end("u"), 2))
        elif q:
            period.append(cand(tx, re.sub(r"\s+", " ", chunk[q.start("n"):q.end("u")]),
                                months_text(q.group("n"), q.group("u")), s + q.start("n"), s + q.end("u"), 2))
        elif eq:
            period.append(cand(tx, chunk[eq.start():eq.end()], "equal to the initial term",
                                s + eq.start(), s + eq.end(), 2))
        elif each:
            u = each.group("u")
            period.append(cand(tx, u, "1 month" if u.lower() == "month" else "12 months",
                                base + each.start("u"), base + each.end("u"), 1))
        elif mtm:
            period.append(cand(tx, chunk[mtm.start():mtm.end()], "1 month", s + mtm.start(),
                                s + mtm.end(), 1))
    return choose("auto_renewal", auto), choose("renewal_period", period)
