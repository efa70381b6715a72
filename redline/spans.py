"""Pure helpers over spans: a clause's own text, furniture left out, offsets kept.

A clause's *own* text is its span minus its children's spans; its *text* (as quoted and
exported) also leaves out any furniture lying inside it.
"""

from __future__ import annotations

import bisect
from typing import Iterable, List, Sequence, Tuple

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
