"""Return what the negotiation memo says, as plain blocks both renderers (Word, Markdown) share.

`build_memo(analysis, ...)` turns an `Analysis` into a `Memo`: a banner, a title block and a
flat sequence of blocks (see `memo_blocks`). Rendering lives in `memo` (docx) and
`memo_markdown`; neither decides what to say, so the two always say the same thing. The
issues section is built in `memo_issues`.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from redline.export import memo_facts as facts
from redline.export.memo_blocks import (BANNER, ELLIPSIS, Block, Bullets, Ctx, Heading, Memo,
                                        PageBreak, Run, Table, TableCell, Toc, columns,
                                        count_text, para, quotable, silent, vendors)
from redline.export.memo_issues import finding_quote, issue_sentence, issues_section
from redline.model import AgreementAnalysis, Analysis, KeyTerm

__all__ = ["build_memo", "BANNER", "ELLIPSIS", "quotable", "finding_quote"]


def build_memo(analysis: Analysis, *, matter: str = "Vendor agreement review", playbook=None,
               today: Optional[_dt.date] = None) -> Memo:
    """Return the `Memo` for `analysis`: what the negotiation memo says, section by section."""
    book = playbook
    names: Dict[str, str] = {}
    order: List[str] = []
    required: set = set()
    if book is not None:
        for topic in getattr(book, "topics", ()):
            names[topic.id] = topic.name
            order.append(topic.id)
        for req in getattr(book, "required", ()) or ():
            required.add(getattr(req, "topic", None) or getattr(req, "id", None) or str(req))
    topics = facts.topic_ids(analysis, order)
    for t in topics:
        names.setdefault(t, t.replace("_", " ").capitalize())
    ctx = Ctx(analysis, tuple(facts.labels(analysis)), facts.reference_indexes(analysis),
               tuple(topics), names, frozenset(required))
    date = (today or _dt.date.today())
    book_name = getattr(book, "name", "") or "Default playbook"
    book_file = Path(getattr(book, "path", "") or analysis.playbook_path or "").name
    meta = (
        ("Matter", matter),
        ("Date", f"{date:%B} {date.day}, {date.year}"),
        ("Agreements reviewed", "; ".join(
            f"{ctx.labels[i]} ({Path(a.path).name})" for i, a in enumerate(analysis.agreements))),
        ("Playbook", f"{book_name} ({book_file})" if book_file else book_name),
    )
    blocks: List[Block] = [Toc()]
    blocks += _summary(ctx)
    blocks += _heat_map(ctx)
    blocks += _key_terms(ctx)
    blocks += issues_section(ctx)
    blocks += _appendix(ctx)
    return Memo(banner=BANNER, title=f"Negotiation memo: {matter}", meta=meta, blocks=tuple(blocks))


# ---------------------------------------------------------------------------------------------
# Executive summary


def _summary(ctx: Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [Heading("Executive summary", 1)]
    vendor_ids = vendors(ctx)
    intro = (f"We reviewed {len(vendor_ids)} vendor agreement{'s' if len(vendor_ids) != 1 else ''} "
             f"against the customer's playbook ({len(ctx.topics)} topics).")
    if len(ctx.refs) == 1:
        ref = an.agreements[ctx.refs[0]]
        intro += (f" Our own paper ({Path(ref.path).name}) is the reference it is measured "
                  f"against: {count_text(ref)} in it.")
    elif ctx.refs:
        intro += (" Our own paper (" + ", ".join(Path(an.agreements[i].path).name for i in ctx.refs)
                  + ") is the reference.")
    out.append(para(intro))
    scored = _ranking(ctx)
    if scored:
        best, worst = scored[0], scored[-1]
        b_item = an.agreements[best]
        if len(scored) < 2:
            pass  # one vendor: nothing to rank it against
        elif all(not an.agreements[i].findings for i in vendor_ids):
            out.append(para("No one-sided terms were flagged in any vendor's paper, so none is "
                            "ranked above the others on the playbook's terms."))
        else:
            text = (f"{ctx.labels[best]}'s paper is closest to our position overall: "
                    f"{count_text(b_item)}, silent on {len(silent(ctx, best))} of "
                    f"{len(ctx.topics)} topics")
            if len(scored) > 1 and worst != best:
                w_item = an.agreements[worst]
                text += (f". {ctx.labels[worst]}'s is furthest: {count_text(w_item)}, silent on "
                         f"{len(silent(ctx, worst))}")
            out.append(para(Run("Closest to our position. ", bold=True), text + "."))
        out.append(_overview(ctx, scored))
        spread = _spreads(ctx)
        if spread:
            out.append(para(Run("Where the key terms differ most. ", bold=True),
                            "The best and the worst for us, among the vendors:"))
            out.append(Bullets(tuple(spread)))
    for i in scored:
        item = an.agreements[i]
        # The few that matter most: the most severe, the most pervasive among them first.
        top = sorted(facts.issues(item), key=lambda g: (facts.SEVERITY_RANK.get(g.severity, 3),
                                                        -len(g.findings)))[:3]
        lead_in = "the issues that matter most:" if top else "nothing flagged."
        out.append(para(Run(ctx.labels[i], bold=True), f" — {count_text(item)}; {lead_in}"))
        if top:
            out.append(Bullets(tuple(issue_sentence(ctx, item, g) for g in top)))
    return out


# Day counts where more is better for the customer (+1) or fewer is (-1).
_DAY_DIRECTION = (("payment_due_days", 1), ("billing_dispute_window_days", 1),
                  ("termination_notice_days", -1), ("nonrenewal_notice_days", -1))


def _spreads(ctx: Ctx) -> List[Para]:
    """Return one sentence per day-count key term on which the vendors' values differ."""
    an = ctx.analysis
    labels = dict(facts.KEY_TERMS)
    out: List[Para] = []
    for name, direction in _DAY_DIRECTION:
        values: Dict[int, List[str]] = {}
        for i in vendors(ctx):
            term = an.agreements[i].key_terms.get(name)
            if term is None or isinstance(term.value, bool) or not isinstance(term.value, (int, float)):
                continue
            values.setdefault(int(term.value), []).append(ctx.labels[i])
        if len(values) < 2:
            continue
        ranked = sorted(values, key=lambda v: -direction * v)
        best, worst = ranked[0], ranked[-1]

        def shown(v: int) -> str:
            return facts.term_value(KeyTerm(name, v), name).lower()

        out.append(para(Run(f"{labels[name]}: ", bold=True),
                        f"{shown(best)} ({', '.join(values[best])}) against {shown(worst)} "
                        f"({', '.join(values[worst])})."))
    return out


def _overview(ctx: Ctx, order: Sequence[int]) -> Table:
    """Return the at-a-glance table: each agreement's issues by severity, risk and silences."""
    an = ctx.analysis
    rows = []
    for i in list(order) + list(ctx.refs):
        item = an.agreements[i]
        c = facts.counts(item)
        name = ctx.labels[i] + (" (reference)" if i in ctx.refs else "")
        rows.append((TableCell(name, bold=True),
                     TableCell(str(c["high"]), shade="high" if c["high"] else None),
                     TableCell(str(c["medium"]), shade="medium" if c["medium"] else None),
                     TableCell(str(c["low"]), shade="low" if c["low"] else None),
                     TableCell(str(item.risk_score)),
                     TableCell(str(len(silent(ctx, i))))))
    return Table(("Agreement (closest first)", "High", "Medium", "Low", "Risk score", "Silent topics"),
                 tuple(rows), (2.4, 0.8, 0.8, 0.8, 0.9, 0.9), kind="overview")


def _ranking(ctx: Ctx) -> List[int]:
    """Return the vendors' indexes, closest to the customer's position first."""
    an = ctx.analysis
    vendor_ids = vendors(ctx)
    use_risk = any(an.agreements[i].risk_score for i in vendor_ids)

    def key(i: int):
        item = an.agreements[i]
        c = facts.counts(item)
        primary = item.risk_score if use_risk else facts.weight(item)
        return (primary, c["high"], len(silent(ctx, i)), i)

    return sorted(vendor_ids, key=key)


# ---------------------------------------------------------------------------------------------
# Heat map and key terms


def _heat_map(ctx: Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Heat map", 1), para(
        "Playbook topics down, agreements across; each cell shows the most severe issue on the "
        "topic (×N: how many)" + ("; * marks a topic the playbook requires." if ctx.required else "."),
        style="body")]
    items = [(TableCell(label, shade=level, italic=level == "silent"), TableCell(meaning))
             for level, label, meaning in facts.LEGEND]
    half = (len(items) + 1) // 2
    legend_rows = []
    for k in range(half):
        right = items[half + k] if half + k < len(items) else (TableCell(""), TableCell(""))
        legend_rows.append(items[k] + right)
    out.append(Table(("Shade", "Meaning", "Shade", "Meaning"), tuple(legend_rows),
                     (0.8, 2.4, 0.8, 2.4), kind="legend"))
    rows = []
    cols = columns(ctx)
    for t in ctx.topics:
        name = ctx.names.get(t, t) + (" *" if t in ctx.required else "")
        row = [TableCell(name)]
        for i in cols:
            h = facts.heat(an, i, t)
            row.append(TableCell(h.label, shade=h.level, italic=h.level == "silent"))
        rows.append(tuple(row))
    heads = tuple(ctx.labels[i] for i in cols)
    out.append(Table(("Topic",) + heads, tuple(rows), (2.2,) + (1.0,) * len(cols), kind="heatmap"))
    return out


def _key_terms(ctx: Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [Heading("Key terms", 1), para(
        "Each agreement's terms as it states them, with the section that says so (where an exhibit "
        "overrides the main agreement, the exhibit's term comes first).")]
    rows = []
    cols = columns(ctx)
    for name, label in facts.KEY_TERMS:
        row = [TableCell(label, bold=True)]
        for i in cols:
            text = facts.term_cell(an.agreements[i], name)
            row.append(TableCell(text or "not stated", italic=not text))
        rows.append(tuple(row))
    heads = tuple(ctx.labels[i] for i in cols)
    out.append(Table(("Key term",) + heads, tuple(rows), (1.1,) + (1.0,) * len(cols), kind="keyterms"))
    return out


# ---------------------------------------------------------------------------------------------
# Issues per agreement


# ---------------------------------------------------------------------------------------------
# Appendix


def _appendix(ctx: Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Appendix: loose ends per agreement", 1), para(
        "Blanks and placeholders to fill before signing, cross-references that lead nowhere, "
        "defined-term problems, and the topics each agreement does not address.")]
    for i in columns(ctx):
        item = an.agreements[i]
        out.append(Heading(ctx.labels[i], 2))
        out += _open_items(item)
        out += _xrefs(item)
        out += _defined(item)
        quiet = silent(ctx, i)
        out.append(Heading(f"Silent on ({len(quiet)})", 4))
        out.append(para(", ".join(ctx.names.get(t, t) for t in quiet) + "." if quiet
                        else "Every playbook topic is addressed."))
    return out


def _open_items(item: AgreementAnalysis) -> List[Block]:
    out: List[Block] = [Heading(f"Open items ({len(item.open_items)})", 4)]
    if not item.open_items:
        return out + [para("No blanks or placeholders found.")]
    rows = _tally((" ".join(o.text.split())[:60], facts.context(item, o.start, o.end),
                   facts.where(item, o.start) or "—") for o in item.open_items)
    return out + [Table(("Blank or placeholder", "In context", "Where"), rows, (1.3, 2.9, 1.3))]


def _xrefs(item: AgreementAnalysis) -> List[Block]:
    dangling = [x for x in item.xrefs if x.dangling]
    out: List[Block] = [Heading(f"Dangling cross-references ({len(dangling)})", 4)]
    if not dangling:
        return out + [para("Every cross-reference resolves." if item.xrefs
                           else "No cross-references to check.")]
    rows = _tally((" ".join(x.text.split())[:80], facts.context(item, x.start, x.end, before=45, after=25),
                   facts.where(item, x.start) or "—") for x in dangling)
    return out + [Table(("Reference", "In context", "Found in"), rows, (1.3, 2.9, 1.3))]


def _tally(rows) -> Tuple[Tuple[TableCell, ...], ...]:
    """Return one row per distinct row, "(×N)" marking repeats, in first-seen order."""
    seen: Dict[Tuple[str, ...], int] = {}
    for row in rows:
        seen[row] = seen.get(row, 0) + 1
    return tuple((TableCell(row[0] + (f" (×{n})" if n > 1 else "")),)
                 + tuple(TableCell(c) for c in row[1:]) for row, n in seen.items())


def _defined(item: AgreementAnalysis) -> List[Block]:
    problems = [d for d in item.defined_terms if not d.defined or d.uses == 0]
    out: List[Block] = [Heading(f"Defined-term problems ({len(problems)})", 4)]
    if not problems:
        return out + [para("No defined-term problems found.")]
    rows = []
    for d in sorted(problems, key=lambda d: (d.defined, d.term.lower())):
        if not d.defined:
            what = f"used {d.uses} time{'s' if d.uses != 1 else ''} but never defined"
            at = ""
        else:
            what = "defined but never used"
            at = facts.where(item, d.start)
        rows.append((TableCell(d.term), TableCell(what), TableCell(at or "—")))
    return out + [Table(("Term", "Problem", "Where defined"), tuple(rows), (1.5, 1.6, 1.2))]
