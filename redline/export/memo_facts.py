"""Facts the memo states, computed from an `Analysis`: labels, locations, heat-map cells, ranks.

Pure functions over the engine's values; no wording of whole sentences (memo_content does
that) and no rendering (memo, memo_markdown do that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from redline.model import AgreementAnalysis, Analysis, Cell, Clause, Finding, KeyTerm
from redline.spans import deepest_clause

SEVERITIES = ("high", "medium", "low")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SEVERITY_WEIGHT = {"high": 5, "medium": 2, "low": 1}

# The key terms of the JSON contract, in the order an attorney reads them, with their labels.
KEY_TERMS: Tuple[Tuple[str, str], ...] = (
    ("payment_due_days", "Payment due"),
    ("late_interest", "Late-payment interest"),
    ("initial_term", "Initial term"),
    ("auto_renewal", "Automatic renewal"),
    ("renewal_period", "Renewal period"),
    ("termination_notice_days", "Notice to terminate"),
    ("nonrenewal_notice_days", "Notice of non-renewal"),
    ("liability_cap", "Liability cap"),
    ("sla_uptime", "Uptime commitment"),
    ("service_credit_cap", "Service-credit cap"),
    ("billing_dispute_window_days", "Window to dispute a charge"),
    ("governing_law", "Governing law"),
    ("forum", "Forum"),
)
_DAY_TERMS = {"payment_due_days", "termination_notice_days", "nonrenewal_notice_days",
              "billing_dispute_window_days"}

# Words that name a role rather than a company: a provider called this is a blank in a template.
_GENERIC_PARTY = re.compile(
    r"^\W*(?:the\s+)?(?:service\s+)?(?:provider|vendor|supplier|seller|contractor|company|carrier|"
    r"licensor|consultant|party|we|us|our)(?:\s+name)?\W*$", re.I)
_PLACEHOLDER = re.compile(r"\[[^\]]*\]|_{3,}|\bx{3,}\b|<[^>]*>", re.I)
_SUFFIX = re.compile(
    r"[,\s]+(?:llc|l\.l\.c\.|inc\.?|incorporated|corp\.?|corporation|ltd\.?|limited|l\.p\.|lp|"
    r"plc|gmbh|co\.)\s*$", re.I)


def is_generic_party(name: str) -> bool:
    """Return True when `name` is a role word or a blank rather than a company's name."""
    text = (name or "").strip()
    return not text or bool(_GENERIC_PARTY.match(text)) or bool(_PLACEHOLDER.search(text))


def reference_indexes(analysis: Analysis) -> Tuple[int, ...]:
    """Return the indexes of the customer's own paper: agreements whose provider is unnamed.

    A template drafted by the customer leaves the vendor as a role or a blank ("Provider",
    "[Provider Name]"); vendor paper names the vendor. When no agreement names its vendor
    the parties are unknown and none is taken as the reference.
    """
    generic = [i for i, a in enumerate(analysis.agreements) if is_generic_party(a.parties.provider)]
    if len(generic) == len(analysis.agreements):
        return ()
    return tuple(generic)


def short_company(name: str) -> str:
    """Return `name` without its corporate suffix ("Velvetech, LLC" -> "Velvetech")."""
    text = (name or "").strip()
    for _ in range(2):
        text = _SUFFIX.sub("", text).strip()
    return text


def labels(analysis: Analysis) -> List[str]:
    """Return a short, unique column label per agreement: the vendor's name or the file's."""
    refs = set(reference_indexes(analysis))
    out: List[str] = []
    for i, item in enumerate(analysis.agreements):
        if i in refs:
            base = "Our template"
        elif not is_generic_party(item.parties.provider):
            base = short_company(item.parties.provider)
        else:
            base = Path(item.path).stem
        if len(base) > 22:
            base = base[:21].rstrip() + "…"
        label = base
        n = 2
        while label in out:
            label = f"{base} ({n})"
            n += 1
        out.append(label)
    return out


# ---------------------------------------------------------------------------------------------
# Where things are


def _clause(item: AgreementAnalysis, clause_id: Optional[str]) -> Optional[Clause]:
    if not clause_id:
        return None
    try:
        return item.agreement.clause(clause_id)
    except KeyError:
        return None


def part_prefix(item: AgreementAnalysis, clause: Clause) -> str:
    """Return the part's title when the clause is not in the main agreement, else ""."""
    for part in item.agreement.parts:
        if part.id == clause.part:
            if part.kind in ("main", "cover") or len(item.agreement.parts) == 1:
                return ""
            return short_part(item, part.title, part.kind)
    return ""


_PART_NOUN = r"(?:exhibit|schedule|attachment|appendix|annex|addendum|sow|statement of work|order form)"
_DESIGNATED = re.compile(
    rf"^\W*(?:service\s+)?({_PART_NOUN})\s+(\(#?[0-9A-Z]{{1,3}}\)|#?[0-9A-Z]{{1,3}}(?=\W|$))", re.I)
_GENERIC_WORDS = {"service", "services", "the", "for", "to", "of", "and", "domestic", "exhibit",
                  "schedule", "attachment", "appendix", "annex", "addendum", "terms"}


def _word_case(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if word.isupper() and len(letters) <= 3 or any(not c.isalnum() for c in word.strip("()")):
        return word  # SIP, SOW, AT&T, (3)VoIPSM: as written
    return word[:1].upper() + word[1:].lower()


def short_part(item: AgreementAnalysis, title: str, kind: str) -> str:
    """Return a short name for a part ("SIP Trunk Exhibit", "Attachment #1", "Exhibit A").

    A designated part ("EXHIBIT A ...", "ATTACHMENT #1: ...") is named by its designation;
    otherwise by its distinguishing words: the title without the vendor's name, trademark
    words and generic ones, followed by the kind of part.
    """
    text = " ".join(title.split())
    m = _DESIGNATED.match(text)
    if m:
        return f"{_word_case(m.group(1))} {m.group(2)}"
    vendor = {w.lower() for name in (item.parties.provider, *item.parties.provider_aliases)
              for w in re.findall(r"[\w&]+", name or "") if len(w) > 2}
    words = [w for w in text.split() if w.lower().strip(",.:;") not in _GENERIC_WORDS
             and w.lower().strip(",.:;") not in vendor and not re.search(r"[®™©]", w)]
    noun = kind.capitalize() if kind in ("exhibit", "schedule", "attachment", "appendix") else ""
    core = " ".join(_word_case(w) for w in words[:2])
    name = f"{core} {noun}".strip() if core else (noun or _tidy(text, 26, calm=False))
    return name if len(name) <= 30 else name[:29].rstrip() + "…"


def section_ref(item: AgreementAnalysis, clause_id: Optional[str], *, heading: bool = False) -> str:
    """Return "§ 7.3" (with the part's title outside the main agreement, the heading on request)."""
    clause = _clause(item, clause_id)
    if clause is None:
        return ""
    num = full_number(item, clause)
    if num.upper().startswith(("ARTICLE", "SECTION")):
        core = num.title()
    elif num:
        core = f"§\u00a0{num}"
    else:
        core = ""
    head = _tidy(clause.heading or "", 60)
    if not core and not head:
        head = _first_words(item.agreement.text[clause.body_start:clause.end], 6)
    text = core
    if head and (heading or not core):
        text = f"{core} {head}".strip() if core else f"“{head}”"
    prefix = part_prefix(item, clause)
    return f"{prefix}, {text}" if prefix and text else (text or prefix)


_SUB = re.compile(r"^\(?([a-z]{1,2}|[ivxlc]+|\d{1,2})\)$|^[A-Za-z]\.?$", re.I)


def full_number(item: AgreementAnalysis, clause: Clause) -> str:
    """Return the clause's number as cited: "(iv)" under (B) under 3.7 reads "3.7(B)(iv)"."""
    def own(c: Clause) -> str:
        return " ".join((c.number or "").split()).rstrip(".")

    num = own(clause)
    current = clause
    for _ in range(8):
        if not (num and current.parent and _SUB.match(own(current))):
            break
        parent = _clause(item, current.parent)
        if parent is None or not own(parent):
            break
        num = own(parent) + num if own(current).startswith("(") else f"{own(parent)}.{num}"
        current = parent
    return num


def clause_at(item: AgreementAnalysis, offset: int) -> Optional[Clause]:
    """Return the deepest clause whose span holds `offset`, or None (see `spans.deepest_clause`)."""
    return deepest_clause(item.agreement, offset)


def where(item: AgreementAnalysis, offset: Optional[int]) -> str:
    """Return the section reference of the text at `offset` ("" when outside every clause)."""
    if offset is None:
        return ""
    clause = clause_at(item, offset)
    return section_ref(item, clause.id) if clause is not None else ""


def context(item: AgreementAnalysis, start: int, end: int, *, before: int = 60,
            after: int = 30) -> str:
    """Return the words around `start:end` (furniture aside), cut at word boundaries."""
    from redline.spans import quote

    ag = item.agreement
    lo = max(0, start - before)
    hi = min(len(ag.text), end + after)
    while lo > 0 and lo < start and not ag.text[lo - 1].isspace():
        lo += 1
    while hi < len(ag.text) and hi > end and not ag.text[hi].isspace():
        hi -= 1
    words = " ".join(quote(ag, lo, hi).split())
    return ("…" if lo > 0 else "") + words + ("…" if hi < len(ag.text) else "")


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def _calm(text: str) -> str:
    """Return an ALL-CAPS heading in title case ("LIMITATION OF LIABILITY" -> "Limitation of Liability")."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return text
    out = []
    for i, word in enumerate(text.split()):
        low = word.lower()
        if any(not c.isalpha() for c in word.strip(",.;:()")):
            out.append(word)  # AT&T, E911, 24x7: leave as written
        elif i and low in _SMALL:
            out.append(low)
        else:
            out.append(low[:1].upper() + low[1:])
    return " ".join(out)


def _tidy(text: str, limit: int, *, calm: bool = True) -> str:
    text = " ".join(text.split()).strip(" :.-")
    text = _calm(text) if calm else text
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Findings, verdicts and the heat map


def ranked(findings: Iterable[Finding]) -> List[Finding]:
    """Return `findings` by severity, then in the order their words appear (missing ones last)."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 3),
                                           f.start if f.start is not None else 1 << 60, f.id))


@dataclass(frozen=True)
class Issue:
    """One rule an agreement breaks: its findings (document order, missing ones last)."""

    rule: str
    severity: str
    findings: Tuple[Finding, ...]

    @property
    def lead(self) -> Finding:
        return self.findings[0]


def issues(item: AgreementAnalysis) -> List[Issue]:
    """Return the agreement's findings grouped by rule, most severe first, then in text order."""
    groups: Dict[str, List[Finding]] = {}
    for f in ranked(item.findings):
        groups.setdefault(f.rule or f.id, []).append(f)
    out = []
    for rule, found in groups.items():
        found.sort(key=lambda f: (f.start is None, f.start or 0, f.id))
        worst = min(found, key=lambda f: SEVERITY_RANK.get(f.severity, 3)).severity
        out.append(Issue(rule=rule, severity=worst, findings=tuple(found)))
    out.sort(key=lambda g: (SEVERITY_RANK.get(g.severity, 3),
                            g.lead.start if g.lead.start is not None else 1 << 60, g.rule))
    return out


def counts(item: AgreementAnalysis) -> Dict[str, int]:
    """Return the number of findings per severity."""
    out = {s: 0 for s in SEVERITIES}
    for f in item.findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def weight(item: AgreementAnalysis) -> int:
    """Return the severity-weighted number of findings (high 5, medium 2, low 1)."""
    return sum(SEVERITY_WEIGHT.get(f.severity, 1) for f in item.findings)


def topic_ids(analysis: Analysis, playbook_topics: Sequence[str]) -> List[str]:
    """Return the playbook's topics, then any topic the analysis uses that it does not list."""
    out = list(playbook_topics)
    seen = set(out)
    extra: List[str] = []
    for topic in analysis.matrix:
        if topic not in seen:
            extra.append(topic)
            seen.add(topic)
    for item in analysis.agreements:
        for f in item.findings:
            if f.topic and f.topic not in seen:
                extra.append(f.topic)
                seen.add(f.topic)
    return out + extra


def cell_of(analysis: Analysis, index: int, topic: str) -> Cell:
    """Return the matrix cell of agreement `index` on `topic` (from clause topics if unaligned)."""
    cells = analysis.matrix.get(topic)
    if cells is not None and index < len(cells):
        return cells[index]
    item = analysis.agreements[index]
    hits = tuple(cid for cid, tops in item.topics.items() if any(t.id == topic for t in tops))
    return Cell(state="addressed" if hits else "silent", clauses=hits)


@dataclass(frozen=True)
class Heat:
    """One heat-map cell: its level (the shading key) and its label."""

    level: str
    """"high", "medium", "low", "ok", "silent", "missing", "redacted" or "none"."""
    label: str


def heat(analysis: Analysis, index: int, topic: str) -> Heat:
    """Return the heat-map cell of agreement `index` on `topic`: the worst finding wins."""
    item = analysis.agreements[index]
    found = [f for f in item.findings if f.topic == topic]
    verdict = item.verdicts.get(topic, "")
    if found:
        worst = min(found, key=lambda f: SEVERITY_RANK.get(f.severity, 3)).severity
        missing = all(f.start is None for f in found) and verdict in ("missing", "silent", "")
        if missing and verdict == "missing":
            return Heat("missing", "Missing")
        label = worst.capitalize() + (f" ×{len(found)}" if len(found) > 1 else "")
        return Heat(worst if worst in SEVERITIES else "low", label)
    if verdict == "missing":
        return Heat("missing", "Missing")
    cell = cell_of(analysis, index, topic)
    if verdict == "silent" or cell.state == "silent":
        return Heat("silent", "silent")
    if cell.state == "redacted":
        return Heat("redacted", "Redacted")
    if verdict == "unacceptable":
        return Heat("high", "Unacceptable")
    if verdict == "fallback":
        return Heat("low", "Fallback")
    return Heat("ok", "OK")


LEGEND: Tuple[Tuple[str, str, str], ...] = (
    ("high", "High", "a term we should not sign as written"),
    ("medium", "Medium", "push back; a fallback may do"),
    ("low", "Low", "worth raising if the call allows"),
    ("ok", "OK", "addressed, nothing flagged"),
    ("silent", "silent", "nothing on the topic"),
    ("missing", "Missing", "silent on a required topic"),
    ("redacted", "Redacted", "terms blacked out in our copy"),
)


# ---------------------------------------------------------------------------------------------
# Key terms


def term_value(term: Optional[KeyTerm], name: str) -> str:
    """Return a key term's value as an attorney would write it ("" when the agreement is silent)."""
    if term is None or term.value is None or term.value == "" or term.value == []:
        return ""
    value = term.value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in _DAY_TERMS and isinstance(value, (int, float)):
        if name == "payment_due_days" and int(value) == 0:
            return "On receipt"
        n = int(value)
        return f"{n} day" if n == 1 else f"{n} days"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    norm = term.normalized
    if len(text) > 40 and isinstance(norm, str) and norm.strip() and norm.lower() != text.lower():
        # A long clause fragment reads best as its normal form, then the words as written.
        return f"{norm.strip()}: “{_tidy_words(text, 55)}”"
    return _tidy_words(text, 120)


def _tidy_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(",;:") + " …"


def term_cell(item: AgreementAnalysis, name: str) -> str:
    """Return the key term's value with its section, and any overridden value, for one agreement."""
    term = item.key_terms.get(name)
    value = term_value(term, name)
    if not value:
        return ""
    ref = _term_ref(item, term)
    text = f"{value} ({ref})" if ref else value
    others = []
    for alt in term.alternatives if term is not None else ():
        alt_value = term_value(alt, name)
        if alt_value:
            alt_ref = _term_ref(item, alt)
            others.append(f"{alt_value} ({alt_ref})" if alt_ref else alt_value)
    if others:
        text += "; otherwise " + "; ".join(others)
    return text


def _term_ref(item: AgreementAnalysis, term: Optional[KeyTerm]) -> str:
    """Return the section a key term comes from: its clause, else the clause around its span."""
    if term is None:
        return ""
    return section_ref(item, term.clause) if term.clause else where(item, term.start)
