"""Review an agreement against the playbook: returns (findings, verdicts, risk score), and the market.

How a review runs:
1. The agreement's text, with furniture blanked out (offsets kept), is cut into sentence-sized
   windows (never longer than `redline.rules.MAX_WINDOW`).
2. Every playbook rule is matched in every window (`redline.rules.find`): phrases, expressions
   and fuzzy phrases, then the conditions: whose right or duty it is (`actor`, from the party
   names `redline.parties` found), the figure it carries (`numeric`) and words that neutralise
   it (`unless`, `unless_anywhere`). One finding per rule per window; its span is the operative
   words, its clause the innermost clause holding them.
3. Required topics (`required:`) the agreement never addresses become findings with no span and
   a clause to insert (`replace="insert"`, `insert_after` the last clause of the main part).
4. Where findings overlap, the more severe one makes the change and the others become comments.

Verdict per topic: "unacceptable" when a high or medium finding (or a rule marked
`verdict: unacceptable`) hits it, "fallback" when only low ones do, "acceptable" when the topic is
addressed without a finding, "missing" when a required topic is absent, else "silent".

Risk score (0-100): each finding weighs by severity (high 10, medium 5, low 2; a missing
required topic counts like a finding of its severity); the sum S maps to round(100*S/(S+50)),
so five high findings score 50 and the score approaches 100 as one-sided terms pile up.
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from redline import rules as _rules
from redline.model import Agreement, Finding, MarketEntry, Parties
from redline.spans import clause_text, deepest_clause, quote as _quote

WEIGHTS = {"high": 10, "medium": 5, "low": 2}
RANK = {"high": 3, "medium": 2, "low": 1}
_VERDICT_ORDER = {"acceptable": 0, "fallback": 1, "unacceptable": 2, "missing": 3, "silent": 4}


# ---------------------------------------------------------------------------------------------
# Playbook access


def playbook_rules(playbook) -> Tuple[Dict[str, str], tuple, tuple]:
    """Return (positions, rules, requirements) of the loaded `playbook` (a topics-only playbook
    has none: nothing to review)."""
    rules = tuple(getattr(playbook, "rules", ()) or ())
    required = tuple(r for r in (getattr(playbook, "required", ()) or ()) if isinstance(r, _rules.Requirement))
    positions = dict(getattr(playbook, "positions", {}) or {})
    return positions, rules, required


# ---------------------------------------------------------------------------------------------
# Helpers


def compiled_for(parties: Parties) -> _rules.Compiled:
    """Return the rule compiler for these party names."""
    key = (parties.provider_aliases or (parties.provider,), parties.customer_aliases or (parties.customer,))
    hit = _COMPILED.get(key)
    if hit is None:
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        hit = _COMPILED[key] = _rules.Compiled(*key)
    return hit


_COMPILED: Dict[tuple, _rules.Compiled] = {}


def blank_furniture(agreement: Agreement) -> str:
    """Return the agreement's text with furniture replaced by spaces (same offsets)."""
    text = agreement.text
    if not agreement.furniture:
        return text
    chars = list(text)
    for f in agreement.furniture:
        for i in range(max(0, f.start), min(len(chars), f.end)):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


_WE = re.compile(r"\{(provider|customer)\}(['’]s)?")
_VERB_NEXT = re.compile(r"\s+(?:may|shall|will|must|can|cannot|agrees?|is|are|has|have|does|do|[a-z]+s)\b")
_OBJECT = re.compile(r"(?:\b(?:to|from|by|with|against|for|of|on|upon|and|or|than|notify|inform|pay|"
                     r"indemnify|defend|give|provide|owe|let|send|charge|bill|invoice)\s+)$", re.I)


def fill(template: str, parties: Parties) -> str:
    """Return `template` with {provider}/{customer} replaced by the agreement's own names.

    Where the agreement is drafted "we"/"you", the provider is "we"/"us"/"our" and the customer
    "you"/"your", capitalised at the start of a sentence.
    """
    we_you = "we" in {a.lower() for a in parties.provider_aliases} and \
        "you" in {a.lower() for a in parties.customer_aliases}

    def sub(m: "re.Match[str]") -> str:
        role, poss = m.group(1), m.group(2)
        if not we_you:
            name = parties.provider if role == "provider" else parties.customer
            return name + (poss or "")
        before = template[:m.start()]
        if poss:
            word = "our" if role == "provider" else "your"
        elif role == "customer":
            word = "you"
        else:
            obj = _OBJECT.search(before)
            if obj and obj.group(0).split()[0].lower() in ("and", "or") and _VERB_NEXT.match(template, m.end()):
                obj = None  # "the Customer and {provider} agree": a subject after all
            word = "us" if obj else "we"
        if not before.strip() or re.search(r"[.!?:]\s*$", before):
            word = word.capitalize()
        return word

    out = _WE.sub(sub, template)
    return _PERSON_VERB.sub(_agree, out) if we_you else out


# after "we"/"you" put in for a name, the verb written for a name agrees: "you commits" -> "you commit"
_PERSON_VERB = re.compile(r"\b([Ww]e|[Yy]ou)(\s+(?:(?:also|then|only|always|promptly|first)\s+)?)([a-z]+s)\b")
_IRREGULAR = {"has": "have", "is": "are", "does": "do", "was": "were", "goes": "go"}
_NOT_VERBS = {"always", "thus", "perhaps", "afterwards", "nevertheless", "unless", "as", "its", "this",
              "plus", "us", "yours", "ours", "towards", "less", "across", "process", "access", "address"}


def _agree(m: "re.Match[str]") -> str:
    verb = m.group(3)
    obj = _OBJECT.search(m.string, 0, m.start()) if m.group(1).lower() == "you" else None
    if obj and obj.group(0).split()[0].lower() not in ("and", "or"):
        return m.group(0)  # "give you credits": an object ("we" is always a subject: "us" is not)
    if verb in _NOT_VERBS or verb.endswith(("ss", "us", "is")) and verb not in _IRREGULAR:
        return m.group(0)
    if verb in _IRREGULAR:
        base = _IRREGULAR[verb]
    elif verb.endswith("ies") and len(verb) > 4:
        base = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        base = verb[:-2]
    else:
        base = verb[:-1]
    return m.group(1) + m.group(2) + base


# ---------------------------------------------------------------------------------------------
# Review


def _hits(agreement: Agreement, rules: Sequence[_rules.Rule], comp: _rules.Compiled,
          text: str, spans: Sequence[Tuple[int, int]], topics=None) -> List[Tuple[_rules.Rule, _rules.Hit, Tuple[int, int]]]:
    out: List[Tuple[_rules.Rule, _rules.Hit, Tuple[int, int]]] = []
    index = _KeywordIndex(text, spans)
    scoped = _TopicWindows(agreement, topics, spans) if topics else None
    for rule in rules:
        candidates = index.candidates(_rules.prefilter(rule))
        topical: frozenset = frozenset()
        if scoped is not None and (rule.scope == "topic" or rule.match.topical):
            topical = scoped.windows(rule.topic)
            if rule.match.topical:
                candidates = sorted(set(candidates) | topical)
        if rule.scope == "topic":
            candidates = [i for i in candidates if i in topical]
        for i in candidates:
            s, e = spans[i]
            hits = _rules.find(rule, comp, text, s, e, text, in_topic=i in topical)
            if hits:
                out.append((rule, hits[0], (s, e)))
    return out


_ROLE_WORDS = {"customer", "client", "subscriber", "buyer", "purchaser", "licensee", "member", "principal",
               "provider", "vendor", "supplier", "contractor", "carrier", "licensor", "seller", "operator",
               "we", "us", "our", "you", "your", "company", "service provider"}


def customer_paper(agreement: Agreement, parties: Parties) -> bool:
    """Return True when the agreement's title (its first two lines) names the customer by its own
    name and not the provider: the customer's own terms."""
    lines = [ln for ln in agreement.text[:600].splitlines() if ln.strip()][:2]
    title = " ".join(lines)

    def named(aliases):
        return any(len(a) > 2 and a.lower() not in _ROLE_WORDS
                   and re.search(r"\b" + re.escape(a).replace(r"\ ", r"\s+") + r"\b", title, re.I)
                   for a in aliases)
    return named(parties.customer_aliases or (parties.customer,)) and not named(
        parties.provider_aliases or (parties.provider,))


class _TopicWindows:
    """The topics of the clause holding each window: its own and its ancestors' (headings)."""

    def __init__(self, agreement: Agreement, topics, spans) -> None:
        self.topics = topics or {}
        self.spans = spans
        self.agreement = agreement
        self.by_id = {c.id: c for c in agreement.clauses}
        self.cache: Dict[int, frozenset] = {}
        self.by_topic: Dict[str, frozenset] = {}

    def windows(self, topic: str) -> frozenset:
        """Return the indices of the windows whose clause carries `topic`."""
        hit = self.by_topic.get(topic)
        if hit is None:
            hit = self.by_topic[topic] = frozenset(i for i in range(len(self.spans)) if topic in self.at(i))
        return hit

    def at(self, i: int) -> frozenset:
        hit = self.cache.get(i)
        if hit is None:
            found = set()
            clause = deepest_clause(self.agreement, self.spans[i][0])
            depth = 0
            while clause is not None and depth < 8:
                found.update(getattr(h, "id", h) for h in (self.topics.get(clause.id) or ()))
                clause = self.by_id.get(clause.parent) if clause.parent else None
                depth += 1
            hit = self.cache[i] = frozenset(found)
        return hit


class _KeywordIndex:
    """Which windows contain a word: one scan of the lower-cased text per word (skipping to the
    next window after each hit), cached."""

    def __init__(self, text: str, spans: Sequence[Tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]
        low = text.lower()
        self.low = low if len(low) == len(text) else None
        self.lowered = None if self.low is not None else [text[s:e].lower() for s, e in spans]
        self.cache: Dict[str, frozenset] = {}

    def windows_with(self, word: str) -> frozenset:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        found = set()
        if self.low is None:
            found = {i for i, w in enumerate(self.lowered) if word in w}
        else:
            pos = self.low.find(word)
            while pos >= 0:
                i = bisect.bisect_right(self.starts, pos) - 1
                if i >= 0 and pos + len(word) <= self.spans[i][1]:
                    found.add(i)
                    # one hit per window is enough: go on from the next window
                    nxt = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.low)
                    pos = self.low.find(word, max(pos + 1, nxt))
                    continue
                pos = self.low.find(word, pos + 1)
        hit = self.cache[word] = frozenset(found)
        return hit

    def candidates(self, words: Sequence[str]) -> List[int]:
        """Return the indices of windows holding one of `words` (all windows when no words)."""
        if not words:
            return list(range(len(self.spans)))
        out: set = set()
        for w in words:
            out |= self.windows_with(w)
        return sorted(out)


def review(agreement, topics, parties, playbook):
    """Return (findings, verdicts, risk_score) for `agreement` reviewed against `playbook`."""
    positions, rules, required = playbook_rules(playbook)
    comp = compiled_for(parties)
    text = blank_furniture(agreement)
    spans = list(_rules.windows(text))
    if customer_paper(agreement, parties):
        rules = tuple(r for r in rules if r.paper != "provider")
    raw = _hits(agreement, rules, comp, text, spans, topics)
    findings: List[Finding] = []
    used_ids: Dict[str, int] = {}
    for rule, hit, window in sorted(raw, key=lambda rh: (rh[1].start, -RANK[rh[0].severity], rh[0].id)):
        clause = deepest_clause(agreement, hit.start)
        start, end, apply = hit.start, hit.end, rule.apply
        whole = False
        if rule.span == "sentence":
            ss, se = sentence_span(text, window, clause)
            if se - ss <= _rules.MAX_SENTENCE_SPAN and ss <= start and end <= se:
                start, end, whole = ss, se, True
            elif apply != "comment":
                apply = "comment"  # too long to replace cleanly: the proposal goes in the margin
        if whole and start < hit.start:
            # the sentence may begin in the clause above (a lead-in whose items are clauses of
            # their own): the finding belongs where its words begin
            clause = deepest_clause(agreement, start)
        hit = _rules.Hit(start, end, hit.actor)
        fid = f"{rule.id}@{hit.start}"
        used_ids[fid] = used_ids.get(fid, 0) + 1
        if used_ids[fid] > 1:
            fid += f"~{used_ids[fid]}"
        findings.append(Finding(
            id=fid, rule=rule.id, title=rule.title, topic=rule.topic, severity=rule.severity,
            clause=clause.id if clause else None, start=hit.start, end=hit.end,
            quote=_quote(agreement, hit.start, hit.end), why=rule.why, ask=rule.ask,
            fallback=rule.fallback, comment=fill(rule.comment, parties),
            proposal=_sentence_case(fill(rule.proposal, parties), whole),
            apply=apply, replace=rule.replace))
    findings = resolve_overlaps(findings, agreement)
    missing = _missing(agreement, required, comp, text, parties, spans)
    findings.extend(missing)
    verdicts = _verdicts(agreement, topics, playbook, positions, rules, required, findings)
    return tuple(findings), verdicts, risk_score(findings)


_LEAD = re.compile(r"\s*(?:[•●▪◦·\-–]\s*|\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?\s+|\([a-zA-Z]{1,4}\)\s+)")


def _sentence_case(words: str, whole_sentence: bool) -> str:
    """Return `words` with a capital first letter when they replace a whole sentence."""
    if whole_sentence and words[:1].islower():
        return words[:1].upper() + words[1:]
    return words


def sentence_span(text: str, window: Tuple[int, int], clause=None) -> Tuple[int, int]:
    """Return the sentence `window` without its clause number, heading, bullet or final stop."""
    s, e = window
    if clause is not None and clause.start <= s < clause.body_start <= e:
        s = clause.body_start
    m = _LEAD.match(text, s, e)
    if m and m.end() < e:
        s = m.end()
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".;"):
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    return s, e


def resolve_overlaps(findings: Sequence[Finding], agreement: Optional[Agreement] = None) -> List[Finding]:
    """Return `findings` where, among overlapping ones, only the most severe makes a change."""
    from dataclasses import replace as _replace

    def extent(f: Finding) -> Tuple[int, int]:
        if f.replace == "clause" and agreement is not None and f.clause:
            c = agreement.clause(f.clause)
            return c.start, c.end
        return f.start, f.end

    ordered = sorted(findings, key=lambda f: (-RANK.get(f.severity, 0), f.start, f.rule))
    kept: List[Tuple[int, int]] = []
    out: Dict[str, Finding] = {}
    for f in ordered:
        s, e = extent(f)
        if f.apply != "comment" and any(s < ke and ks < e for ks, ke in kept):
            f = _replace(f, apply="comment")
        elif f.apply != "comment":
            kept.append((s, e))
        out[f.id] = f
    return sorted(out.values(), key=lambda f: (f.start, f.end, f.id))


def _missing(agreement, required, comp, text, parties, spans) -> List[Finding]:
    out: List[Finding] = []
    if not required:
        return out
    main = [c for c in agreement.clauses if c.level == 1]
    after = main[-1].id if main else (agreement.clauses[-1].id if agreement.clauses else None)
    index = _KeywordIndex(text, spans)
    for req in required:
        lacking = [m for m in req.needs if not _present(m, comp, text, spans, index)]
        if not lacking:
            continue
        out.append(Finding(
            id=f"{req.id}@missing", rule=req.id, title=req.title, topic=req.topic,
            severity=req.severity, clause=None, start=None, end=None, quote="", why=req.why,
            ask=req.ask, fallback="", comment=fill(req.comment, parties),
            proposal=fill(req.clause, parties), apply="change+comment", replace="insert",
            insert_after=after))
    return out


def _present(match: _rules.Match, comp, text: str, spans, index) -> bool:
    probe = _rules.Rule("_", "_", "_", "low", match)
    for i in index.candidates(_rules.prefilter(probe)):
        s, e = spans[i]
        if _rules.find(probe, comp, text, s, e, text):
            return True
    return False


def _addressed(agreement, topics, playbook, topic_id: str) -> bool:
    if topics:
        for hits in topics.values():
            if any(getattr(h, "id", None) == topic_id for h in hits):
                return True
        return False
    try:
        t = playbook.topic(topic_id)
    except (KeyError, AttributeError):
        return False
    words = [w for w in (getattr(t, "name", ""), *getattr(t, "synonyms", ())) if w and len(w) > 3]
    low = agreement.text.lower()
    return any(w.lower() in low for w in words)


def _verdicts(agreement, topics, playbook, positions, rules, required, findings) -> Dict[str, str]:
    ids = list(dict.fromkeys([*positions, *(r.topic for r in rules), *(q.topic for q in required)]))
    by_rule = {r.id: r for r in rules}
    req_topics = {q.topic for q in required}
    missing_topics = {f.topic for f in findings if f.start is None}
    out: Dict[str, str] = {}
    for tid in ids:
        fs = [f for f in findings if f.topic == tid and f.start is not None]
        if fs:
            bad = any((by_rule.get(f.rule) and by_rule[f.rule].verdict == "unacceptable")
                      or (f.severity in ("high", "medium")
                          and not (by_rule.get(f.rule) and by_rule[f.rule].verdict == "fallback"))
                      for f in fs)
            out[tid] = "unacceptable" if bad else "fallback"
        elif tid in missing_topics:
            out[tid] = "unacceptable" if _addressed(agreement, topics, playbook, tid) else "missing"
        elif _addressed(agreement, topics, playbook, tid):
            out[tid] = "acceptable"
        else:
            out[tid] = "missing" if tid in req_topics else "silent"
    return out


def risk_score(findings: Iterable[Finding]) -> int:
    """Return the 0-100 risk score of `findings` (see the module docstring for the weighting)."""
    total = sum(WEIGHTS.get(f.severity, 0) for f in findings)
    return int(round(100.0 * total / (total + 50.0))) if total else 0


# ---------------------------------------------------------------------------------------------
# Market


def market(analyses, playbook):
    """Return {topic: MarketEntry}: per topic, the loaded agreement best for the customer, quoted."""
    out: Dict[str, MarketEntry] = {}
    analyses = list(analyses)
    topic_ids: List[str] = []
    for a in analyses:
        for tid in a.verdicts:
            if tid not in topic_ids:
                topic_ids.append(tid)
    for tid in topic_ids:
        best = None
        for i, a in enumerate(analyses):
            verdict = a.verdicts.get(tid, "silent")
            if verdict in ("missing", "silent"):
                continue
            weight = sum(WEIGHTS.get(f.severity, 0) for f in a.findings if f.topic == tid)
            key = (_VERDICT_ORDER[verdict], weight, a.risk_score, i)
            if best is None or key < best[0]:
                best = (key, a)
        if best is None:
            out[tid] = MarketEntry(best=None)
            continue
        a = best[1]
        clause_id, words = _best_quote(a, tid, playbook)
        out[tid] = MarketEntry(best=a.path, quote=words, clause=clause_id)
    return out


def _best_quote(analysis, topic_id: str, playbook=None) -> Tuple[Optional[str], str]:
    agreement = analysis.agreement
    best = None
    for cid, hits in (analysis.topics or {}).items():
        for h in hits:
            if getattr(h, "id", None) == topic_id and (best is None or h.score > best[0]):
                best = (h.score, cid)
    if best is not None:
        try:
            c = agreement.clause(best[1])
        except KeyError:
            return None, ""
        words = " ".join(clause_text(agreement, c, own=True).split())
        return c.id, words[:400] + ("…" if len(words) > 400 else "")
    fs = [f for f in analysis.findings if f.topic == topic_id and f.start is not None]
    if fs:
        return fs[0].clause, fs[0].quote
    # no topic map: quote the first sentence naming the topic
    try:
        t = playbook.topic(topic_id)
    except (KeyError, AttributeError):
        return None, ""
    words = [w.lower() for w in (getattr(t, "name", ""), *getattr(t, "synonyms", ())) if w and len(w) > 5]
    text = agreement.text
    for s, e in _rules.windows(text):
        low = text[s:e].lower()
        if any(w in low for w in words):
            c = deepest_clause(agreement, s)
            q = " ".join(_quote(agreement, s, e).split())
            return (c.id if c else None), q[:400] + ("…" if len(q) > 400 else "")
    return None, ""
