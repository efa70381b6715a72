"""Return a `RedlineReport` after writing the playbook redline: a Word document with native tracked
changes and a margin comment per change.

Text and PDF inputs become a whole Word document (parts and clause headings in heading styles,
numbers as written, table blocks as Word tables, furniture left out). A .docx input keeps the
vendor's own document: its tracked changes are accepted first, then the changes are made in it.

Both cases share one model: an ordered list of ``w:p`` elements whose texts, joined by one
separator character, form the "layout text" G; a map takes reference-text offsets to G. Each
finding becomes an edit over G (word diff of old and new text, tagged with the finding), the edits
and the untouched text form one op stream, and `ooxml.apply_text_ops` writes it. Severity, why,
ask and fallback never reach the document; only the rule's vendor-facing comment does.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

from redline import model
from redline.errors import InputError
from redline.outputs import atomic_path, check_target

DEFAULT_AUTHOR = "Customer counsel"


@dataclass(frozen=True)
class RedlineReport:
    """What a redline run wrote and did."""

    outputs: List[Path]
    changes: int
    """Tracked changes written (w:ins/w:del elements and paragraph marks)."""
    comments: int
    tracked_changes_in_input: int = 0
    applied: Tuple[str, ...] = ()
    """Ids of the findings put into the document."""
    skipped: Tuple[Tuple[str, str], ...] = ()
    """(finding id, reason) for findings left out."""

    def to_json(self) -> dict:
        return {"outputs": [str(p) for p in self.outputs], "changes": self.changes,
                "comments": self.comments, "tracked_changes_in_input": self.tracked_changes_in_input,
                "applied": list(self.applied),
                "skipped": [{"finding": f, "reason": r} for f, r in self.skipped]}


@dataclass
class Edit:
    """One finding as an edit of the reference text."""

    finding: str
    start: int
    end: int
    new: Optional[str]
    """Replacement text, or None for a comment without a change."""
    comment: str
    extra: List[Tuple[str, str]] = field(default_factory=list)
    """(finding id, comment) of other findings on the same words: comments only."""


@dataclass
class Layout:
    """The paragraphs of the output and the map from reference offsets to the layout text."""

    document: object
    paragraphs: List = field(default_factory=list)
    texts: List[str] = field(default_factory=list)
    pieces: List[Tuple[int, int, int]] = field(default_factory=list)
    """(ref_start, ref_end, layout_start), sorted by ref_start."""
    para_starts: List[int] = field(default_factory=list)
    bad: List[Tuple[int, int]] = field(default_factory=list)
    """Reference spans that could not be mapped (edits touching them are skipped)."""
    tracked_in_input: int = 0

    def finish(self) -> None:
        self.para_starts = []
        pos = 0
        for t in self.texts:
            self.para_starts.append(pos)
            pos += len(t) + 1
        self.pieces.sort()
        self._refs = [p[0] for p in self.pieces]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def to_layout(self, x: int, *, end: bool) -> int:
        """Return the layout offset of reference offset `x` (a gap maps outward-in)."""
        i = bisect.bisect_right(self._refs, x) - 1
        if i >= 0:
            rs, re_, gs = self.pieces[i]
            if x <= re_:
                return gs + (x - rs)
        if end:
            if i < 0:
                return 0
            rs, re_, gs = self.pieces[i]
            return gs + (re_ - rs)
        if i + 1 < len(self.pieces):
            return self.pieces[i + 1][2]
        return len(self.text)

    def paragraph_at(self, g: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, g) - 1)


# ---------------------------------------------------------------------------------------------
# Choosing the edits


def _clause_body_span(agreement: model.Agreement, clause: model.Clause) -> Tuple[int, int]:
    """Return the span of a clause's own body: after number/heading, before its first child."""
    end = clause.end
    for cid in clause.children:
        try:
            end = min(end, agreement.clause(cid).start)
        except KeyError:
            pass
    start = max(clause.body_start, clause.start)
    text = agreement.text
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def select_edits(item: model.AgreementAnalysis, *, only=None,
                 decisions: Optional[Mapping[str, str]] = None
                 ) -> Tuple[List[Edit], List[Tuple[model.Finding, str]], List[Tuple[str, str]]]:
    """Return (span edits, (insert finding, text) pairs, skipped (id, reason))."""
    agreement = item.agreement
    decisions = decisions or {}
    edits: List[Edit] = []
    inserts: List[Tuple[model.Finding, str]] = []
    skipped: List[Tuple[str, str]] = []
    for f in item.findings:
        if only and f.rule not in only and f.id not in only:
            continue
        decision = decisions.get(f.id, "accept")
        if decision == "reject":
            skipped.append((f.id, "rejected"))
            continue
        proposal = f.proposal if decision == "accept" else str(decision)
        change = f.apply != "comment" and bool(proposal.strip())
        comment = f.comment.strip() if f.apply != "change" else ""  # "change": no margin note
        if f.replace == "insert" or (f.start is None and f.clause is None):
            if not proposal.strip():
                skipped.append((f.id, "nothing to insert"))
                continue
            inserts.append((f, proposal))
            continue
        if f.replace == "clause" and f.clause:
            try:
                start, end = _clause_body_span(agreement, agreement.clause(f.clause))
            except KeyError:
                skipped.append((f.id, f"clause {f.clause} not found"))
                continue
        elif f.start is not None and f.end is not None:
            start, end = f.start, f.end
        else:
            skipped.append((f.id, "no span"))
            continue
        if not change and not comment:
            skipped.append((f.id, "neither a change nor a comment"))
            continue
        edits.append(Edit(f.id, start, end, proposal if change else None, comment))
    edits.sort(key=lambda e: (e.start, -e.end))  # the wider of two spans starting together first
    kept: List[Edit] = []
    for e in edits:
        if kept and e.start < kept[-1].end:
            # two findings on the same words: one change, both comments
            if e.comment:
                kept[-1].extra.append((e.finding, e.comment))
            if e.new is not None:
                skipped.append((e.finding, f"its change overlaps {kept[-1].finding}; comment kept"))
            continue
        kept.append(e)
    return kept, inserts, skipped


# ---------------------------------------------------------------------------------------------
# Layout of a text/PDF input


def _heading_style(level: int) -> str:
    return f"Heading{max(1, min(level, 9))}"


def _text_layout(agreement: model.Agreement):
    """Return a `Layout` over a new Word document built from the agreement's text."""
    import docx
    from docx.oxml.ns import qn
    from redline.export import ooxml
    from redline.spans import subtract

    doc = docx.Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sect = body.find(qn("w:sectPr"))
    text = agreement.text
    n = len(text)
    holes = sorted((f.start, f.end) for f in agreement.furniture)
    hole_starts = [h[0] for h in holes]

    # paragraph boundaries: line breaks, parts, clauses, the end of a heading
    breaks = set()
    styles: Dict[int, str] = {}
    for part in agreement.parts:
        breaks.add(part.start)
    for c in agreement.clauses:
        breaks.add(c.start)
        head_len = c.body_start - c.start
        if c.heading and c.level <= 3 and 0 < head_len <= 160 and c.body_start < c.end:
            breaks.add(c.body_start)
            styles[c.start] = _heading_style(c.level + 1)
    tables = [b for b in agreement.blocks if b.kind == "table"]
    for b in tables:
        breaks.add(b.start)
        breaks.add(b.end)
    for m in re.finditer(r"[\r\n\f\v\u2028\u2029]+", text):
        breaks.add(m.start())
        breaks.add(m.end())
    part_starts = set()
    for part in agreement.parts:
        # the part's title as written near its start is its heading; else a short first line is
        title = (part.title or "").strip()
        window = text[part.start:min(part.end, part.start + 400)].lower()
        at = window.find(title.lower()) if len(title) >= 4 else -1
        if at >= 0:
            ts, te = part.start + at, part.start + at + len(title)
            before = "".join(text[a:b] for a, b in subtract(
                (part.start, ts), [h for h in holes if h[1] > part.start and h[0] < ts]))
            if not before.strip() and not any(h[0] < te and ts < h[1] for h in holes):
                breaks.update((ts, te))
                styles[ts] = "Heading1"
                continue
        part_starts.add(part.start)
    cuts = sorted(b for b in breaks if 0 < b < n)
    segments = []
    prev = 0
    for c in cuts + [n]:
        if c > prev:
            segments.append((prev, c))
        prev = c
    layout = Layout(document=doc)
    table_starts = {b.start: b for b in tables}
    in_table_until = -1

    def pieces_of(s: int, e: int) -> List[Tuple[int, int]]:
        out = []
        i = max(0, bisect.bisect_left(hole_starts, s) - 1)
        near = []
        while i < len(holes) and holes[i][0] < e:
            if holes[i][1] > s:
                near.append(holes[i])
            i += 1
        for ps, pe in subtract((s, e), near):
            while ps < pe and text[ps].isspace():
                ps += 1
            while pe > ps and text[pe - 1].isspace():
                pe -= 1
            if pe > ps:
                out.append((ps, pe))
        return out

    at = [0]  # where the next paragraph starts in the layout text

    def add_para(pieces, style, p=None):
        g = at[0]
        parts_text = []
        for ps, pe in pieces:
            chunk = text[ps:pe]
            if parts_text:
                parts_text.append(" ")
                g += 1
            layout.pieces.append((ps, pe, g))
            parts_text.append(chunk)
            g += len(chunk)
        t = ooxml.clean_text("".join(parts_text), keep_length=True)
        if p is None:
            p = ooxml.new_paragraph(t, style)
            sect.addprevious(p) if sect is not None else body.append(p)
        elif t:
            p.append(ooxml.make_run(t))
        layout.paragraphs.append(p)
        layout.texts.append(t)
        at[0] += len(t) + 1

    for s, e in segments:
        if s < in_table_until:
            continue
        if s in table_starts:
            block = table_starts[s]
            in_table_until = block.end
            _add_table(doc, agreement, block, pieces_of, add_para, sect)
            continue
        pieces = pieces_of(s, e)
        if not pieces:
            continue
        style = styles.get(s)
        if style is None and s in part_starts and sum(e - s for s, e in pieces) <= 150:
            style = "Heading1"
        add_para(pieces, style)
    if not layout.paragraphs:
        add_para([], None)
    layout.finish()
    return layout


_RULE_ROW = re.compile(r"^[\s|:\-]+$")


def _add_table(doc, agreement, block, pieces_of, add_para, sect) -> None:
    """Add a table block as a Word table, one row per line, cells split on "|" or tabs."""
    text = agreement.text
    rows = []
    for m in re.finditer(r"[^\r\n\f]+", text[block.start:block.end]):
        ls, le = block.start + m.start(), block.start + m.end()
        line = text[ls:le]
        if "|" in line and _RULE_ROW.match(line):
            continue  # a Markdown rule row ("|---|---|") is drawn by the table itself
        sep = "|" if "|" in line else "\t"
        cells = [(ls + cm.start(), ls + cm.end())
                 for cm in re.finditer(r"[^%s]+" % re.escape(sep), line)]
        if sep == "|":
            # "| a | b |  ": blanks before the first bar or after the last one are no cell
            first, last = line.find("|"), line.rfind("|")
            cells = [c for c in cells
                     if text[c[0]:c[1]].strip() or (c[0] - ls > first and c[1] - ls <= last)]
        if cells:
            rows.append(cells)
    if not rows:
        return
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:
        pass
    tbl = table._tbl
    if sect is not None:
        sect.addprevious(tbl)
    for r, cells in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            p = cell.paragraphs[0]._p
            pieces = pieces_of(*cells[c]) if c < len(cells) else []
            add_para(pieces, None, p=p)


# ---------------------------------------------------------------------------------------------
# Layout of a .docx input


def _docx_layout(agreement: model.Agreement):
    """Return a `Layout` over the vendor's own .docx (its tracked changes accepted first)."""
    import docx
    from docx.oxml.ns import qn
    from redline.export import ooxml

    path = agreement.document.path
    try:
        doc = docx.Document(path)
    except Exception as exc:  # noqa: BLE001 - any failure to open is an input problem
        raise InputError(f"cannot open the Word document ({exc})", path=path,
                         hint="save it again from Word as .docx") from None
    body = doc.element.body
    accepted = 0
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None and part.partname.endswith(".xml") and "/word/" in part.partname:
            accepted += ooxml.accept_all(element)
    layout = Layout(document=doc, tracked_in_input=accepted)
    ps = [p for p in body.iter(qn("w:p")) if ooxml.owner_paragraph(p) is None]
    layout.paragraphs = ps
    layout.texts = [ooxml.paragraph_text(p) for p in ps]
    ref = agreement.text
    sources = list(agreement.document.paragraphs)
    if not sources:
        # no source map: assume the reference text is the paragraphs joined by one character
        pos = 0
        for i, t in enumerate(layout.texts):
            sources.append(model.SourceParagraph(index=i, start=pos, end=pos + len(t)))
            pos += len(t) + 1
    g = 0
    by_index = {sp.index: sp for sp in sources}
    for i, t in enumerate(layout.texts):
        sp = by_index.get(i)
        if sp is not None:
            if ref[sp.start:sp.end] == t:
                layout.pieces.append((sp.start, sp.end, g))
            else:
                layout.bad.append((sp.start, sp.end))
        g += len(t) + 1
    layout.finish()
    return layout


# ---------------------------------------------------------------------------------------------
# Writing


def _set_properties(doc, author: str) -> None:
    cp = doc.core_properties
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.author = author
    cp.last_modified_by = author
    for name in ("title", "subject", "comments", "keywords", "category", "content_status",
                 "identifier", "language", "version"):
        try:
            setattr(cp, name, "")
        except (AttributeError, ValueError):
            pass
    cp.revision = 1
    cp.created = now
    cp.modified = now
    cp.last_printed = now
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                          b'2006/extended-properties"><Application>Redline</Application>'
                          b'</Properties>')


def _mapped(layout: Layout, s: int, e: int) -> bool:
    return not any(bs < e and s < be for bs, be in layout.bad)


def build(item: model.AgreementAnalysis, *, author: str = DEFAULT_AUTHOR, only=None,
          decisions=None, date: Optional[str] = None):
    """Return (python-docx Document, changes, comments, input changes, applied, skipped)."""
    from redline.export import ooxml

    agreement = item.agreement
    edits, inserts, skipped = select_edits(item, only=only, decisions=decisions)
    if agreement.document.kind == "docx":
        layout = _docx_layout(agreement)
    else:
        layout = _text_layout(agreement)
    doc = layout.document
    author = ooxml.clean_text(author).strip() or DEFAULT_AUTHOR
    tr = ooxml.Tracker.for_document(doc, author, date)
    if agreement.document.kind == "docx":
        ooxml.separate_bookmark_ids(tr, doc.element.body)
    G = layout.text
    ops: List[tuple] = []
    pos = 0
    applied: List[str] = []
    comments: List[Tuple[str, str]] = []
    def skip(e: Edit, why: str) -> None:
        skipped.append((e.finding, why))
        skipped.extend((fid, why) for fid, _text in e.extra)

    for e in edits:
        if not _mapped(layout, e.start, e.end):
            skip(e, "its text could not be found in the document")
            continue
        a = layout.to_layout(e.start, end=False)
        b = layout.to_layout(e.end, end=True)
        if b < a:
            b = a
        if a < pos:
            skip(e, "overlaps another change")
            continue
        old = G[a:b]
        if e.new is None:
            if not old.strip():
                skip(e, "nothing to comment on")
                continue
            body_ops = [(0, old, e.finding)]
        else:
            new = ooxml.clean_text(e.new)
            body_ops = [(op, t, e.finding) for op, t in ooxml.word_diff(old, new)]
            if all(op == 0 for op, _t, _g in body_ops):
                if not e.comment:
                    skip(e, "the proposal is already the text")
                    continue
                body_ops = [(0, old, e.finding)] if old else []
                if not body_ops:
                    continue
        if a > pos:
            ops.append((0, G[pos:a]))
        ops.extend(body_ops)
        pos = b
        applied.append(e.finding)
        if e.comment:
            comments.append((e.finding, e.comment))
        for fid, text in e.extra:
            comments.append((e.finding, text))
            if fid not in applied:
                applied.append(fid)
    if pos < len(G):
        ops.append((0, G[pos:]))
    anchors = ooxml.apply_text_ops(tr, layout.paragraphs, ops) if ops else {}
    for fid, text in comments:
        hit = anchors.get(fid)
        if hit and hit[0] is not None:
            ooxml.add_comment(tr, doc, hit[0], hit[1], text)
    # whole clauses the agreement lacks
    by_anchor: Dict[int, List] = {}
    for f, text in inserts:
        anchor_index = len(layout.paragraphs) - 1
        main = [c for c in agreement.clauses
                if any(p.id == c.part and p.kind == "main" for p in agreement.parts)]
        target = f.insert_after or (main[-1].id if main else None)
        if target:
            try:
                c = agreement.clause(target)
                last = c.end - 1
                while last > c.start and agreement.text[last].isspace():
                    last -= 1
                anchor_index = layout.paragraph_at(layout.to_layout(last, end=True))
            except KeyError:
                pass
        by_anchor.setdefault(anchor_index, []).append((f, text))
    from docx.oxml.ns import qn

    for anchor_index in sorted(by_anchor, reverse=True):
        anchor = layout.paragraphs[anchor_index]
        # never inside a table: go after the table holding the anchor
        tbl = anchor
        while tbl is not None and tbl.tag != qn("w:tbl"):
            tbl = tbl.getparent()
        for f, text in reversed(by_anchor[anchor_index]):
            paras = [ooxml.clean_text(t).strip() for t in re.split(r"\n\s*\n|\n", text)]
            paras = [t for t in paras if t]
            made = ooxml.insert_paragraphs_after(tr, tbl if tbl is not None else anchor, paras)
            applied.append(f.id)
            if f.comment.strip() and f.apply != "change" and made:
                first = made[0].find(qn("w:ins"))
                last = made[-1].findall(qn("w:ins"))[-1]
                ooxml.add_comment(tr, doc, first, last, f.comment.strip())
    ooxml.set_track_revisions(doc, True)  # the vendor's answer comes back tracked too
    _set_properties(doc, author)
    return doc, tr.changes, tr.comments, layout.tracked_in_input, applied, skipped


def _clean_copy(data: bytes) -> bytes:
    import docx
    from redline.export import ooxml

    doc = docx.Document(io.BytesIO(data))
    ooxml.accept_all(doc.element.body)
    ooxml.set_track_revisions(doc, False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def clean_path(out) -> Path:
    """Return the path of the clean copy for output `out` (OUT.clean.docx)."""
    out = Path(out)
    stem = out.name[:-5] if out.name.lower().endswith(".docx") else out.name
    return out.with_name(stem + ".clean.docx")


def write_redline(item: model.AgreementAnalysis, out, *, author: str = DEFAULT_AUTHOR, only=None,
                  clean: bool = False, force: bool = False,
                  decisions: Optional[Mapping[str, str]] = None) -> RedlineReport:
    """Return the report after writing the redline of `item` to `out` (and OUT.clean.docx)."""
    inputs = [item.agreement.document.path] if item.agreement.document.path else []
    check_target(out, force=force, inputs=inputs)  # fail before the work, not after it
    if clean:
        check_target(clean_path(out), force=force, inputs=inputs)
    doc, changes, comments, in_input, applied, skipped = build(item, author=author, only=only,
                                                               decisions=decisions)
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    outputs = [Path(out)]
    with atomic_path(out, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    if clean:
        target = clean_path(out)
        with atomic_path(target, force=force, inputs=inputs) as tmp:
            tmp.write_bytes(_clean_copy(data))
        outputs.append(target)
    in_input = max(in_input, item.agreement.document.tracked_changes_in_input)
    return RedlineReport(outputs=outputs, changes=changes, comments=comments,
                         tracked_changes_in_input=in_input, applied=tuple(applied),
                         skipped=tuple(skipped))


__all__ = ["write_redline", "RedlineReport", "build", "select_edits", "clean_path", "DEFAULT_AUTHOR"]
