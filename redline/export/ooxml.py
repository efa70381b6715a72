"""Return WordprocessingML tracked-change markup: the one module that knows w:ins and w:del.

Everything that writes revisions (the playbook redline, Compare) goes through here, so the
rules Word and LibreOffice insist on hold in one place:

* deleted text is in ``w:delText`` (``w:delInstrText``), never ``w:t``;
* ``w:ins``/``w:del`` wrap whole runs beside other runs inside a paragraph (or a hyperlink),
  never inside a run; every change carries ``w:author`` and ``w:date``;
* one id space: change, comment, bookmark and move-range ids come from one `IdAllocator`
  that first reserves every ``w:id`` already in the package;
* a wholly inserted/deleted paragraph marks its paragraph mark (``w:pPr/w:rPr/w:ins|w:del``);
  the last paragraph mark of the body (or of a table cell) is never marked: the previous
  paragraph's mark is marked instead;
* characters XML 1.0 forbids are removed (`clean_text`; `keep_length=True` blanks them), never a
  crash.

The XML emitted (ids from the allocator; D = "2026-01-31T12:00:00Z")::

    <w:p>
      <w:pPr><w:rPr><w:ins w:id="7" w:author="A" w:date="D"/></w:rPr></w:pPr>  (inserted mark)
      <w:r><w:t xml:space="preserve">kept words </w:t></w:r>
      <w:commentRangeStart w:id="9"/>
      <w:del w:id="10" w:author="A" w:date="D">
        <w:r><w:rPr>..copied..</w:rPr><w:delText xml:space="preserve">old</w:delText></w:r></w:del>
      <w:ins w:id="11" w:author="A" w:date="D">
        <w:r><w:rPr>..copied..</w:rPr><w:t xml:space="preserve">new</w:t></w:r></w:ins>
      <w:commentRangeEnd w:id="9"/>
      <w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="9"/></w:r>
    </w:p>
    moves: <w:moveFromRangeStart w:id="12" w:name="move1" w:author w:date/>
           <w:moveFrom w:id="13" w:author w:date><w:r>..<w:delText>..</w:r></w:moveFrom>
           <w:moveFromRangeEnd w:id="12"/>      (and the same with moveTo / w:t)

API (all functions take a `Tracker`: author, date and the id allocator):

* ``Tracker.for_document(doc, author)`` -- a tracker whose ids avoid every id in ``doc``'s package.
* ``clean_text(s)`` -- `s` without XML-forbidden characters.
* ``tokenize(s)`` / ``word_diff(old, new)`` -- word tokens; diff ops ``[(op, text)]`` with op in
  -1/0/1 (diff-match-patch over words mapped to characters, cleanupSemantic, snapped to words).
* ``text_runs(p)``, ``run_length(r)``, ``owner_paragraph(el)`` -- the runs carrying a paragraph's
  current text, a run's length in that text, the paragraph holding an element.
* ``paragraph_text(p)`` -- the text of a ``w:p`` as the readers see it (w:t, w:tab "\\t",
  w:br/w:cr "\\n"), tracked insertions included, deletions left out.
* ``apply_ops(tr, p, ops)`` -- turn an existing paragraph into tracked changes. ``ops`` is a list of
  ``(op, text)`` or ``(op, text, tag)``; the texts of the 0/-1 ops must equal ``paragraph_text(p)``.
  Runs are split as needed and keep their formatting; inserted runs copy the neighbouring run's
  ``w:rPr``. Returns ``{tag: [first_element, last_element]}`` for anchoring comments.
* ``apply_text_ops(tr, paragraphs, ops)`` -- the same over consecutive paragraphs whose texts are
  joined by "\\n": a deleted "\\n" marks that paragraph's mark deleted; "\\n" inside inserted text
  becomes a space. Returns the tag map.
* ``new_paragraph(text, style=None)`` / ``make_run(text, rpr=None, deleted=False)`` -- plain XML.
* ``insert_paragraphs_after(tr, anchor_p, texts, style=None)`` -- wholly inserted paragraphs after
  ``anchor_p`` (content in ``w:ins``, marks inserted); returns the new ``w:p`` elements.
* ``insert_paragraphs_before(tr, anchor, texts, style=None)`` -- the same before a w:p/w:tbl (for
  the start of a document or cell); every new mark is inserted.
* ``delete_paragraph(tr, p)`` -- mark a whole existing paragraph (content and mark) deleted.
* ``move_from(tr, runs, name)`` / ``move_to(tr, runs, name)`` -- wrap runs of one paragraph in move
  markup with its range marks; the same `name` pairs the two; returns the wrapper.
* ``mark_paragraph(tr, p, "ins"|"del"|"moveFrom"|"moveTo")`` -- mark the paragraph mark.
* ``add_comment(tr, doc, first, last, text, initials=None)`` -- a python-docx 1.2 comment (its
  part and relationship) whose id comes from the allocator, anchored from element ``first``
  to ``last`` (runs or change wrappers, possibly in different paragraphs).
* ``set_track_revisions(doc, on)`` -- Word's Track Changes switch in settings.xml (schema order).
* ``separate_bookmark_ids(tr, body)`` -- renumber a vendor's bookmarks that share an id with a comment.
* ``accept_all(root)`` -- accept every tracked change under ``root`` in place; returns how many
  changes there were. ``count_changes(root)`` counts without changing.

The word diff lives in `redline.export.worddiff`, the whole-document operations (the last four)
in `redline.export.ooxml_accept`; both are re-exported here, so this module stays the one API.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

Op = Tuple[int, str]

# ---------------------------------------------------------------------------------------------
# Ids, author, date


class IdAllocator:
    """Hands out ids unique across changes, comments, bookmarks and move ranges."""

    def __init__(self, used: Iterable[int] = ()) -> None:
        self._next = max((int(u) for u in used), default=0) + 1

    def reserve(self, value: int) -> None:
        """Make sure `value` is never handed out."""
        if value >= self._next:
            self._next = value + 1

    def __call__(self) -> int:
        value = self._next
        self._next += 1
        return value


def used_ids(elements: Iterable) -> List[int]:
    """Return every integer ``w:id`` attribute value found under `elements`."""
    key = qn("w:id")
    out: List[int] = []
    for root in elements:
        for el in root.iter():
            value = el.get(key) if isinstance(el.tag, str) else None
            if value is not None and value.lstrip("-").isdigit():
                out.append(int(value))
    return out


def iso_now() -> str:
    """Return the current UTC time as Word writes ``w:date`` (no fraction, "Z")."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Tracker:
    """Who makes the changes, when, and the document's one id allocator."""

    author: str
    date: str = field(default_factory=iso_now)
    ids: IdAllocator = field(default_factory=IdAllocator)
    changes: int = 0
    """How many w:ins/w:del/move wrappers and paragraph-mark marks this tracker emitted."""
    comments: int = 0

    @classmethod
    def for_document(cls, document, author: str, date: Optional[str] = None) -> "Tracker":
        """Return a tracker whose ids avoid every ``w:id`` in `document`'s XML parts."""
        roots = []
        for part in document.part.package.iter_parts():
            element = getattr(part, "_element", None)
            if element is not None:
                roots.append(element)
        return cls(author=clean_text(author) or "Author", date=date or iso_now(),
                   ids=IdAllocator(used_ids(roots)))

    def change(self, tag: str) -> object:
        """Return a new ``w:ins``/``w:del``/... element with id, author and date."""
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(self.ids()))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        self.changes += 1
        return el


# ---------------------------------------------------------------------------------------------
# Text

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str, *, keep_length: bool = False) -> str:
    """Return `text` without the characters XML 1.0 forbids (control characters, lone surrogates).

    With `keep_length` each one becomes a space instead, so offsets stay valid.
    """
    return _FORBIDDEN.sub(" " if keep_length else "", text or "")


# ---------------------------------------------------------------------------------------------
# Runs and paragraphs

_TEXT_TAGS = {qn("w:t"): None, qn("w:delText"): None}
_DELETED_WRAPPERS = {qn("w:del"), qn("w:moveFrom")}


def _set_text(el, text: str) -> None:
    el.text = text
    if text[:1].isspace() or text[-1:].isspace() or "  " in text:
        el.set(XML_SPACE, "preserve")


def make_run(text: str, rpr=None, *, deleted: bool = False):
    """Return a ``w:r`` with `text` ("\\t" as w:tab, "\\n" as w:br), in w:delText if `deleted`."""
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    tag = "w:delText" if deleted else "w:t"
    for piece in re.split(r"(\t|\n)", clean_text(text)):
        if not piece:
            continue
        if piece == "\t":
            r.append(OxmlElement("w:tab"))
        elif piece == "\n":
            r.append(OxmlElement("w:br"))
        else:
            t = OxmlElement(tag)
            _set_text(t, piece)
            r.append(t)
    return r


def new_paragraph(text: str = "", style: Optional[str] = None):
    """Return a ``w:p`` holding `text` in one run, with style id `style` if given."""
    p = OxmlElement("w:p")
    if style:
        ppr = OxmlElement("w:pPr")
        ps = OxmlElement("w:pStyle")
        ps.set(qn("w:val"), style)
        ppr.append(ps)
        p.append(ppr)
    if text:
        p.append(make_run(text))
    return p


def _run_len(r) -> int:
    n = 0
    for child in r:
        tag = child.tag
        if tag in _TEXT_TAGS:
            n += len(child.text or "")
        elif tag in _ONE_CHAR:
            n += 1
    return n


_ONE_CHAR = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
             qn("w:noBreakHyphen"): "-"}


def _run_text(r) -> str:
    out = []
    for child in r:
        tag = child.tag
        if tag in _TEXT_TAGS:
            out.append(child.text or "")
        elif tag in _ONE_CHAR:
            out.append(_ONE_CHAR[tag])
    return "".join(out)


def _owner_p(el):
    parent = el.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        parent = parent.getparent()
    return parent


def owner_paragraph(el):
    """Return the ``w:p`` that holds `el` (None for a body-level element)."""
    return _owner_p(el)


def run_length(r) -> int:
    """Return how many characters of paragraph text run `r` carries."""
    return _run_len(r)


def text_runs(p) -> List:
    """Return the runs of `p` that carry its current text (not inside deletions or nested p)."""
    out = []
    for r in p.iter(qn("w:r")):
        if _owner_p(r) is not p:
            continue
        parent = r.getparent()
        if parent.tag in _DELETED_WRAPPERS:
            continue
        out.append(r)
    return out


def paragraph_text(p) -> str:
    """Return the current text of ``w:p`` `p` (insertions in, deletions out)."""
    return "".join(_run_text(r) for r in text_runs(p))


def _split_run(r, k: int):
    """Split run `r` at character `k` (0 < k < len); return the new second run."""
    second = copy.deepcopy(r)
    rpr_tag = qn("w:rPr")
    # first: keep content up to k; second: content from k
    pos = 0
    first_children = [c for c in r if c.tag != rpr_tag]
    second_children = [c for c in second if c.tag != rpr_tag]
    for c1, c2 in zip(first_children, second_children):
        if c1.tag in _TEXT_TAGS:
            n = len(c1.text or "")
        elif c1.tag in _ONE_CHAR:
            n = 1
        else:
            n = 0
        if pos + n <= k:
            if n or pos < k:
                second.remove(c2)
            else:  # zero-length element exactly at k: goes with the second part
                r.remove(c1)
        elif pos >= k:
            r.remove(c1)
        else:  # text element straddling k
            text = c1.text or ""
            _set_text(c1, text[: k - pos])
            _set_text(c2, text[k - pos:])
        pos += n
    r.addnext(second)
    return second


def _outer(r, p):
    """Return the child of r's container chain that sits directly under a text container."""
    el = r
    while el.getparent() is not None and el.getparent().tag in (qn("w:ins"), qn("w:moveTo")):
        el = el.getparent()
    return el


def _split_at(p, offsets: Sequence[int]) -> List[Tuple[int, int, object]]:
    """Split runs of `p` at `offsets`; return [(start, end, run)] of its text runs."""
    wanted = sorted(set(offsets))
    spans: List[Tuple[int, int, object]] = []
    pos = 0
    j = 0
    for r in text_runs(p):
        n = _run_len(r)
        cur = r
        start = pos
        while j < len(wanted) and wanted[j] <= start:
            j += 1
        while j < len(wanted) and wanted[j] < start + n:
            k = wanted[j] - start
            nxt = _split_run(cur, k)
            spans.append((start, start + k, cur))
            n -= k
            start += k
            cur = nxt
            j += 1
        spans.append((start, start + n, cur))
        pos = start + n
    return spans


def _to_deleted(r) -> None:
    for t in r.iter(qn("w:t")):
        t.tag = qn("w:delText")
    for t in r.iter(qn("w:instrText")):
        t.tag = qn("w:delInstrText")


def invert_changes(changes: Sequence) -> None:
    """Turn each w:ins in `changes` into a w:del and each w:del into a w:ins, text tags with them.

    `apply_ops` edits a paragraph whose text is the *old* one; to mark up a paragraph whose text
    is the *new* one (keeping its runs, fields and hyperlinks), apply the inverse ops and invert
    the marks it wrote."""
    swap = {qn("w:t"): qn("w:delText"), qn("w:delText"): qn("w:t"),
            qn("w:instrText"): qn("w:delInstrText"), qn("w:delInstrText"): qn("w:instrText")}
    for w in changes:
        if w.tag not in (qn("w:ins"), qn("w:del")):
            continue
        w.tag = qn("w:del") if w.tag == qn("w:ins") else qn("w:ins")
        for el in w.iter(*swap):
            el.tag = swap[el.tag]


def _wrap(tr: Tracker, runs: List, tag: str) -> List:
    """Wrap `runs` (document order) in `tag` wrappers, one per group of adjacent siblings."""
    wrappers = []
    group: List = []

    def flush():
        if not group:
            return
        w = tr.change(tag)
        group[0].addprevious(w)
        for g in group:
            w.append(g)
        wrappers.append(w)
        group.clear()

    for r in runs:
        if group and (r.getparent() is not group[-1].getparent()
                      or group[-1].getnext() is not r):
            flush()
        group.append(r)
    flush()
    return wrappers


def _format_source(spans, pos: int):
    """Return the w:rPr an insertion at `pos` should wear: the text run before it, else after."""
    before = [r for s, e, r in spans if e <= pos and e > s]
    after = [r for s, e, r in spans if s >= pos and e > s]
    for r in (before[-1:] + after[:1]):
        return r.find(qn("w:rPr"))
    return None


def apply_ops(tr: Tracker, p, ops: Sequence) -> Dict[object, List]:
    """Apply diff ops to paragraph `p` as tracked changes; return {tag: [first, last]} elements.

    The texts of the equal and deleted ops must spell `paragraph_text(p)`.
    """
    norm = [(o[0], o[1], o[2] if len(o) > 2 else None) for o in ops if o[1]]
    offsets = []
    pos = 0
    for op, text, _tag in norm:
        if op != 1:
            offsets.append(pos)
            pos += len(text)
            offsets.append(pos)
    spans = _split_at(p, offsets)
    anchors: Dict[object, List] = {}

    def note(tag, first, last):
        if tag is None or first is None:
            return
        hit = anchors.get(tag)
        if hit is None:
            anchors[tag] = [first, last]
        else:
            hit[1] = last

    cursor = None  # the last top-level element passed, insertions go after it
    pos = 0
    si = 0
    for op, text, tag in norm:
        if op == 1:
            rpr = _format_source(spans, pos)
            w = tr.change("w:ins")
            w.append(make_run(text.replace("\n", " "), rpr))
            if cursor is not None:
                cursor.addnext(w)
            elif spans:
                _outer(spans[0][2], p).addprevious(w)
            else:
                p.append(w)
            cursor = w
            note(tag, w, w)
            continue
        end = pos + len(text)
        covered = []
        while si < len(spans) and spans[si][0] < end:
            s, e, r = spans[si]
            if e > pos or (s == e and pos < s < end):
                covered.append(r)
            elif s == e == pos and op == 0:
                covered.append(r)
            si += 1
        if op == -1 and covered:
            for r in covered:
                _to_deleted(r)
            wrappers = _wrap(tr, covered, "w:del")
            cursor = wrappers[-1]
            note(tag, wrappers[0], wrappers[-1])
        elif covered:
            cursor = _outer(covered[-1], p)
            note(tag, _outer(covered[0], p), cursor)
        pos = end
    return anchors


def _para_rpr(p):
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        after = [ppr.find(qn(t)) for t in ("w:sectPr", "w:pPrChange")]
        after = [a for a in after if a is not None]
        if after:
            after[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def is_last_in_container(p) -> bool:
    """True when `p` is the last paragraph of the body or of a table cell (its mark must stay)."""
    nxt = p.getnext()
    while nxt is not None:
        if nxt.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt")):
            return False
        nxt = nxt.getnext()
    return True


def _next_block_is_paragraph(p) -> bool:
    """True when the block after `p` in its container is a paragraph (so `p` can join it)."""
    nxt = p.getnext()
    while nxt is not None and nxt.tag not in (qn("w:p"), qn("w:tbl"), qn("w:sdt")):
        nxt = nxt.getnext()
    return nxt is not None and nxt.tag == qn("w:p")


def _mark_of(p) -> Optional[str]:
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if rpr is None:
        return None
    for m in rpr:
        if m.tag in (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")):
            return m.tag.split("}")[1]
    return None


def mark_paragraph(tr: Tracker, p, kind: str = "del"):
    """Mark the paragraph mark of `p` as "ins", "del", "moveFrom" or "moveTo"; return the mark."""
    rpr = _para_rpr(p)
    mark = tr.change("w:" + kind)
    rpr.insert(0, mark)
    return mark


def apply_text_ops(tr: Tracker, paragraphs: Sequence, ops: Sequence) -> Dict[object, List]:
    """Apply ops over paragraphs joined by "\\n"; return {tag: [first, last]} elements.

    A deleted "\\n" marks the paragraph mark before it deleted (unless that paragraph is last in
    its container); an inserted "\\n" is written as a space.
    """
    lengths = [len(paragraph_text(p)) for p in paragraphs]
    per: List[List] = [[] for _ in paragraphs]
    i = 0
    pos = 0  # position inside paragraph i
    anchors: Dict[object, List] = {}
    for o in ops:
        op, text = o[0], o[1]
        tag = o[2] if len(o) > 2 else None
        if op == 1:
            per[i].append((1, text.replace("\n", " "), tag))
            continue
        while text:
            room = lengths[i] - pos
            if room > 0:
                take = text[:room]
                per[i].append((op, take, tag))
                pos += len(take)
                text = text[len(take):]
                continue
            # text[0] is the "\n" between paragraph i and i+1
            if i + 1 >= len(paragraphs):
                raise ValueError("ops run past the last paragraph")
            if op == -1 and _next_block_is_paragraph(paragraphs[i]):
                mark_paragraph(tr, paragraphs[i], "del")
            text = text[1:]
            i += 1
            pos = 0
    for n, (p, pops) in enumerate(zip(paragraphs, per)):
        emptied = (lengths[n] > 0 and all(o[0] == -1 for o in pops)
                   and sum(len(o[1]) for o in pops) == lengths[n])
        if emptied and n + 1 < len(paragraphs) and not is_last_in_container(p):
            if not _mark_of(p):
                mark_paragraph(tr, p, "del")  # accepting must not leave an empty paragraph
        if pops:
            for tag, (first, last) in apply_ops(tr, p, pops).items():
                hit = anchors.get(tag)
                if hit is None:
                    anchors[tag] = [first, last]
                else:
                    hit[1] = last
    return anchors


def insert_paragraphs_after(tr: Tracker, anchor_p, texts: Sequence[str],
                            style: Optional[str] = None) -> List:
    """Insert wholly tracked paragraphs with `texts` after `anchor_p` (a w:p or w:tbl); return them."""
    made = []
    ref = anchor_p
    for text in texts:
        p = new_paragraph("", style)
        w = tr.change("w:ins")
        w.append(make_run(text.replace("\n", " ")))
        p.append(w)
        ref.addnext(p)
        ref = p
        made.append(p)
    if not made:
        return made
    if is_last_in_container(made[-1]) and anchor_p.tag == qn("w:p"):
        # the last mark may not be tracked: mark the anchor's mark and all but the last new one
        mark_paragraph(tr, anchor_p, "ins")
        for p in made[:-1]:
            mark_paragraph(tr, p, "ins")
    elif is_last_in_container(made[-1]):
        for p in made[:-1]:  # after a final table: the very last mark stays untracked
            mark_paragraph(tr, p, "ins")
    else:
        for p in made:
            mark_paragraph(tr, p, "ins")
    return made


def insert_paragraphs_before(tr: Tracker, anchor, texts: Sequence[str],
                             style: Optional[str] = None) -> List:
    """Insert wholly tracked paragraphs with `texts` before `anchor` (a w:p or w:tbl); return them.

    Each new paragraph's content and mark are inserted: rejecting removes them whole.
    """
    made = []
    for text in texts:
        p = new_paragraph("", style)
        w = tr.change("w:ins")
        w.append(make_run(text.replace("\n", " ")))
        p.append(w)
        anchor.addprevious(p)
        mark_paragraph(tr, p, "ins")
        made.append(p)
    return made


def delete_paragraph(tr: Tracker, p) -> List:
    """Mark paragraph `p` wholly deleted (content and mark); return the w:del wrappers."""
    text = paragraph_text(p)
    anchors = apply_ops(tr, p, [(-1, text, "x")]) if text else {}
    if not is_last_in_container(p):
        mark_paragraph(tr, p, "del")
    else:
        prev = p.getprevious()
        while prev is not None and prev.tag != qn("w:p"):
            prev = prev.getprevious()
        if prev is not None:
            mark_paragraph(tr, prev, "del")
    return anchors.get("x", [])


def _move(tr: Tracker, runs: Sequence, name: str, kind: str):
    start = OxmlElement(f"w:{kind}RangeStart")
    rid = tr.ids()
    start.set(qn("w:id"), str(rid))
    start.set(qn("w:name"), name)
    start.set(qn("w:author"), tr.author)
    start.set(qn("w:date"), tr.date)
    end = OxmlElement(f"w:{kind}RangeEnd")
    end.set(qn("w:id"), str(rid))
    wrapper = tr.change(f"w:{kind}")
    runs = list(runs)
    runs[0].addprevious(wrapper)
    for r in runs:
        if kind == "moveFrom":
            _to_deleted(r)
        wrapper.append(r)
    wrapper.addprevious(start)
    wrapper.addnext(end)
    return wrapper


def move_from(tr: Tracker, runs: Sequence, name: str):
    """Wrap adjacent `runs` as moved-away text (w:moveFrom + range marks named `name`)."""
    return _move(tr, runs, name, "moveFrom")


def move_to(tr: Tracker, runs: Sequence, name: str):
    """Wrap adjacent `runs` as moved-here text (w:moveTo + range marks named `name`)."""
    return _move(tr, runs, name, "moveTo")


# ---------------------------------------------------------------------------------------------
# Comments


def initials_of(name: str) -> str:
    """Return up to three initials of `name` ("Customer counsel" -> "CC")."""
    return "".join(w[0] for w in re.findall(r"\w+", name)[:3]).upper()


def add_comment(tr: Tracker, document, first, last, text: str, initials: Optional[str] = None):
    """Add a comment (python-docx comments part) anchored from `first` to `last`; return its id."""
    if initials is None:
        initials = initials_of(tr.author)
    comment = document.comments.add_comment(text=clean_text(text), author=tr.author,
                                            initials=initials)
    elm = comment._comment_elm
    cid = tr.ids()
    elm.set(qn("w:id"), str(cid))
    elm.set(qn("w:date"), tr.date)
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), str(cid))
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), str(cid))
    ref = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "CommentReference")
    rpr.append(style)
    ref.append(rpr)
    cref = OxmlElement("w:commentReference")
    cref.set(qn("w:id"), str(cid))
    ref.append(cref)
    first.addprevious(start)
    last.addnext(end)
    end.addnext(ref)
    tr.comments += 1
    return cid


# the word diff and the whole-document operations live in their own modules; one API here
from redline.export.ooxml_accept import (  # noqa: E402
    accept_all, count_changes, separate_bookmark_ids, set_track_revisions)
from redline.export.worddiff import tokenize, word_diff  # noqa: E402

__all__ = [
    "IdAllocator", "Tracker", "used_ids", "iso_now", "clean_text", "tokenize", "word_diff",
    "make_run", "new_paragraph", "text_runs", "run_length", "owner_paragraph", "paragraph_text",
    "apply_ops", "apply_text_ops", "mark_paragraph", "is_last_in_container",
    "insert_paragraphs_after", "insert_paragraphs_before", "delete_paragraph", "move_from",
    "move_to", "add_comment", "initials_of", "accept_all", "count_changes",
    "separate_bookmark_ids", "set_track_revisions", "qn", "OxmlElement",
]
