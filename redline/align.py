"""Return the topic x agreement matrix (addressed / silent / redacted) and the closest language.

`align(analyses, playbook) -> {topic id: (Cell, ...)}`: one cell per analysed agreement, in
order, for every playbook topic. A cell lists the clauses that address the topic, best first
(score, then document order); a list item ("(a)") whose clause above is listed is left to
that clause. Where no clause addresses it the cell is "silent" (a finding in
itself); where every clause that addresses it has its terms redacted ("[*]" marks with nothing
else of substance after the heading) it is "redacted", not silent.

`closest(text, other, topic=None)` ranks the clauses of another analysed agreement by how close
their words are to `text` (rapidfuzz token-set and token-sort ratios over the clauses' text), those on
`topic` first: "the closest language in the other agreements".
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process

from redline.model import AgreementAnalysis, Cell
from redline.spans import clause_text

_REDACTION = re.compile(r"\[\s*\*+\s*\]|\*{3,}")
_NOTE = re.compile(r"confidential\s+treatment[^.]*\.(?:[^.]*securities\s+and\s+exchange\s+commission\.)?|"
                   r"the\s+confidential\s+redacted\s+portion[^.]*\.", re.I)
_MAX_CHARS = 1500


def _is_redacted(analysis: AgreementAnalysis, clause_id: str) -> bool:
    """True when the clause's own words after its heading are only redaction marks and notes."""
    ag = analysis.agreement
    clause = ag.clause(clause_id)
    own = clause_text(ag, clause, own=True)
    head = ag.text[clause.start:clause.body_start]
    body = own[len(head):] if own.startswith(head) else own
    if clause.heading and clause.heading in body[:len(clause.heading) + 5]:
        body = body.split(clause.heading, 1)[1]
    marks = _REDACTION.findall(body) or _REDACTION.findall(clause.heading or "")
    if not marks:
        return False
    rest = _NOTE.sub(" ", _REDACTION.sub(" ", body))
    rest = re.sub(r"(?i)\bpage\s+\d+\b|[\s.,;:()\-–]+", " ", rest).strip()
    return len(rest.split()) <= 3


def _inside_listed(analysis: AgreementAnalysis, clause_id: str, listed: set) -> bool:
    """True for a list item ("(a)", "(i)") whose clause above is listed too: its words are shown
    and counted with that clause, not a second time on their own."""
    ag = analysis.agreement
    clause = ag.clause(clause_id)
    while clause.kind == "item" and clause.parent:
        if clause.parent in listed:
            return True
        clause = ag.clause(clause.parent)
    return False


def _cell(analysis: AgreementAnalysis, topic_id: str) -> Cell:
    ranked: List[Tuple[float, int, str]] = []
    order = {c.id: i for i, c in enumerate(analysis.agreement.clauses)}
    for cid, hits in analysis.topics.items():
        for h in hits:
            if h.id == topic_id:
                ranked.append((-float(h.score), order.get(cid, 0), cid))
                break
    if not ranked:
        return Cell(state="silent")
    ranked.sort()
    on_topic = {cid for _, _, cid in ranked}
    clauses = tuple(cid for _, _, cid in ranked if not _inside_listed(analysis, cid, on_topic))
    if all(_is_redacted(analysis, cid) for cid in clauses):
        return Cell(state="redacted", clauses=clauses)
    return Cell(state="addressed", clauses=clauses)


def align(analyses: Sequence[AgreementAnalysis], playbook) -> Dict[str, Tuple[Cell, ...]]:
    """Return {topic id: (Cell, ...)} with one cell per analysis, in order, for every topic."""
    return {t.id: tuple(_cell(a, t.id) for a in analyses) for t in playbook.topics}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())[:_MAX_CHARS]


def _score(a: str, b: str, **_) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def similarity(a: str, b: str) -> float:
    """Return how alike two clause texts are, 0-100 (mean of rapidfuzz token-set and token-sort ratios)."""
    return float(_score(_norm(a), _norm(b)))


def closest(text: str, other: AgreementAnalysis, topic: Optional[str] = None,
            limit: int = 3) -> List[Tuple[str, float]]:
    """Return [(clause id, score 0-100)] of `other`'s clauses closest to `text`, best first.

    With `topic`, only the clauses `other` addresses on that topic are ranked (all clauses when it
    addresses none).
    """
    ag = other.agreement
    pool = [c for c in ag.clauses
            if topic is None or any(h.id == topic for h in other.topics.get(c.id, ()))]
    if not pool:
        pool = list(ag.clauses)
    choices = {c.id: _norm(clause_text(ag, c, own=not c.children or len(c.children) > 8))
               for c in pool}
    found = process.extract(_norm(text), choices, scorer=_score, limit=limit)
    return [(cid, float(score)) for _, score, cid in found]
