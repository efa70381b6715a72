"""Return a Compare report after writing OLD -> NEW as a Word document with tracked changes.

The document is NEW's text with tracked changes that turn OLD into NEW: rejecting every change
gives OLD's compared text, accepting every change gives NEW's (see `redline.compare` for what the
compared text is: furniture left out on both sides, paragraphs, clause starts).

- When NEW is a .docx its own package is the output: styles, numbering, headers, section
  settings and every paragraph that did not change are kept as they are (tracked changes it
  carried are accepted first). A changed paragraph is marked up on its own runs, so its
  formatting, fields, hyperlinks and pictures stay; only where its text and the compared text
  differ in more than the changes (joined furniture) or words moved in from elsewhere is it
  rebuilt from its words, each keeping the formatting of the run it came from. Paragraphs of NEW's that are not compared (furniture)
  stay untouched. Words only OLD had borrow the formatting of the NEW words beside them.
- Otherwise (NEW is .txt, .md or .pdf) a new document holds one paragraph per compared paragraph.
- Moved clauses are Word moves (w:moveFrom/w:moveTo inside one named range each); with
  ``moves=False`` they are a deletion and an insertion, each with a comment naming where the
  clause went or came from.

All w:ins/w:del/move XML comes from `redline.export.ooxml`; this module only lays it out.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from redline.compare import (DELETE, EQUAL, INSERT, MOVE_FROM, MOVE_TO, PARA, ClauseChange,
                             CompareOptions, Comparison, compare)
from redline.outputs import atomic_path, check_target
from redline.progress import check

_OLD_SIDE = (DELETE, MOVE_FROM)
_NEW_SIDE = (EQUAL, INSERT, MOVE_TO)


@dataclass(frozen=True)
class CompareReport:
    """What `compare_paths` did: the counts, each clause change, and the file written."""

    old: str
    new: str
    output: str
    summary: Dict[str, int]
    """Clauses changed, inserted, deleted, moved and renumbered."""
    changes: Tuple[ClauseChange, ...]
    """Every clause that is not equal, with its ids in OLD and NEW."""
    tracked_changes: int = 0
    """Tracked-change marks written (w:ins, w:del, moves, paragraph marks)."""
    comments: int = 0
    accepted_in_old: int = 0
    """Tracked changes OLD carried, accepted before comparing."""
    accepted_in_new: int = 0
    kept_new_formatting: bool = False
    """True when NEW's own .docx was kept (styles, numbering)."""
    notes: Tuple[str, ...] = ()

    @property
    def differs(self) -> bool:
        return any(self.summary.values()) or any(c.kind != "equal" for c in self.changes)

    def to_json(self) -> dict:
        """Return the report as JSON-ready data."""
        return {
            "old": self.old,
            "new": self.new,
            "output": self.output,
            "summary": dict(self.summary),
            "differs": self.differs,
            "tracked_changes": self.tracked_changes,
            "comments": self.comments,
            "tracked_changes_in_inputs": {"old": self.accepted_in_old, "new": self.accepted_in_new},
            "kept_new_formatting": self.kept_new_formatting,
            "notes": list(self.notes),
            "changes": [
                {"kind": c.kind, "old": c.old, "new": c.new, "old_number": c.old_number,
                 "new_number": c.new_number, "renumbered": c.renumbered, "move": c.move or None,
                 "inserted_words": c.inserted_words, "deleted_words": c.deleted_words}
                for c in self.changes
            ],
        }


def compare_paths(old, new, out, *, author: str, moves: bool = True, ignore_case: bool = False,
                  ignore_whitespace: bool = False, force: bool = False,
                  progress=None) -> CompareReport:
    """Compare the agreements at `old` and `new`, write the tracked-change .docx to `out`."""
    check_target(out, force=force, inputs=[old, new])
    a = _read_agreement(old, progress)
    check(progress)
    b = _read_agreement(new, progress)
    options = CompareOptions(ignore_case=ignore_case, ignore_whitespace=ignore_whitespace, moves=True)
    comparison = compare(a, b, options, progress=progress)
    check(progress)
    document, stats = write_comparison(comparison, a, b, author=author, moves=moves)
    check(progress)
    with atomic_path(out, force=force, inputs=[old, new]) as tmp:
        document.save(str(tmp))
    summary = comparison.summary()
    notes = list(stats["notes"])
    accepted_old = a.document.tracked_changes_in_input
    accepted_new = b.document.tracked_changes_in_input or stats["accepted"]
    for path, n in ((old, accepted_old), (new, accepted_new)):
        if n:
            notes.append(f"{path} carried {n} tracked changes; they were accepted before comparing")
    return CompareReport(old=str(old), new=str(new), output=str(out), summary=summary,
                         changes=tuple(c for c in comparison.changes if c.kind != "equal"),
                         tracked_changes=stats["changes"], comments=stats["comments"],
                         accepted_in_old=accepted_old, accepted_in_new=accepted_new,
                         kept_new_formatting=stats["kept"], notes=tuple(notes))


def _read_agreement(path, progress):
    """Return the Agreement at `path`: `redline.api.read_agreement`'s two steps (read, segment).

    Done here without importing `redline.api`, which loads every analysis stage (topics, review,
    playbook, key terms): a third of a small Compare's time went to start-up.
    """
    if "redline.api" in sys.modules:
        return sys.modules["redline.api"].read_agreement(path, progress=progress)
    from redline import segment
    from redline.ingest import read_document

    document = read_document(path)
    check(progress)
    return segment.segment(document, progress=progress)


# ---------------------------------------------------------------------------------------------
# Laying the edit script out as paragraphs


@dataclass
class _Group:
    """One output paragraph: its segments (text) and the segment of its paragraph mark."""

    segments: List = field(default_factory=list)
    mark: Optional[object] = None


def _groups(comparison: Comparison) -> List[_Group]:
    out: List[_Group] = []
    cur = _Group()
    for seg in comparison.segments:
        if seg.text == PARA:
            cur.mark = seg
            out.append(cur)
            cur = _Group()
        else:
            cur.segments.append(seg)
    if cur.segments:
        out.append(cur)
    return out


def write_comparison(comparison: Comparison, old_agreement, new_agreement, *, author: str,
                     moves: bool = True, date: Optional[str] = None):
    """Return (python-docx Document, stats) holding `comparison` as tracked changes.

    stats: {"changes", "comments", "accepted", "kept", "notes"}.
    """
    import docx

    from redline.export import ooxml

    notes: List[str] = []
    kept = False
    accepted = 0
    layout = None
    nd = new_agreement.document
    if nd.kind == "docx" and nd.paragraphs:
        try:
            document = docx.Document(nd.path)
        except Exception:  # noqa: BLE001 - read once already; fall back to a plain document
            document = None
        if document is not None:
            body = document.element.body
            accepted = ooxml.accept_all(body)
            layout = _DocxLayout.build(body, comparison, nd)
            if layout is None:
                notes.append("NEW's paragraphs could not be matched to its text; "
                             "the comparison was written as a plain document")
            else:
                kept = True
    if layout is None:
        document = docx.Document()
        body = document.element.body
        for child in list(body):
            if child.tag != ooxml.qn("w:sectPr"):
                body.remove(child)
        layout = _PlainLayout(body)
    tr = ooxml.Tracker.for_document(document, author, date)
    writer = _Writer(tr, document, comparison, layout, moves=moves)
    writer.run()
    _set_properties(document, tr.author, fresh=not kept)
    return document, {"changes": tr.changes, "comments": tr.comments, "accepted": accepted,
                      "kept": kept, "notes": notes}


def _set_properties(document, author: str, *, fresh: bool) -> None:
    """Set the document's properties: the author; nothing internal (no tool names, no paths)."""
    import datetime as _dt

    cp = document.core_properties
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.last_modified_by = author
    cp.modified = now
    if fresh or "python-docx" in (cp.author or ""):
        cp.author = author
        cp.created = now
        cp.revision = 1
    for name in ("title", "subject", "comments", "keywords", "category"):
        value = getattr(cp, name, "") or ""
        if fresh or "python-docx" in value:
            setattr(cp, name, "")


class _PlainLayout:
    """Paragraphs appended to an empty body, no formatting kept."""

    def __init__(self, body) -> None:
        from redline.export import ooxml

        self.body = body
        self.sect = body.find(ooxml.qn("w:sectPr"))

    def paragraph_for(self, group: _Group, next_new: Optional[int]):
        from redline.export import ooxml

        p = ooxml.OxmlElement("w:p")
        if self.sect is not None:
            self.sect.addprevious(p)
        else:
            self.body.append(p)
        return p

    def runs_for(self, seg, text: str):
        return [(text, None)]

    def finish(self) -> None:
        pass


class _DocxLayout:
    """NEW's own body: unchanged paragraphs kept, changed ones rewritten in place."""

    def __init__(self, body, paras, units, sources) -> None:
        self.body = body
        self.paras = paras
        self.units = units
        self.sources = sources
        self.last_rpr = None
        self.run_cache: Dict[int, list] = {}

    @classmethod
    def build(cls, body, comparison: Comparison, document) -> Optional["_DocxLayout"]:
        from redline.export import ooxml

        paras = [p for p in body.iter(ooxml.qn("w:p")) if ooxml.owner_paragraph(p) is None]
        sources = {sp.index: sp for sp in document.paragraphs}
        for unit in comparison.new_units:
            sp = sources.get(unit.source)
            if sp is None or unit.source >= len(paras):
                return None
            text = ooxml.paragraph_text(paras[unit.source])
            for uoff, rs, re_ in unit.pieces:
                got = ooxml.clean_text(text[rs - sp.start:re_ - sp.start])
                want = unit.text[uoff:uoff + (re_ - rs)]
                if got.replace("\n", " ") != want.replace(" ", " ") and \
                        " ".join(got.split()) != " ".join(want.split()):
                    return None
        return cls(body, paras, comparison.new_units, sources)

    def _p_of(self, unit: int):
        return self.paras[self.units[unit].source]

    def paragraph_for(self, group: _Group, next_new: Optional[int]):
        from redline.export import ooxml

        mark = group.mark
        if mark is not None and mark.op in _NEW_SIDE:
            p = self._p_of(mark.new_unit)
            self._runs(mark.new_unit)  # remember formatting before the content goes
            self._last_placed = p
            if self._pristine(group):
                return None
            for child in list(p):
                if child.tag != ooxml.qn("w:pPr"):
                    p.remove(child)
            return p
        # a paragraph only OLD had (or the part of a NEW paragraph before a deleted mark)
        anchor = self._p_of(next_new) if next_new is not None else None
        template = anchor if anchor is not None else (self.paras[-1] if self.paras else None)
        p = ooxml.OxmlElement("w:p")
        if template is not None and template.find(ooxml.qn("w:pPr")) is not None:
            ppr = copy.deepcopy(template.find(ooxml.qn("w:pPr")))
            for tag in ("w:sectPr", "w:pPrChange", "w:rPr"):
                for el in ppr.findall(ooxml.qn(tag)):
                    ppr.remove(el)
            p.append(ppr)
        if anchor is not None:
            anchor.addprevious(p)
        elif self._last_placed is not None:
            self._last_placed.addnext(p)
        elif self.paras:
            self.paras[-1].addnext(p)
        else:
            self.body.append(p)
        self._last_placed = p
        return p

    _last_placed = None

    def in_place(self, group: _Group):
        """Return NEW's paragraph for `group` when its changes can be marked on its own runs.

        That keeps everything the paragraph holds besides plain runs (fields, hyperlinks,
        bookmarks, pictures): it needs the paragraph's text to be exactly the group's new text and
        no moved words. None otherwise (the paragraph is then rebuilt from its words)."""
        from redline.export import ooxml

        mark = group.mark
        if mark is None or mark.op not in (EQUAL, INSERT) or self._pristine(group):
            return None
        if any(s.op not in (EQUAL, INSERT, DELETE) for s in group.segments):
            return None
        if any(s.op != DELETE and s.new_unit != mark.new_unit for s in group.segments):
            return None
        p = self._p_of(mark.new_unit)
        if "".join(s.text for s in group.segments if s.op != DELETE) != ooxml.paragraph_text(p):
            return None
        spans = self._runs(mark.new_unit)
        if spans:
            self.last_rpr = spans[-1][2]
        self._last_placed = p
        return p

    def _pristine(self, group: _Group) -> bool:
        mark = group.mark
        if mark.op != EQUAL:
            return False
        if any(s.op != EQUAL for s in group.segments):
            return False
        text = "".join(s.text for s in group.segments)
        return text == self.units[mark.new_unit].text and (
            not group.segments or group.segments[0].new_offset == 0)

    def _runs(self, unit: int):
        """Return [(unit offset start, end, rPr)] for NEW unit `unit`'s text."""
        hit = self.run_cache.get(unit)
        if hit is not None:
            return hit
        from redline.export import ooxml

        u = self.units[unit]
        sp = self.sources[u.source]
        p = self._p_of(unit)
        spans = []
        pos = 0
        for r in ooxml.text_runs(p):
            n = ooxml.run_length(r)
            spans.append((pos, pos + n, r.find(ooxml.qn("w:rPr"))))
            pos += n
        out = []
        for uoff, rs, re_ in u.pieces:
            a, b = rs - sp.start, re_ - sp.start
            for s, e, rpr in spans:
                lo, hi = max(s, a), min(e, b)
                if lo < hi:
                    out.append((uoff + lo - a, uoff + hi - a, copy.deepcopy(rpr) if rpr is not None else None))
        self.run_cache[unit] = out
        return out

    def runs_for(self, seg, text: str):
        if seg.op in _NEW_SIDE and seg.new_unit >= 0:
            spans = self._runs(seg.new_unit)
            start, end = seg.new_offset, seg.new_offset + len(text)
            out = []
            pos = start
            for s, e, rpr in spans:
                lo, hi = max(s, start), min(e, end)
                if lo < hi:
                    if lo > pos:  # a gap (joined furniture): plain
                        out.append((text[pos - start:lo - start], self.last_rpr))
                    out.append((text[lo - start:hi - start], rpr))
                    self.last_rpr = rpr
                    pos = hi
            if pos < end:
                out.append((text[pos - start:], self.last_rpr))
            return out
        return [(text, self.last_rpr)]

    def finish(self) -> None:
        pass


class _Writer:
    """Walks the groups and writes each as a paragraph with tracked changes."""

    def __init__(self, tr, document, comparison: Comparison, layout, *, moves: bool) -> None:
        self.tr = tr
        self.document = document
        self.comparison = comparison
        self.layout = layout
        self.moves = moves
        self.move_ranges: Dict[str, list] = {}  # name -> [start element, end element]
        self.move_anchor: Dict[int, list] = {}  # (move id, side) -> [first, last] wrappers
        self.marked: List = []

    def run(self) -> None:
        from redline.export import ooxml

        groups = _groups(self.comparison)
        next_new: List[Optional[int]] = [None] * len(groups)
        nxt = None
        for k in range(len(groups) - 1, -1, -1):
            next_new[k] = nxt
            m = groups[k].mark
            if m is not None and m.op in _NEW_SIDE:
                nxt = m.new_unit
        last_p = None
        in_place = getattr(self.layout, "in_place", None)
        for k, group in enumerate(groups):
            p = in_place(group) if in_place is not None else None
            if p is not None:
                self._mark_in_place(p, group)
                last_p = p
                continue
            p = self.layout.paragraph_for(group, next_new[k])
            if p is None:
                continue  # an unchanged NEW paragraph, kept as it was
            for seg in group.segments:
                self._content(p, seg)
            mark = group.mark
            if mark is not None and mark.op != EQUAL:
                kind = {INSERT: "ins", DELETE: "del", MOVE_FROM: "moveFrom", MOVE_TO: "moveTo"}[mark.op]
                if not self.moves and kind.startswith("move"):
                    kind = "del" if kind == "moveFrom" else "ins"
                self.marked.append(ooxml.mark_paragraph(self.tr, p, kind).getparent().getparent().getparent())
            last_p = p
        self._moves_comments()
        # a tracked mark may not end the body or a table cell: add a plain paragraph after it
        for p in self.marked:
            if ooxml.is_last_in_container(p):
                q = ooxml.OxmlElement("w:p")
                ppr = p.find(ooxml.qn("w:pPr"))
                if ppr is not None:
                    ppr2 = copy.deepcopy(ppr)
                    for tag in ("w:rPr", "w:sectPr", "w:pPrChange", "w:numPr"):
                        for el in ppr2.findall(ooxml.qn(tag)):
                            ppr2.remove(el)
                    q.append(ppr2)
                p.addnext(q)
        self.layout.finish()
        del last_p

    def _mark_in_place(self, p, group: _Group) -> None:
        """Mark `group`'s changes on NEW's paragraph `p` itself: its own runs stay where they are."""
        from redline.export import ooxml

        tags = (ooxml.qn("w:ins"), ooxml.qn("w:del"))
        before = list(p.iter(*tags))  # held, so lxml hands back the same proxies below
        inverse = {EQUAL: 0, INSERT: -1, DELETE: 1}  # ops against NEW's text, turned round below
        ooxml.apply_ops(self.tr, p, [(inverse[s.op], s.text) for s in group.segments if s.text])
        ooxml.invert_changes([w for w in p.iter(*tags) if not any(w is b for b in before)])
        if group.mark.op == INSERT:
            self.marked.append(ooxml.mark_paragraph(self.tr, p, "ins").getparent().getparent().getparent())

    def _content(self, p, seg) -> None:
        from redline.export import ooxml

        pieces = self.layout.runs_for(seg, seg.text)
        deleted = seg.op in _OLD_SIDE
        runs = [ooxml.make_run(text, rpr, deleted=deleted) for text, rpr in pieces if text]
        if not runs:
            return
        if seg.op == EQUAL:
            for r in runs:
                p.append(r)
            return
        if seg.op in (MOVE_FROM, MOVE_TO) and self.moves:
            for r in runs:
                p.append(r)
            kind = "moveFrom" if seg.op == MOVE_FROM else "moveTo"
            name = f"move{seg.move}"
            fn = ooxml.move_from if kind == "moveFrom" else ooxml.move_to
            wrapper = fn(self.tr, runs, name)
            self._join_range(kind, name, wrapper)
            self._note_anchor(seg, wrapper)
            return
        tag = "w:del" if deleted else "w:ins"
        w = self.tr.change(tag)
        for r in runs:
            w.append(r)
        p.append(w)
        if seg.op in (MOVE_FROM, MOVE_TO):
            self._note_anchor(seg, w)

    def _join_range(self, kind: str, name: str, wrapper) -> None:
        """Keep one range per move: the first start, the last end (renamed to the start's id)."""
        from redline.export import ooxml

        start = wrapper.getprevious()
        end = wrapper.getnext()
        key = f"{kind}:{name}"
        hit = self.move_ranges.get(key)
        if hit is None:
            self.move_ranges[key] = [start, end]
            return
        first_start, prev_end = hit
        prev_end.getparent().remove(prev_end)
        start.getparent().remove(start)
        end.set(ooxml.qn("w:id"), first_start.get(ooxml.qn("w:id")))
        hit[1] = end

    def _note_anchor(self, seg, wrapper) -> None:
        key = (seg.move, seg.op)
        hit = self.move_anchor.get(key)
        if hit is None:
            self.move_anchor[key] = [wrapper, wrapper, seg.change]
        else:
            hit[1] = wrapper

    def _moves_comments(self) -> None:
        """With moves off, say on each side of a moved clause where it went or came from."""
        from redline.export import ooxml

        if self.moves:
            return
        for (mid, op), (first, last, ci) in sorted(self.move_anchor.items(), key=lambda kv: kv[0]):
            change = self.comparison.changes[ci] if 0 <= ci < len(self.comparison.changes) else None
            if change is None:
                continue
            if op == MOVE_FROM:
                where = _clause_name(change.new_number, change.new)
                text = f"Moved: this text now appears in {where} (shown there as an insertion)."
            else:
                where = _clause_name(change.old_number, change.old)
                text = f"Moved: this text was in {where} of the earlier version (shown there as a deletion)."
            ooxml.add_comment(self.tr, self.document, first, last, text)


def _clause_name(number: Optional[str], cid: Optional[str]) -> str:
    label = (number or "").strip(" .:")
    if label:
        return label if " " in label else f"clause {label}"
    if cid and "/" in cid:
        return f"clause {cid.split('/', 1)[1].split('~')[0]} ({cid.split('/')[0]})"
    if cid:
        return f"the opening text ({cid})"
    return "another clause"
