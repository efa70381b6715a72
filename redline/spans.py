"""Pure helpers over spans: a clause's own text, furniture left out, offsets kept, and the clause
that holds an offset.

A clause's *own* text is its span minus its children's spans; its *text* (as quoted and
exported) also leaves out any furniture lying inside it. `deepest_clause` answers "which clause
holds this offset" for every stage (review, key terms, memo).
"""

from __future__ import annotations

import bisect
import heapq
from typing import Iterable, List, Optional, Sequence, Tuple

from redline.model import Agreement, Clause

Span = Tuple[int, int]


def subtract(span: Span, holes: Iterable[Span]) -> List[Span]:
    """Return the pieces of `span` not covered by `holes` (sorted, non-empty pieces)."""
    start, end = span
    pieces: List[Span] = []
    pos = start
    for hs, he in sorted(holes):
        if he <= pos or hs >= end:
            continue
        if hs > pos:
            pieces.append((pos, hs))
        pos = max(pos, he)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def furniture_in(agreement: Agreement, start: int, end: int) -> List[Span]:
    """Return the furniture spans that overlap `start:end`."""
    furn = agreement.furniture
    starts = agreement.derived("furniture_starts", lambda: [f.start for f in furn])
    i = max(0, bisect.bisect_left(starts, start) - 1)
    out: List[Span] = []
    while i < len(furn) and furn[i].start < end:
        f = furn[i]
        if f.end > start:
            out.append((f.start, f.end))
        i += 1
    return out


def own_pieces(agreement: Agreement, clause: Clause) -> List[Span]:
    """Return the spans of `clause`'s own text: children and furniture left out."""
    holes = [(agreement.clause(c).start, agreement.clause(c).end) for c in clause.children]
    holes += furniture_in(agreement, clause.start, clause.end)
    return subtract((clause.start, clause.end), holes)


def clean_pieces(agreement: Agreement, start: int, end: int) -> List[Span]:
    """Return the spans of `start:end` with furniture left out."""
    return subtract((start, end), furniture_in(agreement, start, end))


def join_pieces(text: str, pieces: Sequence[Span]) -> str:
    """Return the text of `pieces`, joined with a single space where furniture was cut out."""
    out: List[str] = []
    for s, e in pieces:
        chunk = text[s:e]
        if out and chunk and not out[-1][-1:].isspace() and not chunk[:1].isspace():
            out.append(" ")
        out.append(chunk)
    return "".join(out)


def clause_text(agreement: Agreement, clause: Clause, *, own: bool = False) -> str:
    """Return `clause`'s text without furniture; with `own`, without its children too."""
    if own:
        pieces = own_pieces(agreement, clause)
    else:
        pieces = clean_pieces(agreement, clause.start, clause.end)
    return join_pieces(agreement.text, pieces)


def quote(agreement: Agreement, start: int, end: int) -> str:
    """Return the words at `start:end` as they should be quoted: furniture left out."""
    return join_pieces(agreement.text, clean_pieces(agreement, start, end)).strip()


def deepest_clause(agreement: Agreement, offset: int) -> Optional[Clause]:
    """Return the deepest clause whose span holds `offset`, or None when no clause does.

    A span holds `start <= offset < end` (its children's spans and any furniture inside it
    included: a page header inside 7.3 is in 7.3). So a clause's first character is its own, its
    `end` is not, and an offset between two clauses, in a part's title or past the text is in
    none. "Deepest" is the highest `level`; among clauses of one level holding the offset (the
    segmenter never makes them; an agreement built by hand might), the last in document order.
    Built once per agreement (`Agreement.derived`), then a bisect per call.
    """
    bounds, owners = agreement.derived("deepest_clause", lambda: _deepest_index(agreement.clauses))
    i = bisect.bisect_right(bounds, offset) - 1
    if i < 0 or owners[i] < 0:
        return None
    return agreement.clauses[owners[i]]


def _deepest_index(clauses: Sequence[Clause]) -> Tuple[List[int], List[int]]:
    """Return (bounds, owners): from bounds[i] to bounds[i + 1] the deepest clause is
    clauses[owners[i]] (-1: none); one sweep over the clauses' starts and ends."""
    order = sorted((i for i, c in enumerate(clauses) if c.start < c.end), key=lambda i: clauses[i].start)
    cuts = sorted({p for i in order for p in (clauses[i].start, clauses[i].end)})
    bounds: List[int] = []
    owners: List[int] = []
    active: List[Tuple[int, int, int]] = []  # (-level, -index, end): the deepest, then the latest, on top
    k = 0
    for cut in cuts:
        while k < len(order) and clauses[order[k]].start <= cut:
            c = clauses[order[k]]
            heapq.heappush(active, (-c.level, -order[k], c.end))
            k += 1
        while active and active[0][2] <= cut:
            heapq.heappop(active)
        owner = -active[0][1] if active else -1
        if not owners or owners[-1] != owner:
            bounds.append(cut)
            owners.append(owner)
    return bounds, owners
