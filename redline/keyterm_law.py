"""Return the dispute key terms: the governing law and the forum (courts or arbitration)."""

from __future__ import annotations

import re

from redline.keyterm_text import TermText, cand, choose, sentences
from redline.model import KeyTerm


_STATE = r"(?:[A-Z][a-zA-Z.]+)(?:\s+(?:of\s+|and\s+)?[A-Z][a-zA-Z.]+){0,3}"


_LAW_OF = {"english": "England", "irish": "Ireland", "scottish": "Scotland", "scots": "Scotland",
           "german": "Germany", "french": "France", "dutch": "the Netherlands", "swiss": "Switzerland",
           "italian": "Italy", "spanish": "Spain", "swedish": "Sweden", "danish": "Denmark", "polish": "Poland",
           "canadian": "Canada", "australian": "Australia", "japanese": "Japan", "singaporean": "Singapore",
           "austrian": "Austria", "belgian": "Belgium", "norwegian": "Norway", "finnish": "Finland"}


def governing_law(tx: TermText) -> KeyTerm:
    """Return `governing_law`: the place whose law governs ("New York", "England and Wales")."""
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


def forum(tx: TermText) -> KeyTerm:
    """Return `forum`: the courts, or the arbitration, where disputes are decided."""
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
