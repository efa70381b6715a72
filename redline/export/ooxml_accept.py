"""Return documents with their tracked changes accepted, and other whole-document settings.

`accept_all` / `count_changes` (a vendor's own changes, the --clean copy), `set_track_revisions`
(Word's Track Changes switch) and `separate_bookmark_ids` (one id space). Re-exported by
`redline.export.ooxml`.
"""

from __future__ import annotations

from typing import Dict, List

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

def separate_bookmark_ids(tr, root) -> int:
    """Give bookmarks that share an id with a comment (or another bookmark) a fresh id; return how many.

    Word numbers bookmarks and comments apart; one id space for the whole document is safer for
    other readers, so a vendor's colliding bookmark ids are renumbered (names, which references
    use, stay).
    """
    key = qn("w:id")
    taken = set()
    for tag in ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference", "w:ins",
                "w:del", "w:moveFrom", "w:moveTo", "w:moveFromRangeStart", "w:moveToRangeStart"):
        taken.update(el.get(key) for el in root.iter(qn(tag)))
    pending: Dict[str, List[str]] = {}
    changed = 0
    seen = set()
    for el in root.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        old = el.get(key)
        if el.tag == qn("w:bookmarkStart"):
            if old in taken or old in seen:
                new = str(tr.ids())
                el.set(key, new)
                pending.setdefault(old, []).append(new)
                changed += 1
                seen.add(new)
            else:
                seen.add(old)
        elif pending.get(old):
            el.set(key, pending[old].pop(0))
    return changed


_AFTER_TRACK_REVISIONS = (
    "doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme "
    "styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone "
    "doNotHyphenateCaps showEnvelope summaryLength clickAndTypeStyle defaultTableStyle "
    "evenAndOddHeaders bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets "
    "drawingGridHorizontalSpacing drawingGridVerticalSpacing displayHorizontalDrawingGridEvery "
    "displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin "
    "drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData "
    "noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars "
    "noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema "
    "saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml "
    "saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags alwaysMergeEmptyNamespace "
    "updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr "
    "attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
    "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType "
    "schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator").split()


def set_track_revisions(document, on: bool = True) -> None:
    """Turn Word's Track Changes on (or off) in the document's settings, in schema order."""
    settings = document.settings.element
    existing = settings.find(qn("w:trackRevisions"))
    if not on:
        if existing is not None:
            settings.remove(existing)
        return
    if existing is not None:
        return
    el = OxmlElement("w:trackRevisions")
    later = {qn("w:" + n) for n in _AFTER_TRACK_REVISIONS}
    for child in settings:
        if child.tag in later:
            child.addprevious(el)
            return
    settings.append(el)


_CHANGE_TAGS = ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange",
                "w:sectPrChange", "w:tblPrChange", "w:tblGridChange", "w:tcPrChange",
                "w:trPrChange", "w:tblPrExChange", "w:numberingChange", "w:cellIns", "w:cellDel",
                "w:cellMerge")


def count_changes(root) -> int:
    """Return how many tracked-change elements lie under `root`."""
    tags = {qn(t) for t in _CHANGE_TAGS}
    return sum(1 for el in root.iter() if el.tag in tags)


def _unwrap(el) -> None:
    parent = el.getparent()
    idx = parent.index(el)
    for child in list(el):
        parent.insert(idx, child)
        idx += 1
    parent.remove(el)


def accept_all(root) -> int:
    """Accept every tracked change under `root` in place; return how many there were."""
    n = count_changes(root)
    if not n:
        return 0
    W = qn
    # rows inserted/deleted
    for trpr in list(root.iter(W("w:trPr"))):
        tr_el = trpr.getparent()
        if trpr.find(W("w:del")) is not None and tr_el.getparent() is not None:
            tr_el.getparent().remove(tr_el)
            continue
        for m in trpr.findall(W("w:ins")):
            trpr.remove(m)
    for tag in ("w:cellIns", "w:cellMerge"):
        for el in list(root.iter(W(tag))):
            el.getparent().remove(el)
    for el in list(root.iter(W("w:cellDel"))):
        tc = el.getparent().getparent()
        if tc is not None and tc.getparent() is not None:
            tc.getparent().remove(tc)
    # property changes: the current properties stand
    for tag in ("w:rPrChange", "w:pPrChange", "w:sectPrChange", "w:tblPrChange",
                "w:tblGridChange", "w:tcPrChange", "w:trPrChange", "w:tblPrExChange",
                "w:numberingChange"):
        for el in list(root.iter(W(tag))):
            el.getparent().remove(el)
    # paragraph marks
    merge = []
    for rpr in list(root.iter(W("w:rPr"))):
        parent = rpr.getparent()
        if parent is None or parent.tag != W("w:pPr"):
            continue
        for m in list(rpr):
            if m.tag in (W("w:ins"), W("w:moveTo")):
                rpr.remove(m)
            elif m.tag in (W("w:del"), W("w:moveFrom")):
                rpr.remove(m)
                merge.append(parent.getparent())
    # content
    for tag in ("w:del", "w:moveFrom"):
        for el in list(root.iter(W(tag))):
            if el.getparent() is not None:
                el.getparent().remove(el)
    for tag in ("w:ins", "w:moveTo"):
        for el in list(root.iter(W(tag))):
            if el.getparent() is not None and el.getparent().tag != W("w:rPr"):
                _unwrap(el)
    for tag in ("w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart",
                "w:moveToRangeEnd"):
        for el in list(root.iter(W(tag))):
            el.getparent().remove(el)
    # merge paragraphs whose mark was deleted into the next paragraph (last to first)
    for p in reversed(merge):
        nxt = p.getnext()
        while nxt is not None and nxt.tag not in (W("w:p"), W("w:tbl"), W("w:sdt")):
            nxt = nxt.getnext()
        if nxt is None or nxt.tag != W("w:p"):
            # nothing to join (a table follows, or the container ends): an emptied paragraph goes
            if p.getparent() is not None and nxt is not None and not "".join(p.itertext()).strip():
                p.getparent().remove(p)
            continue
        content = [c for c in p if c.tag != W("w:pPr")]
        anchor = nxt.find(W("w:pPr"))
        for c in reversed(content):
            if anchor is not None:
                anchor.addnext(c)
            else:
                nxt.insert(0, c)
        p.getparent().remove(p)
    return n
