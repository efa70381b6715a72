"""Return a clause-aware comparison of two agreements: clauses aligned first, then words.

The compared text of an agreement (the same rule on both sides; `units`):
- furniture (page numbers, running headers, web chrome, notices) is left out; where it cut a
  paragraph, the two halves are joined with one space;
- the rest is split into paragraphs ("units"): a .docx's own paragraphs; a .txt/.md's lines; a
  .pdf's blank-line-separated paragraphs (a single line break inside a PDF paragraph is a space);
  a .txt/.pdf paragraph is also split where a clause starts (one-line extractions become one
  paragraph per clause);
- each unit is stripped of surrounding whitespace; empty units are dropped; characters XML
  forbids become spaces.

Alignment, cheapest first, never quadratic over the whole document:
1. blocks (runs of units owned by one clause) are keyed by their text without the clause number;
   an LCS over the keys (diff-match-patch over one character per key) pairs the unchanged ones;
2. in each gap between two such anchors, the still unmatched blocks are paired by rapidfuzz
   similarity, order kept, only within a band of nearby candidates;
3. what is left is matched across the document by identical (or nearly identical) text: moves;
4. the rest is inserted or deleted.
Aligned blocks are then diffed word by word (diff-match-patch over word tokens mapped to
characters, semantically cleaned so that changes fall on whole words).

The edit script (`Comparison.segments`) interleaves OLD's and NEW's text so that dropping
inserted text gives OLD and dropping deleted text gives NEW; a segment whose text is "\\n" is a
paragraph mark. With `ignore_case`/`ignore_whitespace`, text equal under that option is shown as
NEW's (so rejecting all gives OLD up to the ignored differences).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz, process

from redline.export.worddiff import keys_to_chars
from redline.model import Agreement
from redline.progress import check

PARA = "\n"
"""The text of a paragraph-mark segment."""

EQUAL, INSERT, DELETE, MOVE_FROM, MOVE_TO = "equal", "insert", "delete", "move_from", "move_to"

_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HARD_BREAK = re.compile(r"\r\n|[\r\n\f\v\x1c-\x1e\x85\u2028\u2029]")
_PDF_BREAK = re.compile(r"(?:\r\n|[\r\n\v\x85\u2028])[ \t]*(?:\r\n|[\r\n\v\x85\u2028])|[\f\x1c-\x1e\u2029]")
_WS = re.compile(r"\s+")

SIMILAR = 55.0
"""rapidfuzz ratio (0-100) from which two unmatched clauses in a gap are the same clause."""
MOVE_SIMILAR = 90.0
"""Ratio from which an unmatched deleted and inserted clause are one clause moved."""
MOVE_MIN_CHARS = 20
"""Shorter clauses are never reported as moved (too little text to be sure)."""
BAND = 40
"""Each unmatched block is compared with at most this many neighbours on either side."""


@dataclass(frozen=True)
class CompareOptions:
    """How two agreements are compared."""

    ignore_case: bool = False
    ignore_whitespace: bool = False
    moves: bool = True
    """Detect moved clauses (the writer shows them as moves; without, as delete + insert)."""


@dataclass(frozen=True)
class Unit:
    """One paragraph of an agreement's compared text."""

    text: str
    owner: str
    """The id of the clause whose own text it is, or the part id for a part's preamble."""
    pieces: Tuple[Tuple[int, int, int], ...]
    """(offset in `text`, start, end in the reference text) for each stretch of source text."""
    source: int = -1
    """For a .docx: the `SourceParagraph.index` the unit comes from."""


@dataclass(frozen=True)
class Segment:
    """One stretch of the merged text: words (or a paragraph mark, "\\n") and what happened to them."""

    op: str
    """"equal", "insert", "delete", "move_from" or "move_to"."""
    text: str
    old_unit: int = -1
    """Index into OLD's units of the text (or mark) this segment shows or hides, else -1."""
    new_unit: int = -1
    new_offset: int = 0
    """Where `text` starts in NEW's unit (for equal, insert and move_to segments)."""
    move: int = 0
    """The move id (1, 2, ...) of a move_from/move_to segment, and of delete/insert segments of
    a move written without move markup."""
    change: int = -1
    """Index into `Comparison.changes` of the clause change this segment belongs to."""


@dataclass(frozen=True)
class WordOp:
    op: str
    """"equal", "insert" or "delete"."""
    text: str


@dataclass(frozen=True)
class ClauseChange:
    """What happened to one clause (one block of its text) between OLD and NEW."""

    kind: str
    """"equal", "changed", "renumbered", "inserted", "deleted" or "moved"."""
    old: Optional[str]
    """The clause id in OLD (None for an inserted clause)."""
    new: Optional[str]
    old_number: Optional[str] = None
    new_number: Optional[str] = None
    renumbered: bool = False
    """The clause's number changed (also for changed and moved clauses)."""
    move: int = 0
    ops: Tuple[WordOp, ...] = ()
    """Word-level operations, for a changed clause."""
    inserted_words: int = 0
    deleted_words: int = 0


@dataclass(frozen=True)
class Comparison:
    """The edit script turning OLD into NEW, clause by clause and word by word."""

    old_units: Tuple[Unit, ...]
    new_units: Tuple[Unit, ...]
    changes: Tuple[ClauseChange, ...]
    segments: Tuple[Segment, ...]
    options: CompareOptions = field(default_factory=CompareOptions)

    def summary(self) -> Dict[str, int]:
        """Return the counts: clauses changed, inserted, deleted, moved, renumbered."""
        out = {"changed": 0, "inserted": 0, "deleted": 0, "moved": 0, "renumbered": 0}
        for c in self.changes:
            if c.kind in ("changed", "inserted", "deleted", "moved"):
                out[c.kind] += 1
            if c.renumbered:
                out["renumbered"] += 1
        return out

    @property
    def differs(self) -> bool:
        return any(s.op != EQUAL for s in self.segments) or any(c.kind != "equal" for c in self.changes)


# ---------------------------------------------------------------------------------------------
# The compared text


def clean_text(text: str) -> str:
    """Return `text` with characters XML forbids replaced by spaces (same length)."""
    return _FORBIDDEN.sub(" ", text)


def units(agreement: Agreement) -> Tuple[Unit, ...]:
    """Return the paragraphs of `agreement`'s compared text (see the module docstring)."""
    text = agreement.text
    owners = _owner_index(agreement)
    hard: List[int] = []
    doc = agreement.document
    docx_paras = doc.paragraphs if doc.kind == "docx" else ()
    if docx_paras:
        sources = [(p.start, p.end, p.index) for p in docx_paras]
    else:
        breaker = _PDF_BREAK if doc.kind == "pdf" else _HARD_BREAK
        sources = []
        pos = 0
        for m in breaker.finditer(text):
            sources.append((pos, m.start(), -1))
            pos = m.end()
        sources.append((pos, len(text), -1))
        hard = sorted({s for s, _e, _o in owners[0]} | {s for s, _e, _p in owners[2]})
    furn = sorted((f.start, f.end) for f in agreement.furniture if f.end > f.start)
    out: List[Unit] = []
    for s, e, src in sources:
        if e <= s:
            continue
        cuts = [s]
        if hard:
            i = bisect.bisect_right(hard, s)
            while i < len(hard) and hard[i] < e:
                cuts.append(hard[i])
                i += 1
        cuts.append(e)
        for a, b in zip(cuts, cuts[1:]):
            unit = _make_unit(text, a, b, furn, owners, src, soft_lines=doc.kind == "pdf")
            if unit is not None:
                out.append(unit)
    return tuple(out)


def _owner_index(agreement: Agreement):
    """Return (sorted own intervals (start, end, owner), their starts, parts)."""
    intervals: List[Tuple[int, int, str]] = []
    child_spans: Dict[str, List[Tuple[int, int]]] = {}
    by_id = {c.id: c for c in agreement.clauses}
    for c in agreement.clauses:
        if c.parent and c.parent in by_id:
            child_spans.setdefault(c.parent, []).append((c.start, c.end))
    for c in agreement.clauses:
        pos = c.start
        for hs, he in sorted(child_spans.get(c.id, ())):
            if hs > pos:
                intervals.append((pos, min(hs, c.end), c.id))
            pos = max(pos, he)
        if pos < c.end:
            intervals.append((pos, c.end, c.id))
    intervals.sort()
    starts = [s for s, _e, _o in intervals]
    parts = sorted((p.start, p.end, p.id) for p in agreement.parts)
    return intervals, starts, parts


def _owner_at(owners, pos: int) -> str:
    intervals, starts, parts = owners
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0:  # own intervals do not overlap: the last one starting at or before pos
        s, e, o = intervals[i]
        if s <= pos < e:
            return o
    for s, e, pid in parts:
        if s <= pos < e:
            return pid
    return parts[0][2] if parts else ""


def _make_unit(text: str, a: int, b: int, furn, owners, src: int, *, soft_lines: bool) -> Optional[Unit]:
    """Return the unit for text[a:b] with furniture cut out, or None if nothing is left."""
    pieces: List[Tuple[int, int]] = []
    pos = a
    i = max(0, bisect.bisect_left(furn, (a, a)) - 1)
    while i < len(furn) and furn[i][0] < b:
        fs, fe = furn[i]
        if fe > pos:
            if fs > pos:
                pieces.append((pos, fs))
            pos = max(pos, fe)
        i += 1
    if pos < b:
        pieces.append((pos, b))
    parts: List[str] = []
    mapped: List[Tuple[int, int, int]] = []
    length = 0
    for ps, pe in pieces:
        chunk = text[ps:pe]
        if soft_lines:
            chunk = re.sub(r"\r\n|[\r\n\v\x85\u2028]", lambda m: " " * len(m.group()), chunk)
        lead = len(chunk) - len(chunk.lstrip())
        chunk_s = chunk.strip()
        if not chunk_s:
            continue
        if parts:
            parts.append(" ")
            length += 1
        mapped.append((length, ps + lead, ps + lead + len(chunk_s)))
        parts.append(chunk_s)
        length += len(chunk_s)
    if not parts:
        return None
    body = clean_text("".join(parts))
    body = body.replace("\n", " ").replace("\r", " ")
    owner = _owner_at(owners, mapped[0][1])
    return Unit(text=body, owner=owner, pieces=tuple(mapped), source=src)


# ---------------------------------------------------------------------------------------------
# Blocks and keys


@dataclass(frozen=True)
class _Block:
    owner: str
    first: int
    """Index of its first unit."""
    last: int
    """Index past its last unit."""
    number: Optional[str]
    norm: Optional[str]
    text: str
    """The units joined by "\\n", with a final "\\n" (the paragraph marks)."""
    body: str
    """The normalised text without the clause number (the matching key)."""


def _norm(text: str, options: CompareOptions) -> str:
    if options.ignore_whitespace:
        text = _WS.sub(" ", text).strip()
    if options.ignore_case:
        text = text.lower()
    return text


def _blocks(agreement: Agreement, us: Sequence[Unit], options: CompareOptions) -> List[_Block]:
    by_id = {c.id: c for c in agreement.clauses}
    out: List[_Block] = []
    i = 0
    seen: set = set()
    while i < len(us):
        j = i + 1
        while j < len(us) and us[j].owner == us[i].owner:
            j += 1
        owner = us[i].owner
        clause = by_id.get(owner)
        number = norm = None
        text = PARA.join(u.text for u in us[i:j]) + PARA
        body = text
        if clause is not None:
            norm = clause.norm
            number = clause.number
            if owner not in seen and number and body.startswith(number):
                body = body[len(number):]
        seen.add(owner)
        out.append(_Block(owner, i, j, number, norm, text, _norm(body, options)))
        i = j
    return out


# ---------------------------------------------------------------------------------------------
# Alignment


def _lcs_pairs(a_keys: Sequence[str], b_keys: Sequence[str]) -> List[Tuple[int, int]]:
    """Return index pairs of a common subsequence of two key lists, near-linear (patience diff).

    Keys unique on both sides anchor the alignment (a longest increasing subsequence); the gaps
    between anchors are solved the same way, and small anchorless gaps by diff-match-patch.
    """
    pairs: List[Tuple[int, int]] = []
    stack = [(0, len(a_keys), 0, len(b_keys))]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        while a0 < a1 and b0 < b1 and a_keys[a0] == b_keys[b0]:
            pairs.append((a0, b0))
            a0 += 1
            b0 += 1
        while a0 < a1 and b0 < b1 and a_keys[a1 - 1] == b_keys[b1 - 1]:
            a1 -= 1
            b1 -= 1
            pairs.append((a1, b1))
        if a0 >= a1 or b0 >= b1:
            continue
        anchors = _unique_anchors(a_keys, b_keys, a0, a1, b0, b1)
        if not anchors:
            if (a1 - a0) * (b1 - b0) <= 4_000_000:
                pairs.extend(_myers_pairs(a_keys[a0:a1], b_keys[b0:b1], a0, b0))
            continue
        pa, pb = a0, b0
        for x, y in anchors:
            pairs.append((x, y))
            stack.append((pa, x, pb, y))
            pa, pb = x + 1, y + 1
        stack.append((pa, a1, pb, b1))
    pairs.sort()
    return pairs


def _unique_anchors(a_keys, b_keys, a0, a1, b0, b1) -> List[Tuple[int, int]]:
    """Return the longest increasing run of keys that occur once in each range.

    When no key is unique on both sides (a text repeated whole), keys occurring equally often on
    both sides (at most 64 times) pair their occurrences in order instead.
    """
    pos_a: Dict[str, List[int]] = {}
    for k in range(a0, a1):
        pos_a.setdefault(a_keys[k], []).append(k)
    pos_b: Dict[str, List[int]] = {}
    for k in range(b0, b1):
        pos_b.setdefault(b_keys[k], []).append(k)
    cands = [(xs[0], pos_b[key][0]) for key, xs in pos_a.items()
             if len(xs) == 1 and len(pos_b.get(key, ())) == 1]
    if not cands:
        for key, xs in pos_a.items():
            ys = pos_b.get(key)
            if ys and len(ys) == len(xs) <= 64:
                cands.extend(zip(xs, ys))
    if not cands:
        return []
    cands.sort()
    # longest increasing subsequence on the b indices (patience sorting)
    tails: List[int] = []
    tail_idx: List[int] = []
    prev = [-1] * len(cands)
    for n, (_x, y) in enumerate(cands):
        k = bisect.bisect_left(tails, y)
        if k == len(tails):
            tails.append(y)
            tail_idx.append(n)
        else:
            tails[k] = y
            tail_idx[k] = n
        prev[n] = tail_idx[k - 1] if k else -1
    out = []
    n = tail_idx[-1]
    while n >= 0:
        out.append(cands[n])
        n = prev[n]
    out.reverse()
    return out


def _myers_pairs(a_keys, b_keys, a0: int, b0: int) -> List[Tuple[int, int]]:
    """Return the index pairs of a diff-match-patch LCS (one character per key)."""
    table: Dict[str, str] = {}

    def chars(keys):
        return keys_to_chars(keys, table)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    pairs: List[Tuple[int, int]] = []
    i, j = a0, b0
    for op, txt in dmp.diff_main(chars(a_keys), chars(b_keys), False):
        n = len(txt)
        if op == 0:
            pairs.extend((i + k, j + k) for k in range(n))
            i += n
            j += n
        elif op < 0:
            i += n
        else:
            j += n
    return pairs


def _probe(body: str) -> str:
    """Return the part of a block's text that similarity is scored on (bounded cost)."""
    return body if len(body) <= 1600 else body[:1200] + body[-400:]


def _gap_pairs(old: Sequence[_Block], new: Sequence[_Block], i0: int, i1: int, j0: int,
               j1: int) -> List[Tuple[int, int]]:
    """Return similar block pairs inside one gap, order kept, nearby candidates only."""
    na, nb = i1 - i0, j1 - j0
    if not na or not nb:
        return []
    if na == nb:  # the common case: clauses edited in place; one score per pair, no search
        diagonal = [(a, j0 + a - i0) for a in range(i0, i1)]
        if all(fuzz.ratio(_probe(old[a].body), _probe(new[b].body), score_cutoff=SIMILAR)
               for a, b in diagonal):
            return diagonal
    cands: List[Tuple[float, int, int]] = []
    for a in range(i0, i1):
        centre = j0 + ((a - i0) * nb) // na if na > 1 else j0
        lo, hi = max(j0, centre - BAND), min(j1, centre + BAND + 1)
        choices = [_probe(new[b].body) for b in range(lo, hi)]
        for _c, score, k in process.extract(_probe(old[a].body), choices, scorer=fuzz.ratio,
                                            score_cutoff=SIMILAR, limit=8):
            cands.append((score, a, lo + k))
    return _best_chain(cands, j0, j1)


def _best_chain(cands: List[Tuple[float, int, int]], j0: int, j1: int) -> List[Tuple[int, int]]:
    """Return the order-keeping subset of candidate pairs with the highest total score.

    A weighted longest-increasing-subsequence: pairs by old index, a Fenwick tree of the best
    chain ending at each new index; O(K log K) for K candidates.
    """
    if not cands:
        return []
    size = j1 - j0 + 1
    tree_val = [0.0] * (size + 1)
    tree_idx = [-1] * (size + 1)

    def query(k: int) -> Tuple[float, int]:  # best over new indices < k (1-based prefix k)
        best, idx = 0.0, -1
        while k > 0:
            if tree_val[k] > best:
                best, idx = tree_val[k], tree_idx[k]
            k -= k & -k
        return best, idx

    def update(k: int, val: float, idx: int) -> None:
        while k <= size:
            if val > tree_val[k]:
                tree_val[k], tree_idx[k] = val, idx
            k += k & -k

    cands = sorted(cands, key=lambda t: (t[1], t[2]))
    dp = [0.0] * len(cands)
    back = [-1] * len(cands)
    n = 0
    while n < len(cands):
        m = n
        while m < len(cands) and cands[m][1] == cands[n][1]:
            m += 1
        for k in range(n, m):
            score, _a, bb = cands[k]
            best, idx = query(bb - j0)
            dp[k] = best + score
            back[k] = idx
        for k in range(n, m):
            update(cands[k][2] - j0 + 1, dp[k], k)
        n = m
    k = max(range(len(cands)), key=lambda x: dp[x])
    out = []
    while k >= 0:
        out.append((cands[k][1], cands[k][2]))
        k = back[k]
    out.reverse()
    return out


def _align(old: Sequence[_Block], new: Sequence[_Block], options: CompareOptions, progress=None):
    """Return (monotone pairs, moves as {old index: (new index, id)})."""
    anchors = _lcs_pairs([b.body for b in old], [b.body for b in new])
    check(progress)
    pairs: List[Tuple[int, int]] = []
    prev_a = prev_b = -1
    for a, b in anchors + [(len(old), len(new))]:
        if a - prev_a > 1 and b - prev_b > 1:
            pairs.extend(_gap_pairs(old, new, prev_a + 1, a, prev_b + 1, b))
        if a < len(old):
            pairs.append((a, b))
        prev_a, prev_b = a, b
    moves: Dict[int, Tuple[int, int]] = {}
    if options.moves:
        used_a = {a for a, _b in pairs}
        used_b = {b for _a, b in pairs}
        left_a = [a for a in range(len(old)) if a not in used_a and len(old[a].body) >= MOVE_MIN_CHARS]
        left_b = [b for b in range(len(new)) if b not in used_b and len(new[b].body) >= MOVE_MIN_CHARS]
        by_body: Dict[str, List[int]] = {}
        for b in left_b:
            by_body.setdefault(new[b].body, []).append(b)
        taken: set = set()
        rest_a = []
        for a in left_a:
            hits = [b for b in by_body.get(old[a].body, ()) if b not in taken]
            if hits:
                taken.add(hits[0])
                moves[a] = (hits[0], len(moves) + 1)
            else:
                rest_a.append(a)
        rest_b = [b for b in left_b if b not in taken]
        if rest_a and rest_b and len(rest_a) * len(rest_b) <= 250_000:
            choices = [_probe(new[b].body) for b in rest_b]
            free = [True] * len(rest_b)
            for a in rest_a:
                for _c, score, k in process.extract(_probe(old[a].body), choices, scorer=fuzz.ratio,
                                                    score_cutoff=MOVE_SIMILAR, limit=3):
                    if free[k]:
                        free[k] = False
                        moves[a] = (rest_b[k], len(moves) + 1)
                        break
    return pairs, moves


# ---------------------------------------------------------------------------------------------
# Words


def tokens(text: str) -> List[str]:
    """Return `text` split into word, whitespace and punctuation tokens (the redline writer's)."""
    from redline.export.ooxml import tokenize  # one tokenizer for every tracked-change writer

    return tokenize(text)


def word_diff(old: str, new: str, options: CompareOptions = CompareOptions()) -> List[Tuple[int, str, str]]:
    """Return (op, old text, new text) triples turning `old` into `new` word by word.

    op is 0 (equal: both texts, equal up to the options), -1 (delete: old text) or 1 (insert:
    new text). Changes fall on whole tokens; "\\n" tokens are paragraph marks. Texts longer
    than a few sentences are first aligned sentence by sentence (an LCS over sentences), and
    only the sentences that differ are split into words, so the cost stays near linear.
    """
    table: Dict[str, str] = {}
    out: List[Tuple[int, str, str]] = []
    if old == new:
        return [(0, old, new)] if old else []
    if len(old) + len(new) > CHUNKED_FROM:
        sa, sb = _sentences(old), _sentences(new)
        ka = [_norm(x, options) for x in sa] if (options.ignore_case or options.ignore_whitespace) else sa
        kb = [_norm(x, options) for x in sb] if (options.ignore_case or options.ignore_whitespace) else sb
        pa = pb = 0
        for x, y in _lcs_pairs(ka, kb) + [(len(sa), len(sb))]:
            _diff_tokens("".join(sa[pa:x]), "".join(sb[pb:y]), options, table, out)
            if x < len(sa):
                out.append((0, sa[x], sb[y]))
            pa, pb = x + 1, y + 1
        return _merge(out)
    _diff_tokens(old, new, options, table, out)
    return _merge(out)


CHUNKED_FROM = 3000
"""Characters (both texts) from which a word diff is first aligned by sentences."""

_SENTENCE_END = re.compile(r"[.;:!?](?=\s)|\n")


def _sentences(text: str) -> List[str]:
    """Return `text` cut after each ".", ";", ":", "!" or "?" before a space and around each
    paragraph mark; the pieces join back to `text`."""
    out: List[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "\n":
            if m.start() > pos:
                out.append(text[pos:m.start()])
            out.append("\n")
            pos = m.end()
        else:
            out.append(text[pos:m.end()])
            pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


_SPACE = re.compile(r"\s")


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search with C-speed slice compares
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _trim_common(a: str, b: str) -> Tuple[str, str, str, str]:
    """Return (common head, rest of a, rest of b, common tail), cut at whitespace only.

    The head ends just after a whitespace character and the tail starts with one, so no word is
    split and the word diff of the middles sees whole words.
    """
    k = _common_prefix(a, b)
    cut = 0
    if k:
        m = None
        for m in _SPACE.finditer(a, 0, k):
            pass
        cut = m.end() if m is not None else 0
    a2, b2 = a[cut:], b[cut:]
    ra, rb = a2[::-1], b2[::-1]
    s = _common_prefix(ra, rb)
    s = min(s, len(a2), len(b2))
    tail = ""
    if s:
        start_a = len(a2) - s
        m = _SPACE.search(a2, start_a)
        if m is not None:
            tail = a2[m.start():]
            a2 = a2[:m.start()]
            b2 = b2[:len(b2) - len(tail)]
    return a[:cut], a2, b2, tail


def _diff_tokens(a: str, b: str, options: CompareOptions, table: Dict[str, str],
                 out: List[Tuple[int, str, str]]) -> None:
    """Append the word-level diff of texts `a` and `b` to `out`."""
    if not a and not b:
        return
    if not a:
        out.append((1, "", b))
        return
    if not b:
        out.append((-1, a, ""))
        return
    if a == b:
        out.append((0, a, b))
        return
    if not (options.ignore_case or options.ignore_whitespace):
        from redline.export.ooxml import word_diff as _ooxml_word_diff

        head, a, b, tail = _trim_common(a, b)
        if head:
            out.append((0, head, head))
        if a or b:
            for op, text in _ooxml_word_diff(a, b, timeout=2.0):
                out.append((op, text if op <= 0 else "", text if op >= 0 else ""))
        if tail:
            out.append((0, tail, tail))
        return
    ta, tb = tokens(a), tokens(b)

    def key(t):
        k = " " if (options.ignore_whitespace and t != PARA and t.isspace()) else t
        return k.lower() if options.ignore_case else k

    def chars(toks):
        return keys_to_chars(map(key, toks), table)

    ca, cb = chars(ta), chars(tb)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0  # a safety net: past it dmp returns a coarser (still exact) diff
    diffs = dmp.diff_main(ca, cb, False)
    dmp.diff_cleanupSemantic(diffs)
    i = j = 0
    for op, txt in diffs:
        n = len(txt)
        if op == 0:
            out.append((0, "".join(ta[i:i + n]), "".join(tb[j:j + n])))
            i += n
            j += n
        elif op < 0:
            out.append((-1, "".join(ta[i:i + n]), ""))
            i += n
        else:
            out.append((1, "", "".join(tb[j:j + n])))
            j += n


def _merge(ops: List[Tuple[int, str, str]]) -> List[Tuple[int, str, str]]:
    """Return `ops` with neighbours of the same kind joined (deletions before insertions)."""
    out: List[Tuple[int, str, str]] = []
    for op in ops:
        if not op[1] and not op[2]:
            continue
        if out and out[-1][0] == op[0]:
            last = out[-1]
            out[-1] = (op[0], last[1] + op[1], last[2] + op[2])
        elif out and op[0] == -1 and out[-1][0] == 1 and len(out) >= 1:
            # keep deletions ahead of insertions in a run of changes
            ins = out.pop()
            if out and out[-1][0] == -1:
                last = out.pop()
                op = (-1, last[1] + op[1], "")
            out.append(op)
            out.append(ins)
        else:
            out.append(op)
    return out


# ---------------------------------------------------------------------------------------------
# The edit script


class _Emitter:
    """Builds the segment list, splitting text at paragraph marks and tracking unit positions."""

    def __init__(self, old_units: Sequence[Unit], new_units: Sequence[Unit]) -> None:
        self.segments: List[Segment] = []
        self.old_units = old_units
        self.new_units = new_units

    def emit(self, op: str, text: str, old_pos: List[int], new_pos: List[int], *, move: int = 0,
             change: int = -1) -> None:
        """Append `text` as `op`; old_pos/new_pos are [unit, offset] cursors advanced in place."""
        uses_old = op in (EQUAL, DELETE, MOVE_FROM)
        uses_new = op in (EQUAL, INSERT, MOVE_TO)
        for piece in re.split(r"(\n)", text):
            if not piece:
                continue
            seg = Segment(op, piece, old_unit=old_pos[0] if uses_old else -1,
                          new_unit=new_pos[0] if uses_new else -1,
                          new_offset=new_pos[1] if uses_new else 0, move=move, change=change)
            self.segments.append(seg)
            for pos, used in ((old_pos, uses_old), (new_pos, uses_new)):
                if used:
                    if piece == PARA:
                        pos[0] += 1
                        pos[1] = 0
                    else:
                        pos[1] += len(piece)


def compare(old: Agreement, new: Agreement, options: CompareOptions = CompareOptions(), *,
            progress=None) -> Comparison:
    """Return the `Comparison` turning agreement `old` into agreement `new`."""
    check(progress, 0, 4, "comparing: paragraphs")
    ou, nu = units(old), units(new)
    ob, nb = _blocks(old, ou, options), _blocks(new, nu, options)
    check(progress, 1, 4, "comparing: clauses")
    pairs, moves = _align(ob, nb, options, progress)
    move_to = {b: (a, mid) for a, (b, mid) in moves.items()}
    check(progress, 2, 4, "comparing: words")
    changes: List[ClauseChange] = []
    em = _Emitter(ou, nu)
    # change index of each moved block, so both ends of a move point at one change
    move_change: Dict[int, int] = {}

    def move_index(mid: int, a: int, b: int) -> int:
        if mid not in move_change:
            ba, bb = ob[a], nb[b]
            move_change[mid] = len(changes)
            changes.append(ClauseChange("moved", ba.owner, bb.owner, ba.number, bb.number,
                                        renumbered=_renumbered(ba, bb), move=mid))
        return move_change[mid]

    i = j = 0
    total = len(pairs) + 1
    for n, (a, b) in enumerate(pairs + [(len(ob), len(nb))]):
        if n % 512 == 0:
            check(progress, n, total, "comparing: words")
        while i < a:
            blk = ob[i]
            opos = [blk.first, 0]
            if i in moves:
                nb_idx, mid = moves[i]
                ci = move_index(mid, i, nb_idx)
                em.emit(MOVE_FROM, blk.text, opos, [0, 0], move=mid, change=ci)
            else:
                ci = len(changes)
                changes.append(ClauseChange("deleted", blk.owner, None, blk.number, None,
                                            deleted_words=_words(blk.text)))
                em.emit(DELETE, blk.text, opos, [0, 0], change=ci)
            i += 1
        while j < b:
            blk = nb[j]
            npos = [blk.first, 0]
            if j in move_to:
                oa, mid = move_to[j]
                ci = move_index(mid, oa, j)
                em.emit(MOVE_TO, blk.text, [0, 0], npos, move=mid, change=ci)
            else:
                ci = len(changes)
                changes.append(ClauseChange("inserted", None, blk.owner, None, blk.number,
                                            inserted_words=_words(blk.text)))
                em.emit(INSERT, blk.text, [0, 0], npos, change=ci)
            j += 1
        if a >= len(ob):
            break
        ba, bb = ob[a], nb[b]
        opos, npos = [ba.first, 0], [bb.first, 0]
        renum = _renumbered(ba, bb)
        ci = len(changes)
        if ba.text == bb.text or (ba.body == bb.body and _norm(ba.text, options) == _norm(bb.text, options)):
            changes.append(ClauseChange("renumbered" if renum else "equal", ba.owner, bb.owner,
                                        ba.number, bb.number, renumbered=renum))
            _emit_equal(em, ba, bb, nu, opos, npos, ci, options)
        else:
            diff = word_diff(ba.text, bb.text, options)
            ops = []
            ins = dels = 0
            for op, ot, nt in diff:
                if op == 0:
                    em.emit(EQUAL, nt, opos, npos, change=ci)
                    ops.append(WordOp(EQUAL, nt))
                elif op < 0:
                    em.emit(DELETE, ot, opos, npos, change=ci)
                    ops.append(WordOp(DELETE, ot))
                    dels += _words(ot)
                else:
                    em.emit(INSERT, nt, opos, npos, change=ci)
                    ops.append(WordOp(INSERT, nt))
                    ins += _words(nt)
            kind = "changed" if ba.body != bb.body else ("renumbered" if renum else "equal")
            if kind == "equal" and (ins or dels):
                kind = "changed"
            changes.append(ClauseChange(kind, ba.owner, bb.owner, ba.number, bb.number,
                                        renumbered=renum, ops=tuple(ops) if kind != "equal" else (),
                                        inserted_words=ins, deleted_words=dels))
        i, j = a + 1, b + 1
    segments = em.segments
    if options.moves:
        numbers = {blk.owner: blk.number for blk in ob}
        numbers_new = {blk.owner: blk.number for blk in nb}
        segments = _text_moves(segments, changes, ou, nu, numbers, numbers_new,
                               len(moves) + 1)
    check(progress, 4, 4, "comparing: done")
    _settle_last_mark(segments)
    return Comparison(old_units=ou, new_units=nu, changes=tuple(changes), segments=tuple(segments),
                      options=options)


TEXT_MOVE_MIN = 60
"""Characters from which deleted text found again among inserted text is a move."""


def _runs_of(segs: List[Segment], op: str) -> List[Tuple[int, int, str]]:
    """Return (first, past-last segment index, text) of each run of `op` segments."""
    out = []
    i = 0
    while i < len(segs):
        if segs[i].op == op:
            j = i
            while j < len(segs) and segs[j].op == op:
                j += 1
            text = "".join(x.text for x in segs[i:j])
            if len(text) >= TEXT_MOVE_MIN:
                out.append((i, j, text))
            i = j
        else:
            i += 1
    return out


def _cores(text: str) -> List[Tuple[int, int]]:
    """Return spans of `text` to look for elsewhere: trimmed, then less a word at either end.

    A diff may attach a word at the edge of moved text to its neighbours, so the moved stretch
    is looked for whole first, then without its first and/or last word.
    """
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if not words:
        return []
    out = []
    for drop_head, drop_tail in ((0, 0), (1, 0), (0, 1), (1, 1), (2, 2)):
        if drop_head + drop_tail >= len(words):
            break
        s, e = words[drop_head][0], words[len(words) - 1 - drop_tail][1]
        if e - s >= TEXT_MOVE_MIN:
            out.append((s, e))
    return out


def _text_moves(segs: List[Segment], changes: List[ClauseChange], ou, nu, numbers, numbers_new,
                next_id: int) -> List[Segment]:
    """Return `segs` with deleted text that reappears inserted elsewhere turned into a move.

    Catches what block matching cannot: a clause moved into (or out of) a clause whose other
    text changed, or segmented differently in the two versions. Only long stretches (at least
    `TEXT_MOVE_MIN` characters, identical once trimmed) count, and only a bounded number of
    candidate pairs is looked at.
    """
    dels, inss = _runs_of(segs, DELETE), _runs_of(segs, INSERT)
    if not dels or not inss or len(dels) * len(inss) > 200_000:
        return segs
    found = []  # ((del run), (start, end) in it, (ins run), (start, end) in it)
    used_d, used_i = set(), set()

    def pair(runs, others, used_own, used_other, flip):
        """Look for each run's cores in the other side's runs (deleted in inserted, or back)."""
        for ri, (r0, r1, rt) in enumerate(runs):
            if ri in used_own:
                continue
            for cs, ce in _cores(rt):
                core = rt[cs:ce]
                hit = next(((oi, k) for oi, (_o0, _o1, ot) in enumerate(others)
                            if oi not in used_other and len(ot) >= len(core)
                            for k in (ot.find(core),) if k >= 0), None)
                if hit is not None:
                    oi, k = hit
                    o0, o1, _ot = others[oi]
                    mine, theirs = ((r0, r1), (cs, ce)), ((o0, o1), (k, k + len(core)))
                    found.append(theirs + mine if flip else mine + theirs)
                    used_own.add(ri)
                    used_other.add(oi)
                    break

    pair(dels, inss, used_d, used_i, False)
    pair(inss, dels, used_i, used_d, True)
    if not found:
        return segs
    plan: Dict[int, Tuple[int, int, int, str, int]] = {}  # run start -> (end, s, e, op, move id)
    for n, ((a0, a1), (ds, de), (b0, b1), (is_, ie)) in enumerate(found):
        mid = next_id + n
        first_old = next((x for x in segs[a0:a1]), None)
        first_new = next((x for x in segs[b0:b1]), None)
        old_owner = ou[first_old.old_unit].owner if first_old and first_old.old_unit >= 0 else None
        new_owner = nu[first_new.new_unit].owner if first_new and first_new.new_unit >= 0 else None
        old_text = "".join(x.text for x in segs[a0:a1])
        new_text = "".join(x.text for x in segs[b0:b1])
        whole_old = len((old_text[:ds] + " " + old_text[de:]).split()) <= 4
        whole_new = len((new_text[:is_] + " " + new_text[ie:]).split()) <= 4
        ci = -1
        for run, whole, kind in (((a0, a1), whole_old, "deleted"), ((b0, b1), whole_new, "inserted")):
            cset = {x.change for x in segs[run[0]:run[1]]}
            if whole and len(cset) == 1:
                c0 = cset.pop()
                if 0 <= c0 < len(changes) and changes[c0].kind == kind:
                    if ci < 0:
                        ci = c0
                        changes[c0] = ClauseChange("moved", old_owner, new_owner,
                                                   numbers.get(old_owner), numbers_new.get(new_owner),
                                                   move=mid)
                    else:
                        changes[c0] = replace(changes[c0], kind="equal", inserted_words=0,
                                              deleted_words=0)
        if ci < 0:
            ci = len(changes)
            changes.append(ClauseChange("moved", old_owner, new_owner, numbers.get(old_owner),
                                        numbers_new.get(new_owner), move=mid))
        plan[a0] = (a1, ds, de, MOVE_FROM, mid, ci)
        plan[b0] = (b1, is_, ie, MOVE_TO, mid, ci)
    out: List[Segment] = []
    i = 0
    while i < len(segs):
        hit = plan.get(i)
        if hit is None:
            out.append(segs[i])
            i += 1
            continue
        end, s, e, op, mid, ci = hit
        pos = 0
        for seg in segs[i:end]:
            n = len(seg.text)
            cuts = sorted({0, n, min(max(s - pos, 0), n), min(max(e - pos, 0), n)})
            for x, y in zip(cuts, cuts[1:]):
                if y <= x:
                    continue
                inside = pos + x >= s and pos + y <= e
                piece = replace(seg, text=seg.text[x:y],
                                new_offset=seg.new_offset + x if seg.new_unit >= 0 else 0)
                if inside:
                    piece = replace(piece, op=op, move=mid, change=ci)
                out.append(piece)
            pos += n
        i = end
    return out


def _settle_last_mark(segs: List[Segment]) -> None:
    """Make the final paragraph mark an equal one (a document's last mark may not be tracked).

    Every mark is the same text ("\\n"), so marks can trade places without changing either
    version: the last mark of the other side (with only this side's text after it) moves to the
    end, and the final tracked mark takes its place or goes.
    """
    if not segs or segs[-1].text != PARA or segs[-1].op == EQUAL:
        return
    final = segs[-1]
    new_side = final.op in (INSERT, MOVE_TO)
    other = (EQUAL, DELETE, MOVE_FROM) if new_side else (EQUAL, INSERT, MOVE_TO)
    k = len(segs) - 2
    while k >= 0 and not (segs[k].text == PARA and segs[k].op in other):
        k -= 1
    if k < 0:
        return
    mark = segs[k]
    if mark.op == EQUAL:
        # trade the ops, keep each position's paragraph identity (k-th NEW mark stays NEW's k-th)
        if new_side:
            segs[k] = replace(mark, op=final.op, move=final.move, change=final.change)
            segs[-1] = replace(final, op=EQUAL, move=0, old_unit=mark.old_unit)
        else:
            segs[k] = replace(mark, op=final.op, move=final.move, change=final.change,
                              new_unit=-1, new_offset=0)
            segs[-1] = replace(final, op=EQUAL, move=0, new_unit=mark.new_unit,
                               new_offset=mark.new_offset)
    else:
        del segs[k]
        merged = replace(final, op=EQUAL, move=0,
                         old_unit=mark.old_unit if new_side else final.old_unit,
                         new_unit=final.new_unit if new_side else mark.new_unit,
                         new_offset=final.new_offset if new_side else mark.new_offset)
        segs[-1] = merged


def _emit_equal(em: _Emitter, ba: _Block, bb: _Block, nu, opos, npos, ci: int,
                options: CompareOptions) -> None:
    """Emit an equal block unit by unit (NEW's text) without tokenising it."""
    if ba.last - ba.first == bb.last - bb.first:
        for k in range(bb.last - bb.first):
            em.emit(EQUAL, nu[bb.first + k].text + PARA, opos, npos, change=ci)
    else:  # equal up to whitespace options but paragraphs differ: fall back to words
        for op, ot, nt in word_diff(ba.text, bb.text, options):
            em.emit({0: EQUAL, -1: DELETE, 1: INSERT}[op], nt if op >= 0 else ot, opos, npos, change=ci)


def _renumbered(a: _Block, b: _Block) -> bool:
    return bool(a.norm and b.norm and a.norm != b.norm)


def _words(text: str) -> int:
    return sum(1 for t in tokens(text) if t[0].isalnum() or t[0] == "_")


def accept_all(comparison: Comparison) -> List[str]:
    """Return NEW's paragraphs as the edit script rebuilds them (equal, inserted and moved-to)."""
    return _rebuild(comparison, (EQUAL, INSERT, MOVE_TO))


def reject_all(comparison: Comparison) -> List[str]:
    """Return OLD's paragraphs as the edit script rebuilds them (equal, deleted, moved-from)."""
    return _rebuild(comparison, (EQUAL, DELETE, MOVE_FROM))


def _rebuild(comparison: Comparison, keep) -> List[str]:
    text = "".join(s.text for s in comparison.segments if s.op in keep)
    paras = text.split(PARA)
    if paras and paras[-1] == "":
        paras.pop()
    return paras
