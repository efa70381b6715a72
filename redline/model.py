"""The engine's values: plain frozen dataclasses, one per thing an attorney talks about.

Data flows one way: a file is read into a `Document` (the reference text and a map back to
its source), segmented into an `Agreement` (parts, clauses, furniture), classified and
reviewed into an `AgreementAnalysis` (topics, findings, key terms, ...), and several of those
make an `Analysis`, which the exports and the UI consume.

Every `start`/`end` is a character offset into `Document.text` (a Python string index, end
exclusive). Nothing here imports Qt or python-docx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class SourceParagraph:
    """One paragraph of a .docx input, as it lies in the reference text."""

    index: int
    """Ordinal of the paragraph in body order (table-cell paragraphs included)."""
    start: int
    """Offset of the paragraph's first character in the reference text."""
    end: int
    """Offset just past its last character (the joining "\\n" or "\\t" is not included)."""
    style: Optional[str] = None
    """The paragraph's style name, e.g. "Heading 2"."""
    heading_level: Optional[int] = None
    """1.. for Word heading styles (and outline levels), else None."""
    number: Optional[str] = None
    """The automatic number Word shows before the paragraph ("4.2", "(b)"); not in the text."""
    num_level: Optional[int] = None
    """The numbering level (0-based ilvl) that produced `number`."""
    in_table: bool = False
    """True for a paragraph inside a table cell."""


@dataclass(frozen=True)
class Document:
    """What a reader returns: the reference text every offset points into, and its source map."""

    path: str
    kind: str
    """"txt", "md", "docx" or "pdf"."""
    text: str
    """The reference text (see the README: how each format's reference text is built)."""
    sha256: str = ""
    """Hash of the input file's bytes, so a session can tell the file changed."""
    paragraphs: Tuple[SourceParagraph, ...] = ()
    """For .docx: every paragraph with its span (and computed numbering)."""
    pages: Tuple[Tuple[int, int], ...] = ()
    """For .pdf: the span of each page (pages are joined by "\\f")."""
    tracked_changes_in_input: int = 0
    """How many tracked changes the input carried (read as accepted)."""
    encoding: str = "utf-8"


# ---------------------------------------------------------------------------------------------
# Segmenting


@dataclass(frozen=True)
class Furniture:
    """Text that is not the agreement's: page numbers, running headers, web chrome, notices."""

    kind: str
    """"page_number", "running_header", "web_chrome", "notice", "page_break" or "blank"."""
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A recognised non-clause block attached to a part: signature, table, redaction note."""

    kind: str
    """"signature", "table" or "redaction"."""
    part: str
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    """A sub-document in one file: a cover memo, the MSA, an exhibit, a schedule, a SOW."""

    id: str
    """Stable and unique in the agreement, e.g. "main", "exhibit-sip-trunk", "sow"."""
    title: str
    kind: str
    """"cover", "main", "exhibit", "schedule", "attachment", "sow", "appendix" or "other"."""
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """A numbered (or headed) clause with its exact span in the reference text."""

    id: str
    """"<part>/<number>", with "~2" appended for a repeated number; stable across runs."""
    part: str
    number: Optional[str]
    """The number as written ("7.3.1.1", "(a)", "ARTICLE 3."), or Word's computed number."""
    norm: Optional[str]
    """The number normalised ("7.3.1.1", "a", "3"), or None for unnumbered headed clauses."""
    heading: Optional[str]
    level: int
    """1 for top-level clauses of a part."""
    parent: Optional[str]
    """The parent clause's id, or None for a top-level clause."""
    start: int
    end: int
    """The span, children included; furniture inside it is not the clause's text."""
    body_start: int
    """Where the text after the number and heading begins."""
    children: Tuple[str, ...] = ()
    kind: str = "clause"


@dataclass(frozen=True)
class Agreement:
    """A segmented agreement: the document, its parts, clauses (document order) and furniture."""

    document: Document
    title: str
    parts: Tuple[Part, ...]
    clauses: Tuple[Clause, ...]
    furniture: Tuple[Furniture, ...] = ()
    blocks: Tuple[Block, ...] = ()
    redactions: Tuple[Tuple[int, int], ...] = ()
    """Spans of redaction marks ("[*]", "***")."""

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def path(self) -> str:
        return self.document.path

    def clause(self, clause_id: str) -> Clause:
        """Return the clause with `clause_id` (KeyError if there is none)."""
        index = self.derived("clause_index", lambda: {c.id: i for i, c in enumerate(self.clauses)})
        return self.clauses[index[clause_id]]

    def derived(self, name: str, build):
        """Return a value derived from this (immutable) agreement, built once and kept on it.

        Kept in the instance's own __dict__, not in a module-level cache keyed by id(): it goes
        when the agreement goes, and an id reused by a later object can never hit it.
        """
        cache = self.__dict__.get("_derived")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_derived", cache)
        if name not in cache:
            cache[name] = build()
        return cache[name]


# ---------------------------------------------------------------------------------------------
# Analysing


@dataclass(frozen=True)
class TopicHit:
    """One topic assigned to a clause, with the evidence that gave it."""

    id: str
    score: float
    evidence: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Parties:
    """Who the provider and the customer are, and the words that name each."""

    provider: str
    customer: str
    provider_aliases: Tuple[str, ...] = ()
    """Words that denote the provider in this text ("we", "CenturyLink", "Level 3", "Provider")."""
    customer_aliases: Tuple[str, ...] = ()
    guessed: bool = True
    """False when the user set the names."""


@dataclass(frozen=True)
class Finding:
    """A one-sided term (or a missing one), pointing at exact text, with the customer's fix."""

    id: str
    rule: str
    title: str
    topic: str
    severity: str
    """"high", "medium" or "low"."""
    clause: Optional[str]
    start: Optional[int]
    end: Optional[int]
    """None for a finding about something missing."""
    quote: str
    why: str = ""
    ask: str = ""
    fallback: str = ""
    comment: str = ""
    """The courteous note the vendor reads in the redline's margin."""
    proposal: str = ""
    """Replacement words (or the clause to insert), parties filled in."""
    apply: str = "change+comment"
    """"change", "change+comment" or "comment"."""
    replace: str = "span"
    """"span" (replace start:end), "clause" (replace the clause's own text) or "insert"."""
    insert_after: Optional[str] = None
    """For a missing-clause finding: the clause id after which the proposal goes."""


@dataclass(frozen=True)
class KeyTerm:
    name: str
    value: object
    normalized: object = None
    clause: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    alternatives: Tuple["KeyTerm", ...] = ()


@dataclass(frozen=True)
class OpenItem:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class XRef:
    text: str
    target: Optional[str]
    """The clause id it resolves to, or None."""
    start: int
    end: int
    dangling: bool


@dataclass(frozen=True)
class DefinedTerm:
    term: str
    start: Optional[int]
    end: Optional[int]
    """The span of the definition; None for a term used but never defined."""
    uses: int
    defined: bool


@dataclass(frozen=True)
class AgreementAnalysis:
    """Everything the engine says about one agreement."""

    agreement: Agreement
    parties: Parties
    topics: Mapping[str, Tuple[TopicHit, ...]] = field(default_factory=dict)
    """Clause id -> its topics, best first."""
    findings: Tuple[Finding, ...] = ()
    verdicts: Mapping[str, str] = field(default_factory=dict)
    """Topic id -> "acceptable", "fallback", "unacceptable", "missing" or "silent"."""
    risk_score: int = 0
    key_terms: Mapping[str, KeyTerm] = field(default_factory=dict)
    open_items: Tuple[OpenItem, ...] = ()
    xrefs: Tuple[XRef, ...] = ()
    defined_terms: Tuple[DefinedTerm, ...] = ()

    @property
    def path(self) -> str:
        return self.agreement.path


@dataclass(frozen=True)
class Cell:
    """One cell of the topic x agreement matrix."""

    state: str
    """"addressed", "silent" or "redacted"."""
    clauses: Tuple[str, ...] = ()
    """Clause ids addressing the topic, best first."""


@dataclass(frozen=True)
class MarketEntry:
    best: Optional[str]
    """Path of the agreement best for the customer on this topic."""
    quote: str = ""
    clause: Optional[str] = None


@dataclass(frozen=True)
class Analysis:
    """Several agreements analysed together: each one, their alignment and the market."""

    agreements: Tuple[AgreementAnalysis, ...]
    matrix: Mapping[str, Tuple[Cell, ...]] = field(default_factory=dict)
    """Topic id -> one cell per agreement, in `agreements` order."""
    market: Mapping[str, MarketEntry] = field(default_factory=dict)
    playbook_path: str = ""
