"""Return word-level diffs: tokens, diff-match-patch over words mapped to characters, snapped.

Used by every tracked-change writer (the redline, Compare) through `redline.export.ooxml`, which
re-exports `tokenize` and `word_diff`.
"""

from __future__ import annotations

import re
from typing import Dict, Hashable, Iterable, List, Tuple

Op = Tuple[int, str]

_TOKEN = re.compile(r"\d+(?:[.,/:]\d+)*(?![\w])|\w+(?:['\u2019\-]\w+)*|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> List[str]:
    """Return `text` as word, number ("1,100", "99.9", "4.2"), whitespace-run and punctuation
    tokens ("".join gives it back)."""
    return _TOKEN.findall(text)


def keys_to_chars(keys: Iterable[Hashable], table: Dict[Hashable, str]) -> str:
    """Return one character per key (equal keys, equal characters), adding new keys to `table`.

    diff-match-patch diffs characters; mapping words, lines or clause keys to characters lets it
    diff those instead. Characters are taken from U+10000 on, so none is a surrogate.
    """
    out = []
    for k in keys:
        c = table.get(k)
        if c is None:
            c = table[k] = chr(0x10000 + len(table))
        out.append(c)
    return "".join(out)


def _to_chars(a: List[str], b: List[str]) -> Tuple[str, str, List[str]]:
    table: Dict[Hashable, str] = {}
    ca, cb = keys_to_chars(a, table), keys_to_chars(b, table)
    return ca, cb, list(table)


def word_diff(old: str, new: str, *, timeout: float = 0.0) -> List[Op]:
    """Return diff ops [(op, text)] turning `old` into `new`, changes on whole words.

    Words are mapped to characters, diffed with diff-match-patch, cleaned up semantically, and
    whitespace or single punctuation left alone between two changes is folded into them, so the
    result reads as "delete these words, insert those" rather than character soup.
    """
    from diff_match_patch import diff_match_patch

    if old == new:
        return [(0, old)] if old else []
    ta, tb = tokenize(old), tokenize(new)
    ca, cb, back = _to_chars(ta, tb)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(ca, cb, False)
    dmp.diff_cleanupSemantic(diffs)
    ops = [(op, "".join(back[ord(c) - 0x10000] for c in chunk)) for op, chunk in diffs]
    return _snap(ops)


def _is_glue(text: str) -> bool:
    return text.isspace() or (len(text.strip()) <= 1 and not any(ch.isalnum() for ch in text))


def _is_islet(text: str, ops: List[Op], i: int) -> bool:
    """True for a word or two left standing between changes much longer than it ("for"/"or")."""
    if len(text) > 12 or len(re.findall(r"\w+", text)) > 2:
        return False

    def group(k: int, step: int) -> int:
        longest = 0
        while 0 <= k < len(ops) and ops[k][0] != 0:
            longest = max(longest, len(ops[k][1]))
            k += step
        return longest

    return max(group(i - 1, -1), group(i + 1, 1)) >= 40


def _snap(ops: List[Op]) -> List[Op]:
    """Fold short glue between changes into them; merge neighbours of the same kind."""
    changed = True
    while changed:
        changed = False
        out: List[Op] = []
        i = 0
        while i < len(ops):
            op, text = ops[i]
            if (op == 0 and 0 < i < len(ops) - 1 and ops[i - 1][0] != 0 and ops[i + 1][0] != 0
                    and (_is_glue(text) or _is_islet(text, ops, i))):
                out.append((-1, text))
                out.append((1, text))
                changed = True
            else:
                out.append((op, text))
            i += 1
        ops = _merge(out)
    return _merge(_balance(ops))


_PAIRS = {"(": ")", "[": "]", "{": "}", "\u201c": "\u201d"}


def _balance(ops: List[Op]) -> List[Op]:
    """Move a closing (opening) bracket next to a change into it when the change opened (closed) it.

    "thirty (30) days" -> "forty-five (45) days" then reads as "thirty (30)" replaced by
    "forty-five (45)", not "thirty (30" replaced by "forty-five (45". Works on merged ops
    (each change group is one delete and/or one insert).
    """
    groups: List[list] = []  # [kind, del_text, ins_text] with kind "eq" or "chg"
    for op, text in _merge(ops):
        if op == 0:
            groups.append(["eq", text, text])
        elif groups and groups[-1][0] == "chg":
            groups[-1][1 if op < 0 else 2] += text
        else:
            groups.append(["chg", text if op < 0 else "", text if op > 0 else ""])
    for i, g in enumerate(groups):
        if g[0] != "chg":
            continue
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if nxt is not None and nxt[1]:
            for opening, closing in _PAIRS.items():
                if (nxt[1][0] == closing and g[1].count(opening) > g[1].count(closing)
                        and g[2].count(opening) > g[2].count(closing)):
                    g[1] += closing
                    g[2] += closing
                    nxt[1] = nxt[2] = nxt[1][1:]
                    break
        prev = groups[i - 1] if i > 0 else None
        if prev is not None and prev[0] == "eq" and prev[1]:
            for opening, closing in _PAIRS.items():
                if (prev[1][-1] == opening and g[1].count(closing) > g[1].count(opening)
                        and g[2].count(closing) > g[2].count(opening)):
                    g[1] = opening + g[1]
                    g[2] = opening + g[2]
                    prev[1] = prev[2] = prev[1][:-1]
                    break
    out: List[Op] = []
    for kind, d, ins in groups:
        if kind == "eq":
            out.append((0, d))
        else:
            out.append((-1, d))
            out.append((1, ins))
    return [(op, t) for op, t in out if t]


def _merge(ops: List[Op]) -> List[Op]:
    """Return ops with each change group as one delete then one insert."""
    out: List[Op] = []
    dels: List[str] = []
    ins: List[str] = []

    def flush() -> None:
        if dels:
            out.append((-1, "".join(dels)))
        if ins:
            out.append((1, "".join(ins)))
        dels.clear()
        ins.clear()

    for op, text in ops:
        if not text:
            continue
        if op == 0:
            flush()
            if out and out[-1][0] == 0:
                out[-1] = (0, out[-1][1] + text)
            else:
                out.append((0, text))
        elif op < 0:
            dels.append(text)
        else:
            ins.append(text)
    flush()
    return out
