"""Return the memo's building blocks: plain values both renderers (Word, Markdown) understand.

Headings, paragraphs of runs, exact quotes, bullet lists, tables with shading keys, a
table-of-contents marker and page breaks; plus `Ctx`, what every section of the memo needs
to know, and the small facts sections share (table columns, counts, silences).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

from redline.export import memo_facts as facts
from redline.model import AgreementAnalysis, Analysis

BANNER = "Privileged & Confidential — Attorney Work Product"
QUOTE_LIMIT = 900
"""Quotes longer than this are shown as their opening and closing words around " […] "."""
ELLIPSIS = " […] "


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Para:
    runs: Tuple[Run, ...]
    style: str = "body"
    """"body" or "note" (smaller, for captions and legends)."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Quote:
    """Words quoted from an agreement, exactly (long ones elided in the middle with " […] ")."""

    text: str


@dataclass(frozen=True)
class Bullets:
    items: Tuple[Para, ...]


@dataclass(frozen=True)
class TableCell:
    text: str
    shade: Optional[str] = None
    """A heat level ("high", "medium", "low", "ok", "silent", "missing", "redacted") or None."""
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Table:
    header: Tuple[str, ...]
    rows: Tuple[Tuple[TableCell, ...], ...]
    widths: Tuple[float, ...]
    """Relative column widths; the renderer scales them to the page."""
    kind: str = "grid"
    """"grid", "heatmap", "legend" or "keyterms" (the renderer may size text by kind)."""
    width: float = 1.0
    """The table's width as a share of the text width."""


@dataclass(frozen=True)
class Toc:
    """Where the table of contents goes."""

    title: str = "Contents"


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Union[Heading, Para, Quote, Bullets, Table, Toc, PageBreak]


@dataclass(frozen=True)
class Memo:
    banner: str
    title: str
    meta: Tuple[Tuple[str, str], ...]
    """The title block: (label, value) pairs."""
    blocks: Tuple[Block, ...]


def para(*parts: Union[str, Run], style: str = "body") -> Para:
    """Return a paragraph of `parts` (strings are plain runs)."""
    return Para(tuple(Run(p) if isinstance(p, str) else p for p in parts if p), style=style)


def lead(label: str, text: str) -> Para:
    """Return a paragraph "Label: text" with the label in bold."""
    return para(Run(f"{label}: ", bold=True), text)


def quotable(text: str) -> str:
    """Return `text` with its whitespace collapsed, elided in the middle when very long."""
    flat = " ".join(text.split())
    if len(flat) <= QUOTE_LIMIT:
        return flat
    head = flat[:600]
    head = head[: head.rfind(" ")] if " " in head else head
    tail = flat[-220:]
    tail = tail[tail.find(" ") + 1:] if " " in tail else tail
    return f"{head}{ELLIPSIS}{tail}"


# ---------------------------------------------------------------------------------------------
# What every section needs


@dataclass(frozen=True)
class Ctx:
    """What every section needs: the analysis, column labels, the reference, topic names."""

    analysis: Analysis
    labels: Tuple[str, ...]
    refs: Tuple[int, ...]
    topics: Tuple[str, ...]
    names: Dict[str, str]
    required: frozenset


def columns(ctx: Ctx) -> List[int]:
    """Return the agreements in table order: the customer's own paper first, as the baseline."""
    return list(ctx.refs) + vendors(ctx)


def vendors(ctx: Ctx) -> List[int]:
    """Return the vendors' agreements (every one but the customer's own paper), in load order."""
    return [i for i in range(len(ctx.analysis.agreements)) if i not in ctx.refs]


def count_text(item: AgreementAnalysis) -> str:
    """Return "12 issues (3 high, 9 medium)" for an agreement ("no issues flagged" when none)."""
    c = facts.counts(item)
    total = sum(c.values())
    if not total:
        return "no issues flagged"
    parts = [f"{c[s]} {s}" for s in facts.SEVERITIES if c[s]]
    return f"{total} issue{'s' if total != 1 else ''} ({', '.join(parts)})"


def silent(ctx: Ctx, index: int) -> List[str]:
    """Return the topics agreement `index` is silent on (or missing a required one)."""
    return [t for t in ctx.topics
            if facts.heat(ctx.analysis, index, t).level in ("silent", "missing")]
