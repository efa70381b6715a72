"""Return the clause nodes chosen among the candidates by numbering continuity, with parents and parts.

A candidate becomes a clause when its number continues the numbering in force: "4.3" after "4.2",
"4.2.1" under "4.2", "5" after "4.x", "(b)" after "(a)", "(i)" starting a roman list. Inline
candidates (inside a long line) need more: a sentence end before them or a heading after them,
and no jump in the numbering. A "1." after higher numbers restarts the numbering: with a part
heading before it (an exhibit, a schedule...) it opens a new part, at the start of a line it
opens a nested list, and otherwise it is a reference, not a clause. Items of a run-in list
(`runin`) are clauses inside a line too, under the clause open there; the list's last item closes
at its cap, so the clauses after it do not nest under it.

A heading line of its own just above a numbered clause (`Candidate.line_head`) heads a group: in
a numbered document it becomes a "grp" node holding that clause and the clauses numbered after it
(until the next heading line or a higher number); above "N.1" with no clause N it becomes clause
N itself ("DEFINITIONS" over 1.1, 1.2); above a "1." that restarts the numbering it opens a scope.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from redline.segment.candidates import Candidate
from redline.segment.headings import Heading
from redline.segment.numbers import Token
from redline.segment.parts import PartHead

NUMBERED = ("dec", "art")
TITLE_WORDS = re.compile(r"\b(?:agreement|contract|terms and conditions|schedule|statement of work)\b",
                         re.IGNORECASE)
SCOPES = ("dec", "art", "md", "caps")


@dataclass
class Node:
    cand: Candidate
    family: str
    value: Tuple[int, ...]
    norm: Optional[str]
    number: Optional[str]
    parent: Optional[int]
    level: int
    part: int
    heading: Optional[Heading]
    md: int = 0
    children: List[int] = field(default_factory=list)
    key: Optional[tuple] = None
    """For a group heading ("grp"): the numbering key of the clauses it holds."""
    start: Optional[int] = None
    """Where the clause begins when a heading line above its number is its heading."""


@dataclass
class PartStart:
    start: int
    head: Optional[PartHead]


def _starts_child(text: str, pos: int, n: int) -> bool:
    """True when the text at `pos` begins with sub-section "n.1"."""
    head = f"{n}.1"
    if not text.startswith(head, pos):
        return False
    nxt = text[pos + len(head):pos + len(head) + 2]
    return nxt[:1].isspace() or nxt in (". ", ".\n") or nxt[:1] == "."


class TreeBuilder:
    """Feed candidates and part headings in text order; read `nodes` and `parts` at the end."""

    def __init__(self, text: str, *, caps_headings: bool, weak_heads: Sequence[PartHead]) -> None:
        self.text = text
        self.caps_headings = caps_headings
        self.weak = sorted(weak_heads, key=lambda h: h.start)
        self._weak_starts = [h.start for h in self.weak]
        self.nodes: List[Node] = []
        self.stack: List[int] = []
        self.last: Dict[tuple, int] = {}
        self.parts: List[PartStart] = [PartStart(0, None)]
        self.last_top_pos = 0
        self.pending: Optional[Candidate] = None
        """A heading line alone ("Service Levels") waiting for the numbered clause under it."""
        self.group: Optional[Candidate] = None
        self.capped = False
        """True while a clause on the stack is the last item of a run-in list (closed at its cap)."""

    # -- parts ------------------------------------------------------------------------------
    def open_part(self, head: PartHead) -> None:
        if head.start <= self.parts[-1].start:
            return
        if len(self.parts) == 1 and not self.nodes:
            # a label ahead of everything ("EXHIBIT 10.14" on an SEC filing): the document itself
            return
        self.parts.append(PartStart(head.start, head))
        self.stack = []
        self.last = {}
        self.last_top_pos = head.start

    def _weak_head_before(self, pos: int) -> Optional[PartHead]:
        cur = self.parts[-1]
        lo = max(cur.start + 1, cur.head.end if cur.head else 0, self.last_top_pos,
                 self.nodes[-1].cand.pos + 1 if self.nodes else 0)
        i = bisect.bisect_left(self._weak_starts, pos) - 1
        while i >= 0:
            h = self.weak[i]
            if h.start < lo or pos - h.start > 3000:
                break
            if h.end <= pos and pos - h.end <= 1500:
                return h
            i -= 1
        return None

    # -- clauses ----------------------------------------------------------------------------
    def _push(self, cand: Candidate, family: str, value: Tuple[int, ...], norm: Optional[str],
              parent_k: Optional[int], md: int = 0, number: object = False) -> None:
        parent = self.stack[parent_k] if parent_k is not None and parent_k >= 0 else None
        if parent_k is not None and parent_k >= 0:
            del self.stack[parent_k + 1:]
        else:
            self.stack = []
        level = self.nodes[parent].level + 1 if parent is not None else 1
        node = Node(cand, family, value, norm, cand.raw if number is False else number, parent, level,
                    len(self.parts) - 1, cand.heading(self.text), md)
        idx = len(self.nodes)
        self.nodes.append(node)
        if parent is not None:
            self.nodes[parent].children.append(idx)
        self.stack.append(idx)
        if cand.cap is not None:
            self.capped = True
        if parent is None:
            self.last_top_pos = cand.pos

    def _scope_key(self, upto: Optional[int] = None) -> int:
        """The node index of the innermost Markdown/caps heading scope (-1 for the part)."""
        for k in range(len(self.stack) - 1 if upto is None else upto, -1, -1):
            if self.nodes[self.stack[k]].family in ("md", "caps"):
                return self.stack[k]
        return -1

    def add(self, cand: Candidate) -> None:
        pending, self.pending = self.pending, None
        if self.capped:
            for k, idx in enumerate(self.stack):
                cap = self.nodes[idx].cand.cap
                if cap is not None and cap <= cand.pos:
                    del self.stack[k:]  # a run-in list closed by its sentence's end
                    break
            self.capped = any(self.nodes[idx].cand.cap is not None for idx in self.stack)
        if cand.kind == "caps" and cand.line_head and not self.caps_headings:
            self.pending = cand  # decided by the numbered clause that follows it
            return
        h = pending.heading(self.text) if pending is not None else None
        self.group = pending if h is not None and h.body == cand.pos and cand.line_start else None
        try:
            self._add(cand)
        finally:
            self.group = None

    def _add(self, cand: Candidate) -> None:
        if cand.kind == "caps":
            h = cand.heading(self.text)
            if not self.nodes and h is not None and TITLE_WORDS.search(self.text[h.start:h.end]):
                return  # the document's title
            if self.caps_headings:
                self._add_heading(cand, 0, "caps")
            return
        if cand.kind == "md":
            h = cand.heading(self.text)
            if not self.nodes and h is not None and TITLE_WORDS.search(self.text[h.start:h.end]):
                return  # the document's title, not a clause
            self._add_heading(cand, cand.md_level, "md")
            return
        tok = cand.token
        if tok is None:
            return
        if tok.family in ("lL", "lR", "pR") and (cand.line_start or cand.auto):
            # "I. DEFINITIONS", "II. SERVICES": roman top-level sections, read as articles
            roman = tok if tok.family in ("lR", "pR") else (
                Token(tok.alt[0], tok.alt[1], tok.raw, tok.norm) if tok.alt else None)
            if roman is not None and all(self.nodes[k].family in ("md", "caps", "art")
                                         for k in self.stack[:1]) \
                    and cand.heading(self.text) is not None \
                    and (roman.value[0] == 1 or self.last.get((self._scope_pos(), ()), 0) == roman.value[0] - 1):
                cand.token = Token("art", roman.value, tok.raw, str(roman.value[0]))
                self._add_decimal(cand)
                return
        if tok.family in NUMBERED:
            self._add_decimal(cand)
        else:
            self._add_item(cand)

    def _add_heading(self, cand: Candidate, md: int, family: str) -> None:
        k = len(self.stack) - 1
        while k >= 0:
            nd = self.nodes[self.stack[k]]
            if nd.family == "md" and (family == "md" and nd.md < md):
                break
            k -= 1
        h = cand.heading(self.text)
        norm = None
        self._push(cand, family, (), norm, k if k >= 0 else None, md)

    def _add_decimal(self, cand: Candidate) -> None:
        text = self.text
        tok = cand.token
        vals = tok.value
        family = tok.family
        prefix = () if family == "art" else vals[:-1]
        n = vals[-1] if family != "art" else vals[0]
        if not cand.line_start and not cand.auto and family == "dec" and len(vals) == 1 \
                and not tok.raw.endswith("."):
            # inline "4 Your Responsibilities." needs a sentence end before it, a heading after
            # it and the very next number
            last_top = self.last.get((self._scope_pos(), ()), 0)
            if not last_top < vals[0] <= last_top + 2:
                return
            h = cand.heading(text)
            first_child = h is not None and _starts_child(text, h.body, vals[0])
            if not (h is not None and (h.shape == "period" and (cand.prev_ok or first_child)
                                       or h.shape == "caps" and first_child)):
                return  # ("2 SUPPLY OF SERVICES 2.1 The ...": a heading in capitals, then its first sub-clause)
        if not cand.line_start and not cand.auto and not self._may_continue(prefix, n):
            return  # a number inside a line that continues no numbering: a reference
        if family == "dec" and len(vals) == 1 and (cand.line_start or cand.auto):
            # the next item of a nested "1. 2. 3." list wins over the outer numbering
            for k in range(len(self.stack) - 1, -1, -1):
                nd = self.nodes[self.stack[k]]
                if nd.family in SCOPES:
                    break
                if nd.family == "list" and nd.value[0] == vals[0] - 1:
                    self._add_item(cand, as_list=True)
                    return
        heading = cand.heading(text)
        strong = cand.auto or heading is not None
        if cand.line_start and not cand.auto and family == "dec" and len(vals) == 1 \
                and not tok.raw.endswith(".") and heading is None:
            return
        if tok.zero and len(vals) == 1:
            # "1.0 General" under "ARTICLE 1": the article's opening section
            for k in range(len(self.stack) - 1, -1, -1):
                nd = self.nodes[self.stack[k]]
                if nd.family in NUMBERED and nd.value == vals:
                    if (cand.line_start or cand.auto or cand.prev_ok) and not nd.children:
                        self._push(cand, family, vals + (0,), f"{vals[0]}.0", k)
                        self.last[(-1, vals)] = 0
                    return
        # where would it go?
        parent_k: Optional[int] = None
        if prefix:
            for k in range(len(self.stack) - 1, -1, -1):
                nd = self.nodes[self.stack[k]]
                if nd.family in NUMBERED and nd.value == prefix:
                    parent_k = k
                    break
            if parent_k is None and len(prefix) == 1 and n == 1 and cand.line_start:
                parent_k = self._implied_parent(prefix[0], cand.pos)
            if parent_k is None:
                top_key = (self._scope_pos(), ())
                top_last = self.last.get(top_key, 0)
                missing_next = len(prefix) == 1 and prefix[0] == top_last + 1 and n == 1
                continuing = self.last.get((-1, prefix), 0) == n - 1 and n > 1
                if not ((cand.line_start or cand.auto) and strong) \
                        and not (missing_next and strong and cand.prev_ok) \
                        and not (continuing and (strong or cand.prev_ok)):
                    return
                if len(prefix) == 1 and prefix[0] > top_last and (missing_next or continuing):
                    self.last[top_key] = prefix[0]  # the number its missing parent would have had
                # an implied parent: hang it under the deepest open number it extends
                for k in range(len(self.stack) - 1, -1, -1):
                    nd = self.nodes[self.stack[k]]
                    if nd.family in NUMBERED and vals[:len(nd.value)] == nd.value \
                            and len(nd.value) < len(vals):
                        parent_k = k
                        break
                if parent_k is None:
                    parent_k = self._scope_index()
        else:
            parent_k = self._scope_index()
        scope = self.nodes[self.stack[parent_k]].cand.pos if parent_k is not None and parent_k >= 0 \
            and not prefix else -1
        key = (scope, prefix)
        last = self.last.get(key, 0)
        if n == 1 and not prefix:
            head = self._weak_head_before(cand.pos)
            if head is not None and (last >= 1 or len(self.parts) > 1 or self.nodes):
                self.open_part(head)
                self._push(cand, family, (1,) if family == "art" else vals, tok.norm, None)
                self.last[((-1), ())] = 1
                return
        adjacent = False
        if parent_k is not None and parent_k >= 0:
            ph = self.nodes[self.stack[parent_k]].heading
            adjacent = ph is not None and ph.body == cand.pos
        placed = cand.line_start or cand.auto
        if not placed and not prefix and heading is not None and _starts_child(text, heading.body, n):
            adjacent = True  # "7 Term; Termination. 7.1 Term. ...": its first sub-section follows
        soft = placed or cand.prev_ok or adjacent or heading is not None \
            or (tok.raw.endswith(".") and not cand.prev_alpha)
        ok = False
        if n == last + 1:
            ok = soft
        elif n == last and last > 0:
            ok = placed and strong
        elif last + 1 < n <= last + 3:
            ok = (strong and (placed or cand.prev_ok or adjacent or not cand.prev_alpha)) \
                or (n == last + 2 and (cand.prev_ok or adjacent or placed))
        elif last == 0 and n > 1:
            ok = placed and strong and n % 1000 <= 9
        elif n == 1 and not prefix and last >= 1:
            if placed and self.group is not None:
                # numbering restarting under a heading line of its own: the heading opens a scope
                self._push(self.group, "caps", (), None, parent_k)
                self.group = None
                self._push(cand, family, vals, tok.norm, len(self.stack) - 1)
                self.last[(self.nodes[self.stack[-2]].cand.pos, ())] = n
                return
            if placed:
                self._add_item(cand, as_list=True)
            return
        if not ok and placed and not prefix and last == 0 and n > 1 and parent_k is not None and parent_k >= 0:
            # "Fees\n3. The Client shall pay ...": the numbering goes on under a heading line
            sc = self.nodes[self.stack[parent_k]]
            h = sc.heading
            outer = self._scope_index(parent_k - 1) if parent_k > 0 else None
            opos = self.nodes[self.stack[outer]].cand.pos if outer is not None else -1
            ok = sc.cand.line_head and not sc.children and h is not None and h.body == cand.pos \
                and self.last.get((opos, ()), 0) == n - 1
        if not ok:
            return
        below = (parent_k + 1) if parent_k is not None and parent_k >= 0 else 0
        if self.group is not None and self.nodes and self.nodes[-1].part == len(self.parts) - 1:
            # a heading line of its own above a numbered clause: the heading of a group
            self._push(self.group, "grp", (), None, parent_k)
            self.nodes[self.stack[-1]].key = key
            parent_k = len(self.stack) - 1
        elif below < len(self.stack) and self.nodes[self.stack[below]].family == "grp" \
                and self.nodes[self.stack[below]].key == key:
            parent_k = below  # the next clause of a group under a heading line
        self.group = None
        self._push(cand, family, vals, tok.norm, parent_k)
        self.last[key] = n
        if not prefix and parent_k is not None and parent_k >= 0:
            sc = self.nodes[self.stack[parent_k]]
            if sc.family == "caps" and sc.cand.line_head:
                # the numbering under a heading line may go on under the next one
                outer = self._scope_index(parent_k - 1) if parent_k > 0 else None
                self.last[(self.nodes[self.stack[outer]].cand.pos if outer is not None else -1, ())] = n
        if family == "art":
            self.last[(scope, ())] = n

    def finish(self) -> None:
        """Give a heading line that heads just one clause without a heading to that clause.

        "Fees\n3. The Client shall pay ...": clause 3 is headed "Fees" (its span starts at the
        heading line), rather than a group "Fees" holding clause 3 alone.
        """
        nodes = self.nodes
        drop = set()
        for i, g in enumerate(nodes):
            h = g.heading
            if g.family not in ("grp", "caps") or not g.cand.line_head or len(g.children) != 1 \
                    or h is None:
                continue
            c = nodes[g.children[0]]
            if c.family not in NUMBERED or c.heading is not None or c.cand.pos != h.body \
                    or not c.cand.line_start:
                continue
            drop.add(i)
            c.start = g.cand.pos
            c.heading = Heading(h.start, h.end, c.cand.body, "line")
            c.parent = g.parent
            if g.parent is not None:
                sib = nodes[g.parent].children
                sib[sib.index(i)] = g.children[0]
            todo = [g.children[0]]
            while todo:
                k = todo.pop()
                nodes[k].level -= 1
                todo.extend(nodes[k].children)
        if not drop:
            return
        new_index = {}
        kept = []
        for i, nd in enumerate(nodes):
            if i not in drop:
                new_index[i] = len(kept)
                kept.append(nd)
        for nd in kept:
            nd.parent = new_index[nd.parent] if nd.parent is not None else None
            nd.children = [new_index[k] for k in nd.children]
        self.nodes = kept
        self.stack = []

    def _may_continue(self, prefix: Tuple[int, ...], n: int) -> bool:
        """False when a number inside a line ("4.2", "5.") can continue no numbering in force."""
        if not prefix:
            last = self.last.get((self._scope_pos(), ()), 0)
            return n == 1 or last < n <= last + 3
        for k in range(len(self.stack) - 1, -1, -1):
            nd = self.nodes[self.stack[k]]
            if nd.family in NUMBERED and nd.value == prefix:
                last = self.last.get((-1, prefix), 0)
                return last < n <= last + 3
        top_last = self.last.get((self._scope_pos(), ()), 0)
        return (len(prefix) == 1 and n == 1 and prefix[0] == top_last + 1) \
            or (n > 1 and self.last.get((-1, prefix), 0) == n - 1)

    def _implied_parent(self, n: int, pos: int) -> Optional[int]:
        """Return the stack index of clause `n` made from the heading line above "n.1", or None."""
        text = self.text
        if self.group is not None:
            k = self._scope_index()
            scope = self.nodes[self.stack[k]].cand.pos if k is not None else -1
            if self.last.get((scope, ()), 0) != n - 1:
                return None
            self._push(self.group, "dec", (n,), str(n), k, number=None)
            self.group = None
            self.last[(scope, ())] = n
            return len(self.stack) - 1
        if not self.stack:
            return None
        top = self.nodes[self.stack[-1]]
        h = top.heading
        if top.family != "caps" or top.children or h is None or h.body != pos or not top.cand.line_head:
            return None
        k = self._scope_index(len(self.stack) - 2) if len(self.stack) > 1 else None
        scope = self.nodes[self.stack[k]].cand.pos if k is not None else -1
        if self.last.get((scope, ()), 0) != n - 1:
            return None
        # "DEFINITIONS" above "1.1 ...": the heading of clause 1, whose number is not written
        top.family, top.value, top.norm, top.number = "dec", (n,), str(n), None
        self.last[(scope, ())] = n
        return len(self.stack) - 1

    def _scope_pos(self) -> int:
        k = self._scope_index()
        return self.nodes[self.stack[k]].cand.pos if k is not None else -1

    def _scope_index(self, upto: Optional[int] = None) -> Optional[int]:
        for k in range(len(self.stack) - 1 if upto is None else upto, -1, -1):
            if self.nodes[self.stack[k]].family in ("md", "caps"):
                return k
        return None

    def _add_item(self, cand: Candidate, as_list: bool = False) -> None:
        tok = cand.token
        text = self.text
        if not cand.line_start and not cand.auto:
            if cand.runin:
                if not self.stack:
                    return  # a list in a preamble ("between (1) ... and (2) ..."), not clauses
            elif not cand.prev_ok or cand.heading(text) is None:
                return
        readings = [("list", tok.value)] if as_list else [(tok.family, tok.value)]
        if tok.alt and not as_list:
            readings.append(tok.alt)
        # the items open in the current numbered scope
        k = len(self.stack) - 1
        items: List[int] = []
        while k >= 0:
            nd = self.nodes[self.stack[k]]
            if nd.family in SCOPES:
                break
            items.append(k)
            k -= 1

        def sibling(fam: str, v: int, exact: bool) -> Optional[int]:
            for kk in items:
                nd = self.nodes[self.stack[kk]]
                if nd.family == fam and (nd.value[0] == v - 1 if exact else True):
                    return kk
            return None

        choice = None
        for fam, val in readings:
            kk = sibling(fam, val[0], True)
            if kk is not None:
                choice = (fam, val, kk)
                break
        if choice is None:
            for fam, val in readings[1:] + readings[:1]:
                if val[0] == 1:
                    choice = (fam, val, None)
                    break
        if choice is None:
            for fam, val in readings:
                kk = sibling(fam, val[0], False)
                if kk is not None:
                    choice = (fam, val, kk)
                    break
        if choice is None:
            fam, val = readings[0]
            choice = (fam, val, None)
        fam, val, kk = choice
        if kk is None and cand.auto and cand.level_hint is not None:
            # a new list at the Word level of an open one: its sibling, not its child
            for k2 in items:
                nd = self.nodes[self.stack[k2]]
                if nd.cand.auto and nd.cand.level_hint == cand.level_hint:
                    kk = k2
        norm = tok.norm
        if fam in ("pr", "pR", "lr", "lR") and tok.family not in ("pr", "pR", "lr", "lR"):
            norm = tok.norm  # same letters, read as a roman numeral
        if kk is not None:
            parent_k = kk - 1
        else:
            parent_k = len(self.stack) - 1
        self._push(cand, fam, val, norm, parent_k if parent_k >= 0 else None)
