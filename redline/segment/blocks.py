"""Return the non-clause blocks of a text: signature blocks, tables and redaction notes.

- signature: a line opening one ("SIGNATURE BLOCK", "IN WITNESS WHEREOF", "Signatures", a
  "By: ____" line) and the short lines after it (names, titles, dates, blanks, page furniture);
- table: two or more consecutive pipe-table lines or tab-separated lines (a .docx table's rows),
  or the paragraphs of a .docx table;
- redaction: a notice that begins with a redaction mark ("[*] Confidential treatment ..."), or a
  line holding only a redaction mark.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, List, Sequence, Tuple

from redline.model import Document, Furniture

Span = Tuple[int, int]

_SIGN_OPEN = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*)?(?:signature[s]?(?:[ \t]+(?:block|page))?\b|in[ \t]+witness[ \t]+whereof|"
    r"agreed[ \t]+(?:and|&)[ \t]+accepted|accepted[ \t]+(?:and|&)[ \t]+agreed|by:[ \t]*_{3,})",
    re.IGNORECASE)
_REDACTION_LINE = re.compile(r"^[ \t]*(?:\[\s*\*+\s*\]|\*{3,})[ \t]*$")
_REDACTION_START = re.compile(r"^[ \t]*(?:\[\s*\*+\s*\]|\*{1,3})")


def signatures(text: str, lines: Sequence[Span], in_furniture: Callable[[int, int], bool],
               is_start: Callable[[int], bool]) -> List[Span]:
    """Return signature blocks (multi-line texts)."""
    out: List[Span] = []
    i = 0
    n = len(lines)
    while i < n:
        s, e = lines[i]
        if e - s > 300 or not _SIGN_OPEN.match(text[s:e]) or in_furniture(s, e):
            i += 1
            continue
        end = e
        j = i + 1
        while j < n:
            s2, e2 = lines[j]
            line = text[s2:e2]
            if not line.strip() or in_furniture(s2, e2):
                j += 1
                continue
            if e2 - s2 > 90 or is_start(s2):
                break
            end = e2
            j += 1
        first = s + (len(text[s:e]) - len(text[s:e].lstrip()))
        out.append((first, end))
        i = j
    return out


_INLINE_SIGN = re.compile(r"Authori[sz]ed Signature|IN WITNESS WHEREOF|In Witness Whereof|"
                          r"AUTHORI[SZ]ED SIGNATURE")
_SENTENCE_END = re.compile(r"[.!?:;][”\"')\]]?\s")


def inline_signatures(text: str, long_lines: Sequence[Span], next_boundary: Callable[[int], int]) -> List[Span]:
    """Return signature blocks inside long lines (one-line extractions).

    A block opens after the sentence that precedes "Authorized Signature" / "IN WITNESS WHEREOF"
    (the parties' names in front of the signature lines belong to it) and runs to the next
    clause, part or page furniture.
    """
    out: List[Span] = []
    for ls, le in long_lines:
        last_end = ls
        for m in _INLINE_SIGN.finditer(text, ls, le):
            if m.start() < last_end:
                continue
            lo = max(ls, m.start() - 300, last_end)
            start = lo
            for e in _SENTENCE_END.finditer(text, lo, m.start()):
                start = e.end()
            if m.group(0).upper().startswith("IN WITNESS"):
                start = m.start()
            end = min(next_boundary(m.end()), le, m.end() + 800)
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
                last_end = end
    return out


def tables(text: str, lines: Sequence[Span], document: Document) -> List[Span]:
    """Return table blocks: pipe tables, tab-separated rows, .docx table paragraphs."""
    out: List[Span] = []
    run: List[Span] = []

    def flush() -> None:
        if len(run) >= 2:
            out.append((run[0][0] + (len(text[run[0][0]:run[0][1]]) - len(text[run[0][0]:run[0][1]].lstrip())),
                        run[-1][1]))
        run.clear()

    kind = None
    for s, e in lines:
        line = text[s:e].strip()
        k = "pipe" if line.startswith("|") and line.count("|") >= 2 else ("tab" if "\t" in line else None)
        if k and (kind is None or k == kind):
            run.append((s, e))
            kind = k
        else:
            flush()
            kind = None
            if k:
                run.append((s, e))
                kind = k
    flush()
    # .docx tables: consecutive table-cell paragraphs
    groups: List[List[int]] = []
    for p in document.paragraphs:
        if not p.in_table:
            continue
        if groups and groups[-1][-1] == p.index - 1:
            groups[-1].append(p.index)
        else:
            groups.append([p.index])
    paras = document.paragraphs
    for g in groups:
        s0, e0 = paras[g[0]].start, paras[g[-1]].end
        if len(g) >= 2 and not any(s <= s0 < e for s, e in out):
            out.append((s0, e0))
    return sorted(out)


def redaction_notes(text: str, lines: Sequence[Span], furniture: Iterable[Furniture]) -> List[Span]:
    """Return redaction notes: notices that begin with a redaction mark, and lone redaction marks."""
    out = [(f.start, f.end) for f in furniture
           if f.kind == "notice" and _REDACTION_START.match(text[f.start:f.end])]
    for s, e in lines:
        if e - s <= 20 and _REDACTION_LINE.match(text[s:e]):
            line = text[s:e]
            a = s + len(line) - len(line.lstrip())
            out.append((a, a + len(line.strip())))
    return sorted(set(out))
