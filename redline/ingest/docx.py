"""Return the `Document` of a .docx: body paragraphs and tables in order, Word's numbers computed.

The package is checked before anything is inflated (a zip, with a document part, declared sizes
within limits, no DOCTYPE in any XML part), opened with python-docx, and the body is read with
lxml: runs are read from the XML so that text inside `w:ins` is kept and `w:del` dropped (the
current text, changes accepted); the number of tracked changes is reported.

Reference text: paragraphs joined by "\\n"; in a table, cells joined by "\\t" and rows by "\\n".
Word's automatic numbers are not in the text: each paragraph's computed number is recorded in
`Document.paragraphs[i].number` (see `redline.ingest.numbering`).
"""

from __future__ import annotations

import io
import zipfile
from typing import List, Optional, Tuple

from redline.errors import InputError
from redline.ingest.numbering import Numbering, read_styles
from redline.model import Document, SourceParagraph

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W

MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SKIP = {_W + "del", _W + "moveFrom", _W + "delText", _W + "instrText", _W + "delInstrText",
         _W + "txbxContent", "{%s}Fallback" % MC, _W + "footnoteReference", _W + "endnoteReference",
         _W + "pPr", _W + "rPr", _W + "fldData", _W + "sectPr"}
_CHANGES = (_W + "ins", _W + "del", _W + "moveFrom", _W + "moveTo")


def check_package(data: bytes, path: str) -> zipfile.ZipFile:
    """Return the opened zip of a .docx after the safety checks (raise `InputError`)."""
    if data.startswith(OLE_MAGIC):
        raise InputError("this is an encrypted (password-protected) or old-format Word file", path=path,
                         hint="remove the password or save it as .docx in Word, then try again")
    if not data.startswith(b"PK"):
        raise InputError("this is not a Word .docx file (it is not a zip package)", path=path,
                         hint="open it in Word and save it as .docx")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise InputError(f"the .docx is damaged or truncated ({exc})", path=path,
                         hint="save a fresh copy from Word") from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise InputError("the zip has no Word document part (word/document.xml)", path=path,
                         hint="check that this is a Word document; save it again as .docx")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (
                info.compress_size and info.file_size > 10 * 1024 * 1024
                and info.file_size / info.compress_size > MAX_RATIO):
            raise InputError("the .docx expands to an unsafe size (a zip bomb?); it was not opened",
                             path=path, hint="check where the file came from; save a fresh copy from Word")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with zf.open(info) as fh:
                    head = fh.read(4096)
                    rest = head
                    while b"<!DOCTYPE" not in rest.upper() and b"<!ENTITY" not in rest.upper():
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        rest = rest[-16:] + chunk
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise InputError(f"the .docx is damaged or truncated ({exc})", path=path,
                                 hint="save a fresh copy from Word") from None
            except Exception as exc:  # zlib.error and friends
                raise InputError(f"the .docx is damaged or truncated ({type(exc).__name__})", path=path,
                                 hint="save a fresh copy from Word") from None
            up = rest.upper()
            if b"<!DOCTYPE" in up or b"<!ENTITY" in up:
                raise InputError(f"the part {info.filename} declares a DOCTYPE or entities, which Word "
                                 "never writes; it was not read", path=path,
                                 hint="open the document in Word and save a fresh copy")
    return zf


def _open_package(data: bytes, path: str):
    import docx  # python-docx reads the package (content types, relationships, parts)

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"the .docx cannot be opened ({type(exc).__name__}: {exc})", path=path,
                         hint="save a fresh copy from Word") from None


class _Para:
    __slots__ = ("text", "style", "numpr", "outline", "in_table", "mark_deleted", "sep")

    def __init__(self, text, style, numpr, outline, in_table, mark_deleted, sep):
        self.text = text
        self.style = style
        self.numpr = numpr
        self.outline = outline
        self.in_table = in_table
        self.mark_deleted = mark_deleted
        self.sep = sep


def _run_text(p) -> str:
    out: List[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab" or tag == _W + "ptab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("\u2011")
            elif tag == _W + "softHyphen":
                continue
            elif tag == _W + "sym":
                ch = child.get(_W + "char")
                try:
                    out.append(chr(int(ch, 16)) if ch else "")
                except ValueError:
                    pass
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _para_props(p) -> Tuple[Optional[str], Optional[Tuple[Optional[str], Optional[int]]], Optional[int], bool]:
    ppr = p.find(_W + "pPr")
    style = None
    numpr = None
    outline = None
    mark_deleted = False
    if ppr is not None:
        ps = ppr.find(_W + "pStyle")
        if ps is not None:
            style = ps.get(_W + "val")
        np_ = ppr.find(_W + "numPr")
        if np_ is not None:
            nid = np_.find(_W + "numId")
            ilvl = np_.find(_W + "ilvl")
            numpr = (nid.get(_W + "val") if nid is not None else None,
                     _int(ilvl.get(_W + "val")) if ilvl is not None else None)
        ol = ppr.find(_W + "outlineLvl")
        if ol is not None:
            outline = _int(ol.get(_W + "val"))
        rpr = ppr.find(_W + "rPr")
        if rpr is not None and (rpr.find(_W + "del") is not None or rpr.find(_W + "moveFrom") is not None):
            mark_deleted = True
    return style, numpr, outline, mark_deleted


def _int(v) -> Optional[int]:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _collect(body, out: List[_Para], in_table: bool = False) -> None:
    for el in body:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == _W + "p":
            style, numpr, outline, mark_deleted = _para_props(el)
            out.append(_Para(_run_text(el), style, numpr, outline, in_table, mark_deleted, "\n"))
        elif tag == _W + "tbl":
            for tr in el.iter(_W + "tr"):
                if _ancestor_table(tr) is not el:
                    continue
                first_cell = True
                for tc in tr:
                    if tc.tag != _W + "tc":
                        if tc.tag in (_W + "sdt", _W + "customXml"):
                            pass
                        continue
                    cell: List[_Para] = []
                    _collect(tc, cell, True)
                    if not cell:
                        continue
                    cell[0].sep = "\n" if first_cell else "\t"
                    first_cell = False
                    out.extend(cell)
        elif tag in (_W + "sdt",):
            content = el.find(_W + "sdtContent")
            if content is not None:
                _collect(content, out, in_table)
        elif tag in (_W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"):
            _collect(el, out, in_table)


def _ancestor_table(el):
    p = el.getparent()
    while p is not None and p.tag != _W + "tbl":
        p = p.getparent()
    return p


def read(data: bytes, path: str) -> Document:
    """Return the `Document` of the .docx bytes `data` read from `path`."""
    check_package(data, path)
    package = _open_package(data, path)
    root = package.element
    body = root.find(_W + "body")
    if body is None:
        raise InputError("the Word document has no body", path=path, hint="save a fresh copy from Word")
    changes = sum(1 for tag in _CHANGES for _ in root.iter(tag))
    styles = read_styles(package)
    numbering = Numbering.from_package(package, styles)
    paras: List[_Para] = []
    _collect(body, paras)

    pieces: List[str] = []
    out: List[SourceParagraph] = []
    pos = 0
    prev_deleted = False
    for i, para in enumerate(paras):
        if i > 0 and not prev_deleted:
            pieces.append(para.sep)
            pos += len(para.sep)
        text = para.text
        style = styles.get(para.style) if para.style else styles.default_paragraph()
        heading = styles.heading_level(para.style, para.outline)
        number, level = numbering.number_for(para.numpr, para.style)
        start = pos
        pieces.append(text)
        pos += len(text)
        out.append(SourceParagraph(index=i, start=start, end=pos,
                                   style=style.name if style else None, heading_level=heading,
                                   number=number, num_level=level, in_table=para.in_table))
        prev_deleted = para.mark_deleted
    return Document(path=path, kind="docx", text="".join(pieces), paragraphs=tuple(out),
                    tracked_changes_in_input=changes)
