"""Return an `Agreement` segmented from a `Document`: parts, clauses with exact spans, furniture, blocks.

    segment(document) -> Agreement

Steps: page furniture is set aside (`redline.furniture`); clause candidates are collected
(`candidates`), run-in lists among them found (`runin`), and chosen by numbering continuity
(`tree`), which also opens a new part where the numbering restarts after an exhibit/schedule
heading (`parts`); signature blocks, tables and redaction notes are recognised (`blocks`); spans
are closed so that every character that is not furniture lies in exactly one part preamble or one
clause's own text (the coverage rule). A clause's own text is the run before its first child
(its children reach its end): the words after a run-in list stay in the list's last item.

`Clause.kind` says what a clause is: "item" for an unheaded item of a run-in list ("7.2(a)"), "heading" for
a heading line of its own that heads the clauses below it ("Service Levels" above clauses 4 and 5,
or "DEFINITIONS" above 1.1 and 1.2, which becomes clause 1 with no number written), else "clause".
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from redline import furniture as _furniture
from redline.model import Agreement, Block, Clause, Document, Furniture, Part
from redline.progress import check
from redline.segment import blocks as _blocks
from redline.segment import candidates as _candidates
from redline.segment import parts as _parts
from redline.segment import runin as _runin
from redline.segment import title as _title
from redline.segment.tree import NUMBERED, Node, PartStart, TreeBuilder

__all__ = ["segment"]

_FURNITURE_PAGE = ("running_header", "page_number")


def segment(document: Document, *, progress=None) -> Agreement:
    """Return the `Agreement` segmented from `document`."""
    text = document.text
    check(progress)
    furn = _furniture.find(text)
    mask = _candidates.FurnitureMask([(f.start, f.end) for f in furn])
    lines = _candidates.Lines(text)
    line_spans = lines.spans()
    toc = _candidates.toc_lines(text, lines) if len(lines.starts) > 1 else set()
    cands = _runin.mark(text, _candidates.find(document, lines, mask, toc), mask.at)
    check(progress)

    numbered_lines = {lines.starts[lines.index(c.pos)] for c in cands
                      if c.line_start and c.token is not None and c.token.family in NUMBERED}
    numbered_doc = False
    seen = 0
    for c in cands:
        if c.line_start and c.token is not None and c.token.family in NUMBERED \
                and c.heading(text) is not None:
            seen += 1
            if seen >= 3:
                numbered_doc = True
                break
    line_heads = _parts.line_headings(text, line_spans, mask.covers,
                                      lambda s: s in numbered_lines or s in toc)
    inline_heads = _parts.inline_headings(text, line_spans, mask.spans)
    strong = sorted(line_heads + [h for h in inline_heads if h.strong and not h.in_furniture],
                    key=lambda h: h.start)
    weak = [h for h in inline_heads if not (h.strong and not h.in_furniture)]

    builder = TreeBuilder(text, caps_headings=not numbered_doc, weak_heads=weak)
    hi = 0
    cur_head_end = -1
    for c in cands:
        while hi < len(strong) and strong[hi].start <= c.pos:
            builder.open_part(strong[hi])
            cur_head_end = max(cur_head_end, strong[hi].end)
            hi += 1
        if c.pos < cur_head_end:
            continue
        builder.add(c)
    while hi < len(strong):
        builder.open_part(strong[hi])
        hi += 1
    builder.finish()
    check(progress)
    return _assemble(document, furn, lines, builder)


def _assemble(document: Document, furn: List[Furniture], lines, builder: TreeBuilder) -> Agreement:
    text = document.text
    n = len(text)
    nodes = builder.nodes
    node_start = [nd.cand.pos if nd.start is None else nd.start for nd in nodes]
    starts: List[PartStart] = list(builder.parts)
    title = _title.find(text, lines.spans(), furn, document.path)

    # a cover memo ahead of the paginated agreement
    cover_end = None
    if starts and starts[0].head is None:
        part0_first = next((node_start[i] for i, nd in enumerate(nodes) if nd.part == 0), None)
        limit = part0_first if part0_first is not None else (starts[1].start if len(starts) > 1 else n)
        for f in furn:
            if f.start >= limit:
                break
            if f.kind in _FURNITURE_PAGE:
                body = text[:f.start]
                chars = len("".join(body.split()))
                chrome = sum(g.end - g.start for g in furn if g.end <= f.start)
                if chars - chrome >= 300:
                    cover_end = f.start
                break

    # parts
    part_specs: List[Tuple[str, str, str, int]] = []  # id, title, kind, start
    used: Dict[str, int] = {}

    def unique(pid: str) -> str:
        if pid not in used:
            used[pid] = 1
            return pid
        used[pid] += 1
        return f"{pid}-{used[pid]}"

    if cover_end is not None:
        memo = re.search(r"\bmemo(?:randum)?\b", text[:cover_end], re.IGNORECASE)
        part_specs.append((unique("cover"), "Cover memo" if memo else "Cover page", "cover", 0))
    part_index_map: List[int] = []
    for i, ps in enumerate(starts):
        if ps.head is None:
            pid, ptitle, kind = unique("main"), title, "main"
            start = cover_end if (i == 0 and cover_end is not None) else ps.start
        else:
            ptitle = ps.head.title
            kind = ps.head.kind
            pid = unique(_parts.slug(ptitle, kind, re.findall(r"[a-z0-9]+", title.lower())))
            start = ps.start
        part_index_map.append(len(part_specs))
        part_specs.append((pid, ptitle, kind, start))
    parts: List[Part] = []
    for k, (pid, ptitle, kind, start) in enumerate(part_specs):
        end = part_specs[k + 1][3] if k + 1 < len(part_specs) else n
        parts.append(Part(pid, ptitle, kind, start, end))

    # blocks
    mask = _candidates.FurnitureMask([(f.start, f.end) for f in furn])
    clause_starts = set(node_start) | {p.start for p in parts}
    line_spans = lines.spans()
    starts_by_line = {lines.starts[lines.index(p)] for p in clause_starts}
    sig = _blocks.signatures(text, line_spans, mask.covers, lambda s: s in starts_by_line)
    long_lines = [(s, e) for s, e in line_spans if e - s >= _furniture.LONG_LINE]
    if long_lines:
        bounds = sorted(clause_starts | {f.start for f in furn} | {n})

        def next_boundary(pos: int) -> int:
            import bisect
            return bounds[bisect.bisect_left(bounds, pos)]

        sig = sorted(sig + _blocks.inline_signatures(text, long_lines, next_boundary))
    tabs = _blocks.tables(text, line_spans, document)
    reds = _blocks.redaction_notes(text, line_spans, furn)

    def part_at(pos: int) -> int:
        lo, hi = 0, len(parts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if parts[mid].start <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    block_list = [Block("signature", parts[part_at(s)].id, s, e) for s, e in sig]
    block_list += [Block("table", parts[part_at(s)].id, s, e) for s, e in tabs]
    block_list += [Block("redaction", parts[part_at(s)].id, s, e) for s, e in reds]
    block_list.sort(key=lambda b: (b.start, b.end))

    # clause ends: the next clause at the same or a higher level, the part's end, or a signature
    # block that closes the part's last top-level clause
    node_part = [part_index_map[nd.part] for nd in nodes]
    ends = [0] * len(nodes)
    cuts = sorted(s for s, _ in sig)
    ci = 0
    open_: List[int] = []
    for i, nd in enumerate(nodes):
        pos = node_start[i]
        while ci < len(cuts) and cuts[ci] <= pos:
            x = cuts[ci]
            ci += 1
            if open_ and node_part[open_[0]] == part_at(x) and (nd.level == 1 or node_part[i] != part_at(x)) \
                    and x > node_start[open_[-1]]:
                while open_:
                    ends[open_.pop()] = x
        while open_ and (node_part[open_[-1]] != node_part[i] or nodes[open_[-1]].level >= nd.level):
            j = open_.pop()
            ends[j] = pos if node_part[j] == node_part[i] else parts[node_part[j]].end
        open_.append(i)
    while ci < len(cuts) and open_:
        x = cuts[ci]
        ci += 1
        if node_part[open_[0]] == part_at(x) and x > node_start[open_[-1]]:
            while open_:
                ends[open_.pop()] = x
    while open_:
        j = open_.pop()
        ends[j] = parts[node_part[j]].end

    # ids
    keys: List[str] = []
    seen: Dict[str, int] = {}
    ids: List[str] = []
    for i, nd in enumerate(nodes):
        key = _key(nd, keys[nd.parent] if nd.parent is not None else None, text)
        keys.append(key)
        cid = f"{parts[node_part[i]].id}/{key}"
        if cid in seen:
            seen[cid] += 1
            cid = f"{cid}~{seen[cid]}"
        else:
            seen[cid] = 1
        ids.append(cid)

    clauses: List[Clause] = []
    for i, nd in enumerate(nodes):
        h = nd.heading
        heading = " ".join(text[h.start:h.end].split()) if h is not None and h.end > h.start else None
        body = h.body if h is not None else nd.cand.body
        start = node_start[i]
        end = max(ends[i], start)
        body = min(max(body, start), end)
        kind = "item" if nd.cand.runin and h is None else ("heading" if nd.family == "grp" or (
            nd.family == "dec" and nd.number is None and not nd.cand.auto) else "clause")
        clauses.append(Clause(
            id=ids[i], part=parts[node_part[i]].id, number=nd.number,
            norm=nd.norm, heading=heading, level=nd.level,
            parent=ids[nd.parent] if nd.parent is not None else None,
            start=start, end=end, body_start=body,
            children=tuple(ids[c] for c in nd.children), kind=kind))
    redaction_marks = tuple(_furniture.redactions(text))
    return Agreement(document=document, title=title, parts=tuple(parts), clauses=tuple(clauses),
                     furniture=tuple(furn), blocks=tuple(block_list), redactions=redaction_marks)


def _key(nd: Node, parent_key: Optional[str], text: str) -> str:
    if nd.family in NUMBERED:
        return nd.norm or "?"
    if nd.family in ("md", "caps", "grp"):
        h = nd.heading
        words = re.findall(r"[a-z0-9]+", text[h.start:h.end].lower()) if h else []
        return "-".join(words[:5]) or "heading"
    inner = f"({nd.norm})"
    return f"{parent_key}{inner}" if parent_key else inner
