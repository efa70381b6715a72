"""Return the key terms an attorney compares first, each with its value, normal form and exact span.

`extract(agreement, topics, playbook) -> {name: KeyTerm}` always returns every name below (value
None where the agreement does not say). Names and types are part of the JSON contract:

    payment_due_days int (0 when due immediately / on activation)   late_interest str
    initial_term str ("36 months")        auto_renewal bool           renewal_period str
    termination_notice_days int           nonrenewal_notice_days int
    liability_cap str (normalized e.g. "12 months' fees")             sla_uptime list[str]
    service_credit_cap str                billing_dispute_window_days int
    governing_law str ("New York")        forum str

Each value is read by a small set of phrase patterns over the agreement's text, sentence by
sentence; written numbers ("thirty (30) days", "two years") are read. Where a value appears both
in the master agreement and in an exhibit, schedule or SOW, the exhibit's value is reported
(it overrides) and the master's is listed under `alternatives`.
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, List, Mapping, Sequence, Tuple

from redline.keyterm_text import (NUM, EXHIBIT_KINDS, TermText as _Text, cand, choose, parse_number,  # noqa: F401
                                  sentences, term, term_text, to_int)
from redline.keyterm_text import (ABOVE_BASE as _ABOVE_BASE, DAYS as _DAYS, OF_UNPAID as _OF_UNPAID, PCT as _PCT,
                                  PERIOD as _PERIOD, months_text as _months, norm_cap as _norm_cap,
                                  norm_credit as _norm_credit, norm_rate as _norm_rate,
                                  cap_value as _cap_value)
from redline.model import Agreement, KeyTerm

NAMES = ("payment_due_days", "late_interest", "initial_term", "auto_renewal", "renewal_period",
         "termination_notice_days", "nonrenewal_notice_days", "liability_cap", "sla_uptime",
         "service_credit_cap", "billing_dispute_window_days", "governing_law", "forum")

# ---------------------------------------------------------------------------------------------
# One function per key term

def _payment_due(tx: _Text) -> KeyTerm:
    cands = []
    for s, e, chunk in sentences(tx, r"\b(?:due|paid|payable|pay|settle)\b|\b(?:charged|billed|debited)\b|\bpayment\s+terms?\b",
                                  avoid=r"\bdisputed|resolved|determin|deposit|service\s+credit|credit\s+(?:approval|"
                                        r"limit|check)|refund|withh[oe]ld|interest|\blate\b|past due|overdue|"
                                        r"terminat|cancel"):
        if not re.search(r"invoice|payment|fees|charges|amounts|bill", chunk, re.I):
            continue
        m = re.search(r"(?:due|paid|payable|\bpay|remit|settle)[^.;]{0,60}?(?:within\s+)?" + _DAYS +
                      r"\s*(?:after|of|from|following|upon)\s+(?:the\s+)?(?:[\w-]+['’]s?\s+)?(?:date\s+of\s+)?"
                      r"(?:receipt|receiving|the\s+invoice|invoice|billing|the\s+date)", chunk, re.I)
        if m is None:
            m = re.search(r"\bnet\s+(?P<n>\d{1,3})\b", chunk, re.I)
        if m is None:  # "invoices must be paid within 20 days", no start named
            m = re.search(r"\b(?:due|paid|payable)\s+(?:in\s+full\s+)?within\s+" + _DAYS + r"\s*(?:[.;]|$)", chunk, re.I)
        if m:
            n = to_int(m.group("n"))
            cands.append(cand(tx, n, n, s + m.start("n"), s + m.end(), rank=2))
            continue
        m = re.search(r"\b(?:due|payable)\s+(?:and\s+payable\s+)?(?:immediately|upon\s+receipt|"
                      r"on\s+receipt|upon\s+activation|on\s+activation|in\s+advance|upon\s+"
                      r"(?:the\s+)?(?:service\s+)?(?:activation|order|signature))|"
                      r"\b(?:due|payable)\s+(?:and\s+payable\s+)?(?:on\s+demand|upon\s+(?:presentation|presentment))",
                      chunk, re.I)
        if m is None:  # "your card will be charged": paid the moment it is charged
            m = re.search(r"\b(?:credit\s+card|debit\s+card|card|payment\s+method|bank\s+account)\s+(?:on\s+file\s+)?"
                          r"(?:will|shall|is|are|may)\s+(?:be\s+)?(?:automatically\s+)?(?:charged|debited|billed)", chunk, re.I)
        if m is None:  # taken from a card or account on file: paid the moment it is charged
            m = re.search(r"\b(?:charged|billed|debited)\s+(?:\w+\s+){0,3}?(?:to|against|on|from)\s+(?:the\s+|your\s+|its\s+)?"
                          r"(?:credit\s+card|debit\s+card|card|payment\s+(?:method|card)|bank\s+account)", chunk, re.I)
        if m:
            cands.append(cand(tx, 0, 0, s + m.start(), s + m.end(), rank=1))
    return choose("payment_due_days", cands)


def _late_interest(tx: _Text) -> KeyTerm:
    cands = []
    for s, e, chunk in sentences(tx, r"interest|late (?:payment )?(?:fee|charge)|finance charge"):
        if not re.search(r"late|past due|overdue|unpaid|not paid|delinquen|interest", chunk, re.I):
            continue
        m = re.search(r"(?P<v>" + _PCT + r"\s*(?:per|a|each|every)\s+(?:month|annum|year|calendar month)"
                      + _ABOVE_BASE + ")", chunk, re.I)
        if m is None:
            m = re.search(r"(?P<v>" + _PCT + _OF_UNPAID + ")", chunk, re.I)
        if m is None:
            m = re.search(r"(?P<v>" + _PCT + r"\s*(?:monthly|annually))", chunk, re.I)
        if m:
            v = re.sub(r"\s+", " ", m.group("v")).strip()
            cands.append(cand(tx, v, _norm_rate(v), s + m.start("v"), s + m.end("v"),
                               rank=2 if re.search(r"late|past due|overdue", chunk, re.I) else 1))
    return choose("late_interest", cands)


def _initial_term(tx: _Text) -> KeyTerm:
    cands = []
    pats = [
        (3, r"initial\s+(?:minimum\s+)?(?:service\s+|agreement\s+|subscription\s+)?terms?\s+"
            r"(?:of|shall\s+be|will\s+be|is)\s+(?:an?\s+)?(?:initial\s+)?(?:minimum\s+)?(?:term\s+of\s+)?"
            + _PERIOD),
        (3, r"(?:for\s+)?an?\s+initial\s+(?:minimum\s+)?(?:service\s+)?(?:term|period)\s+of\s+" + _PERIOD),
        (2, r"(?:shall|will)\s+(?:continue|remain\s+in\s+(?:full\s+force\s+and\s+)?effect)\s+for\s+"
            r"(?:a\s+period\s+of\s+|an?\s+(?:initial\s+)?(?:term|period)\s+of\s+)?" + _PERIOD),
        (2, r"\b" + _PERIOD + r"\s+initial\s+(?:service\s+)?term"),
        (1, r"\b(?:term|service\s+term)\s+(?:of|is)\s+" + _PERIOD),
        (2, r"\bterm\s+of\s+this\s+(?:agreement|contract)\s+(?:is|shall\s+be|will\s+be)\s+(?:an?\s+(?:period\s+of\s+)?)?"
            + _PERIOD),
        (1, r"(?:lasts?|runs?|continues?)\s+for\s+(?:an?\s+)?(?:(?:minimum|initial|fixed)\s+)?(?:(?:period|term)\s+"
            r"of\s+)?" + _PERIOD),
    ]
    for s, e, chunk in sentences(tx, r"\bterm\b|\bcontinues?\s+for\b|\bperiod\s+of\b|\blasts?\s+for\b|"
                                      r"\bremain\s+in\s+(?:full\s+force\s+and\s+)?effect\s+for\b|"
                                      r"\bruns?\s+for\b",
                                  avoid=r"confidential|surviv|warrant|licen[cs]e|after\s+the\s+"
                                        r"(?:end|expiration)|retain|store|beta"):
        for rank, pat in pats:
            m = re.search(pat, chunk, re.I)
            if m:
                norm = _months(m.group("n"), m.group("u"))
                value = re.sub(r"\s+", " ", chunk[m.start("n"):m.end("u")])
                cands.append(cand(tx, value, norm, s + m.start("n"), s + m.end("u"), rank=rank))
                break
    cands += _defined_term_period(tx)
    return choose("initial_term", cands)


_DEFINED_PERIOD = re.compile(r"[“\"](?P<d>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})[”\"]\s+(?:means|shall\s+mean)\s+"
                             r"(?:the\s+|a\s+|an\s+)?(?:initial\s+|minimum\s+)?(?:period|term)\s+of\s+" + _PERIOD)


def _defined_term_period(tx: _Text) -> List:
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
                out.append(cand(tx, value, _months(d.group("n"), d.group("u")), s + d.start("n"), s + d.end("u"),
                                rank=2))
    return out


_UNTIL_ENDED = (r"until\s+(?:terminated|ended|cancell?ed|(?:either|one|a|the\s+other)\s+party|"
                r"(?:the\s+)?customer|you|we|it\s+is\s+(?:terminated|ended|cancell?ed))")
_AUTO = re.compile(r"(?:automatically|auto[- ])\s*(?:be\s+)?(?:renew|extend|continue\s+for)|(?:renew|extend)(?:s|ed)?\s+automatically|shall\s+renew|will\s+renew|"
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


def _renewal(tx: _Text) -> Tuple[KeyTerm, KeyTerm]:
    auto, period = [], []
    for s, e, chunk in sentences(tx, r"renew|month[- ]to[- ]month|evergreen|extend(?:s|ed)?\s+(?:for|automatically)|"
                                     r"automatically\s+(?:be\s+)?(?:extend|continue)|"
                                     r"continues?\s+(?:thereafter\s+)?until"):
        neg = _NO_AUTO.search(chunk)
        m = neg or _AUTO.search(chunk)
        if not m or (m.group(0).lower().endswith("renew") and _OTHER_OBJECT.match(chunk, m.end())):
            continue  # "will renew its insurance policies" is not the agreement renewing
        auto.append(cand(tx, not bool(neg), not bool(neg), s + m.start(), s + m.end(),
                          rank=2 if "renew" in m.group(0).lower() else 1))
        if neg:
            continue
        p = re.search(r"(?:for|into)\s+(?:(?:subsequent|successive|consecutive|additional|further|"
                      r"renewal)\s+)*(?:terms?\s+of\s+|periods?\s+of\s+)?" + _PERIOD, chunk[m.start():], re.I)
        q = re.search(r"\b(?P<n>%s)[\s-]*(?P<u>months?|years?)\s+(?:renewal|additional|successive)" % NUM,
                      chunk, re.I)
        eq = re.search(r"(?:periods?|terms?)\s+equal\s+(?:in\s+length\s+)?to\s+the\s+(?:length\s+of\s+the\s+)?"
                       r"(?:then[- ]current\s+|initial\s+|original\s+)?(?:service\s+)?term", chunk, re.I)
        mtm = re.search(r"month[- ]to[- ]month", chunk, re.I)
        each = re.search(r"\b(?:each|every)\s+(?P<u>month|year)\b", chunk[m.start():m.start() + 60], re.I)
        base = s + m.start()
        if p:
            period.append(cand(tx, re.sub(r"\s+", " ", chunk[m.start() + p.start("n"):m.start() + p.end("u")]),
                                _months(p.group("n"), p.group("u")), base + p.start("n"), base + p.end("u"), 2))
        elif q:
            period.append(cand(tx, re.sub(r"\s+", " ", chunk[q.start("n"):q.end("u")]),
                                _months(q.group("n"), q.group("u")), s + q.start("n"), s + q.end("u"), 2))
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


def _termination_notice(tx: _Text, nonrenewal: KeyTerm = None) -> KeyTerm:
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


def _nonrenewal_notice(tx: _Text) -> KeyTerm:
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
        if m is None and _AUTO.search(chunk) and re.search(r"terminat|cancel|non-?renew|not\s+to\s+renew",
                                                            chunk, re.I):
            m = _notice_days(chunk)
            rank = 1
        if m is None and _AUTO.search(chunk):  # "unless you cancel ... before the renewal date": no notice period
            z = re.search(r"\b(?:cancel|terminate|opt\s+out|turn\s+off)\w*\b[^.;]{0,50}?\b(?:before|prior\s+to)\s+(?:the\s+)?"
                          r"(?:renewal|end|expiration|expiry)", chunk, re.I)
            if z and not re.search(r"\d|\b(?:%s)\s+(?:days?|months?)" % NUM, z.group(0), re.I):
                cands.append(cand(tx, 0, 0, s + z.start(), s + z.end(), rank=0))
                continue
        if m:
            n = to_int(m.group("n"))
            cands.append(cand(tx, n, n, s + m.start("n"), s + m.end(), rank=rank))
    return choose("nonrenewal_notice_days", cands)


_CAP_PHRASE = re.compile(
    r"(?:shall|will|may)\s+(?:not\s+|in\s+no\s+event\s+|never\s+)?(?:exceed|be\s+limited\s+to|be\s+more\s+than)\b|"
    r"(?:not|never)\s+(?:to\s+)?exceed(?:ing)?\b|limited\s+to|capped\s+at|no\s+greater\s+than|in\s+excess\s+of|"
    r"\bliability\s+(?:[\w-]+\s+){0,6}?exceed\b", re.I)


def _liability_cap(tx: _Text) -> KeyTerm:
    cands = []
    for s, e, chunk in sentences(tx, r"liab", avoid=r"credits?\s+(?:issued|shall|will|per)|deposit|"
                                  r"insurance|beta|preview|trial|evaluation"):
        if not re.search(r"(?:total|aggregate|cumulative|maximum|entire|each\s+party.s|either\s+party.s|"
                         r"our|its|the)\s+liability|liability\s+(?:of|under|for)|shall\s+not\s+be\s+liable\s+for\s+"
                         r"(?:any\s+)?(?:amount|damages)\s+in\s+excess", chunk, re.I):
            continue
        found = None
        for m in _CAP_PHRASE.finditer(chunk):  # the last cap phrase that names an amount
            value, a, b = _cap_value(chunk, m)
            if re.search(r"fee|charge|amount|paid|payable|price|\$|sum|dollar|month", value, re.I):
                found = (value, a, b)
        if not found:
            continue
        value, a, b = found
        rank = 2 if "limitation" in tx.heading_words(tx.clause_at(s + a)) or \
            "limitation_of_liability" in tx.topic_ids(tx.clause_at(s + a)) else 1
        cands.append(cand(tx, value, _norm_cap(value), s + a, s + b, rank=rank))
    return choose("liability_cap", cands)


def _sla_uptime(tx: _Text) -> KeyTerm:
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


_FLAT_CREDIT = re.compile(r"\bcredits?\s+(?:equal\s+to\s+|of\s+)(?P<v>" + _PCT + r"\s+of\s+[^,;.()]{0,60}?"
                          r"(?:fees|charges|mrc)\b)", re.I)


def _credit_cap(tx: _Text) -> KeyTerm:
    cands, flat = [], []
    for s, e, chunk in sentences(tx, r"credit"):
        for f in _FLAT_CREDIT.finditer(chunk):
            if re.search(r"\b(?:for\s+each|per|every)\s+(?:full\s+|additional\s+|complete\s+)?(?:hour|day|minute|"
                         r"incident|outage|occurrence|\d|percent|0?\.\d)", chunk, re.I):
                continue  # a credit per hour or per incident is a rate, not a flat credit
            v = re.sub(r"\s+", " ", f.group("v"))
            flat.append(cand(tx, v, _norm_credit(v), s + f.start("v"), s + f.end("v"), rank=0))
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
        value, a, b = _cap_value(chunk, m)
        if not re.search(r"charge|fee|%|percent|amount|mrc|\$", value, re.I):
            continue
        cands.append(cand(tx, value, _norm_credit(value), s + a, s + b, rank=1))
    if not cands and len({c.normalized for c in flat}) == 1:
        cands = flat[:1]  # one flat credit, no tiers: the credit is also the most that can be credited
    return choose("service_credit_cap", cands)


_WRONG_CHARGE = (r"(?:charge|invoice|bill|amount)s?\s+(?:is|are|was|were|may\s+be|to\s+be)\s+(?:wrong|incorrect|"
                 r"inaccurate|in\s+error|mistaken|erroneous)")


def _dispute_window(tx: _Text) -> KeyTerm:
    cands = []
    after_party = re.compile(r"^[^.;]{0,30}?after\s+(?:\w+\s+){1,3}(?:provides|gives|notifies|sends|"
                             r"determines|resolves)", re.I)
    for s, e, chunk in sentences(tx, r"disput|challenge|contest|claims?\s+(?:must|shall)|objection|object\s+to|"
                                     r"claims?\s+(?:regarding|about|concerning|relating\s+to|as\s+to)\s+(?:an?\s+|any\s+|"
                                     r"the\s+)?(?:charge|invoice|bill)|" + _WRONG_CHARGE,
                                 avoid=r"arbitra|mediat"):
        if not re.search(r"invoice|charge|bill|fees|amount", chunk, re.I):
            continue
        found = None
        for m in re.finditer(r"within\s+(?:such\s+|the\s+)?" + _DAYS + r"(?:\s+period)?", chunk, re.I):
            tail = chunk[m.end():m.end() + 80]
            if after_party.search(tail):
                continue
            before = chunk[max(0, m.start() - 140):m.start()]
            if re.match(r"\s*(?:after|of|from|following)\s+(?:the\s+)?(?:date\s+of\s+|receipt\s+of\s+|"
                        r"issuance\s+of\s+)?(?:the\s+|such\s+|an?\s+|that\s+)?(?:invoice|receipt|bill|"
                        r"statement|charge)", tail, re.I) and re.search(r"disput|claim|challenge|contest|object|" + _WRONG_CHARGE,
                                                                        before, re.I):
                found = (m, 2)
                break
            if re.search(r"(?:disput|challeng|contest|objection)\w*(?:(?!notwithstanding)[^.;]){0,120}$", before, re.I) \
                    and found is None:
                found = (m, 1)
        if found:
            m, rank = found
            n = to_int(m.group("n"))
            cands.append(cand(tx, n, n, s + m.start("n"), s + m.end(), rank=rank))
    return choose("billing_dispute_window_days", cands)


_STATE = r"(?:[A-Z][a-zA-Z.]+)(?:\s+(?:of\s+|and\s+)?[A-Z][a-zA-Z.]+){0,3}"


_LAW_OF = {"english": "England", "irish": "Ireland", "scottish": "Scotland", "scots": "Scotland",
           "german": "Germany", "french": "France", "dutch": "the Netherlands", "swiss": "Switzerland",
           "italian": "Italy", "spanish": "Spain", "swedish": "Sweden", "danish": "Denmark", "polish": "Poland",
           "canadian": "Canada", "australian": "Australia", "japanese": "Japan", "singaporean": "Singapore",
           "austrian": "Austria", "belgian": "Belgium", "norwegian": "Norway", "finnish": "Finland"}


def _governing_law(tx: _Text) -> KeyTerm:
    cands = []
    for s, e, chunk in sentences(tx, r"govern|construed|laws?\s+of"):
        m = re.search(r"(?:governed|construed|interpreted|enforced)[^.;]{0,80}?laws?\s+(?:of|in\s+force\s+in)\s+(?:the\s+)?"
                      r"(?:(?:State|Commonwealth|Province|Republic|Kingdom)\s+of\s+)?(?P<j>%s)" % _STATE, chunk)
        if m is None:
            m = re.search(r"laws?\s+of\s+(?:the\s+)?(?:(?:State|Commonwealth|Province)\s+of\s+)?(?P<j>%s)"
                          r"[^.;]{0,80}?\bgovern" % _STATE, chunk)
        if m is None:  # "governed by California law"
            m = re.search(r"(?:governed|construed)\s+(?:by|under|in\s+accordance\s+with)\s+(?:the\s+)?(?P<j>%s)\s+laws?\b"
                          % _STATE, chunk)
            if m and re.search(r"(?:ish|ian|ese|ch|ss)$", m.group("j")):  # "Irish law": a people, not a place
                place = _LAW_OF.get(m.group("j").lower())
                if place:
                    a = s + m.start("j")
                    cands.append(cand(tx, place, place, a, a + len(m.group("j")), rank=1))
                continue
        if not m:
            continue
        j = re.sub(r"\s+and\s+([A-Z][a-z]+)(?=[\s,.;]|$)(?!\s+[A-Z])", r" & \1", m.group("j"))  # England and Wales
        j = re.split(r"\s+(?:without|and|excluding|including|applicable|as|in|U\.S\.A|USA|United\s+States)\b",
                     j)[0].rstrip(".,").replace(" & ", " and ")
        if j.lower() in ("the", "this", "such", "any", "applicable", "each"):
            continue
        a = s + m.start("j")
        cands.append(cand(tx, j, j, a, a + len(j), rank=1))
    return choose("governing_law", cands)


_PLACE = r"[A-Z][\w.]*(?:\s+(?:and\s+)?[A-Z][\w.]*){0,3}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
_COURTS = re.compile(r"(?P<v>(?:(?:state|federal)\s+(?:and|or)\s+(?:state|federal)\s+|federal\s+|state\s+)?courts?\s+"
                     r"(?:located\s+|sitting\s+)?(?:in|of|for)\s+(?:the\s+)?(?P<p>" + _PLACE + r"))")


def _forum(tx: _Text) -> KeyTerm:
    cands = []
    for s, e, chunk in sentences(tx, r"court|venue|jurisdiction|arbitrat"):
        m = _COURTS.search(chunk)
        if m and re.search(r"exclusive|jurisdiction|venue|submit|brought|bring\s+suit|\bsue\b|(?:resolved|heard|"
                           r"decided|determined|litigated)\s+(?:exclusively\s+|only\s+)?(?:in|by|before)\b", chunk, re.I):
            place = re.sub(r"\s+(?:have|has|shall|will)$", "", m.group("p")).strip(" ,.")
            v = re.sub(r"\s+", " ", chunk[m.start("v"):m.start("p") + len(place)]).strip()
            cands.append(cand(tx, v, f"courts of {place}", s + m.start("v"), s + m.start("v") + len(v), rank=2))
            continue
        m = re.search(r"(?P<v>(?:binding\s+|final\s+)*arbitration\b[^.;,]{0,100})", chunk, re.I)
        if m and re.search(r"(?:shall|will|must)\s+be\s+(?:resolved|settled|decided|submitted)|submit\s+"
                           r"(?:the\s+)?(?:dispute|claim|matter)s?\s+to|resolved\s+by", chunk, re.I):
            v = re.sub(r"\s+", " ", m.group("v")).strip()
            v = re.split(r",\s+(?:rather|except|provided|unless|as\s+detailed|as\s+set)", v)[0]
            window = tx.text[max(0, s - 600):s + 1500]
            norm = "arbitration"
            if re.search(r"American\s+Arbitration\s+Association|\bAAA\b", window):
                norm += " (AAA)"
            elif re.search(r"\bJAMS\b", window):
                norm += " (JAMS)"
            elif re.search(r"\bICC\b|International\s+Chamber", window):
                norm += " (ICC)"
            rank = 2 if re.search(r"binding|final", v, re.I) else 1
            cands.append(cand(tx, v[:160], norm, s + m.start("v"), s + m.start("v") + len(v[:160]),
                               rank=rank))
    return choose("forum", cands)


# ---------------------------------------------------------------------------------------------


def extract(agreement: Agreement, topics: Mapping[str, Sequence] = None, playbook=None) -> Dict[str, KeyTerm]:
    """Return {name: KeyTerm} for every key-term name (value None where the agreement is silent)."""
    tx = term_text(agreement, topics or {})
    auto, period = _renewal(tx)
    terms = {
        "payment_due_days": _payment_due(tx),
        "late_interest": _late_interest(tx),
        "initial_term": _initial_term(tx),
        "auto_renewal": auto,
        "renewal_period": period,
        "termination_notice_days": None,
        "nonrenewal_notice_days": _nonrenewal_notice(tx),
        "liability_cap": _liability_cap(tx),
        "sla_uptime": _sla_uptime(tx),
        "service_credit_cap": _credit_cap(tx),
        "billing_dispute_window_days": _dispute_window(tx),
        "governing_law": _governing_law(tx),
        "forum": _forum(tx),
    }
    terms["termination_notice_days"] = _termination_notice(tx, terms["nonrenewal_notice_days"])
    return {name: terms[name] for name in NAMES}
