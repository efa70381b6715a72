"""Return the candidates kept after run-in lists are found: "... terminate if: (a) ...; (b) ...; or (c) ...".

A run-in list is two or more items in a row, "(a) (b) (c)", "(i) (ii)", "a) b)", "(1) (2)", at
least one of them inside a line, that complete one sentence. Its first item has the value 1 and
follows a colon, a dash, a sentence end or a word that is not a reference ("Section (a)",
"paragraphs (a) and (b)"); every later item follows a list separator (";", ",", "; or", ", and",
or a bare "and"/"or" from the third item on) and no item is empty or a reference ("(b) above",
"(a) to (c)", "one (1) year"). Items that are sentences of their own ("(a) We ... . (b) You ...")
are left to the paragraph that holds them unless a colon introduces them (or they are headed:
the tree builder's rule).

The items are marked `runin` (the tree builder makes the ones inside a line clauses, their ids
read "7.2(a)", "7.2(a)(i)"); the last item of a list inside a line gets a `cap` at the end of its
sentence (or of its paragraph): past it the list is closed, and the items or clauses that follow
do not nest under that item. A clause's own text is the run before its first child (its last
child reaches its end, which is how every consumer quotes it), so a list followed by more words
of its own paragraph before the next clause ("...; or (c) .... Termination does not ...", a list
inside one definition of a run-on definitions clause) is left whole: split, those words would be
its last item's. (Paragraphs after the list's paragraph go with its last item, as they do after
items on lines of their own.)
Candidates that only a run-in list could make clauses (`loose`) and that are in none are dropped.
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, List, Optional, Sequence, Tuple

from redline.segment.candidates import Candidate

NUMBERED = ("dec", "art")
_REF_BEFORE = frozenset("""section sections article articles clause clauses paragraph paragraphs
subparagraph subparagraphs sub-paragraph sub-paragraphs subsection subsections sub-section
sub-sections subclause subclauses sub-clause sub-clauses item items exhibit exhibits schedule
schedules appendix appendices annex annexes attachment attachments part parts § §§ in under per see
and or of through than at""".split())
_NUMBER_WORD = re.compile(r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"teen|ty|hundred|thousand|million|billion|percent|per cent)$", re.IGNORECASE)
_REF_AFTER = re.compile(r"(?:above|below|hereof|herein|hereunder|hereto|thereof|of\s+(?:this|that|the|"
                        r"section|clause|paragraph|article|schedule|exhibit)\b|to\s*\(|through\s*\(|"
                        r"and\s*\(|or\s*\(|[,;:)\]])", re.IGNORECASE)
_SEP = re.compile(r"(?:[;,.:!?\]”\")]|[;,][^\S\r\n]*(?:and/or|and|or|but|plus))[^\S\r\n]*$", re.IGNORECASE)
_LIST_SEP = re.compile(r"[;,]\s*(?:and/or|and|or|but|plus)?\s*$", re.IGNORECASE)
_BARE = re.compile(r"[a-z]\s+(?:and/or|and|or)$", re.IGNORECASE)
_INTRODUCES = re.compile(r":[^\S\r\n]*\(?(?:[a-zA-Z]|[ivx]{1,4}|\d{1,2})[).][^\S\r\n]")
_FIRST_PREV = set(":—–-.;!?")
_WORD = re.compile(r"[A-Za-z]{2,}")
_FILLER = frozenset(("and", "or", "above", "below", "the", "and/or"))
_SENT_END = re.compile(r"[.!?](?=[ \t\u00a0]+[A-Z“\"(]|[ \t]*(?:[\r\n]|$))")
_ABBREV = re.compile(r"(?:\b[A-Za-z]|\b(?:Inc|Ltd|Co|Corp|No|St|Mr|Ms|Dr|vs|etc|e\.g|i\.e|U\.S|Jr|Sr))$")
_NON_BLANK = re.compile(r"\S")
MAX_GAP = 2500
"""Characters allowed between two items of one list."""


def _readings(c: Candidate) -> List[Tuple[str, int]]:
    tok = c.token
    out = [(tok.family, tok.value[0])]
    if tok.alt:
        out.append((tok.alt[0], tok.alt[1][0]))
    return out


def _prev_word(text: str, pos: int) -> Tuple[str, str]:
    """Return the character and the word just before `pos` (blanks skipped)."""
    t = text[max(0, pos - 40):pos].rstrip(" \t\u00a0")
    if not t:
        return "\n", ""
    word = t.rsplit(None, 1)[-1] if not t[-1].isspace() else ""
    return t[-1], word.lower().strip("(“\"'")


def _item_ok(text: str, c: Candidate, first: bool) -> bool:
    if _REF_AFTER.match(text, c.body):
        return False  # "(b) above", "(a) to (c)", "(a), (b) and (c)"
    if c.line_start and not c.loose:
        return True
    if c.line_start:
        # at the start of a line after one that runs on: judged by the words before the line break
        j = c.pos
        while j > 0 and text[j - 1].isspace():
            j -= 1
        pos = j
    else:
        pos = c.pos
    if not first:
        return bool(_SEP.search(text, max(0, pos - 16), pos))
    ch, word = _prev_word(text, pos)
    if ch.isalnum():
        if c.token.family == "pd" and (_NUMBER_WORD.search(word) or word[-1:].isdigit()):
            return False  # "thirty (30) days", "one (1) year"
        if any(d.isdigit() for d in word) or word in _REF_BEFORE:
            return False  # "Section 4 (a)", "clause (b)", "and (c)" without a separator
    if ch in _FIRST_PREV:
        return True
    # an item after a plain word ("shall not (a) resell ...") only in parentheses
    return ch.isalpha() and c.token.family[0] == "p"


def _has_words(text: str, start: int, end: int, furniture=None) -> bool:
    for m in _WORD.finditer(text, start, min(end, start + 400)):
        if m.group(0).lower() not in _FILLER and not (furniture and furniture(m.start())):
            return True
    return False


def mark(text: str, cands: Sequence[Candidate], furniture=None) -> List[Candidate]:
    """Return `cands` with run-in list items marked (`runin`, `cap`) and stray `loose` items dropped.

    `furniture(pos)` is true inside page furniture (a page number between a list and the next
    clause is not part of the list's paragraph)."""
    items = [i for i, c in enumerate(cands) if c.token is not None and c.kind == "num"
             and c.token.family not in NUMBERED]
    if not items:
        return list(cands)
    stops = [i for i, c in enumerate(cands)
             if (c.kind != "num" and c.line_start) or (c.line_start and c.token is not None
                                                         and c.token.family in NUMBERED)]
    member = set()
    readings = {i: _readings(cands[i]) for i in items}
    where: Dict[Tuple[str, int], List[int]] = {}
    for a, i in enumerate(items):
        for r in readings[i]:
            where.setdefault(r, []).append(a)

    def between(key: Tuple[str, int], lo: int, hi: int) -> bool:
        lst = where.get(key)
        if not lst:
            return False
        k = bisect.bisect_right(lst, lo)
        return k < len(lst) and lst[k] < hi

    starts = [a for a, i in enumerate(items) if any(v == 1 for _, v in readings[i])]
    for a in starts:
        i = items[a]
        c = cands[i]
        if i in member:
            continue
        for fam, v in readings[i]:
            if v != 1 or not _item_ok(text, c, True):
                continue
            seq = [i]
            seps = []
            want = 2
            last = c
            stop_k = bisect.bisect_right(stops, i)
            stop = stops[stop_k] if stop_k < len(stops) else len(cands)
            a_last = a
            while True:
                lst = where.get((fam, want))
                k = bisect.bisect_right(lst, a_last) if lst else 0
                if not lst or k == len(lst):
                    break
                b = lst[k]
                j = items[b]
                d = cands[j]
                if j >= stop or d.pos - last.pos > MAX_GAP:
                    break
                if between((fam, want - 1), a_last, b) or between((fam, 1), a_last, b):
                    break  # the list starts again or repeats: not one list
                bare = len(seq) >= 2 and _BARE.search(text[max(0, d.pos - 14):d.pos].rstrip())
                if not (bare or _item_ok(text, d, False)) or not _has_words(text, last.body, d.pos):
                    break
                seq.append(j)
                seps.append(bool(bare or _LIST_SEP.search(text, max(0, d.pos - 16), d.pos)))
                last = d
                a_last = b
                want += 1
            if len(seq) < 2 or not _has_words(text, last.body, len(text)):
                continue
            if all((cands[k].line_start or cands[k].auto) and not cands[k].loose for k in seq):
                if all(seps):  # items on lines of their own ending ";" or ",": fragments, not headings
                    for k in seq:
                        cands[k]._heading = False
                continue
            introduced = not c.line_start and _prev_word(text, c.pos)[0] in ":—–"
            if not all(seps) and not introduced:
                # sentences of their own ("(a) We ... . (b) You ..."): one paragraph, unless each item
                # introduces a list of its own ("(a) Private Ports: (i) ...; (ii) ...")
                ends = [cands[k].pos for k in seq[1:]] + [last.body + 300]
                if not all(_INTRODUCES.search(text, cands[k].body, min(e, cands[k].body + 300))
                           for k, e in zip(seq, ends)):
                    continue
            cap = None
            if not last.line_start and all(seps):
                # up to the next clause (or item that does not nest in its items), words after the
                # list's sentence would be its last item's, so the list stays part of its paragraph
                # ("... (b) ...; or (c) .... Termination does not ..."); else it is closed there
                limit = next((cands[k].pos for k in range(seq[-1] + 1, len(cands))
                              if _boundary(text, cands[k], k in member, readings.get(k), fam, want)),
                             len(text))
                end = _sentence_end(text, last.body, min(limit, last.line_end))
                if end is None:
                    end = min(limit, last.line_end)
                if end < limit and _has_words(text, end, limit, furniture):
                    continue  # (paragraphs after it too: "“X” means: (a) ...; (b) ...\n“Y” means ...")
                cap = limit
            member.update(seq)
            for k in seq:
                cands[k].runin = True
                if all(seps):
                    cands[k]._heading = False  # "(c) On-Net Calls." ending a list is no heading
            cands[seq[-1]].cap = cap
            break
    return [c for i, c in enumerate(cands) if not c.loose or i in member]


def _boundary(text: str, c: Candidate, is_member: bool, readings: Optional[List[Tuple[str, int]]],
              fam: str, want: int) -> bool:
    """True for a candidate that may end a list's paragraph: a clause, a list item met before, an
    item of the list's own kind that would go on with it or start it again, or any item after a
    sentence end (other items, after a colon or inside a sentence, nest in the list's items)."""
    if is_member or c.line_start or c.kind != "num" or (c.token is not None and c.token.family in NUMBERED):
        return True
    if readings is None or c.loose:
        return False
    if any(f == fam and v in (1, want) for f, v in readings):
        return True
    return _prev_word(text, c.pos)[0] in ".!?"


def _sentence_end(text: str, start: int, line_end: int) -> Optional[int]:
    """Return where the sentence running from `start` ends, if more words follow on its line."""
    for m in _SENT_END.finditer(text, start, line_end):
        if _ABBREV.search(text, max(start, m.start() - 6), m.start()):
            continue
        end = m.end()
        return end if _NON_BLANK.search(text, end, line_end) else None
    return None
