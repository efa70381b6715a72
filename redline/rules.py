"""Playbook rules compiled for matching: `load_review` returns (positions, rules, requirements).

A rule says what one-sided words look like (literal phrases, regular expressions, fuzzy
phrases), who must hold the right or the duty for it to matter (`actor`), an optional numeric
test on the figure the words carry (interest above 1% a month, fewer than 30 days, a cap below
12 months of fees), and `unless` words that neutralise it (mutual wording, a carve-out).
Regular expressions may use three placeholders, expanded per agreement from its parties:
`{provider}` and `{customer}` (any word naming that party) and `{party}` (either, captured so
the rule can tell whose right it is); and `{may}`, any wording of a permission ("may", "is
entitled to", "reserves the right to", with "at any time", "in its sole discretion", ...). Every expression is checked at load time: it must
compile and must not be able to backtrack without bound (a repeated group that itself repeats
or whose alternatives overlap is refused). Matching only ever sees clause-sized windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

try:  # Python 3.11+
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
    from re import _constants as _sre_c  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    import sre_constants as _sre_c  # type: ignore[no-redef]

from rapidfuzz import fuzz

from redline.errors import PlaybookError

SEVERITIES = ("high", "medium", "low")
APPLY = ("change", "change+comment", "comment")
REPLACE = ("span", "clause")
ACTORS = ("provider", "customer", "either")
QUANTITIES = ("days", "months", "monthly_rate")
OPS = ("<", "<=", ">", ">=")
MAX_WINDOW = 2000
"""The most text one regular expression ever sees at once (a clause-sized window)."""

PLACEHOLDERS = ("{provider}", "{customer}", "{party}")
MAY = (r"(?:(?:may|can)(?!not)\b(?!\s+not\b)|(?:is|are|shall\s+be|will\s+be)\s+entitled(?:\s+to)?|(?:has|have|shall\s+have|will\s+have)"
       r"\s+the\s+right\s+to|(?:reserves?|retains?)\s+(?:as\s+)?the\s+right(?:\s+to)?)"
       r"(?:\s*(?:,\s*)?(?:and\s+)?(?:a(?:lso|t\s+any\s+time|t\s+its\s+(?:sole\s+|absolute\s+)?(?:option|discretion))"
       r"|f(?:urther|rom\s+time\s+to\s+time)|i(?:mmediately|n\s+its\s+(?:sole\s+|absolute\s+)?"
       r"(?:discretion|judgment))|w(?:ithout\s+(?:prior\s+)?notice|ithout\s+liability)|u(?:pon\s+notice)"
       r"|o(?:n\s+notice))){0,3}\s*(?:,\s*)?(?:and\s+)?(?:to\s+)?")
"""`{may}`: a permission ("may", "is entitled to", "reserves the right to") with up to three
adverbials ("at any time", "in its sole discretion", "without notice", ...). A built-in expression:
each repetition starts with a different letter, so it cannot backtrack without bound; the
load-time check therefore sees it as a plain word."""

# ---------------------------------------------------------------------------------------------
# Compiled values


@dataclass(frozen=True)
class Numeric:
    """A test on the figure the matched words carry: `quantity` `op` `value`."""

    quantity: str
    op: str
    value: float

    def holds(self, found: float) -> bool:
        """Return True when `found` satisfies the test."""
        return {"<": found < self.value, "<=": found <= self.value,
                ">": found > self.value, ">=": found >= self.value}[self.op]


@dataclass(frozen=True)
class Match:
    """What to look for in a window of text, and the conditions that make it one-sided."""

    phrases: Tuple[str, ...] = ()
    regex: Tuple[str, ...] = ()
    fuzzy: Tuple[str, ...] = ()
    threshold: float = 90.0
    actor: Optional[str] = None
    numeric: Optional[Numeric] = None
    unless: Tuple[str, ...] = ()
    """Regular expressions (placeholders allowed); one found in the window neutralises the hit."""
    unless_anywhere: Tuple[str, ...] = ()
    """As `unless`, but searched in the whole agreement (e.g. a reciprocal indemnity elsewhere)."""
    near: Tuple[Tuple[str, ...], ...] = ()
    """Groups of expressions, one of each to be found within `within` characters, in any order
    (e.g. [party + may], [change], [prices]): for words a clause can put in any order."""
    within: int = 120

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.regex or self.fuzzy or self.near)


@dataclass(frozen=True)
class Rule:
    """One playbook rule: what is one-sided, why, and the customer's fix."""

    id: str
    topic: str
    title: str
    severity: str
    match: Match
    why: str = ""
    ask: str = ""
    fallback: str = ""
    comment: str = ""
    proposal: str = ""
    replace: str = "span"
    apply: str = "change+comment"
    verdict: str = ""
    """"unacceptable" or "fallback"; empty means by severity (high/medium -> unacceptable)."""
    span: str = "match"
    """"match": the finding covers the matched words (or a `(?P<span>...)` group in the
    expression); "sentence": the whole sentence they are in, for a proposal written as a full
    sentence (a sentence longer than `MAX_SENTENCE_SPAN` keeps the match and becomes a comment)."""


@dataclass(frozen=True)
class Requirement:
    """A topic every agreement must address; silence on it is a finding with a clause to insert."""

    id: str
    topic: str
    title: str
    severity: str
    needs: Tuple[Match, ...]
    """Each must be found somewhere in the agreement (any of its phrases/expressions)."""
    why: str = ""
    ask: str = ""
    comment: str = ""
    clause: str = ""
    """The clause to insert, with {provider} and {customer} placeholders."""


@dataclass(frozen=True)
class Hit:
    """Where a rule matched: the span (absolute offsets) and the party that holds the right."""

    start: int
    end: int
    actor: Optional[str] = None


# ---------------------------------------------------------------------------------------------
# Loading


def _line(node) -> Optional[int]:
    line = getattr(node, "line", None)
    if line is None:
        line = getattr(node, "lc", None)
        line = getattr(line, "line", None)
        if line is not None:
            line += 1
    return line


def _fail(path, node, key: str, expected: str) -> PlaybookError:
    line = None
    last = key.rsplit(".", 1)[-1]
    if hasattr(node, "line_of") and isinstance(node, Mapping) and last in node:
        line = node.line_of(last)
    if not line:
        line = _line(node)
    return PlaybookError(f"key '{key}' {expected}", path=str(path) if path else None, line=line,
                         hint="fix the playbook and load it again")


def _str(node, key, path, parent, *, required=False, default="") -> str:
    value = node.get(key) if isinstance(node, Mapping) else None
    if value is None:
        if required:
            raise _fail(path, parent, key, "is required and must be text")
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise _fail(path, value if _line(value) else parent, key, "must be text")
    return str(value).strip()


def _strs(node, key, path, parent) -> Tuple[str, ...]:
    value = node.get(key) if isinstance(node, Mapping) else None
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, value if _line(value) else parent, key, "must be a list of non-empty texts")
    return tuple(v.strip() for v in value)


def _choice(node, key, path, choices, default) -> str:
    value = _str(node, key, path, node, default=default)
    if value not in choices:
        raise _fail(path, node, key, f"must be one of {', '.join(choices)} (got {value!r})")
    return value


# ---------------------------------------------------------------------------------------------
# Regular-expression safety


def _expand_for_check(pattern: str) -> str:
    pattern = pattern.replace("{may}", "(?:may)")
    for ph in PLACEHOLDERS:
        pattern = pattern.replace(ph, "(?:Party)")
    return pattern


_REPEATS = tuple(x for x in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)) if x)


def _first_chars(items) -> Optional[set]:
    """Return the set of first characters `items` can start with, or None if unknown/any/empty."""
    for op, av in items:
        if op is _sre_c.LITERAL:
            return {chr(av).lower()}
        if op is _sre_c.IN:
            chars = set()
            for iop, iav in av:
                if iop is _sre_c.LITERAL:
                    chars.add(chr(iav).lower())
                elif iop is _sre_c.RANGE and iav[1] - iav[0] < 128:
                    chars.update(chr(c).lower() for c in range(iav[0], iav[1] + 1))
                else:
                    return None
            return chars
        if op is _sre_c.SUBPATTERN:
            return _first_chars(av[-1])
        if op is _sre_c.AT:
            continue
        return None
    return None


def _risky(items, inside: bool) -> Optional[str]:
    """Return why `items` could backtrack without bound; `inside` = within a repeat of max > 1."""
    for op, av in items:
        if op in _REPEATS:
            repeats = av[1] is _sre_c.MAXREPEAT or av[1] > 1
            if repeats and inside and (av[1] is _sre_c.MAXREPEAT or av[1] > 1):
                return "a repeated part inside another repeated part (like (a+)+ or (a+){2,9})"
            body = list(av[2])
            sub = _risky(body, inside or repeats)
            if sub:
                return sub
            if repeats:
                for bop, bav in body:
                    if bop is _sre_c.SUBPATTERN:
                        inner = list(bav[-1])
                        if len(inner) != 1:
                            continue
                        bop, bav = inner[0]
                    if bop is _sre_c.BRANCH:
                        seen: set = set()
                        for alt in bav[1]:
                            first = _first_chars(list(alt))
                            if not first or first & seen:
                                return "a repeated choice whose alternatives can start alike (like (a|a)*)"
                            seen |= first
        elif op is _sre_c.SUBPATTERN:
            sub = _risky(av[-1], inside)
            if sub:
                return sub
        elif op is _sre_c.BRANCH:
            for alt in av[1]:
                sub = _risky(alt, inside)
                if sub:
                    return sub
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            sub = _risky(av[1], inside)
            if sub:
                return sub
        elif op is _sre_c.GROUPREF:
            return "a back-reference"
    return None


def check_regex(pattern: str) -> Optional[str]:
    """Return why `pattern` is refused (does not compile, could backtrack without bound), or None."""
    probe = _expand_for_check(pattern)
    try:
        re.compile(probe)
        parsed = _sre_parse.parse(probe)
    except re.error as exc:
        return f"does not compile ({exc})"
    why = _risky(list(parsed), False)
    if why is None:
        why = _textual_alternation(probe)
    return why


_GROUP_REPEATED = re.compile(r"\((?:\?:)?((?:[^()\\]|\\.)*)\)(?:[*+]|\{\d*,\d*\}|\{\d{2,}\})")


def _textual_alternation(pattern: str) -> Optional[str]:
    """Refuse a repeated group whose written alternatives repeat or start alike ((a|a)*)."""
    for m in _GROUP_REPEATED.finditer(pattern):
        alts = re.split(r"(?<!\\)\|", m.group(1))
        if len(alts) < 2:
            continue
        firsts = [a[:2] if a.startswith("\\") else a[:1] for a in alts]
        if any(not f or f in (".", "\\w", "\\s", "\\S", "\\W", "[") for f in firsts) \
                or len(set(f.lower() for f in firsts)) < len(firsts):
            return "a repeated choice whose alternatives can start alike (like (a|a)*)"
    return None


# ---------------------------------------------------------------------------------------------
# Building from YAML nodes

_MATCH_KEYS = {"phrases", "regex", "fuzzy", "threshold", "actor", "numeric", "unless", "unless_anywhere",
               "near", "within"}
_RULE_KEYS = {"id", "title", "severity", "match", "why", "ask", "fallback", "comment", "proposal",
              "replace", "apply", "verdict", "span"}
SPANS = ("match", "sentence")
MAX_SENTENCE_SPAN = 600
_REQ_KEYS = {"id", "topic", "title", "severity", "needs", "why", "ask", "comment", "clause"}


def _regexes(node, key, path) -> Tuple[str, ...]:
    items = _strs(node, key, path, node)
    for pattern in items:
        why = check_regex(pattern)
        if why:
            raise _fail(path, node, key, f"the regular expression {pattern!r} is refused: {why}; "
                        "write it without nested or ambiguous repetition")
    return items


def build_match(node, path, where: str) -> Match:
    """Return the `Match` described by the YAML mapping `node` (PlaybookError if invalid)."""
    if not isinstance(node, Mapping):
        raise _fail(path, node, where, "must be a mapping with phrases, regex or fuzzy")
    unknown = set(node) - _MATCH_KEYS
    if unknown:
        raise _fail(path, node, f"{where}.{sorted(unknown)[0]}",
                    f"is not a match key (expected one of {', '.join(sorted(_MATCH_KEYS))})")
    threshold = node.get("threshold", 90)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 50 <= threshold <= 100:
        raise _fail(path, node, f"{where}.threshold", "must be a number from 50 to 100")
    actor = node.get("actor")
    if actor is not None and actor not in ACTORS:
        raise _fail(path, node, f"{where}.actor", f"must be one of {', '.join(ACTORS)}")
    numeric = None
    if node.get("numeric") is not None:
        num = node["numeric"]
        if not isinstance(num, Mapping):
            raise _fail(path, node, f"{where}.numeric", "must be a mapping: quantity, op, value")
        q, op, val = num.get("quantity"), num.get("op"), num.get("value")
        if q not in QUANTITIES:
            raise _fail(path, num, f"{where}.numeric.quantity", f"must be one of {', '.join(QUANTITIES)}")
        if op not in OPS:
            raise _fail(path, num, f"{where}.numeric.op", f"must be one of {' '.join(OPS)}")
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise _fail(path, num, f"{where}.numeric.value", "must be a number")
        numeric = Numeric(q, op, float(val))
    near = node.get("near")
    groups: List[Tuple[str, ...]] = []
    if near is not None:
        if not isinstance(near, (list, tuple)) or len(near) < 2:
            raise _fail(path, node, f"{where}.near", "must be a list of at least two groups of expressions")
        for i, group in enumerate(near):
            items = [group] if isinstance(group, str) else group
            if not isinstance(items, (list, tuple)) or not items or not all(isinstance(x, str) and x.strip()
                                                                          for x in items):
                raise _fail(path, node, f"{where}.near", f"group {i + 1} must be an expression or a list of them")
            for pattern in items:
                why = check_regex(pattern)
                if why:
                    raise _fail(path, node, f"{where}.near", f"the regular expression {pattern!r} is refused: {why}")
            groups.append(tuple(x.strip() for x in items))
    within = node.get("within", 120)
    if isinstance(within, bool) or not isinstance(within, int) or not 10 <= within <= MAX_WINDOW:
        raise _fail(path, node, f"{where}.within", f"must be a whole number of characters from 10 to {MAX_WINDOW}")
    m = Match(phrases=_strs(node, "phrases", path, node), regex=_regexes(node, "regex", path),
              near=tuple(groups), within=within,
              fuzzy=_strs(node, "fuzzy", path, node), threshold=float(threshold), actor=actor,
              numeric=numeric, unless=_regexes(node, "unless", path),
              unless_anywhere=_regexes(node, "unless_anywhere", path))
    if m.empty:
        raise _fail(path, node, where, "needs at least one of phrases, regex, fuzzy or near")
    return m


def build_rule(node, topic: str, path) -> Rule:
    """Return the `Rule` described by the YAML mapping `node`."""
    if not isinstance(node, Mapping):
        raise _fail(path, node, f"review.{topic}.rules[]", "each rule must be a mapping")
    rid = _str(node, "id", path, node, required=True)
    where = f"review.{topic}.rules.{rid}"
    unknown = set(node) - _RULE_KEYS
    if unknown:
        raise _fail(path, node, f"{where}.{sorted(unknown)[0]}",
                    f"is not a rule key (expected one of {', '.join(sorted(_RULE_KEYS))})")
    if "match" not in node:
        raise _fail(path, node, f"{where}.match", "is required")
    severity = _choice(node, "severity", path, SEVERITIES, "medium")
    verdict = _str(node, "verdict", path, node)
    if verdict and verdict not in ("unacceptable", "fallback"):
        raise _fail(path, node, f"{where}.verdict", "must be unacceptable or fallback")
    return Rule(id=rid, topic=topic, title=_str(node, "title", path, node, required=True),
                severity=severity, match=build_match(node["match"], path, f"{where}.match"),
                why=_str(node, "why", path, node), ask=_str(node, "ask", path, node),
                fallback=_str(node, "fallback", path, node), comment=_str(node, "comment", path, node),
                proposal=_str(node, "proposal", path, node),
                replace=_choice(node, "replace", path, REPLACE, "span"),
                apply=_choice(node, "apply", path, APPLY, "change+comment"), verdict=verdict,
                span=_choice(node, "span", path, SPANS, "match"))


def build_requirement(node, path, topic_ids=None) -> Requirement:
    """Return the `Requirement` described by one `required:` entry."""
    if not isinstance(node, Mapping):
        raise _fail(path, node, "required[]", "each entry must be a mapping")
    rid = _str(node, "id", path, node, required=True)
    where = f"required.{rid}"
    unknown = set(node) - _REQ_KEYS
    if unknown:
        raise _fail(path, node, f"{where}.{sorted(unknown)[0]}",
                    f"is not a key of a required entry (expected one of {', '.join(sorted(_REQ_KEYS))})")
    topic = _str(node, "topic", path, node, required=True)
    if topic_ids is not None and topic not in topic_ids:
        raise _fail(path, node, f"{where}.topic", f"must be a topic id defined under topics: (got {topic!r})")
    needs = node.get("needs")
    if not isinstance(needs, (list, tuple)) or not needs:
        raise _fail(path, node, f"{where}.needs", "must be a non-empty list of matches")
    return Requirement(id=rid, topic=topic, title=_str(node, "title", path, node, required=True),
                       severity=_choice(node, "severity", path, SEVERITIES, "high"),
                       needs=tuple(build_match(n, path, f"{where}.needs[{i}]") for i, n in enumerate(needs)),
                       why=_str(node, "why", path, node), ask=_str(node, "ask", path, node),
                       comment=_str(node, "comment", path, node),
                       clause=_str(node, "clause", path, node, required=True))


def load_review(node, path, required=None, topic_ids=None):
    """Return (positions, rules, requirements) from the playbook's `review:` and `required:` nodes.

    `node` is the whole playbook mapping (as `redline.playbook` passes it: `review`, `required`
    and `topics` are read from it), or the `review:` mapping itself with `required` the
    `required:` list. `topic_ids`, when given, is the set of known topic ids (an unknown one is
    an error); from a whole playbook they are taken from its `topics:`.
    """
    if isinstance(node, Mapping) and required is None and ("topics" in node or "review" in node
                                                            or "required" in node or "name" in node):
        root = node
        node, required = root.get("review"), root.get("required")
        if topic_ids is None and isinstance(root.get("topics"), (list, tuple)):
            topic_ids = {t.get("id") for t in root["topics"] if isinstance(t, Mapping)}
    positions: Dict[str, str] = {}
    rules: List[Rule] = []
    seen: Dict[str, str] = {}
    if node is None:
        node = {}
    if not isinstance(node, Mapping):
        raise _fail(path, node, "review", "must be a mapping of topic id -> {position, rules}")
    for topic, body in node.items():
        if topic_ids is not None and topic not in topic_ids:
            raise _fail(path, node, f"review.{topic}",
                        "is not a topic id defined under topics: (expected one of the topic ids)")
        if body is None:
            continue
        if not isinstance(body, Mapping):
            raise _fail(path, body, f"review.{topic}", "must be a mapping with position and rules")
        unknown = set(body) - {"position", "rules"}
        if unknown:
            raise _fail(path, body, f"review.{topic}.{sorted(unknown)[0]}", "expected position or rules")
        positions[str(topic)] = _str(body, "position", path, body)
        items = body.get("rules") or []
        if not isinstance(items, (list, tuple)):
            raise _fail(path, body, f"review.{topic}.rules", "must be a list of rules")
        for item in items:
            rule = build_rule(item, str(topic), path)
            if rule.id in seen:
                raise _fail(path, item, f"review.{topic}.rules.{rule.id}",
                            f"repeats a rule id already used under {seen[rule.id]}")
            seen[rule.id] = str(topic)
            rules.append(rule)
    reqs: List[Requirement] = []
    if required is not None:
        if not isinstance(required, (list, tuple)):
            raise _fail(path, required, "required", "must be a list of required topics")
        for item in required:
            req = build_requirement(item, path, topic_ids)
            if req.id in seen:
                raise _fail(path, item, f"required.{req.id}", "repeats an id already used")
            seen[req.id] = "required"
            reqs.append(req)
    return positions, tuple(rules), tuple(reqs)


def load_review_file(path):
    """Return (positions, rules, requirements) read from the playbook file at `path`."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    except OSError as exc:
        raise PlaybookError(f"cannot read the playbook: {exc.strerror}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise PlaybookError(f"not valid YAML: {exc}", path=str(path)) from None
    return load_review(data, path)


# ---------------------------------------------------------------------------------------------
# Matching


class Compiled:
    """A rule set's expressions compiled for one agreement's party names (cached per names)."""

    def __init__(self, provider_aliases: Sequence[str], customer_aliases: Sequence[str]) -> None:
        self.provider = tuple(a for a in provider_aliases if a)
        self.customer = tuple(a for a in customer_aliases if a)
        self._cache: Dict[str, "re.Pattern[str]"] = {}
        self._anywhere: Dict[tuple, bool] = {}

    @staticmethod
    def _alt(aliases: Sequence[str]) -> str:
        if not aliases:
            return r"(?!x)x"
        parts = sorted({re.escape(a).replace(r"\ ", r"\s+") for a in aliases}, key=len, reverse=True)
        return r"\b(?:" + "|".join(parts) + r")(?:['’]s)?\b"

    def pattern(self, source: str) -> "re.Pattern[str]":
        """Return `source` compiled (case-insensitive) with the party placeholders expanded."""
        hit = self._cache.get(source)
        if hit is None:
            expanded = source.replace("{may}", MAY)
            expanded = expanded.replace("{provider}", self._alt(self.provider))
            expanded = expanded.replace("{customer}", self._alt(self.customer))
            expanded = expanded.replace("{party}", "(?P<actor>" + self._alt(self.provider + self.customer) + ")")
            hit = re.compile(expanded, re.IGNORECASE)
            self._cache[source] = hit
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
        w = re.sub(r"['’]s$", "", " ".join(words.split())).lower()
        if any(w == a.lower() for a in self.provider):
            return "provider"
        if any(w == a.lower() for a in self.customer):
            return "customer"
        return None

    def subject(self, window: str, pos: int) -> Optional[str]:
        """Return the role of the party doing what is said at `pos` in `window`.

        The nearest party named before `pos` that stands as a subject (followed by a verb such as
        "shall", "is", "may") wins; failing that, the nearest party named before `pos`.
        """
        best = subj = None
        lo = max(0, pos - 250)
        for m in self.pattern("{party}").finditer(window, lo, pos + 1):
            if m.start() <= pos:
                best = m
                if _SUBJECT_VERB.match(window, m.end()):
                    subj = m
        pick = subj or best
        return self.role(pick.group(0)) if pick else None


_SUBJECT_VERB = re.compile(
    r"(?:\s*,[^,.;]{0,80},)?(?:\s+and\s+(?:its|our|their)\s+[\w\s,]{0,40}?)?\s+(?:also\s+|hereby\s+|further\s+)?"
    r"(?:shall|will|may|must|can|is|are|has|have|agrees?|makes?|reserves?|disclaims?|assumes?|accepts?|does|"
    r"warrants?|represents?|undertakes?|retains?|owns?)\b", re.I)
_NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUM_WORDS.update({"thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
                   "ninety": 90, "seventy-five": 75, "one hundred twenty": 120, "twenty-four": 24,
                   "thirty-six": 36, "forty-eight": 48, "eighteen": 18, "a": 1, "an": 1, "the": 1, "any": 1})
_NUMBER = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUM_WORDS), key=len, reverse=True)) + r")"
_QTY = {
    "days": re.compile(r"\b(" + _NUMBER + r")(?:\s*\(\d+\))?[\s-]+(?:business\s+|calendar\s+|working\s+)?days?\b", re.I),
    "months": re.compile(r"\b(" + _NUMBER + r"|the|any|one)(?:\s*\(\d+\))?[\s-]+(?:calendar\s+)?months?\b", re.I),
    "monthly_rate": re.compile(r"(\d+(?:\.\d+)?)\s*%\s*\)?\s*(?:percent\s+)?(?:per|a|each|every)?\s*(month|annum|year|annually|monthly)?", re.I),
}
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
    for m in _QTY[kind].finditer(text):
        if kind == "monthly_rate":
            if m.group(2) is None and "interest" not in text[max(0, m.start() - 80):m.end() + 40].lower():
                continue
            value = float(m.group(1))
            unit = (m.group(2) or "month").lower()
            if unit in ("annum", "year", "annually"):
                value /= 12.0
        else:
            value = _number(m.group(1))
            if value is None:
                continue
        dist = 0 if m.start() < end and m.end() > start else min(abs(m.start() - end), abs(start - m.end()))
        if best is None or dist < best[0]:
            best = (dist, value, m.start(), m.end())
    if best is None:
        return None
    if kind == "monthly_rate" and re.search(r"highest|maximum\s+(?:rate|amount)\s+(?:permitted|allowed)",
                                            text[best[2]:best[3] + 80], re.I) is None:
        pass
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


_ABBREV = {"u.s", "e.g", "i.e", "inc", "no", "co", "corp", "ltd", "llc", "c.f.r", "sec", "st", "mr",
           "ms", "dr", "vs", "etc", "art", "para", "p", "pp", "n.a", "u.s.c", "jr", "sr", "fig"}
_BOUNDARY = re.compile(r"[.!?](?=[\"”’)]?\s+[\"“(•●A-Z0-9])|\n\s*\n|\n(?=\s*[•●\-o]?\s*[A-Z(0-9])")


def _sentences(text: str) -> Iterator[Tuple[int, int]]:
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0) in ".!?":
            before = text[max(pos, m.start() - 8):m.start()]
            word = re.split(r"[\s(]", before)[-1].lower() if before else ""
            if word in _ABBREV or re.fullmatch(r"[a-z]", word or "xx") or re.fullmatch(r"\d+(?:\.\d+)*", word or "x"):
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


_LITERALS: Dict[str, Tuple[str, ...]] = {}


def _runs(items) -> Tuple[str, ...]:
    """Return the best mandatory literal alternatives of parsed `items` (lower-case), or ()."""
    best: Tuple[str, ...] = ()
    run: List[str] = []

    def consider(cands: Tuple[str, ...]) -> None:
        nonlocal best
        if cands and min(len(c) for c in cands) >= 3:
            if not best or min(len(c) for c in cands) > min(len(c) for c in best):
                best = cands

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av).lower())
            continue
        consider(("".join(run),) if run else ())
        run = []
        if op is _sre_c.SUBPATTERN:
            consider(_runs(av[-1]))
        elif op is _sre_c.BRANCH:
            alts = [_runs(a) for a in av[1]]
            if alts and all(alts):
                consider(tuple(x for a in alts for x in a))
        elif op in _REPEATS and av[0] >= 1:
            consider(_runs(av[2]))
    consider(("".join(run),) if run else ())
    return best


def literals(pattern: str) -> Tuple[str, ...]:
    """Return words one of which every match of `pattern` contains (lower-case), or () if none."""
    hit = _LITERALS.get(pattern)
    if hit is None:
        probe = pattern
        probe = probe.replace("{may}", r"(?:\w+)")
        for ph in PLACEHOLDERS:
            probe = probe.replace(ph, r"(?:\w+)")
        try:
            hit = _runs(list(_sre_parse.parse(probe)))
        except re.error:
            hit = ()
        _LITERALS[pattern] = hit
    return hit


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
         whole: Optional[str] = None) -> List[Hit]:
    """Return the rule's hits in `text[start:end]` (absolute offsets), conditions applied."""
    m = rule.match
    window = text[start:end]
    for u in m.unless:
        if comp.pattern(u).search(window):
            return []
    raw: List[Tuple[int, int, Optional[str], str]] = []
    for p in m.phrases:
        for hit in comp.phrase(p).finditer(window):
            raw.append((hit.start(), hit.end(), None, "free"))
    for r in m.regex:
        kind = "party" if "{party}" in r else ("fixed" if "{provider}" in r or "{customer}" in r else "free")
        pat = comp.pattern(r)
        pos = 0
        while pos <= len(window):
            hit = pat.search(window, pos)
            if hit is None:
                break
            actor = hit.groupdict().get("actor")
            if hit.end() > hit.start():
                how = kind if actor or kind != "party" else "free"
                hs, he = hit.span()
                if hit.groupdict().get("span"):
                    hs, he = hit.span("span")
                raw.append((hs, he, comp.role(actor) if actor else None, how))
            # after a party-led match, look again from just after that party's name, so a later
            # party in the same window ("you agree that we will ...") gets its own chance
            pos = hit.start("actor") + 1 if actor else max(hit.end(), hit.start() + 1)
    for hit in _near(m, comp, window):
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
            if kind == "free":
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
    if out and m.unless_anywhere and whole is not None:
        for u in m.unless_anywhere:
            if comp.anywhere(u, whole):
                return []
    return out


def _near(m: Match, comp: Compiled, window: str) -> List[Tuple[int, int, Optional[str], str]]:
    """Return hits where one match of every `near` group lies within `m.within` characters."""
    if not m.near:
        return []
    found: List[List[Tuple[int, int, Optional[str]]]] = []
    for group in m.near:
        spans = []
        for pattern in group:
            for hit in comp.pattern(pattern).finditer(window):
                if hit.end() > hit.start():
                    actor = hit.groupdict().get("actor")
                    spans.append((hit.start(), hit.end(), comp.role(actor) if actor else None))
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


_VERB = re.compile(r"\b(?:may|shall|will|must|can|agrees?|has|have|disclaims?|makes?|reserves?|"
                   r"assumes?|accepts?|waives?|is|are)\b", re.I)


def present(match: Match, comp: Compiled, text: str) -> bool:
    """Return True when any of `match`'s phrases or expressions occurs in `text` (windowed)."""
    for s, e in windows(text):
        if find(Rule("_", "_", "_", "low", match), comp, text, s, e, text):
            return True
    return False
