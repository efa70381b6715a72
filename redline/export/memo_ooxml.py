"""Return the small pieces of WordprocessingML the memo needs and python-docx has no API for.

Fields (PAGE, NUMPAGES, TOC, PAGEREF), bookmarks, cell shading, fixed table widths, header
rows, borders and margins; each child element inserted at its place in the schema's order.
"""

from __future__ import annotations

from typing import Optional, Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips

# Schema order of the children Redline adds (Word refuses some files whose order is wrong).
_ORDER = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
              "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
            "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
            "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
            "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
            "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
             "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"),
    "settings": ("writeProtection", "view", "zoom", "removePersonalInformation",
                 "removeDateAndTime", "doNotDisplayPageBoundaries", "displayBackgroundShape",
                 "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
                 "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData",
                 "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
                 "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
                 "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign",
                 "attachedTemplate", "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod",
                 "documentType", "mailMerge", "revisionView", "trackRevisions", "doNotTrackMoves",
                 "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
                 "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
                 "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
                 "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
                 "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
                 "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
                 "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
                 "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
                 "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
                 "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne",
                 "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore",
                 "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
                 "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
                 "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
                 "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr",
                 "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
                 "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                 "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                 "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
                 "decimalSymbol", "listSeparator"),
}


def _local(tag) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def put(parent, child) -> None:
    """Insert `child` into `parent` at its place in the schema's order (replacing a namesake)."""
    order = _ORDER[_local(parent.tag)]
    name = _local(child.tag)
    for old in [c for c in parent if _local(c.tag) == name]:
        parent.remove(old)
    rank = order.index(name)
    for sibling in parent:
        here = _local(sibling.tag)
        if here in order and order.index(here) > rank:
            sibling.addprevious(child)
            return
    parent.append(child)


def field(paragraph, instr: str, shown: str, *, dirty: bool = False) -> None:
    """Append a complex field (`instr`, showing `shown` until updated) to `paragraph`."""
    def fld(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if dirty and kind == "begin":
            char.set(qn("w:dirty"), "true")
        run._r.append(char)
        return run

    fld("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run._r.append(text)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


class Bookmarks:
    """Name each heading the table of contents lists (_Toc1, _Toc2, ...) in document order."""

    def __init__(self) -> None:
        self.n = 0

    def name(self, index: int) -> str:
        return f"_Toc{100000 + index}"

    def wrap(self, paragraph, block: Heading, run) -> None:
        self.n += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.n))
        start.set(qn("w:name"), self.name(self.n))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.n))
        run._r.addprevious(start)
        run._r.addnext(end)


def fld_run(parent, kind: str, *, dirty: bool = False):
    """Append a run holding a w:fldChar of `kind` ("begin", "separate", "end") to `parent`."""
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    parent.append(run)


def text_run(parent, text: str, *, instr: bool = False, tab: bool = False):
    """Append a run of `text` (w:t, or w:instrText with `instr`, or a w:tab) to `parent`."""
    run = OxmlElement("w:r")
    if tab:
        run.append(OxmlElement("w:tab"))
    else:
        el = OxmlElement("w:instrText" if instr else "w:t")
        el.set(qn("xml:space"), "preserve")
        el.text = text
        run.append(el)
    parent.append(run)


def fix_widths(table, widths: Sequence[int]) -> None:
    """Give `table` fixed column widths (twips): tblW, tblLayout fixed, gridCol and every tcW."""
    table.autofit = False
    tbl = table._tbl
    tblpr = tbl.tblPr
    tblw = OxmlElement("w:tblW")
    tblw.set(qn("w:w"), str(sum(widths)))
    tblw.set(qn("w:type"), "dxa")
    put(tblpr, tblw)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    put(tblpr, layout)
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(w))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = Twips(w)


def no_borders(table) -> None:
    """Remove every border of `table` (the title block)."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    put(tblpr, borders)


def cell_margins(table, twips: int = 70, vertical: int = 25) -> None:
    """Set `table`'s cell margins (twips): `twips` left and right, `vertical` top and bottom."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, w in (("top", vertical), ("left", twips), ("bottom", vertical), ("right", twips)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(w))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    put(tblpr, mar)


def shade(cell, fill: str) -> None:
    """Shade `cell` with the RGB hex `fill` (w:shd, solid)."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    put(tcpr, shd)


def row_flag(row, tag: str) -> None:
    """Set the on/off row property `tag` ("tblHeader", "cantSplit") on `row`."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement(f"w:{tag}")
    trpr.append(el)


def fill(cell, text: str, *, size: float, bold: bool = False, italic: bool = False,
         center: bool = False, style_id: str = "") -> None:
    """Write `text` into `cell`'s first paragraph (in style `style_id`) at `size` points.

    Built with lxml directly: python-docx's run and format proxies cost a millisecond a cell.
    """
    p = cell._tc.p_lst[0]
    if style_id or center:
        ppr = p.get_or_add_pPr()
        if style_id:
            ppr.style = style_id
        if center:
            ppr.jc_val = WD_ALIGN_PARAGRAPH.CENTER
    add_run(p, text, bold=bold, italic=italic, size=size)


def add_run(p, text: str, *, bold: bool = False, italic: bool = False,
            size: Optional[float] = None) -> None:
    """Append a run of `text` to the paragraph element `p` (bold, italic, size in points)."""
    run = OxmlElement("w:r")
    if bold or italic or size:
        rpr = OxmlElement("w:rPr")
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        if size:
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(round(size * 2))))
            rpr.append(sz)
        run.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    p.append(run)
