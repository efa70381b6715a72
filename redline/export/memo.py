"""Write the negotiation memo: a Word document (or Markdown for an email) from an `Analysis`.

What the memo says is decided in `memo_content`; this module only renders it. The Word
document has heading styles, a table-of-contents field Word refreshes on opening, "Page N of
M" in the footer, the privilege banner in the header, and tables with fixed widths that fit
the page, repeat their header row and shade the heat map with print-friendly colours.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Optional, Sequence

from docx import Document as _new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor, Twips

from redline.errors import OutputError, RedlineError
from redline.export import memo_ooxml as ox
from redline.export.memo_blocks import (Bullets, Heading, Memo, PageBreak, Para, Quote, Table,
                                       Toc)
from redline.export.memo_content import build_memo
from redline.export.memo_markdown import render_markdown
from redline.model import Analysis
from redline.outputs import atomic_path

__all__ = ["write_memo", "render_docx", "SHADES"]

PAGE_WIDTH_IN = 8.5
PAGE_HEIGHT_IN = 11.0
MARGIN_IN = 1.0
TEXT_WIDTH_TWIPS = int((PAGE_WIDTH_IN - 2 * MARGIN_IN) * 1440)

SHADES = {
    # Light fills that keep black text legible on screen and on a black-and-white printer;
    # every shaded cell also carries its label, so nothing depends on colour alone.
    "high": "F4A3A3",
    "medium": "F9CF98",
    "low": "FFF0A8",
    "ok": "C9E5BC",
    "silent": "E4E4E4",
    "missing": "E88C8C",
    "redacted": "CFE0F1",
}
HEADER_FILL = "D5DCE4"
KEEP_TOGETHER_ROWS = 15
KEEP_TOGETHER_CHARS = 1200
"""Tables this short are kept on one page (and with the heading above them)."""
INK = RGBColor(0x1F, 0x2A, 0x44)
BANNER_INK = RGBColor(0x8B, 0x00, 0x00)
TABLE_TEXT = "Memo Table Text"
TOC_LEVELS = 3
TOC_INSTR = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'


def write_memo(analysis: Analysis, out, *, matter: str = "Vendor agreement review",
               fmt: str = "docx", force: bool = False, playbook=None,
               today: Optional[_dt.date] = None) -> Path:
    """Return the path of the memo written to `out` ("docx" or "md"), atomically."""
    if fmt not in ("docx", "md"):
        raise OutputError(f"unknown memo format {fmt!r}", path=str(out), hint="use docx or md")
    if not analysis.agreements:
        raise OutputError("there is no agreement to write a memo about", path=str(out),
                          hint="load at least one agreement first")
    book = playbook if playbook is not None else _load_book(analysis.playbook_path)
    memo = build_memo(analysis, matter=matter, playbook=book, today=today)
    inputs = [a.path for a in analysis.agreements]
    with atomic_path(out, force=force, inputs=inputs) as tmp:
        if fmt == "md":
            tmp.write_text(render_markdown(memo), encoding="utf-8")
        else:
            render_docx(memo).save(str(tmp))
    return Path(out)


def _load_book(path: str):
    from redline.playbook import load_playbook

    try:
        return load_playbook(path or None)
    except RedlineError:
        return None


# ---------------------------------------------------------------------------------------------
# The document


def render_docx(memo: Memo):
    """Return a python-docx `Document` rendering `memo`."""
    doc = _new_document()
    _page(doc)
    _styles(doc)
    _header_footer(doc, memo.banner)
    _title_block(doc, memo)
    marks = ox.Bookmarks()
    wide = _landscape_spans(memo.blocks)
    width = TEXT_WIDTH_TWIPS
    for k, block in enumerate(memo.blocks):
        if k in wide.starts or (k in wide.ends and width != TEXT_WIDTH_TWIPS):
            width = _new_section(doc, landscape=k in wide.starts)
            if isinstance(block, PageBreak):
                continue  # the section already starts a page
        if isinstance(block, Heading):
            heading = _styled(doc, f"Heading {min(block.level, 4)}")
            if block.level <= TOC_LEVELS:
                marks.wrap(heading, block, heading.add_run(block.text))
            else:
                heading.add_run(block.text)
        elif isinstance(block, Para):
            _para(doc, block)
        elif isinstance(block, Quote):
            _quote(doc, block)
        elif isinstance(block, Bullets):
            for item in block.items:
                _para(doc, item, style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block, width)
        elif isinstance(block, Toc):
            _toc(doc, block, [b for b in memo.blocks
                              if isinstance(b, Heading) and b.level <= TOC_LEVELS])
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _update_fields_on_open(doc)
    props = doc.core_properties
    props.title = memo.title
    props.subject = memo.banner
    props.author = "Redline"
    props.last_modified_by = "Redline"
    props.comments = ""
    props.keywords = "privileged; negotiation memo"
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    return doc


class _Spans:
    def __init__(self) -> None:
        self.starts: set = set()
        self.ends: set = set()


def _landscape_spans(blocks) -> _Spans:
    """Return where landscape pages start and end: around a wide key-terms table's section.

    A key-terms table with four or more agreements reads better across a landscape page; its
    section (from the heading above it to the next top-level heading) turns the page.
    """
    spans = _Spans()
    for k, block in enumerate(blocks):
        if isinstance(block, Table) and block.kind == "keyterms" and len(block.header) >= 5:
            start = max((j for j in range(k) if isinstance(blocks[j], Heading) and blocks[j].level == 1),
                        default=k)
            end = next((j for j in range(k + 1, len(blocks))
                        if isinstance(blocks[j], Heading) and blocks[j].level == 1), len(blocks))
            if end < len(blocks) and isinstance(blocks[end - 1], PageBreak):
                end -= 1
            spans.starts.add(start)
            spans.ends.add(end)
    return spans


def _new_section(doc, *, landscape: bool) -> int:
    """Start a new page in a new section, landscape or portrait; return its text width (twips)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _fold_section_break(doc)
    long, short = Inches(PAGE_HEIGHT_IN), Inches(PAGE_WIDTH_IN)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))
    across = PAGE_HEIGHT_IN if landscape else PAGE_WIDTH_IN
    return int((across - 2 * MARGIN_IN) * 1440)


def _fold_section_break(doc) -> None:
    """Move the break python-docx just added into the empty paragraph before it, if any.

    python-docx ends a section with a new empty paragraph; after a table that fills its page
    that paragraph would spill onto a blank page of its own.
    """
    body = doc.element.body
    holder = body.sectPr.getprevious()
    prev = holder.getprevious() if holder is not None else None
    if holder is None or prev is None or prev.tag != qn("w:p"):
        return
    if "".join(prev.itertext()).strip() or prev.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
        return
    sect = holder.find(qn("w:pPr") + "/" + qn("w:sectPr"))
    ppr = prev.get_or_add_pPr()
    ox.put(ppr, sect)
    body.remove(holder)


def _styled(doc, name: str):
    """Return a new body paragraph in the style called `name` (ids cached: lookups are slow)."""
    ids = doc.__dict__.setdefault("_redline_style_ids", {})
    if name not in ids:
        ids.clear()
        ids.update({s.name: s.style_id for s in doc.styles})
    p = doc.add_paragraph()
    p._p.style = ids[name]
    return p


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Inches(PAGE_WIDTH_IN)
    section.page_height = Inches(PAGE_HEIGHT_IN)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))
    section.header_distance = Inches(0.45)
    section.footer_distance = Inches(0.45)


def _fonts(style, name: str) -> None:
    """Set `style`'s font to `name` for every script, dropping theme-font overrides."""
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal, "Calibri")
    normal.font.size = Pt(10.5)
    pf = normal.paragraph_format
    pf.space_after = Pt(5)
    pf.line_spacing = 1.1
    sizes = {1: 15, 2: 13, 3: 11.5, 4: 10.5}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        _fonts(style, "Calibri")
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = INK if level < 4 else RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt({1: 16, 2: 14, 3: 10, 4: 9}[level])
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _fonts(title, "Calibri")
    title.font.size = Pt(20)
    title.font.color.rgb = INK
    quote = styles["Quote"]
    _fonts(quote, "Calibri")
    quote.font.size = Pt(10)
    quote.font.italic = False
    quote.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    qpf = quote.paragraph_format
    qpf.left_indent = Inches(0.35)
    qpf.right_indent = Inches(0.25)
    qpf.space_before = Pt(2)
    qpf.space_after = Pt(6)
    qpf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _left_rule(quote)
    cell_style = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = normal
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.space_before = Pt(0)
    cell_style.paragraph_format.line_spacing = 1.0
    for name in ("List Bullet", "TOC Heading", "Header", "Footer"):
        _fonts(styles[name], "Calibri")
    styles["TOC Heading"].font.color.rgb = INK


def _left_rule(style) -> None:
    """Give `style` a thin grey rule down its left edge (a quoted passage)."""
    ppr = style.element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, val in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "9A9A9A")):
        left.set(qn(key), val)
    border.append(left)
    ox.put(ppr, border)


def _header_footer(doc, banner: str) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(banner)
    run.bold = True
    run.font.size = Pt(9)
    run.font.color.rgb = BANNER_INK
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Page ").font.size = Pt(9)
    ox.field(foot, "PAGE", "1")
    foot.add_run(" of ").font.size = Pt(9)
    ox.field(foot, "NUMPAGES", "1")
    for r in foot.runs:
        r.font.size = Pt(9)


def _title_block(doc, memo: Memo) -> None:
    _styled(doc, "Title").add_run(memo.title)
    rows = [(label, value) for label, value in memo.meta]
    table = doc.add_table(rows=len(rows), cols=2)
    ox.fix_widths(table, [int(TEXT_WIDTH_TWIPS * 0.24), TEXT_WIDTH_TWIPS - int(TEXT_WIDTH_TWIPS * 0.24)])
    ox.no_borders(table)
    for row, (label, value) in zip(table.rows, rows):
        a, b = row.cells
        ra = a.paragraphs[0].add_run(label)
        ra.bold = True
        b.paragraphs[0].add_run(value)
    doc.add_paragraph()


def _toc_styles(doc) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

    for level in range(1, TOC_LEVELS + 1):
        name = f"toc {level}"
        if name in [s.name for s in doc.styles]:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = f"TOC{level}"
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Inches(0.25 * (level - 1))
        style.paragraph_format.space_after = Pt(1 if level > 1 else 3)
        style.font.bold = level == 1
        style.paragraph_format.tab_stops.add_tab_stop(
            Twips(TEXT_WIDTH_TWIPS - 10), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _toc(doc, block: Toc, headings: Sequence[Heading]) -> None:
    """Write a TOC field whose cached result already lists the headings (linked, unnumbered).

    Word rebuilds it with page numbers on opening (updateFields); LibreOffice shows the cached
    entries, so a PDF made without Word still has a usable contents list.
    """
    _toc_styles(doc)
    _styled(doc, "TOC Heading").add_run(block.title)
    marks = ox.Bookmarks()
    if not headings:
        p = doc.add_paragraph()
        ox.field(p, TOC_INSTR, "Update this field to list the sections.", dirty=True)
        return
    last = None
    for i, heading in enumerate(headings, start=1):
        p = _styled(doc, f"toc {heading.level}")
        el = p._p
        if i == 1:
            ox.fld_run(el, "begin", dirty=True)
            ox.text_run(el, f" {TOC_INSTR} ", instr=True)
            ox.fld_run(el, "separate")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), marks.name(i))
        link.set(qn("w:history"), "1")
        ox.text_run(link, heading.text)
        el.append(link)
        last = el
    ox.fld_run(last, "end")


def _update_fields_on_open(doc) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    ox.put(doc.settings.element, update)


def _runs(paragraph, para: Para, size: Optional[float] = None) -> None:
    for r in para.runs:
        ox.add_run(paragraph._p, r.text, bold=r.bold, italic=r.italic, size=size)


def _para(doc, para: Para, style: Optional[str] = None):
    p = _styled(doc, style) if style else doc.add_paragraph()
    _runs(p, para, size=9 if para.style == "note" else None)
    return p


def _quote(doc, quote: Quote) -> None:
    _styled(doc, "Quote").add_run(f"“{quote.text}”")


# ---------------------------------------------------------------------------------------------
# Tables


def _table(doc, block: Table, text_width: int = TEXT_WIDTH_TWIPS) -> None:
    ncols = len(block.header)
    total = int(text_width * block.width)
    weights = list(block.widths) + [1.0] * (ncols - len(block.widths))
    scale = total / sum(weights[:ncols])
    widths = [int(w * scale) for w in weights[:ncols]]
    size = {"heatmap": 8, "keyterms": 8, "legend": 8, "overview": 9}.get(block.kind, 9)
    table = doc.add_table(rows=1 + len(block.rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tid = doc.styles[TABLE_TEXT].style_id
    ox.fix_widths(table, widths)
    ox.cell_margins(table, vertical=10 if block.kind in ("heatmap", "keyterms") else 25)
    rows = table.rows
    header = rows[0]
    ox.row_flag(header, "tblHeader")
    ox.row_flag(header, "cantSplit")
    for cell, text in zip(header.cells, block.header):
        ox.shade(cell, HEADER_FILL)
        ox.fill(cell, text, size=size, bold=True, style_id=tid,
                center=block.kind in ("heatmap", "overview") and text != block.header[0])
    chars = sum(len(c.text) for row in block.rows for c in row)
    together = len(block.rows) <= KEEP_TOGETHER_ROWS and chars <= KEEP_TOGETHER_CHARS
    numeric = block.kind in ("heatmap", "overview")
    for r, (row, data) in enumerate(zip(rows[1:], block.rows)):
        ox.row_flag(row, "cantSplit")
        for j, (cell, item) in enumerate(zip(row.cells, data)):
            if item.shade:
                ox.shade(cell, SHADES.get(item.shade, "FFFFFF"))
            ox.fill(cell, item.text, size=size, bold=item.bold, italic=item.italic,
                    center=numeric and j > 0, style_id=tid)
            if together and r < len(block.rows) - 1:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    if together:
        for cell in header.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    gap = doc.add_paragraph()
    gap.paragraph_format.space_after = Pt(2)
