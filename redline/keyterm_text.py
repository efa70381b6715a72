"""Return an agreement's sentences and the chosen key term, for the key-term readers.

`TermText` splits an agreement into sentences and maps offsets to parts (`term_text` reuses the
one built for the same agreement; `sentences` keeps its answers on it); `cand` makes a candidate
value with its span, clause and part; `choose` picks a key term among candidates, an exhibit's
value overriding the master agreement's (the other listed under `alternatives`). Numbers as
written and their normal forms are in `keyterm_numbers`.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from redline.model import Agreement, KeyTerm
from redline.spans import deepest_clause

# ---------------------------------------------------------------------------------------------
# Sentences and where they lie

_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(“\"•●])|(?<=;)\s+|\n\s*\n|"
                       r"\n(?=\s*(?:\(?[a-z0-9]{1,4}[.)]|[A-Z]{3,}))")


class TermText:
    """The agreement's text split into sentences, and the map from offsets to clauses and parts."""

    def __init__(self, agreement: Agreement, topics: Mapping[str, Sequence]):
        self.agreement = agreement
        self.text = agreement.text
        self.topics = topics or {}
        self.sentences: List[Tuple[int, int]] = []
        pos = 0
        for m in _SENT_END.finditer(self.text):
            if m.start() > pos:
                self.sentences.append((pos, m.start()))
            pos = m.end()
        if pos < len(self.text):
            self.sentences.append((pos, len(self.text)))
        self.sentence_starts = [a for a, _ in self.sentences]
        parts = sorted(agreement.parts, key=lambda p: p.start)
        self._parts = parts
        self._part_starts = [p.start for p in parts]
        self._redact = sorted(agreement.redactions)
        lower = self.text.lower()
        self.lower = lower if len(lower) == len(self.text) else None  # same offsets, or not used
        self.hits: dict = {}

    def part_kind(self, offset: int) -> Tuple[int, str]:
        """Return (order, kind) of the part holding `offset`."""
        i = bisect.bisect_right(self._part_starts, offset) - 1
        if 0 <= i < len(self._parts):
            return i, self._parts[i].kind
        return 0, "main"

    def topic_ids(self, clause) -> Tuple[str, ...]:
        if clause is None:
            return ()
        ids = [t.id for t in self.topics.get(clause.id, ())]
        node = clause
        while node.parent and len(ids) < 8:
            node = self.agreement.clause(node.parent)
            ids += [t.id for t in self.topics.get(node.id, ())]
        return tuple(ids)

    def heading_words(self, clause) -> str:
        words = []
        node = clause
        while node is not None:
            if node.heading:
                words.append(node.heading.lower())
            node = self.agreement.clause(node.parent) if node.parent else None
        return " ".join(words)


_RECENT: List[TermText] = []


def term_text(agreement: Agreement, topics: Mapping[str, Sequence]) -> TermText:
    """Return the TermText of `agreement`, reusing the one built for it last time (same object)."""
    for tx in _RECENT:
        if tx.agreement is agreement:
            tx.topics = topics or {}
            return tx
    tx = TermText(agreement, topics)
    _RECENT.insert(0, tx)
    del _RECENT[8:]
    return tx


class Cand:
    __slots__ = ("value", "normalized", "start", "end", "clause", "order", "kind", "rank")

    def __init__(self, value, normalized, start, end, clause, order, kind, rank=0):
        self.value, self.normalized, self.start, self.end = value, normalized, start, end
        self.clause, self.order, self.kind, self.rank = clause, order, kind, rank


EXHIBIT_KINDS = ("exhibit", "schedule", "attachment", "sow", "appendix")


def cand(tx: TermText, value, normalized, start, end, rank=0) -> Cand:
    clause = deepest_clause(tx.agreement, start)
    order, kind = tx.part_kind(start)
    return Cand(value, normalized, start, end, clause.id if clause else None, order, kind, rank)


def term(name: str, c: Cand, alternatives: Iterable[Cand] = ()) -> KeyTerm:
    alts = tuple(KeyTerm(name=name, value=a.value, normalized=a.normalized, clause=a.clause,
                         start=a.start, end=a.end) for a in alternatives)
    return KeyTerm(name=name, value=c.value, normalized=c.normalized, clause=c.clause,
                   start=c.start, end=c.end, alternatives=alts)


def choose(name: str, cands: List[Cand], *, pick=None) -> KeyTerm:
    """Return the key term from `cands`: an exhibit's value overrides the master's."""
    if not cands:
        return KeyTerm(name=name, value=None)
    pick = pick or (lambda group: sorted(group, key=lambda c: (-c.rank, c.start))[0])
    exhibit = [c for c in cands if c.kind in EXHIBIT_KINDS and c.order > 0]
    master = [c for c in cands if c not in exhibit]
    if exhibit and master:
        best = pick(exhibit)
        others = [pick(master)]
    else:
        best = pick(cands)
        others = []
    seen = {value_key(best.normalized if best.normalized is not None else best.value)}
    alts = []
    for c in others + [c for c in cands if c is not best]:
        k = value_key(c.normalized if c.normalized is not None else c.value)
        if k not in seen:
            seen.add(k)
            alts.append(c)
    return term(name, best, alts[:4])


def value_key(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().lower()


_UPPER_LITERAL = re.compile(r"(?<!\\)[A-Z]")


def sentences(tx: TermText, must: str, *, avoid: Optional[str] = None) -> List[Tuple[int, int, str]]:
    """Return (start, end, text) of sentences matching the regex `must` (any case) and not `avoid`.

    One pass of `must` over the agreement's lower-cased text (case-blind matching over the whole
    text is the slow part); the answer is kept on `tx` so asking again costs nothing.
    """
    key = (must, avoid)
    if key in tx.hits:
        return tx.hits[key]
    if tx.lower is not None and not _UPPER_LITERAL.search(must):
        need, text = re.compile(must), tx.lower
    else:
        need, text = re.compile(must, re.I), tx.text
    bad = re.compile(avoid, re.I) if avoid else None
    starts = tx.sentence_starts
    seen = set()
    out = []
    for m in need.finditer(text):  # one pass over the text, then only the sentences hit
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or i in seen:
            continue
        seen.add(i)
        s, e = tx.sentences[i]
        if m.end() <= e or need.search(text, s, e):
            chunk = tx.text[s:e]
            if not (bad and bad.search(chunk)):
                out.append((s, e, chunk))
    tx.hits[key] = out
    return out


