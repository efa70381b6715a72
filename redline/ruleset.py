"""The playbook's rules as values: `Rule`, `Match`, `Numeric`, `Requirement`, `Hit` and constants.

Built by `redline.rules` (loading and validation), matched by `redline.matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

SEVERITIES = ("high", "medium", "low")
APPLY = ("change", "change+comment", "comment")
REPLACE = ("span", "clause")
SCOPES = ("any", "topic")
PAPERS = ("any", "provider")
ACTORS = ("provider", "customer", "either")
QUANTITIES = ("days", "months", "monthly_rate", "percent")
"""days (a month counts 30, a week 7), months (a year counts 12), monthly_rate (a yearly rate / 12), percent."""
OPS = ("<", "<=", ">", ">=")
MAX_WINDOW = 2000
"""The most text one regular expression ever sees at once (a clause-sized window)."""

PLACEHOLDERS = ("{provider}", "{customer}", "{party}")
MAY = (r"(?:(?:may|can)(?!not)\b(?!\s+not\b)|(?:is|are|shall\s+be|will\s+be)\s+(?:entitled|free|at\s+liberty)(?:\s+to)?"
       r"|(?:has|have|shall\s+have|will\s+have)\s+the\s+(?:right|option)(?:\s*,[^,.;]{0,40},)?(?:\s+to)?"
       r"|(?:reserves?|retains?)\s+(?:to\s+itself\s+)?(?:as\s+)?the\s+right(?:\s+to)?)"
       r"(?:\s*(?:,\s*)?(?:and\s+)?(?:a(?:lso|t\s+any\s+time|t\s+its\s+(?:sole\s+|absolute\s+)?(?:option|discretion))"
       r"|f(?:urther|rom\s+time\s+to\s+time|orthwith)|i(?:mmediately|n\s+its\s+(?:sole\s+|absolute\s+)?"
       r"(?:discretion|judgment))|w(?:ith\s+immediate\s+effect|ithout\s+(?:prior\s+|any\s+)?(?:notice|liability)"
       r"(?:\s+to\s+(?:the\s+)?[A-Za-z]+)?)|u(?:pon\s+(?:written\s+)?notice)|o(?:n\s+(?:written\s+)?notice)"
       r"|e(?:lect\s+to)|c(?:hoose\s+to)|d(?:ecide\s+to))){0,3}\s*(?:,\s*)?(?:and\s+)?(?:to\s+)?")
"""`{may}`: a permission ("may", "is entitled to", "is free to", "shall be at liberty to", "has the
option to", "reserves the right to") with up to three adverbials ("at any time", "in its sole
discretion", "forthwith", "without liability to the Client", "elect to", ...). A built-in expression:
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
    topical: Tuple[str, ...] = ()
    """Looser expressions tried only in sentences of a clause the topic classifier gave the rule's
    topic (its own or a heading above it): "any rate above 1% a month" is late interest in a
    late-payment clause whatever the words around it. Conditions (actor, numeric, unless) apply."""

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.regex or self.fuzzy or self.near or self.topical)


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
    paper: str = "any"
    """"any", or "provider": the rule stands only on the provider's paper (e.g. its choice of law),
    not when the agreement's title names the customer (the customer's own terms)."""
    scope: str = "any"
    """"any": tried in every sentence; "topic": only in sentences of a clause (or of a clause
    under a heading) that the topic classifier gave this rule's topic. A topic-scoped rule can use
    looser words (e.g. any rate above 1% a month in a late-payment clause), since the clause's
    subject already says what the words are about."""


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


SPANS = ("match", "sentence")
MAX_SENTENCE_SPAN = 600
