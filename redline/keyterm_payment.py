"""Return the payment key terms: days to pay, late-payment interest and the window to dispute a charge.

Each reader takes the agreement's `TermText` and returns its `KeyTerm` (value None when silent).
"""

from __future__ import annotations

import re

from redline.keyterm_numbers import ABOVE_BASE, DAYS, OF_UNPAID, PCT, norm_rate, to_int
from redline.keyterm_text import TermText, cand, choose, sentences
from redline.model import KeyTerm


def payment_due(tx: TermText) -> KeyTerm:
    """Return `payment_due_days`: days from invoice to payment (0 when due on receipt or charged at once)."""
    cands = []
    for s, e, chunk in sentences(tx, r"\b(?:due|paid|payable|pay|settle)\b|\b(?:charged|billed|debited)\b|\bpayment\s+terms?\b",
                                  avoid=r"\bdisputed|resolved|determin|deposit|service\s+credit|credit\s+(?:approval|"
                                        r"limit|check)|refund|withh[oe]ld|interest|\blate\b|past due|overdue|"
                                        r"terminat|cancel"):
        if not re.search(r"invoice|payment|fees|charges|amounts|bill", chunk, re.I):
            continue
        m = re.search(r"(?:due|paid|payable|\bpay|remit|settle)[^.;]{0,60}?(?:within\s+)?" + DAYS +
                      r"\s*(?:after|of|from|following|upon)\s+(?:the\s+)?(?:[\w-]+['’]s?\s+)?(?:date\s+of\s+)?"
                      r"(?:receipt|receiving|the\s+invoice|invoice|billing|the\s+date)", chunk, re.I)
        if m is None:
            m = re.search(r"\bnet\s+(?P<n>\d{1,3})\b", chunk, re.I)
        if m is None:  # "invoices must be paid within 20 days", no start named
            m = re.search(r"\b(?:due|paid|payable)\s+(?:in\s+full\s+)?within\s+" + DAYS + r"\s*(?:[.;]|$)", chunk, re.I)
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


def late_interest(tx: TermText) -> KeyTerm:
    """Return `late_interest`: the rate on late payments as written, normalised ("1.5% per month")."""
    cands = []
    for s, e, chunk in sentences(tx, r"interest|late (?:payment )?(?:fee|charge)|finance charge"):
        if not re.search(r"late|past due|overdue|unpaid|not paid|delinquen|interest", chunk, re.I):
            continue
        m = re.search(r"(?P<v>" + PCT + r"\s*(?:per|a|each|every)\s+(?:month|annum|year|calendar month)"
                      + ABOVE_BASE + ")", chunk, re.I)
        if m is None:
            m = re.search(r"(?P<v>" + PCT + OF_UNPAID + ")", chunk, re.I)
        if m is None:
            m = re.search(r"(?P<v>" + PCT + r"\s*(?:monthly|annually))", chunk, re.I)
        if m:
            v = re.sub(r"\s+", " ", m.group("v")).strip()
            cands.append(cand(tx, v, norm_rate(v), s + m.start("v"), s + m.end("v"),
                               rank=2 if re.search(r"late|past due|overdue", chunk, re.I) else 1))
    return choose("late_interest", cands)


_WRONG_CHARGE = (r"(?:charge|invoice|bill|amount)s?\s+(?:is|are|was|were|may\s+be|to\s+be)\s+(?:wrong|incorrect|"
                 r"inaccurate|in\s+error|mistaken|erroneous)")


def dispute_window(tx: TermText) -> KeyTerm:
    """Return `billing_dispute_window_days`: the days the customer has to dispute a charge."""
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
        for m in re.finditer(r"within\s+(?:such\s+|the\s+)?" + DAYS + r"(?:\s+period)?", chunk, re.I):
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
