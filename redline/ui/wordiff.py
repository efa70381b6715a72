"""Word-level differences for the app's views: pieces of two texts, each tagged equal/insert/delete.

Words (and the spaces between them) are mapped to single characters so that diff-match-patch
compares words, not letters; the pieces come back with their offsets in both texts. Pure Python:
no Qt, so it is easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]")

EQUAL, INSERT, DELETE = 0, 1, -1


@dataclass(frozen=True)
class Piece:
    """One run of a word diff."""

    op: int
    """0 equal, 1 only in the new text, -1 only in the old text."""
    text: str
    old_start: int
    """Offset in the old text (for insertions: where they would go)."""
    new_start: int
    """Offset in the new text (for deletions: where they were)."""


def tokens(text: str) -> List[str]:
    """Return `text` split into words, runs of whitespace and single punctuation marks."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str, *, timeout: float = 1.0) -> List[Piece]:
    """Return the word-level diff turning `old` into `new`, as pieces in reading order."""
    table: Dict[str, str] = {}

    def encode(words: List[str]) -> str:
        out = []
        for w in words:
            code = table.get(w)
            if code is None:
                code = chr(0xE000 + len(table)) if len(table) < 6400 else chr(0xF0000 + len(table))
                table[w] = code
            out.append(code)
        return "".join(out)

    old_words, new_words = tokens(old), tokens(new)
    if "".join(old_words) != old or "".join(new_words) != new:  # tokenising must be lossless
        old_words, new_words = list(old), list(new)
    a, b = encode(old_words), encode(new_words)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    decode = {v: k for k, v in table.items()}
    pieces: List[Piece] = []
    oi = ni = 0
    for op, chunk in diffs:
        text = "".join(decode[c] for c in chunk)
        pieces.append(Piece(op, text, oi, ni))
        if op != INSERT:
            oi += len(text)
        if op != DELETE:
            ni += len(text)
    return pieces


def changed_spans(old: str, new: str, *, timeout: float = 1.0) -> List[Tuple[int, int]]:
    """Return the spans of `new` whose words are not in `old` (whitespace-only runs left out)."""
    out: List[Tuple[int, int]] = []
    for p in word_diff(old, new, timeout=timeout):
        if p.op == INSERT and p.text.strip():
            start = p.new_start + (len(p.text) - len(p.text.lstrip()))
            end = p.new_start + len(p.text.rstrip())
            out.append((start, end))
    return out
