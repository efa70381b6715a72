"""Return the places where a clause may begin: numbers, capital headings with a colon, Markdown headings.

Every candidate knows whether it starts a line, where its line ends, and its parsed number; the
tree builder (`redline.segment.tree`) decides which candidates are clauses.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from redline.model import Document
from redline.segment import headings
from redline.segment.numbers import CANDIDATE, Token, parse_match, parse_number

Span = Tuple[int, int]

REFERENCE_WORDS = frozenset("""section sections article articles clause clauses paragraph paragraphs
exhibit exhibits schedule schedules appendix appendices attachment attachments part parts item
items table tables figure page pages and or to of in under per see through than no cfr c.f.r. usc
u.s.c. title version rule rules step tier level form line annex chapter subsection subsections
§ §§ sub-section sub-sections within by from with at about approximately up over""".split())
_CAPS_COLON = re.compile(r"^[ \t]*(?P<h>[A-Z][^\n\r:]{1,90}?)[ \t]*:(?=[ \t]|\r?\n|$)", re.MULTILINE)
_CAPS_LINE = re.compile(r"^[ \t]*(?P<h>[A-Z][A-Z0-9 \t&/,'’\-–().]{2,80}?)[ \t]*$", re.MULTILINE)
_SIGNATURE = re.compile(r"SIGNATURE|WITNESS|ACCEPTED|AGREED")
_PART_WORD = re.compile(r"\b(?:EXHIBIT|SCHEDULE|ATTACHMENT|APPENDIX|ANNEX|ADDENDUM|SOW)\b")
_LABEL = re.compile(r"^[ \t]*(?P<h>[A-Z][A-Za-z’'&/\- ]{1,40}?)[ \t]*:[ \t]+(?=\S.{19,})", re.MULTILINE)
_MD = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<h>[^\n\r]*?)[ \t#]*(?=\r?\n|$)", re.MULTILINE)
_BREAK = re.compile(r"[\n\r\f\v]")
_TOC_ENTRY = re.compile(r"^[^\n\r]{2,120}?(?:\.{3,}|…{2,}|\t|\s{3,}|\.(?:\s?\.){2,})\s*(?:\d{1,4}|[ivxlc]{1,6})[ \t]*$",
                        re.IGNORECASE)
_TOC_HEAD = re.compile(r"^[ \t#*]*(?:table of contents|contents|index)[ \t*:]*$", re.IGNORECASE)
_TOC_SHORT = re.compile(r"^[^\n\r]{2,100}?[ \t]+\d{1,4}[ \t]*$")
_NUMBER_BEFORE = re.compile(r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|ty|"
                            r"hundred|thousand)[ \t\u00a0]*$", re.IGNORECASE)
_LINE_PREFIX = set(" \t#*>\u00a0")
PREV_OK = set(".:!?)]”\"\n*|•●○·▪■◦")


@dataclass
class Candidate:
    pos: int
    """Where the clause would begin (the line's first non-blank character, or the number)."""
    body: int
    """First character after the number and the blanks that follow it."""
    line_start: bool
    line_end: int
    token: Optional[Token]
    kind: str = "num"
    """"num", "caps" (ALL-CAPS heading with a colon) or "md" (Markdown heading without a number)."""
    md_level: int = 0
    auto: bool = False
    """True for a number Word computes (not in the text)."""
    level_hint: Optional[int] = None
    heading_style: bool = False
    prev_ok: bool = True
    prev_alpha: bool = False
    loose: bool = False
    """An item inside a line that only a run-in list can make a clause ("...; (b) the ...")."""
    runin: bool = False
    """An item of a run-in list ("... if: (a) ...; (b) ...; or (c) ..."), accepted by `runin`."""
    cap: Optional[int] = None
    """For the last item of a run-in list: where its sentence ends (the list is closed past it)."""
    line_head: bool = False
    """A heading alone on its line ("Service Levels") whose next line begins with a clause number."""
    _heading: object = None

    @property
    def raw(self) -> Optional[str]:
        return self.token.raw if self.token else None

    def heading(self, text: str) -> Optional[headings.Heading]:
        if self._heading is None:
            if self.kind == "caps" or (self.heading_style and self.kind != "num"):
                self._heading = False
            elif self.heading_style:
                e = self.line_end
                s = self.body
                while e > s and text[e - 1] in " \t.:":
                    e -= 1
                nxt = self.line_end
                while nxt < len(text) and text[nxt] in "\r\n":
                    nxt += 1
                self._heading = headings.Heading(s, e, nxt, "line") if e > s else False
            else:
                item = self.token is not None and self.token.family not in ("dec", "art")
                if item and not self.line_start and text[self.body:self.body + 1].islower():
                    self._heading = False  # "(b) the Customer ...": a run-in item has no heading
                else:
                    self._heading = headings.find(text, self.body, self.line_end,
                                                  line_start=self.line_start, item=item) or False
        return self._heading or None


class Lines:
    """Line starts and ends of a text, for quick lookups."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.ends: List[int] = []
        skip = -1
        for m in _BREAK.finditer(text):
            i = m.start()
            if i == skip:
                continue
            self.ends.append(i)
            if text[i] == "\r" and text[i + 1:i + 2] == "\n":
                skip = i + 1
                self.starts.append(i + 2)
            else:
                self.starts.append(i + 1)
        self.ends.append(len(text))

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def span(self, pos: int) -> Span:
        i = self.index(pos)
        return self.starts[i], self.ends[i]

    def spans(self) -> List[Span]:
        return list(zip(self.starts, self.ends))


class FurnitureMask:
    """Membership tests against sorted, non-overlapping furniture spans."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self.starts = [s for s, _ in self.spans]

    def at(self, pos: int) -> Optional[Span]:
        k = bisect.bisect_right(self.starts, pos) - 1
        if k >= 0 and self.spans[k][0] <= pos < self.spans[k][1]:
            return self.spans[k]
        return None

    def covers(self, s: int, e: int) -> bool:
        f = self.at(s)
        return bool(f and f[1] >= e)

    def ends_at(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and self.spans[k][1] == pos


def _prev_char(text: str, pos: int, mask: FurnitureMask) -> Tuple[str, int]:
    j = pos - 1
    while j >= 0 and text[j].isspace() and text[j] not in "\r\n":
        j -= 1
    if j >= 0 and mask.ends_at(j + 1):
        return "\n", j
    return (text[j] if j >= 0 else "\n"), j


def _prev_word(text: str, j: int) -> str:
    k = j
    while k >= 0 and not text[k].isspace():
        k -= 1
    return text[k + 1:j + 1].lower().strip("(“\"'")


def toc_lines(text: str, lines: Lines) -> set:
    """Return the starts of table-of-contents lines ("1. Definitions ........ 3")."""
    out = set()
    in_toc = False
    for s, e in zip(lines.starts, lines.ends):
        if e - s > 160:
            in_toc = False
            continue
        line = text[s:e]
        if _TOC_HEAD.match(line):
            in_toc = True
            continue
        if _TOC_ENTRY.match(line) or (in_toc and _TOC_SHORT.match(line)):
            out.add(s)
        elif line.strip() and in_toc and not _TOC_SHORT.match(line):
            # a heading line inside the contents (no page number) keeps it open only if short
            if len(line.split()) > 10:
                in_toc = False
    return out


def find(document: Document, lines: Lines, mask: FurnitureMask, toc: Optional[set] = None) -> List[Candidate]:
    """Return every clause candidate of `document`, in text order (contents lines `toc` skipped)."""
    text = document.text
    out: List[Candidate] = []
    if toc is None:
        toc = toc_lines(text, lines) if len(lines.starts) > 1 else set()
    # numbers inside a Word table are cell contents, not clauses
    cells = FurnitureMask([(p.start, p.end + 1) for p in document.paragraphs if p.in_table])

    def numbered(m, s):
        """Return (number token, line start, line end) of a number outside furniture, table cells
        and contents lines, else None."""
        if mask.at(s) or (cells.spans and cells.at(s)):
            return None
        tok = parse_match(m)
        if tok is None:
            return None
        ls, le = lines.span(s)
        return None if ls in toc else (tok, ls, le)

    for m in CANDIDATE.finditer(text):
        s = m.start()
        body = m.end()
        k = s - 1
        while k >= 0 and text[k] not in "\r\n\f\v" and (text[k] in _LINE_PREFIX or text[k].isspace()):
            k -= 1
        line_start = k < 0 or text[k] in "\r\n\f\v"
        if not line_start and text[body:body + 1].islower():
            par = m.group("par")
            if not (par or m.group("pc") or m.group("let")):
                continue  # lower-case text after a number inside a line: not a clause
            # "...; (b) the Customer ...": an item only a run-in list can make a clause
            if par and par.isdigit() and _NUMBER_BEFORE.search(text, max(0, s - 14), s):
                continue  # "thirty (30) days"
            placed = numbered(m, s)
            if placed is None:
                continue
            tok, ls, le = placed
            prev, j = _prev_char(text, s, mask)
            out.append(Candidate(s, body, False, le, tok, prev_ok=prev in PREV_OK,
                                 prev_alpha=prev.isalpha(), loose=True))
            continue
        loose = False
        placed = numbered(m, s)
        if placed is None:
            continue
        tok, ls, le = placed
        if line_start:
            pos = ls
            while pos < s and text[pos].isspace():
                pos += 1
        else:
            pos = s
            prev, j = _prev_char(text, s, mask)
            item = tok.family not in ("dec", "art")
            if prev in ",-–—/$&":
                if not item:
                    continue  # an amount, a range or a list of references
                loose = True
            word = _prev_word(text, j)
            if word in REFERENCE_WORDS and not (len(word) > 1 and text[j - len(word) + 1:j + 1].isupper()):
                if not item:
                    continue  # "Section 4.2", "and 6.3" (a heading in capitals is not a reference)
                loose = True
            nxt = text[body:body + 1]
            if not nxt:
                continue
            cand = Candidate(pos, body, False, le, tok, prev_ok=prev in PREV_OK,
                             prev_alpha=prev.isalpha(), loose=loose)
            out.append(cand)
            continue
        if not _after_break(text, ls) and (
                (tok.family in ("dec", "art") and text[body:body + 1].islower())
                or (tok.family == "dec" and len(tok.value) == 1 and not tok.raw.endswith(".")
                    and (le - body > 80 or len(text[body:le].split()) > 10))):
            continue  # a hard-wrapped line that starts with a reference ("2.3 hereof")
        # an item after a long line that runs on ("(30) days"): only a run-in list makes it a clause
        loose = tok.family not in ("dec", "art") and not _after_break(text, ls) \
            and _prev_line_len(text, ls) >= 50
        out.append(Candidate(pos, body, True, le, tok, loose=loose))
    for m in _CAPS_COLON.finditer(text):
        h = m.group("h")
        letters = [c for c in h if c.isalpha()]
        if len(letters) < 3 or len(h.split()) > 12:
            continue
        outside = re.sub(r"\([^)]*\)", "", h)
        if not any(c.isalpha() for c in outside) or any(c.islower() for c in outside):
            continue
        hs = m.start("h")
        if mask.at(hs):
            continue
        body = m.end()
        while body < len(text) and text[body] in " \t":
            body += 1
        ls, le = lines.span(hs)
        c = Candidate(hs, body, True, le, None, kind="caps")
        c._heading = headings.Heading(hs, m.end("h"), body if body < le else _next_text(text, le), "line")
        out.append(c)
    paras = {p.start: p for p in document.paragraphs if not p.in_table}
    first_text = 0
    while first_text < len(text) and (text[first_text].isspace() or mask.at(first_text)):
        f = mask.at(first_text)
        first_text = f[1] if f else first_text + 1
    sentence_case: List[Candidate] = []
    for ls, le in zip(lines.starts, lines.ends):
        # a heading alone on its line, then its text below: in capitals ("FEES AND PAYMENT"), in
        # title case ("Term and Cancellation") or as a question ("What if you pay late?")
        if le - ls > 100 or le == ls:
            continue
        line = text[ls:le]
        h = line.strip()
        hs = ls + (len(line) - len(line.lstrip()))
        start = hs
        if len(h) > 4 and h[:2] in ("**", "__") and h.endswith(h[:2]):
            h = h[2:-2].strip()  # a bold heading in Markdown: "**Service Levels**"
            hs = text.index(h, hs)
        if not h or not h[0].isupper():
            continue
        words = h.split()
        if not 1 <= len(words) <= 14 or sum(c.isalpha() for c in h) < 4 or mask.at(hs) \
                or _SIGNATURE.search(h.upper()) or _PART_WORD.search(h.upper()) \
                or h.endswith((".", ",", ";", ":")):
            continue
        caps = not any(c.islower() for c in re.sub(r"\([^)]*\)", "", h))
        question = h.endswith("?") and len(words) >= 2
        # sentence case ("Fees and payment", "Your subscription"): a heading only where the
        # document writes several of them, each a paragraph of its own above a longer one
        plain = not (caps and len(words) <= 8) and not question \
            and not (len(words) <= 8 and headings.is_title(h))
        if plain and not (len(words) <= 6 and _SENTENCE_CASE.match(h)):
            continue
        if parse_number(words[0] + " ") is not None:
            continue
        if ls in toc:
            continue
        nxt = _next_text(text, le)
        if nxt >= len(text) or start == first_text:
            continue
        nls, nle = lines.span(nxt)
        nm = CANDIDATE.match(text, nxt)
        ntok = parse_match(nm) if nm else None
        if ntok is None and nls in paras and paras[nls].number:
            ntok = parse_number(paras[nls].number)  # Word numbers the next paragraph
        numbered_next = ntok is not None and ntok.family in ("dec", "art") and not text[nls:nxt].strip()
        # a paragraph of its own (a Word paragraph, or a line after a blank line)
        if not (_blank_before(text, ls) or (numbered_next and ls in paras)):
            continue
        if not numbered_next and (nle - nls < (20 if question else 40 if caps else 60)
                                  or (not caps and not question and nls == le + 1)):
            continue  # a heading is followed by its text, not by another short line
        if plain and (numbered_next or nle - nls < 80 or text[nls:nle].rstrip()[-1:] not in ".:;)"):
            continue  # sentence case: only above a paragraph of prose
        c = Candidate(start, nxt, True, le, None, kind="caps", line_head=numbered_next)
        e = hs + len(h)
        c._heading = headings.Heading(hs, e, nxt, "line")
        (sentence_case if plain else out).append(c)
    if len(sentence_case) >= 3:
        out.extend(sentence_case)
    labels: List[Candidate] = []
    for m in _LABEL.finditer(text):
        # "Minimum Commitment Period: 60 months ...": a key term introduced by its label
        h = m.group("h")
        hs = m.start("h")
        if len(h.split()) > 5 or not headings.is_title(h) or mask.at(hs) or _SIGNATURE.search(h.upper()):
            continue
        ls, le = lines.span(hs)
        if ls in toc or not _blank_before(text, ls):
            continue
        c = Candidate(hs, m.end(), True, le, None, kind="caps")
        c._heading = headings.Heading(hs, hs + len(h), m.end(), "line")
        labels.append(c)
    if len(labels) >= 3:  # a run of key terms, not one "Re:" line
        out.extend(labels)
    for m in _MD.finditer(text):
        h = m.group("h")
        if not h.strip() or parse_number(h.strip().lstrip("*_").split(" ")[0] + " ") is not None:
            continue
        if mask.at(m.start()):
            continue
        hs = m.start("h")
        c = Candidate(m.start(), hs, True, m.end(), None, kind="md", md_level=len(m.group("hashes")))
        e = m.end("h")
        while e > hs and text[e - 1] in " .:*_":
            e -= 1
        inner = hs
        while inner < e and text[inner] in "*_":
            inner += 1
        c._heading = headings.Heading(inner, e, _next_text(text, m.end()), "line")
        out.append(c)
    out.extend(_docx_candidates(document, lines))
    out.sort(key=lambda c: (c.pos, 0 if c.auto else (1 if c.kind == "num" else 2)))
    # keep one candidate per position
    dedup: List[Candidate] = []
    for c in out:
        if dedup and dedup[-1].pos == c.pos:
            continue
        dedup.append(c)
    return dedup


def _after_break(text: str, line_start: int) -> bool:
    """True when the line at `line_start` follows a blank line, a sentence end or a colon."""
    j = line_start - 1
    newlines = 0
    while j >= 0 and text[j].isspace():
        if text[j] == "\n":
            newlines += 1
        j -= 1
    if j < 0 or newlines >= 2 or text[j] in "\f\v":
        return True
    if text[j] in ".:;!?)]”\"*|":
        return True
    tail = text[max(0, j - 8):j + 1].lower()
    return tail.endswith(("; and", "; or", ", and", ", or", "; and/or"))


def _blank_before(text: str, line_start: int) -> bool:
    """True at the top of the text or after a blank line (or a page break)."""
    j = line_start - 1
    newlines = 0
    while j >= 0 and text[j].isspace():
        if text[j] in "\n\f":
            newlines += 1 if text[j] == "\n" else 2
        j -= 1
    return j < 0 or newlines >= 2


def _prev_line_len(text: str, line_start: int) -> int:
    """Length of the line before the one starting at `line_start` (0 at the top)."""
    if line_start <= 0:
        return 0
    end = line_start - 1
    if end > 0 and text[end] == "\n" and text[end - 1] == "\r":
        end -= 1
    k = end - 1
    while k >= 0 and text[k] not in "\r\n\f\v":
        k -= 1
    return end - k - 1


_SENTENCE_CASE = re.compile(r"^[A-Z][a-z'’]*(?:[ \t]+(?:[a-z][a-z'’-]*|and|or|of|to|[A-Z]{2,5}|&))*$")
"""A short heading in sentence case: a capital, then lower-case words (acronyms allowed)."""


def _next_text(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _docx_candidates(document: Document, lines: Lines) -> List[Candidate]:
    out: List[Candidate] = []
    for p in document.paragraphs:
        if p.in_table:
            continue
        if p.number:
            tok = parse_number(p.number)
            if tok is None:
                continue
            out.append(Candidate(p.start, p.start, True, p.end, tok, auto=True,
                                 level_hint=p.num_level, heading_style=bool(p.heading_level)))
        elif p.heading_level and p.end > p.start:
            c = Candidate(p.start, p.start, True, p.end, None, kind="md", md_level=p.heading_level,
                          heading_style=True)
            c._heading = headings.Heading(p.start, p.end, _next_text(document.text, p.end), "line")
            out.append(c)
    return out
