"""Return the page furniture of a reference text: page numbers, running headers, web chrome, notices.

Furniture is text that is not the agreement's: it is found generically (page-number patterns,
lines repeated across the document, short web-page chrome ahead of the title, repeated notices)
and kept as spans, so the source can always be rebuilt and clause text can leave it out.

Two shapes of text are handled:
- texts with lines: whole lines are furniture (a "Page 3" line, a header repeated on every page);
- one-line extractions (a PDF flattened into one line): a running header such as
  "78 ACME MASTER AGREEMENT NSP #: 1 Page 2 of 30 CONFIDENTIAL (c) Acme. MSA v1" sits in the middle
  of a sentence; it is found from its page-number core and grown over the words that the other
  pages' headers share.
Redaction marks ("[*]", "***") are returned separately (`redactions`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Dict, List, Sequence, Tuple

from redline.model import Furniture

Span = Tuple[int, int]

# A line that is only a page number: "3", "- 3 -", "Page 3", "Page 3 of 30", "3/30".
_PAGE_LINE = re.compile(
    r"^[ \t]*(?:[-–—][ \t]*)?(?:page[ \t]+)?\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?(?:[ \t]*[-–—])?[ \t]*$",
    re.IGNORECASE)
# A page-number core inside a longer line: "Page 3 of 30" or a trailing/leading "Page 3".
_PAGE_OF = re.compile(r"(?:Page|PAGE|page)[ \t]+\d{1,4}[ \t]+(?:of|OF|Of)[ \t]+\d{1,4}\b")
_PAGE_ANY = re.compile(r"\bPage[ \t]+\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?\b", re.IGNORECASE)
_PAGE_BREAK = re.compile(r"^[ \t]*\[?[ \t]*page[ \t]*break[ \t]*\]?[ \t]*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^[ \t]*(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[A-Za-z]{1,4}[.)]|article\b|section\b)",
                       re.IGNORECASE)
_SIGNATURE_WORDS = re.compile(r"signature|witness|_{3,}|\bby:|\bname:|\btitle:|\bdate:", re.IGNORECASE)
_REDACTION = re.compile(r"[\[*](?:(?<=\[)\s*\*+\s*\]|(?<=\*)\*\*+)")
_DIGITS = re.compile(r"\d+")
_BREAK = re.compile(r"[\n\r\f\v]")
_REDACTION_LEAD = re.compile(r"^[ \t]*(?:\[\s*\*+\s*\]|\*{1,3})[ \t\u00a0]*[A-Za-z]")
_LEAD_MARKS = re.compile(r"^[\s\[\]*•·\-–—]+")
_TOKEN = re.compile(r"\S+")
_TITLE_WORDS = re.compile(r"\b(?:agreement|contract|terms|schedule|exhibit|statement of work|addendum)\b",
                          re.IGNORECASE)
_PROSE = re.compile(r"\b(?:is|are|was|were|be|shall|will|may|made|entered|means|has|have)\b")
_CAPS_TOKEN = re.compile(r"^[^a-z]*[A-Z][^a-z]*$")
_INT_TOKEN = re.compile(r"^\d{1,4}$")

MAX_GROW = 14
"""At most this many words are added to a page-number core on either side by repetition."""
LONG_LINE = 400
"""Lines longer than this are treated as one-line extractions (furniture may sit inside them)."""


def lines_of(text: str) -> List[Span]:
    """Return the span of each line of `text` (line ending excluded; "\\r\\n", "\\n", "\\r", "\\f", "\\v")."""
    out: List[Span] = []
    pos = 0
    skip = -1
    for m in _BREAK.finditer(text):
        i = m.start()
        if i == skip:
            continue
        out.append((pos, i))
        if text[i] == "\r" and text[i + 1:i + 2] == "\n":
            skip = i + 1
            pos = i + 2
        else:
            pos = i + 1
    out.append((pos, len(text)))
    return out


def redactions(text: str) -> List[Span]:
    """Return the spans of redaction marks ("[*]", "[***]", "***")."""
    if "*" not in text:
        return []
    return [m.span() for m in _REDACTION.finditer(text)]


def _strip_span(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in " \t":
        s += 1
    while e > s and text[e - 1] in " \t":
        e -= 1
    return s, e


def _line_furniture(text: str, lines: Sequence[Span]) -> List[Furniture]:
    out: List[Furniture] = []
    norm_count: Counter = Counter()
    norms: List[str] = []
    for s, e in lines:
        if e - s > 300:
            norms.append("")
            continue
        n = " ".join(_DIGITS.sub("#", _LEAD_MARKS.sub("", text[s:e])).split())
        norms.append(n)
        if n:
            norm_count[n] += 1
    for (s, e), n in zip(lines, norms):
        if not n:
            continue
        line = text[s:e]
        s2, e2 = _strip_span(text, s, e)
        if _PAGE_LINE.match(line):
            out.append(Furniture("page_number", s2, e2))
        elif _PAGE_BREAK.match(line):
            out.append(Furniture("page_break", s2, e2))
        elif _PAGE_ANY.search(line) and len(n) <= 120 and not _NUMBERED.match(line):
            out.append(Furniture("page_number", s2, e2))
        elif norm_count[n] >= 2 and len(n) >= 40 and _REDACTION_LEAD.match(line):
            out.append(Furniture("notice", s2, e2))  # a repeated redaction note
        elif norm_count[n] >= 3 and len(n) >= 4 and not _NUMBERED.match(line) \
                and not _SIGNATURE_WORDS.search(line) and not n.endswith(":") and "|" not in n \
                and len(n.split()) >= 2:
            kind = "notice" if len(n) >= 80 else "running_header"
            out.append(Furniture(kind, s2, e2))
    return out


def _page_edges(text: str, lines: Sequence[Span]) -> List[Furniture]:
    """Lines at the top or bottom of form-feed pages that repeat on at least half of the pages."""
    breaks = [i for i, ch in enumerate(text) if ch == "\f"] if "\f" in text else []
    if not breaks:
        return []
    bounds = [0] + [b + 1 for b in breaks] + [len(text) + 1]
    pages: List[List[Span]] = [[] for _ in range(len(bounds) - 1)]
    k = 0
    for s, e in lines:
        while k + 1 < len(bounds) - 1 and s >= bounds[k + 1]:
            k += 1
        if text[s:e].strip():
            pages[k].append((s, e))
    edge: List[Span] = []
    for pg in pages:
        edge.extend(pg[:2] + pg[-2:] if len(pg) > 4 else pg)
    counts: Counter = Counter()
    norm = {}
    for s, e in set(edge):
        n = " ".join(_DIGITS.sub("#", text[s:e]).split())
        if 3 <= len(n) <= 200 and not _NUMBERED.match(text[s:e]):
            norm[(s, e)] = n
            counts[n] += 1
    need = max(2, (len(pages) + 1) // 2)
    out = []
    for (s, e), n in norm.items():
        if counts[n] >= need:
            s2, e2 = _strip_span(text, s, e)
            out.append(Furniture("running_header", s2, e2))
    return out


def _web_chrome(text: str, lines: Sequence[Span]) -> List[Furniture]:
    """Short lines at the top that are page chrome ("Back", "Loading..."), before the first prose."""
    out: List[Furniture] = []
    seen_title = False
    for s, e in lines[:40]:
        line = text[s:e].strip()
        if not line:
            continue
        words = line.split()
        if _TITLE_WORDS.search(line) and len(words) <= 14 and not _PROSE.search(line):
            seen_title = True
            continue
        if len(words) >= 8 or e - s > 120:
            break
        letters = [ch for ch in line if ch.isalpha()]
        letterhead = len(letters) >= 4 and all(ch.isupper() for ch in letters)
        if len(words) <= 3 and len(line) <= 40 and not line.endswith(":") and not _NUMBERED.match(line) \
                and not any(ch.isdigit() for ch in line) and not letterhead:
            # Before the title anything short is chrome; after it, only words without a colon.
            if not seen_title or not any(w[:1].islower() for w in words[1:]) or len(words) <= 2:
                s2, e2 = _strip_span(text, s, e)
                out.append(Furniture("web_chrome", s2, e2))
                continue
        if seen_title:
            break
    return out


def _tokens_before(text: str, pos: int, limit: int = 400) -> List[Tuple[int, int]]:
    start = max(0, pos - limit)
    toks = [m.span() for m in _TOKEN.finditer(text, start, pos)]
    if start > 0 and toks and toks[0][0] == start:
        toks = toks[1:]
    return toks[::-1]


def _tokens_after(text: str, pos: int, limit: int = 400) -> List[Tuple[int, int]]:
    end = min(len(text), pos + limit)
    toks = [m.span() for m in _TOKEN.finditer(text, pos, end)]
    if end < len(text) and toks and toks[-1][1] == end:
        toks = toks[:-1]
    return toks


def _norm_token(tok: str) -> str:
    return "#" if _INT_TOKEN.match(tok) else tok


def _inline_headers(text: str, line_spans: Sequence[Span]) -> List[Furniture]:
    """Running headers inside long lines, grown from "Page N of M" cores over shared words."""
    cores: List[Span] = []
    for s, e in line_spans:
        if e - s < LONG_LINE:
            continue
        cores.extend(m.span() for m in _PAGE_OF.finditer(text, s, e))
    if len(cores) < 2:
        return []
    need = max(2, (len(cores) + 3) // 4)
    befores = [_tokens_before(text, s) for s, _ in cores]
    afters = [_tokens_after(text, e) for _, e in cores]

    def grow(seqs: List[List[Tuple[int, int]]], backwards: bool) -> List[int]:
        """For each core, how many tokens of its neighbourhood are shared with enough other pages."""
        counts: Dict[Tuple[str, ...], int] = defaultdict(int)
        keys: List[List[Tuple[str, ...]]] = []
        for seq in seqs:
            ks: List[Tuple[str, ...]] = []
            acc: Tuple[str, ...] = ()
            for ts, te in seq[:MAX_GROW]:
                tok = text[ts:te]
                if backwards and tok.endswith((".", "!", "?")) and not _CAPS_TOKEN.match(tok):
                    break  # the sentence before the header ends here
                acc = acc + (_norm_token(tok),)
                ks.append(acc)
            keys.append(ks)
            for k in set(ks):
                counts[k] += 1
        out = []
        for ks in keys:
            n = 0
            for k in ks:
                if counts[k] >= need:
                    n += 1
                else:
                    break
            out.append(n)
        return out

    nb = grow(befores, True)
    na = grow(afters, False)
    out: List[Furniture] = []
    for i, (cs, ce) in enumerate(cores):
        start, end = cs, ce
        toks = befores[i]
        k = nb[i]
        if k:
            start = toks[k - 1][0]
        # A header's variable title (in capitals) and the page's own number ahead of it.
        j = k
        caps = 0
        while j < len(toks) and j < k + 10:
            tok = text[toks[j][0]:toks[j][1]]
            if _INT_TOKEN.match(tok):
                if j > k or k > 0:
                    start = toks[j][0]
                break
            if not _CAPS_TOKEN.match(tok) or tok.endswith((".", ",", ";", ":", "!", "?")):
                break
            caps += 1
            j += 1
        if na[i]:
            end = afters[i][na[i] - 1][1]
        out.append(Furniture("running_header", start, end))
    return out


def find(text: str) -> List[Furniture]:
    """Return the furniture spans of `text`, sorted and not overlapping."""
    lines = lines_of(text)
    found = _line_furniture(text, lines) + _web_chrome(text, lines) + _inline_headers(text, lines) \
        + _page_edges(text, lines)
    found = [f for f in found if f.end > f.start]
    found.sort(key=lambda f: (f.start, -f.end))
    out: List[Furniture] = []
    for f in found:
        if out and f.start < out[-1].end:
            if f.end > out[-1].end:
                last = out[-1]
                out[-1] = Furniture(last.kind, last.start, f.end)
            continue
        out.append(f)
    return out
