"""Return the memo's issues section: per agreement, its issues ranked, each quoted with the ask.

One entry per rule an agreement breaks (its several places listed, the first quoted exactly),
ranked by severity: where, the vendor's words, why it matters, our ask, the fallback, and the
market: how the other loaded agreements treat the point, quoting the best of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

from redline import spans
from redline.export import memo_facts as facts
from redline.export.memo_blocks import (Block, Ctx, Heading, PageBreak, Para, Quote, Run, count_text,
                                        lead, para, quotable, silent, vendors)
from redline.model import AgreementAnalysis, Finding


def issue_sentence(ctx: Ctx, item: AgreementAnalysis, issue: facts.Issue) -> Para:
    """Return one plain sentence on `issue` for the executive summary: what, where, our ask."""
    f = issue.lead
    ref = _where(item, f)
    others = len(issue.findings) - 1
    if ref:
        where = f" ({ref}" + (f" and {others} other place{'s' if others > 1 else ''})" if others else ")")
    else:
        where = " (not addressed)" if f.start is None else ""
    text = f"{f.title.rstrip('.')}{where}."
    if f.ask:
        text += f" We ask: {f.ask.strip()}"
    return para(Run(f"{issue.severity.capitalize()}: ", bold=True), text)


def _issue_order(ctx: Ctx) -> List[int]:
    return vendors(ctx) + list(ctx.refs)


def issues_section(ctx: Ctx) -> List[Block]:
    """Return the "Issues by agreement" section: vendors first, then the customer's own paper."""
    an = ctx.analysis
    out: List[Block] = [PageBreak(), Heading("Issues by agreement", 1)]
    for i in _issue_order(ctx):
        item = an.agreements[i]
        title = ctx.labels[i] + (" (the reference)" if i in ctx.refs else "")
        out.append(Heading(title, 2))
        who = (f"{Path(item.path).name}: provider {item.parties.provider}, customer "
               f"{item.parties.customer}{' (as detected)' if item.parties.guessed else ''}. ")
        quiet = silent(ctx, i)
        out.append(para(who + f"{count_text(item).capitalize()}; risk score {item.risk_score}; "
                        f"silent on {len(quiet)} of {len(ctx.topics)} topics."))
        groups = facts.issues(item)
        if not groups:
            out.append(para("Nothing in this agreement was flagged against the playbook."))
            continue
        n = 0
        shown: Dict[str, int] = {}
        for sev in facts.SEVERITIES + ("other",):
            group = [g for g in groups if (g.severity == sev) or
                     (sev == "other" and g.severity not in facts.SEVERITIES)]
            if not group:
                continue
            places = sum(len(g.findings) for g in group)
            extra = f", in {places} places" if places > len(group) else ""
            out.append(Heading(f"{sev.capitalize()}-severity issues ({len(group)}{extra})", 3))
            for g in group:
                n += 1
                out += _issue(ctx, i, g, n, shown)
    return out


def _issue(ctx: Ctx, index: int, issue: facts.Issue, n: int, shown: Dict[str, int]) -> List[Block]:
    """Return one issue: where (every place), the first place's words, why, ask, fallback, market."""
    item = ctx.analysis.agreements[index]
    f = issue.lead
    topic = ctx.names.get(f.topic, f.topic)
    out: List[Block] = [Heading(f"{n}. {f.title.rstrip('.')}", 4)]
    if f.start is None:
        after = facts.section_ref(item, f.insert_after) if f.insert_after else ""
        out.append(lead("Where", f"nowhere: the agreement does not address {topic.lower()}"
                        + (f"; our clause would follow {after}" if after else "") + "."))
    else:
        ref = _where(item, f, heading=True)
        out.append(lead("Where", f"{ref or 'outside any numbered section'} — topic: {topic}."))
        also: List[str] = []
        for other in issue.findings[1:]:
            where = _where(item, other) or "outside any numbered section"
            if where not in also and where != _where(item, f):
                also.append(where)
        repeats = len(issue.findings) - 1
        if repeats:
            more = f"{repeats} more place{'s' if repeats > 1 else ''}"
            out.append(lead("Also", f"{more}: {'; '.join(also)}." if also
                            else f"{more} in the same section."))
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
    out += _market(ctx, index, f.topic, number=n, shown=shown)
    return out


def _name(ctx: Ctx, j: int) -> str:
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


def _market(ctx: Ctx, index: int, topic: str, *, number: int = 0,
            shown: Optional[Dict[str, int]] = None) -> List[Block]:
    """Return how the other agreements treat `topic`, quoting the best of them.

    `shown` maps topics whose best quote this agreement's section already gave to the
    issue that gave it; a later issue on the same topic refers back instead of repeating it.
    """
    an = ctx.analysis
    others = [j for j in vendors(ctx) + list(ctx.refs) if j != index]
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
            text += " None of the other agreements loaded treats this point better for us."
        out.append(lead("Market", text))
        return out
    ref = facts.section_ref(an.agreements[best_j], clause) if clause else ""
    text += f" The best for us is {_name(ctx, best_j)}" + (f" ({ref})" if ref else "")
    if shown is not None and topic in shown:
        out.append(lead("Market", text + f", quoted under issue {shown[topic]}."))
        return out
    out.append(lead("Market", text + ":"))
    out.append(Quote(quote))
    if shown is not None:
        shown[topic] = number
    return out


def _best(ctx: Ctx, index: int, topic: str) -> Tuple[Optional[int], str, Optional[str]]:
    """Return (agreement index, quote, clause id) of the best other treatment of `topic`."""
    an = ctx.analysis
    paths = [a.path for a in an.agreements]
    entry = an.market.get(topic)
    if entry is not None and entry.best and entry.best in paths:
        j = paths.index(entry.best)
        if j != index and entry.quote.strip():
            words = entry.quote.strip()
            if len(words) < SHORT_QUOTE and entry.clause:
                # A bare heading says little: quote the opening of the clause it heads.
                fuller = _clause_opening(an.agreements[j], entry.clause)
                words = fuller if len(fuller) > len(words) else words
            return j, quotable(words), entry.clause
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


SHORT_QUOTE = 60
"""A market quote shorter than this is taken to be a heading."""


def _clause_opening(item: AgreementAnalysis, clause_id: str) -> str:
    try:
        clause = item.agreement.clause(clause_id)
    except KeyError:
        return ""
    return _opening(spans.clause_text(item.agreement, clause))


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
