"""Matching rules against an agreement's text: returns hits with exact offsets and whose right it is.

Text is cut into sentence-sized `windows` (never longer than `MAX_WINDOW`); `find` applies one
rule to one window: phrases, expressions (placeholders expanded per agreement by `Compiled`),
`near` groups and fuzzy phrases, then its conditions (actor, numeric, unless).
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz

from redline.regex_safety import literals
from redline.ruleset import MAX_WINDOW, MAY, PLACEHOLDERS, Hit, Match, Rule

_SHARED: Dict[str, "re.Pattern[str]"] = {}
"""Expressions that name no party, compiled once (the playbook's rules are a bounded set)."""
_NAMES_PARTY = re.compile(r"\{(?:party|provider|customer)\}")


class Compiled:
    """A rule set's expressions compiled for one agreement's party names (cached per names)."""

    def __init__(self, provider_aliases: Sequence[str], customer_aliases: Sequence[str]) -> None:
        self.provider = tuple(a for a in provider_aliases if a)
        self.customer = tuple(a for a in customer_aliases if a)
        self._cache: Dict[str, "re.Pattern[str]"] = {}
        self._anywhere: Dict[tuple, bool] = {}
        self._cues: Dict[tuple, bool] = {}

    @staticmethod
    def _alt(aliases: Sequence[str]) -> str:
        if not aliases:
            return r"(?!x)x"
        parts = sorted({re.escape(a).replace(r"\ ", r"\s+") for a in aliases}, key=len, reverse=True)
        # "the Supplier", "the Client": the article belongs to the name, so "by the Supplier" or
        # "with the Client's consent" reads as "by Supplier" does
        return r"\b(?:the\s+)?(?:" + "|".join(parts) + r")(?:['’]s)?\b"

    def pattern(self, source: str, elided: bool = False) -> "re.Pattern[str]":
        """Return `source` compiled (case-insensitive) with the party placeholders expanded;
        `elided`: {party} also matches a subject left out ("... and may") or a pronoun ("It may")."""
        if elided and "{party}" in source:
            key = "\x01" + source
            hit = self._cache.get(key)
            if hit is None:
                hit = self._cache[key] = self._expand(source, True)
            return hit
        hit = self._cache.get(source)
        if hit is None and not _NAMES_PARTY.search(source):
            # the same for every agreement: compiled once per process, not once per party names
            hit = _SHARED.get(source)
            if hit is None:
                hit = _SHARED[source] = re.compile(source.replace("{may}", MAY), re.IGNORECASE)
            self._cache[source] = hit
        if hit is None:
            hit = self._cache[source] = self._expand(source, False)
        return hit

    def _expand(self, source: str, elided: bool) -> "re.Pattern[str]":
        expanded = source.replace("{may}", MAY)
        expanded = expanded.replace("{provider}", self._alt(self.provider))
        expanded = expanded.replace("{customer}", self._alt(self.customer))
        names = "(?P<actor>" + self._alt(self.provider + self.customer) + ")"
        if elided:
            # {party} is also a subject left out or named by a pronoun ("Provider may suspend the
            # Services and may terminate ...", "It may increase them"): `elided`, resolved by
            # `find` to the party standing as the subject before it
            names = "(?:" + names + r"|(?P<elided>\b(?:it|and(?:\s+also)?)\b))"
        return re.compile(expanded.replace("{party}", names), re.IGNORECASE)

    def cue(self, low: str) -> bool:
        """Return True when the lower-cased window `low` may leave a party out or name it "it"
        (cached per window text: every rule asks)."""
        key = low  # the text itself: one Compiled serves every agreement with the same names
        hit = self._cues.get(key)
        if hit is None:
            if len(self._cues) > 8192:
                self._cues.clear()
            hit = self._cues[key] = _ELLIPSIS.search(low) is not None
        return hit

    def anywhere(self, source: str, whole: str) -> bool:
        """Return True when `source` matches somewhere in `whole` (cached per text)."""
        key = (source, hash(whole), len(whole))
        hit = self._anywhere.get(key)
        if hit is None:
            if len(self._anywhere) > 512:
                self._anywhere.clear()
            hit = self._anywhere[key] = any(
                self.pattern(source).search(whole, s, e) for s, e in windows(whole))
        return hit

    def phrase(self, phrase: str) -> "re.Pattern[str]":
        key = "\x00" + phrase
        hit = self._cache.get(key)
        if hit is None:
            body = r"\s+".join(re.escape(w) for w in phrase.split())
            hit = re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)
            self._cache[key] = hit
        return hit

    def role(self, words: str) -> Optional[str]:
        """Return "provider" or "customer" for a word naming a party, else None."""
        w = re.sub(r"^the\s+", "", re.sub(r"['’]s$", "", " ".join(words.split())), flags=re.I).lower()
        def bare(a: str) -> str:
            return re.sub(r"^the\s+", "", a, flags=re.I).lower()

        if any(w == bare(a) for a in self.provider):
            return "provider"
        if any(w == bare(a) for a in self.customer):
            return "customer"
        return None

    def subject(self, window: str, pos: int, strict: bool = False) -> Optional[str]:
        """Return the role of the party doing what is said at `pos` in `window`.

        The nearest party named before `pos` that stands as a subject (followed by a verb such as
        "shall", "is", "may") wins; failing that (unless `strict`), the nearest party named before `pos`.
        """
        best = subj = None
        lo = max(0, pos - 250)
        names = self._cache.get("\x00names")
        if names is None:
            names = self._cache["\x00names"] = re.compile(self._alt(self.provider + self.customer), re.I)
        for m in names.finditer(window, lo, pos + 1):
            if m.start() <= pos:
                best = m
                if _SUBJECT_VERB.match(window, m.end()):
                    subj = m
                elif strict and _ANY_VERB.match(window, m.end()) \
                        and not _OBJECT_BEFORE.search(window, max(0, m.start() - 40), m.start()):
                    subj = m
        pick = subj if strict else (subj or best)
        return self.role(pick.group(0)) if pick else None


_SUBJECT_VERB = re.compile(
    r"(?:\s*,[^,.;]{0,80},)?(?:\s+and\s+(?:its|our|their)\s+[\w\s,]{0,40}?)?\s+(?:also\s+|hereby\s+|further\s+)?"
    r"(?:shall|will|may|must|can|is|are|has|have|agrees?|makes?|reserves?|disclaims?|assumes?|accepts?|does|"
    r"warrants?|represents?|undertakes?|retains?|owns?)\b", re.I)
_ELLIPSIS = re.compile(r"\b(?:and|it)\s+(?:also\s+)?(?:may|can|shall|will|must|reserves?|agrees?|undertakes?|"
                       r"is\s+entitled|has\s+the\s+right|is\s+free|shall\s+be\s+entitled)\b")
"""A window where a party may be left out ("... and may terminate") or named by "it": only there
does {party} also match such a subject (it is costly to look for everywhere)."""
_ANY_VERB = re.compile(r"\s+(?:also\s+)?(?!(?:unless|its|this|thus|as|was|less|plus|always|has|is)\b)[a-z]{2,}s\b")
_OBJECT_BEFORE = re.compile(r"\b(?:to|from|by|with|against|for|of|on|upon|than|notify|inform|pay|give|"
                            r"provide|owe|indemnify|defend|let)\s+(?:the\s+)?$", re.I)
"""A party named as an object ("... to the Supplier"), which cannot be the subject of a verb after it."""
"""A party followed by a present-tense verb ("The Supplier sets the Charges"): a subject, for
resolving "It may ..." or "... and may ..." to the party they stand for."""
_NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUM_WORDS.update({"thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
                   "ninety": 90, "seventy-five": 75, "one hundred twenty": 120, "twenty-four": 24,
                   "thirty-six": 36, "forty-eight": 48, "eighteen": 18, "a": 1, "an": 1, "the": 1, "any": 1})
_NUMBER = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUM_WORDS), key=len, reverse=True)) + r")"
_QTY = {
    "days": re.compile(r"\b(" + _NUMBER + r")(?:\s*\(\d+\))?[\s-]+(?:business\s+|calendar\s+|working\s+)?"
                       r"(days?|months?|weeks?)\b", re.I),
    "months": re.compile(r"\b(" + _NUMBER + r"|the|any|one)(?:\s*\(\d+\))?[\s-]+"
                         r"(?:(?:previous|preceding|prior|last|past)\s+)?(?:calendar\s+|contract\s+)?"
                         r"(months?|years?)\b", re.I),
    "percent": re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b)", re.I),
    "monthly_rate": re.compile(r"(\d+(?:\.\d+)?)\s*%\s*\)?\s*(?:percent\s+)?(?:per|a|each|every)?\s*(month|annum|year|annually|monthly)?", re.I),
}
_RATE_OF = re.compile(r"(\d+(?:\.\d+)?)\s*%\s+of\s+the\s+[\w\s]{0,30}?\b(?:for\s+)?(?:per|a|each|every)\s+"
                      r"(month|annum|year)", re.I)
"""A rate written "2% of the overdue amount for each month"."""
_RATE_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|eighteen|twenty|twenty-four)"
    r"(\s+and\s+(?:one[\s-]half|a\s+half|one[\s-]quarter|a\s+quarter))?\s+(?:percent|per\s+cent)\s+"
    r"(?:per|a|each|every)\s+(month|annum|year)\b", re.I)
"""A rate in words: "one and one-half percent per month"."""
_IMMEDIATE = re.compile(r"\b(?:immediately|upon\s+(?:receipt|activation|activating|invoice)|on\s+demand|in\s+advance|pre-?paid)\b", re.I)


def _number(text: str) -> Optional[float]:
    t = text.lower().strip()
    if t in _NUM_WORDS:
        return float(_NUM_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def quantity(kind: str, text: str, start: int, end: int) -> Optional[Tuple[float, int, int]]:
    """Return (value, start, end) of the `kind` figure nearest the span `start:end` in `text`."""
    if kind == "days" and _IMMEDIATE.search(text, start, end):
        m = _IMMEDIATE.search(text, start, end)
        return 0.0, m.start(), m.end()
    best = None
    found = list(_QTY[kind].finditer(text))
    if kind == "monthly_rate":
        found += list(_RATE_OF.finditer(text))
        for m in _RATE_WORDS.finditer(text):
            value = _NUM_WORDS[m.group(1).lower()] + (0.0 if not m.group(2) else
                                                       0.25 if "quarter" in m.group(2).lower() else 0.5)
            if m.group(3).lower() in ("annum", "year"):
                value /= 12.0
            dist = 0 if m.start() < end and m.end() > start else min(abs(m.start() - end), abs(start - m.end()))
            if best is None or dist < best[0]:
                best = (dist, value, m.start(), m.end())
    for m in found:
        if kind == "monthly_rate":
            if m.group(2) is None and "interest" not in text[max(0, m.start() - 80):m.end() + 40].lower():
                continue
            value = float(m.group(1))
            unit = (m.group(2) or "month").lower()
            if unit in ("annum", "year", "annually"):
                value /= 12.0
        elif kind == "percent":
            value = float(m.group(1))
        else:
            value = _number(m.group(1))
            if value is None:
                continue
            unit = m.group(2).lower()
            if unit.startswith("month") and kind == "days":
                value *= 30
            elif unit.startswith("week"):
                value *= 7
            elif unit.startswith("year"):
                value *= 12
        dist = 0 if m.start() < end and m.end() > start else min(abs(m.start() - end), abs(start - m.end()))
        if best is None or dist < best[0]:
            best = (dist, value, m.start(), m.end())
    if best is None:
        return None
    return best[1], best[2], best[3]


def windows(text: str) -> Iterator[Tuple[int, int]]:
    """Yield sentence-sized (start, end) windows of `text`, none longer than MAX_WINDOW."""
    for s, e in _sentences(text):
        while e - s > MAX_WINDOW:
            cut = text.rfind("; ", s + MAX_WINDOW // 2, s + MAX_WINDOW)
            if cut < 0:
                cut = text.rfind(" ", s + MAX_WINDOW // 2, s + MAX_WINDOW)
            cut = cut + 1 if cut > 0 else s + MAX_WINDOW
            yield s, cut
            s = cut
        if e > s:
            yield s, e


_LABELS = {"schedule", "exhibit", "appendix", "annex", "attachment", "part", "section", "article", "item",
           "table", "class", "phase", "tier", "level", "option", "plan", "form", "addendum", "rider"}
"""Words after which a single capital letter ends a sentence ("... in Schedule A. The ...")."""
_ABBREV = {"u.s", "e.g", "i.e", "inc", "no", "co", "corp", "ltd", "llc", "c.f.r", "sec", "st", "mr",
           "ms", "dr", "vs", "etc", "art", "para", "p", "pp", "n.a", "u.s.c", "jr", "sr", "fig"}
_BOUNDARY = re.compile(r"[.!?](?=[\"”’)]?\s+[\"“(•●A-Z0-9])|\n\s*\n|\n(?=\s*[•●\-o]?\s*[A-Z(0-9])|\n(?=\s*\|)")


def _sentences(text: str) -> Iterator[Tuple[int, int]]:
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0) in ".!?":
            before = text[max(pos, m.start() - 24):m.start()]
            words = re.split(r"[\s(]+", before.lower()) if before else [""]
            word = words[-1]
            initial = re.fullmatch(r"[a-z]", word or "xx") and not (len(words) > 1 and words[-2] in _LABELS)
            if word in _ABBREV or initial or re.fullmatch(r"\d+(?:\.\d+)*", word or "x"):
                continue
            end = m.end()
        else:
            end = m.start()
        s, e = _trim(text, pos, end)
        if e > s:
            yield s, e
        pos = m.end()
    s, e = _trim(text, pos, len(text))
    if e > s:
        yield s, e


def _trim(text: str, s: int, e: int) -> Tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def prefilter(rule: Rule) -> Tuple[str, ...]:
    """Return words one of which any window matching `rule` contains, or () when unknown."""
    words: List[str] = []
    for p in rule.match.phrases:
        words.append(max(p.lower().split(), key=len))
    for r in rule.match.regex:
        lits = literals(r)
        if not lits:
            return ()
        words.extend(lits)
    if rule.match.near:
        lits = prefilter_near(rule.match)
        if not lits:
            return ()
        words.extend(lits)
    if rule.match.fuzzy:
        return ()
    return tuple(dict.fromkeys(words))


def find(rule: Rule, comp: Compiled, text: str, start: int, end: int,
         whole: Optional[str] = None, in_topic: bool = False) -> List[Hit]:
    """Return the rule's hits in `text[start:end]` (absolute offsets), conditions applied.

    `in_topic`: the window lies in a clause classified under the rule's topic, so the rule's
    `topical` expressions are tried too."""
    m = rule.match
    window = text[start:end]
    low = window.lower()
    elided = comp.cue(low)
    raw: List[Tuple[int, int, Optional[str], str]] = []
    for p in m.phrases:
        if max(p.lower().split(), key=len) not in low:
            continue
        for hit in comp.phrase(p).finditer(window):
            raw.append((hit.start(), hit.end(), None, "free"))
    for r in (m.regex + m.topical if in_topic else m.regex):
        if not _could(r, low):
            continue
        kind = "party" if "{party}" in r else ("fixed" if "{provider}" in r or "{customer}" in r else "free")
        pat = comp.pattern(r, elided)
        pos = 0
        while pos <= len(window):
            hit = pat.search(window, pos)
            if hit is None:
                break
            groups = hit.groupdict()
            actor = groups.get("actor")
            gone = groups.get("elided")  # this hit's left-out subject ("... and may", "It may")
            if hit.end() > hit.start():
                how = kind if actor or kind != "party" else "free"
                role = comp.role(actor) if actor else None
                if gone:
                    # "... and may terminate", "It may ...": the party standing as the subject
                    # before it (in an earlier sentence for "It"); none found, no finding
                    role, how = comp.subject(text, start + hit.start("elided"), strict=True), "party"
                hs, he = hit.span()
                if groups.get("span"):
                    hs, he = hit.span("span")
                if role is not None or not gone:
                    raw.append((hs, he, role, how))
            # after a party-led match, look again from just after that party's name, so a later
            # party in the same window ("you agree that we will ...") gets its own chance
            lead = "actor" if actor else "elided" if gone else None
            pos = hit.start(lead) + 1 if lead else max(hit.end(), hit.start() + 1)
    for hit in _near(m, comp, window, low, text, start, elided):
        raw.append(hit)
    for f in m.fuzzy:
        if len(window) < len(f) // 2:
            continue
        al = fuzz.partial_ratio_alignment(f.lower(), window.lower(), score_cutoff=m.threshold)
        if al is not None and al.dest_end > al.dest_start:
            raw.append((al.dest_start, al.dest_end, None, "free"))
    out: List[Hit] = []
    for s, e, actor, kind in sorted(raw, key=lambda r: (r[0], -r[1])):
        if out and s < out[-1].end - start:
            continue
        who = actor
        if m.actor and m.actor != "either":
            if kind == "party" and actor != m.actor:
                continue
            if kind != "party":
                # a passive verb's agent ("may be suspended ... by Customer") is whose act it is;
                # failing that, the party standing as the subject before the words
                who = _agent(comp, window, s, e)
                if who is None and kind == "free":
                    verb = _VERB.search(window, s, e)
                    who = comp.subject(window, verb.start() if verb else s)
                if who is not None and who != m.actor:
                    continue
        if m.numeric is not None:
            q = quantity(m.numeric.quantity, window, s, e)
            if q is None or not m.numeric.holds(q[0]):
                continue
            # keep the figure inside the span when it sits right next to the words
            if q[1] >= e and q[1] - e <= 60:
                e = q[2]
            elif q[2] <= s and s - q[2] <= 60:
                s = q[1]
        s, e = _trim(window, s, e)
        out.append(Hit(start + s, start + e, who))
    # the neutralising words are looked for only where the rule found something (most windows
    # find nothing, and a rule may carry many `unless` expressions)
    if out and any(_could(u, low) and comp.pattern(u).search(window) for u in m.unless):
        return []
    if out and m.unless_anywhere and whole is not None:
        for u in m.unless_anywhere:
            if comp.anywhere(u, whole):
                return []
    return out


_PASSIVE = re.compile(r"\b(?:be|been|being|is|are)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:if|when|unless|where|because|until|and|or|after|before|which|that|who)\b", re.I)


def _agent(comp: Compiled, window: str, s: int, e: int) -> Optional[str]:
    """Return the role of the party a passive verb in `window[s:e]` names as its agent ("may be
    suspended at any time by the Supplier"), or None when the words name none."""
    verb = _PASSIVE.search(window, s, e)
    if verb is None:
        return None
    by = comp.pattern(r"\bby\s+{party}").search(window, verb.end(), min(len(window), max(e, verb.end()) + 60))
    if by is None or not by.group("actor") or _CLAUSE_BREAK.search(window, verb.end(), by.start()):
        return None
    return comp.role(by.group("actor"))


def _could(source: str, low: str) -> bool:
    """Return False when `source` cannot match the lower-cased window `low`: none of the words one
    of which its every match contains is there (a substring test is far cheaper than a search)."""
    words = _WORDS.get(source)
    if words is None:
        words = _WORDS[source] = literals(source)
    if not words:
        return True
    for w in words:
        if w in low:
            return True
    return False


_WORDS: Dict[str, Tuple[str, ...]] = {}
"""Per expression: the words one of which its every match contains (see `literals`)."""


def _near(m: Match, comp: Compiled, window: str, low: str, text: str = "",
          start: int = 0, elided: bool = False) -> List[Tuple[int, int, Optional[str], str]]:
    """Return hits where one match of every `near` group lies within `m.within` characters."""
    if not m.near:
        return []
    # a group none of whose expressions can match (by their words) rules the window out before
    # any group is searched
    if any(all(literals(p) and not _could(p, low) for p in group) for group in m.near):
        return []
    found: List[List[Tuple[int, int, Optional[str]]]] = []
    for group in m.near:
        spans = []
        for pattern in group:
            if not _could(pattern, low):
                continue
            lead = pattern.startswith(("{party}", "{provider}", "{customer}"))
            for hit in comp.pattern(pattern, elided).finditer(window):
                if hit.end() > hit.start():
                    actor = hit.groupdict().get("actor")
                    role = comp.role(actor) if actor else None
                    if hit.groupdict().get("elided"):
                        role = comp.subject(text or window, (start if text else 0) + hit.start("elided"),
                                            strict=True)
                        if role is None:
                            continue
                    st = hit.start()
                    if lead:  # "the Customer shall not ...": distances count from the name
                        article = _ARTICLE.match(window, st, hit.end())
                        st = article.end() if article else st
                    spans.append((st, hit.end(), role))
        if not spans:
            return []
        found.append(spans)
    named = any("{party}" in p for p in m.near[0])
    out = []
    for s0, e0, actor in found[0]:
        lo, hi = s0, e0
        ok = True
        for spans in found[1:]:
            best = min(spans, key=lambda sp: max(sp[1], hi) - min(sp[0], lo))
            lo, hi = min(lo, best[0]), max(hi, best[1])
            if hi - lo > m.within:
                ok = False
                break
        if ok and ";" not in window[lo:hi]:
            out.append((lo, hi, actor, "party" if named and actor else "free"))
    return out


def prefilter_near(m: Match) -> Tuple[str, ...]:
    """Return words one of which any window matching `m.near` contains (from one group), or ()."""
    for group in m.near:
        words: List[str] = []
        for p in group:
            lits = literals(p)
            if not lits:
                break
            words.extend(lits)
        else:
            return tuple(words)
    return ()


_ARTICLE = re.compile(r"the\s+", re.I)
_VERB = re.compile(r"\b(?:may|shall|will|must|can|agrees?|has|have|disclaims?|makes?|reserves?|"
                   r"assumes?|accepts?|waives?|is|are)\b", re.I)
