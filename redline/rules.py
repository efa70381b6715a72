"""Load and validate the playbook's `review:` and `required:`: `load_review` returns (positions, rules, required).

A rule says what one-sided words look like (literal phrases, regular expressions, `near` groups
of expressions found close together in any order, fuzzy phrases), who must hold the right or
the duty for it to matter (`actor`), an optional numeric test on the figure the words carry
(interest above 1% a month, fewer than 30 days, a cap below 12 months of fees), and `unless`
words that neutralise it (mutual wording, a carve-out). Expressions may use placeholders
expanded per agreement: `{provider}` and `{customer}` (any word naming that party), `{party}`
(either, captured so the rule can tell whose right it is) and `{may}` (any wording of a
permission: "may", "is entitled to", "reserves the right to", with "at any time", "in its sole
discretion", ... in between). Every expression is checked at load time (`redline.regex_safety`):
it must compile and must not be able to backtrack without bound. Matching (`redline.matching`)
only ever sees sentence-sized windows. The values live in `redline.ruleset`; this module
re-exports the names other modules use.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Tuple

from redline.errors import PlaybookError
from redline.matching import (Compiled, find, prefilter, prefilter_near, quantity,  # noqa: F401
                              windows)
from redline.regex_safety import check_regex, literals  # noqa: F401
from redline.ruleset import (ACTORS, APPLY, MAX_SENTENCE_SPAN, MAX_WINDOW, MAY, OPS,  # noqa: F401
                             PLACEHOLDERS, QUANTITIES, PAPERS, REPLACE, SCOPES, SEVERITIES, SPANS, Hit, Match, Numeric,
                             Requirement, Rule)

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
# Building from YAML nodes

_MATCH_KEYS = {"topical", "phrases", "regex", "fuzzy", "threshold", "actor", "numeric", "unless", "unless_anywhere",
               "near", "within"}
_RULE_KEYS = {"id", "scope", "paper", "title", "severity", "match", "why", "ask", "fallback", "comment", "proposal",
              "replace", "apply", "verdict", "span"}
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
              near=tuple(groups), within=within, topical=_regexes(node, "topical", path),
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
                span=_choice(node, "span", path, SPANS, "match"),
                scope=_choice(node, "scope", path, SCOPES, "any"),
                paper=_choice(node, "paper", path, PAPERS, "any"))


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
