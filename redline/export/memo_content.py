"""Return what the negotiation memo says, as plain blocks both renderers (Word, Markdown) share.

`build_memo(analysis, ...)` turns an `Analysis` into a `Memo`: a banner, a title block and a
flat sequence of blocks (headings, paragraphs, quotes, bullet lists, tables, a table of
contents marker). Rendering lives in `memo` (docx) and `memo_markdown`; neither decides what
to say, so the two always say the same thing.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from redline import spans
from redline.export import memo_facts as facts
from redline.model import AgreementAnalysis, Analysis, Finding

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


@dataclass(frozen=True)
class _Ctx:
    analysis: Analysis
    labels: Tuple[str, ...]
    refs: Tuple[int, ...]
    topics: Tuple[str, ...]
    names: Dict[str, str]
    required: frozenset


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
    ctx = _Ctx(analysis, tuple(facts.labels(analysis)), facts.reference_indexes(analysis),
               tuple(topics), names, frozenset(required))
    date = (today or _dt.date.today())
    book_name = getattr(book, "name", "") or "Default playbook"
    book_file = Path(getattr(book, "path", "") or analysis.playbook_path or "").name
    meta = (
        ("Matter", matter),
        ("Date", f"{date.day} {date:%B %Y}"),
        ("Agreements reviewed", "; ".join(
            f"{ctx.labels[i]} ({Path(a.path).name})" for i, a in enumerate(analysis.agreements))),
        ("Playbook", f"{book_name} ({book_file})" if book_file else book_name),
    )
    blocks: List[Block] = [Toc()]
    blocks += _summary(ctx)
    blocks += _heat_map(ctx)
    blocks += _key_terms(ctx)
    blocks += _issues(ctx)
    blocks += _appendix(ctx)
    return Memo(banner=BANNER, title=f"Negotiation memo: {matter}", meta=meta, blocks=tuple(blocks))


# ---------------------------------------------------------------------------------------------
# Executive summary


def _columns(ctx: _Ctx) -> List[int]:
    """Return the agreements in table order: the customer's own paper first, as the baseline."""
    return list(ctx.refs) + _vendors(ctx)


def _vendors(ctx: _Ctx) -> List[int]:
    return [i for i in range(len(ctx.analysis.agreements)) if i not in ctx.refs]


def _count_text(item: AgreementAnalysis) -> str:
    c = facts.counts(item)
    total = sum(c.values())
    if not total:
        return "no issues flagged"
    parts = [f"{c[s]} {s}" for s in facts.SEVERITIES if c[s]]
    return f"{total} issue{'s' if total != 1 else ''} ({', '.join(parts)})"


def _silent(ctx: _Ctx, index: int) -> List[str]:
    return [t for t in ctx.topics
            if facts.heat(ctx.analysis, index, t).level in ("silent", "missing")]


def _issue_sentence(ctx: _Ctx, item: AgreementAnalysis, f: Finding) -> Para:
    ref = _where(item, f)
    where = f" ({ref})" if ref else (" (not addressed)" if f.start is None else "")
    text = f"{f.title.rstrip('.')}{where}."
    if f.ask:
        text += f" We ask: {f.ask.strip()}"
    return para(Run(f"{f.severity.capitalize()}: ", bold=True), text)


def _summary(ctx: _Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [Heading("Executive summary", 1)]
    vendors = _vendors(ctx)
    intro = (f"We reviewed {len(vendors)} vendor agreement{'s' if len(vendors) != 1 else ''} "
             f"against the customer's playbook ({len(ctx.topics)} topics).")
    if len(ctx.refs) == 1:
        ref = an.agreements[ctx.refs[0]]
        intro += (f" Our own paper ({Path(ref.path).name}) is the reference it is measured "
                  f"against: {_count_text(ref)} in it.")
    elif ctx.refs:
        intro += (" Our own paper (" + ", ".join(Path(an.agreements[i].path).name for i in ctx.refs)
                  + ") is the reference.")
    out.append(para(intro))
    scored = _ranking(ctx)
    if scored:
        best, worst = scored[0], scored[-1]
        b_item = an.agreements[best]
        if all(not an.agreements[i].findings for i in vendors):
            out.append(para("No one-sided terms were flagged in any vendor's paper, so none is "
                            "ranked above the others on the playbook's terms."))
        else:
            text = (f"{ctx.labels[best]}'s paper is closest to our position overall: "
                    f"{_count_text(b_item)}, silent on {len(_silent(ctx, best))} of "
                    f"{len(ctx.topics)} topics")
            if len(scored) > 1 and worst != best:
                w_item = an.agreements[worst]
                text += (f". {ctx.labels[worst]}'s is furthest: {_count_text(w_item)}, silent on "
                         f"{len(_silent(ctx, worst))}")
            out.append(para(Run("Closest to our position. ", bold=True), text + "."))
        out.append(_overview(ctx, scored))
    for i in scored:
        item = an.agreements[i]
        top = facts.ranked(item.findings)[:3]
        lead_in = "the issues that matter most:" if top else "nothing flagged."
        out.append(para(Run(ctx.labels[i], bold=True), f" — {_count_text(item)}; {lead_in}"))
        if top:
            out.append(Bullets(tuple(_issue_sentence(ctx, item, f) for f in top)))
    return out


def _overview(ctx: _Ctx, order: Sequence[int]) -> Table:
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
                     TableCell(str(len(_silent(ctx, i))))))
    return Table(("Agreement (closest first)", "High", "Medium", "Low", "Risk score", "Silent topics"),
                 tuple(rows), (2.4, 0.8, 0.8, 0.8, 0.9, 0.9), kind="overview")


def _ranking(ctx: _Ctx) -> List[int]:
    """Return the vendors' indexes, closest to the customer's position first."""
    an = ctx.analysis
    vendors = _vendors(ctx)
    use_risk = any(an.agreements[i].risk_score for i in vendors)

    def key(i: int):
        item = an.agreements[i]
        c = facts.counts(item)
        primary = item.risk_score if use_risk else facts.weight(item)
        return (primary, c["high"], len(_silent(ctx, i)), i)

    return sorted(vendors, key=key)


# ---------------------------------------------------------------------------------------------
# Heat map and key terms


def _heat_map(ctx: _Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Heat map", 1), para(
        "Each row is a topic of the playbook and each column an agreement; a cell shows the "
        "most severe issue we found on that topic in that agreement (×N: how many).",
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
    cols = _columns(ctx)
    for t in ctx.topics:
        name = ctx.names.get(t, t) + (" *" if t in ctx.required else "")
        row = [TableCell(name)]
        for i in cols:
            h = facts.heat(an, i, t)
            row.append(TableCell(h.label, shade=h.level, italic=h.level == "silent"))
        rows.append(tuple(row))
    heads = tuple(ctx.labels[i] for i in cols)
    out.append(Table(("Topic",) + heads, tuple(rows), (2.2,) + (1.0,) * len(cols), kind="heatmap"))
    if ctx.required:
        out.append(para("* A topic the playbook requires in every agreement.", style="note"))
    return out


def _key_terms(ctx: _Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [Heading("Key terms", 1), para(
        "The terms compared first, as each agreement states them, with the section that says so; "
        "where an exhibit overrides the main agreement, the exhibit's term comes first.")]
    rows = []
    cols = _columns(ctx)
    for name, label in facts.KEY_TERMS:
        row = [TableCell(label, bold=True)]
        for i in cols:
            text = facts.term_cell(an.agreements[i], name)
            row.append(TableCell(text or "not stated", italic=not text))
        rows.append(tuple(row))
    heads = tuple(ctx.labels[i] for i in cols)
    out.append(Table(("Key term",) + heads, tuple(rows), (1.3,) + (1.0,) * len(cols), kind="keyterms"))
    return out


# ---------------------------------------------------------------------------------------------
# Issues per agreement


def _issue_order(ctx: _Ctx) -> List[int]:
    return _vendors(ctx) + list(ctx.refs)


def _issues(ctx: _Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Issues by agreement", 1)]
    for i in _issue_order(ctx):
        item = an.agreements[i]
        title = ctx.labels[i] + (" (our paper, the reference)" if i in ctx.refs else "")
        out.append(Heading(title, 2))
        who = (f"{Path(item.path).name}: provider {item.parties.provider}, customer "
               f"{item.parties.customer}{' (as detected)' if item.parties.guessed else ''}. ")
        silent = _silent(ctx, i)
        out.append(para(who + f"{_count_text(item).capitalize()}; risk score {item.risk_score}; "
                        f"silent on {len(silent)} of {len(ctx.topics)} topics."))
        findings = facts.ranked(item.findings)
        if not findings:
            out.append(para("Nothing in this agreement was flagged against the playbook."))
            continue
        n = 0
        for sev in facts.SEVERITIES + ("other",):
            group = [f for f in findings if (f.severity == sev) or
                     (sev == "other" and f.severity not in facts.SEVERITIES)]
            if not group:
                continue
            out.append(Heading(f"{sev.capitalize()}-severity issues ({len(group)})", 3))
            for f in group:
                n += 1
                out += _finding(ctx, i, f, n)
    return out


def _finding(ctx: _Ctx, index: int, f: Finding, n: int) -> List[Block]:
    item = ctx.analysis.agreements[index]
    topic = ctx.names.get(f.topic, f.topic)
    out: List[Block] = [Heading(f"{n}. {f.title.rstrip('.')}", 4)]
    if f.start is None:
        after = facts.section_ref(item, f.insert_after) if f.insert_after else ""
        out.append(lead("Where", f"nowhere: the agreement does not address {topic.lower()}"
                        + (f"; our clause would follow {after}" if after else "") + "."))
    else:
        ref = _where(item, f, heading=True)
        out.append(lead("Where", f"{ref or 'outside any numbered section'} — topic: {topic}."))
        words = finding_quote(item, f)
        if words:
            out.append(para(Run("Their words:", bold=True)))
            out.append(Quote(quotable(words)))
    if f.why:
        out.append(lead("Why it matters", f.why.strip()))
    if f.ask:
        out.append(lead("Our ask", f.ask.strip()))
    if f.fallback:
        out.append(lead("Fallback", f.fallback.strip()))
    out += _market(ctx, index, f.topic)
    return out


def _name(ctx: _Ctx, j: int) -> str:
    """Return agreement `j`'s label as it reads inside a sentence."""
    label = ctx.labels[j]
    return label[0].lower() + label[1:] if j in ctx.refs and label.startswith("Our ") else label


def _where(item: AgreementAnalysis, f: Finding, *, heading: bool = False) -> str:
    """Return the section a finding points at: its clause, else the clause around its words."""
    if f.start is None:
        return ""
    ref = facts.section_ref(item, f.clause, heading=heading) if f.clause else ""
    if not ref:
        clause = facts.clause_at(item, f.start)
        ref = facts.section_ref(item, clause.id, heading=heading) if clause is not None else ""
    return ref


def finding_quote(item: AgreementAnalysis, f: Finding) -> str:
    """Return the finding's words exactly as the agreement has them at its span, furniture aside.

    The span is the authority (`Finding.quote` is its copy); a span outside the text falls
    back to the finding's own quote.
    """
    text = item.agreement.text
    if f.start is not None and f.end is not None and 0 <= f.start < f.end <= len(text):
        return spans.quote(item.agreement, f.start, f.end)
    return f.quote.strip()


def _market(ctx: _Ctx, index: int, topic: str) -> List[Block]:
    """Return how the other agreements treat `topic`, quoting the best of them."""
    an = ctx.analysis
    others = [j for j in _vendors(ctx) + list(ctx.refs) if j != index]
    if not others:
        return []
    states = []
    for j in others:
        h = facts.heat(an, j, topic)
        cell = facts.cell_of(an, j, topic)
        ref = facts.section_ref(an.agreements[j], cell.clauses[0]) if cell.clauses else ""
        name = _name(ctx, j)
        if h.level in ("silent", "missing"):
            states.append(f"{name} says nothing")
        elif h.level == "redacted":
            states.append(f"{name}'s terms are redacted")
        elif h.level == "ok":
            states.append(f"{name} raises no issue" + (f" ({ref})" if ref else ""))
        else:
            states.append(f"{name} is also one-sided ({h.label.lower()}"
                          + (f", {ref})" if ref else ")"))
    best_j, quote, clause = _best(ctx, index, topic)
    text = "; ".join(states) + "."
    text = text[0].upper() + text[1:]
    out: List[Block] = []
    if best_j is None:
        entry = an.market.get(topic)
        if entry is not None and entry.best == an.agreements[index].path:
            text += " Of the agreements loaded, this one is already the best for us on this point."
        out.append(lead("Market", text))
        return out
    ref = facts.section_ref(an.agreements[best_j], clause) if clause else ""
    text += f" The best for us is {_name(ctx, best_j)}" + (f" ({ref})" if ref else "") + ":"
    out.append(lead("Market", text))
    out.append(Quote(quote))
    return out


def _best(ctx: _Ctx, index: int, topic: str) -> Tuple[Optional[int], str, Optional[str]]:
    """Return (agreement index, quote, clause id) of the best other treatment of `topic`."""
    an = ctx.analysis
    paths = [a.path for a in an.agreements]
    entry = an.market.get(topic)
    if entry is not None and entry.best and entry.best in paths:
        j = paths.index(entry.best)
        if j != index and entry.quote.strip():
            return j, quotable(entry.quote), entry.clause
        if j == index:
            return None, "", None
    candidates = [j for j in range(len(an.agreements))
                  if j != index and facts.heat(an, j, topic).level == "ok"]
    candidates.sort(key=lambda j: (j in ctx.refs, j))
    for j in candidates:
        cell = facts.cell_of(an, j, topic)
        item = an.agreements[j]
        for cid in cell.clauses:
            try:
                clause = item.agreement.clause(cid)
            except KeyError:
                continue
            words = _opening(spans.clause_text(item.agreement, clause, own=True))
            if words:
                return j, words, cid
    return None, "", None


def _opening(text: str, limit: int = 420) -> str:
    """Return the opening sentences of `text` up to about `limit` characters (exact words)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    if stop > limit // 3:
        return cut[: stop + 1] + " …"
    return cut[: cut.rfind(" ")] + " …"


# ---------------------------------------------------------------------------------------------
# Appendix


def _appendix(ctx: _Ctx) -> List[Block]:
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Appendix: loose ends per agreement", 1), para(
        "Blanks and placeholders to fill before signing, cross-references that lead nowhere, "
        "defined-term problems, and the topics each agreement does not address.")]
    for i in _columns(ctx):
        item = an.agreements[i]
        out.append(Heading(ctx.labels[i], 2))
        out += _open_items(item)
        out += _xrefs(item)
        out += _defined(item)
        silent = _silent(ctx, i)
        out.append(Heading(f"Silent on ({len(silent)})", 4))
        out.append(para(", ".join(ctx.names.get(t, t) for t in silent) + "." if silent
                        else "Every playbook topic is addressed."))
    return out


def _open_items(item: AgreementAnalysis) -> List[Block]:
    out: List[Block] = [Heading(f"Open items ({len(item.open_items)})", 4)]
    if not item.open_items:
        return out + [para("No blanks or placeholders found.")]
    rows = _tally((" ".join(o.text.split())[:60], facts.context(item, o.start, o.end),
                   facts.where(item, o.start) or "—") for o in item.open_items)
    return out + [Table(("Blank or placeholder", "In context", "Where"), rows, (1.3, 3.2, 1.0))]


def _xrefs(item: AgreementAnalysis) -> List[Block]:
    dangling = [x for x in item.xrefs if x.dangling]
    out: List[Block] = [Heading(f"Dangling cross-references ({len(dangling)})", 4)]
    if not dangling:
        return out + [para("Every cross-reference resolves." if item.xrefs
                           else "No cross-references to check.")]
    rows = _tally((" ".join(x.text.split())[:80], facts.context(item, x.start, x.end, before=45, after=25),
                   facts.where(item, x.start) or "—") for x in dangling)
    return out + [Table(("Reference", "In context", "Found in"), rows, (1.3, 3.2, 1.0))]


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
