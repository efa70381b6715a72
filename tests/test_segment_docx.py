"""Word-numbered .docx and PDF inputs: real automatic numbering (numbering.xml) written here with
python-docx + lxml, read back and segmented; the five samples round-trip through such a .docx
with the same tree; a PDF made by LibreOffice keeps its structure and loses its page furniture."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from redline.ingest import read_document
from redline.segment import segment
from redline.segment.numbers import parse_number
from redline.spans import join_pieces, subtract, furniture_in

from test_segment import check_structure

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "resources" / "samples"
SAMPLE_NAMES = ["att-sbc-pricing-schedule-sow", "centurylink-bozeman-msa", "customer-template-msa",
                "level3-callwave-msa", "velvetel-msa"]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_FMT = {"pl": "lowerLetter", "ll": "lowerLetter", "pL": "upperLetter", "lL": "upperLetter",
        "pr": "lowerRoman", "lr": "lowerRoman", "pR": "upperRoman", "lR": "upperRoman",
        "pd": "decimal", "dec": "decimal", "art": "decimal", "list": "decimal",
        "cl": "lowerLetter", "cL": "upperLetter", "cr": "lowerRoman", "cR": "upperRoman", "cd": "decimal"}


def _w(tag: str, **attrs) -> etree._Element:
    el = etree.Element(qn(f"w:{tag}"))
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


class WordNumbering:
    """Adds abstract lists and list instances to a python-docx document's numbering part."""

    def __init__(self, document) -> None:
        self.root = document.part.numbering_part.element
        for child in list(self.root):
            self.root.remove(child)
        self.next_abstract = 100
        self.next_num = 100

    def add(self, levels: Dict[int, Tuple[str, str]], starts: Dict[int, int],
            extra: Optional[Dict[int, dict]] = None) -> str:
        """Return the numId of a new instance of a new abstract list with these levels."""
        aid = str(self.next_abstract)
        self.next_abstract += 1
        an = _w("abstractNum", abstractNumId=aid)
        an.append(_w("multiLevelType", val="multilevel"))
        for k in range(9):
            text, fmt = levels.get(k, (f"%{k + 1}.", "decimal"))
            lvl = _w("lvl", ilvl=k)
            lvl.append(_w("start", val=1))
            lvl.append(_w("numFmt", val=fmt))
            for name, val in (extra or {}).get(k, {}).items():
                lvl.append(_w(name, val=val) if val is not None else _w(name))
            lvl.append(_w("lvlText", val=text))
            lvl.append(_w("lvlJc", val="left"))
            an.append(lvl)
        nums = self.root.findall(qn("w:num"))
        if nums:
            nums[0].addprevious(an)
        else:
            self.root.append(an)
        nid = str(self.next_num)
        self.next_num += 1
        num = _w("num", numId=nid)
        num.append(_w("abstractNumId", val=aid))
        for k, v in starts.items():
            ov = _w("lvlOverride", ilvl=k)
            ov.append(_w("startOverride", val=v))
            num.append(ov)
        self.root.append(num)
        return nid


def set_numbering(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = _w("numPr")
    numpr.append(_w("ilvl", val=ilvl))
    numpr.append(_w("numId", val=num_id))
    ppr.insert(0 if ppr.find(qn("w:pStyle")) is None else 1, numpr)


# ---------------------------------------------------------------------------------------------
# Writing a segmented agreement as a Word-numbered .docx


def _spec(ag, clause, by_id) -> Tuple[Tuple[str, str], int, Dict[int, int]]:
    """Return ((lvlText, numFmt), value, {ancestor level: value}) for a clause's number."""
    level = clause.level - 1
    chain = []
    p = clause.parent
    while p:
        chain.append(by_id[p])
        p = by_id[p].parent
    chain.reverse()
    tok = parse_number(clause.number)
    fam = tok.family
    if tok.alt:
        prev = None
        if clause.parent:
            sibs = by_id[clause.parent].children
        else:
            sibs = [c.id for c in ag.clauses if c.parent is None and c.part == clause.part]
        i = sibs.index(clause.id)
        prev = by_id[sibs[i - 1]] if i else None
        prev_tok = parse_number(prev.number) if prev and prev.number else None
        if not (prev_tok and prev_tok.family == fam and prev_tok.value[0] == tok.value[0] - 1):
            fam, value = tok.alt[0], tok.alt[1][0]
        else:
            value = tok.value[0]
    else:
        value = tok.value[-1] if fam == "dec" else tok.value[0]
    anc_values: Dict[int, int] = {}
    for k, a in enumerate(chain):
        at = parse_number(a.number) if a.number else None
        anc_values[k] = (at.value[-1] if at and at.family == "dec" else at.value[0]) if at else 1
    raw = clause.number
    if fam == "dec":
        comps = len(tok.value)
        letter = bool(raw.rstrip(".")[-1:].isalpha())
        ok = comps == level + 1 and not tok.zero
        for k in range(comps - 1):
            at = parse_number(chain[k].number) if k < len(chain) and chain[k].number else None
            if not (at and at.family in ("dec", "art") and at.value[-1 if at.family == "dec" else 0]
                    == tok.value[k]) or (at.family == "dec" and raw.count(".") < 1):
                ok = False
        if ok:
            text = ".".join(f"%{k + 1}" for k in range(comps)) + ("." if raw.endswith(".") else "")
            return (text, "upperLetter" if letter else "decimal"), value, anc_values
        return (raw, "decimal"), value, anc_values
    if fam == "art":
        n = raw.split()[1].rstrip(".:")
        text = raw.replace(n, f"%{level + 1}", 1)
        return (text, "upperRoman" if not n.isdigit() else "decimal"), value, anc_values
    if raw.startswith("("):
        return (f"(%{level + 1})", _FMT[fam]), value, anc_values
    if raw.endswith(")"):
        return (f"%{level + 1})", _FMT[fam]), value, anc_values
    return (f"%{level + 1}.", _FMT.get(fam, "decimal")), value, anc_values


class _Instance:
    def __init__(self, nid, specs, starts):
        self.nid = nid
        self.specs = specs
        self.starts = starts
        self.vals: List[Optional[int]] = [None] * 9

    def start(self, k):
        return self.starts.get(k, 1)

    def would_show(self, level, spec, value, anc) -> bool:
        if self.specs.get(level) != spec:
            return False
        nxt = self.start(level) if self.vals[level] is None else self.vals[level] + 1
        if nxt != value:
            return False
        import re
        for m in re.finditer(r"%([1-9])", spec[0]):
            k = int(m.group(1)) - 1
            if k == level:
                continue
            shown = self.vals[k] if self.vals[k] is not None else self.start(k)
            if k not in anc or shown != anc[k] or self.specs.get(k, ("", "decimal"))[1] != "decimal":
                return False
        return True

    def use(self, level):
        self.vals[level] = self.start(level) if self.vals[level] is None else self.vals[level] + 1
        for d in range(level + 1, 9):
            self.vals[d] = None


def _lines(text: str) -> List[str]:
    return [ln.strip() for ln in text.replace("\r", "").replace("\f", "\n").split("\n") if ln.strip()]


def write_word_numbered(ag, path: Path) -> None:
    """Write agreement `ag` as a .docx whose clause numbers are Word automatic numbering."""
    d = docx.Document()
    numbering = WordNumbering(d)
    text = ag.text
    by_id = {c.id: c for c in ag.clauses}
    events = []  # (position, kind, payload)
    for part in ag.parts:
        tops = [(c.start, c.end) for c in ag.clauses if c.part == part.id and c.parent is None]
        pre = subtract((part.start, part.end), tops)
        pre_text = " ".join(text[a:b] for s, e in pre for a, b in subtract((s, e), furniture_in(ag, s, e)))
        flat = " ".join(pre_text.split()).upper()
        if part.kind not in ("main", "cover") and " ".join(part.title.split()).upper() not in flat:
            events.append((part.start, 0, ("title", part.title)))
        for s, e in pre:
            pieces = subtract((s, e), furniture_in(ag, s, e))
            for ps, pe in pieces:
                events.append((ps, 1, ("plain", text[ps:pe])))
    for c in ag.clauses:
        holes = [(by_id[k].start, by_id[k].end) for k in c.children]
        own = subtract((c.start, c.end), holes)
        first = own[0] if own else (c.start, c.start)
        rest = own[1:]
        fs, fe = first
        pieces = subtract((fs, fe), furniture_in(ag, fs, fe))
        body = join_pieces(text, pieces)
        if c.number:
            body = body[len(c.number):] if body.startswith(c.number) else body
        events.append((c.start, 1, ("clause", c, body)))
        for s, e in rest:
            for ps, pe in subtract((s, e), furniture_in(ag, s, e)):
                events.append((ps, 1, ("plain", text[ps:pe])))
    events.sort(key=lambda x: (x[0], x[1]))
    inst: Optional[_Instance] = None
    cur_part = None
    for _, _, payload in events:
        if payload[0] == "title":
            d.add_paragraph(payload[1])
            continue
        if payload[0] == "plain":
            for ln in _lines(payload[1]):
                d.add_paragraph(ln)
            continue
        c, body = payload[1], payload[2]
        lines = _lines(body) or [""]
        if not c.number:
            for ln in lines:
                d.add_paragraph(ln)
            continue
        if c.part != cur_part:
            inst, cur_part = None, c.part
        level = c.level - 1
        spec, value, anc = _spec(ag, c, by_id)
        if inst is None or not inst.would_show(level, spec, value, anc):
            specs = dict(inst.specs) if inst else {}
            specs[level] = spec
            chain = []
            p = c.parent
            while p:
                chain.append(by_id[p])
                p = by_id[p].parent
            chain.reverse()
            for k, a in enumerate(chain):
                if a.number:
                    specs[k] = _spec(ag, a, by_id)[0]
            starts = {k: v for k, v in anc.items()}
            starts[level] = value
            for k in list(specs):
                if k > level:
                    del specs[k]
            inst = _Instance(numbering.add(specs, starts), specs, starts)
        inst.use(level)
        para = d.add_paragraph(lines[0])
        set_numbering(para, inst.nid, level)
        for ln in lines[1:]:
            d.add_paragraph(ln)
    d.save(str(path))


def tree_of(ag):
    """The tree an attorney sees: per part that has clauses, its kind and (number, heading, level)."""
    out = []
    for p in ag.parts:
        cl = [(c.norm, c.number.strip() if c.number else None, c.heading, c.level)
              for c in ag.clauses if c.part == p.id]
        if cl:
            out.append((p.kind if p.kind != "cover" else "main", cl))
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_round_trip_through_word_numbering(name, tmp_path):
    original = segment(read_document(SAMPLES / f"{name}.txt"))
    out = tmp_path / f"{name}.docx"
    write_word_numbered(original, out)
    doc = read_document(out)
    # the numbers are Word's, not typed: they are not in the text
    numbered = [p for p in doc.paragraphs if p.number]
    assert len(numbered) == sum(1 for c in original.clauses if c.number)
    back = segment(doc)
    check_structure(back)
    assert tree_of(back) == tree_of(original)


# ---------------------------------------------------------------------------------------------
# A Word-numbered agreement written here, its structure labelled by hand

LABELLED = [
    # (norm, level, heading, number as Word shows it)
    ("1", 1, "Definitions", "ARTICLE I"),
    ("1.1", 2, "Affiliate", "1.1"),
    ("1.2", 2, "Services", "1.2"),
    ("2", 1, "Fees and Payment", "ARTICLE II"),
    ("2.1", 2, "Invoices", "2.1"),
    ("a", 3, None, "(a)"),
    ("b", 3, None, "(b)"),
    ("2.2", 2, "Late Payment", "2.2"),
    ("3", 1, "Service Levels", "ARTICLE III"),
    ("3.1", 2, "Availability", "3.1"),
    ("3.4", 2, "Service Credits", "3.4"),
    ("4", 1, "Term", "ARTICLE IV"),
    ("4.1", 2, "Renewal", "4.1"),
]


# For the PDF (LibreOffice renders neither isLgl nor tracked changes as Word does): plain
# decimal articles, no restarted instance, no tracked changes.
LABELLED_PLAIN = [(n if not n.isdigit() else n, lvl, h, None) for n, lvl, h, _ in LABELLED]
LABELLED_PLAIN[10] = ("3.2", 2, "Service Credits", None)


def build_labelled_docx(path: Path, *, header: Optional[str] = None, plain: bool = False) -> None:
    d = docx.Document()
    nb = WordNumbering(d)
    # list 1: articles through the "Heading 1" / "Heading 2" styles (upper roman, isLgl sections,
    # no tab after the article number)
    if plain:
        art = nb.add({0: ("%1.", "decimal"), 1: ("%1.%2", "decimal"), 2: ("(%3)", "lowerLetter")}, {})
    else:
        art = nb.add({0: ("ARTICLE %1", "upperRoman"), 1: ("%1.%2", "decimal"),
                      2: ("(%3)", "lowerLetter")},
                     {}, extra={1: {"isLgl": None}, 0: {"suff": "space"}})
    abstract = nb.root.findall(qn("w:abstractNum"))[-1]
    styles = d.styles
    for k, name in ((0, "Heading 1"), (1, "Heading 2")):
        st = styles[name]
        ppr = st.element.get_or_add_pPr()
        numpr = _w("numPr")
        if k:
            numpr.append(_w("ilvl", val=k))
        numpr.append(_w("numId", val=art))
        ppr.insert(0, numpr)
        lvl = abstract.findall(qn("w:lvl"))[k]
        lvl.insert(2, _w("pStyle", val=st.style_id))
    if header:
        sec = d.sections[0]
        sec.header.paragraphs[0].text = header
        fp = sec.footer.paragraphs[0]
        fp.text = "Page "
        fld = _w("fldSimple", instr="PAGE")
        r = _w("r")
        t = _w("t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        fp._p.append(fld)
    d.add_paragraph("Hosted Voice Services Agreement", style="Title")
    d.add_paragraph("This Hosted Voice Services Agreement is made between Bayline Networks LLC "
                    "(\"Provider\") and the customer signing below (\"Customer\").")
    d.add_paragraph("Definitions", style="Heading 1")
    d.add_paragraph("Affiliate", style="Heading 2")
    d.add_paragraph("An entity that controls, is controlled by or is under common control with a party.")
    d.add_paragraph("Services", style="Heading 2")
    d.add_paragraph("The hosted voice services described in the order.")
    d.add_paragraph("Fees and Payment", style="Heading 1")
    d.add_paragraph("Invoices", style="Heading 2")
    d.add_paragraph("Provider invoices monthly in arrears. Each invoice:")
    for item in ("lists the charges for each site; and", "is payable within 45 days."):
        p = d.add_paragraph(item)
        set_numbering(p, art, 2)
    p = d.add_paragraph("Late Payment", style="Heading 2")
    d.add_paragraph("Late amounts bear interest at 1% per month.")
    d.add_paragraph("Service Levels", style="Heading 1")
    d.add_paragraph("Availability", style="Heading 2")
    d.add_paragraph("The service is available 99.99% of each month.")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate((("Availability", "Credit"), ("< 99.99%", "10%"), ("< 99.9%", "25%"))):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    if plain:
        d.add_paragraph("Service Credits", style="Heading 2")
    else:
        # a new instance of the same list restarting level 2 at 4 (startOverride): "3.4"
        restart = nb.add({0: ("ARTICLE %1", "upperRoman"), 1: ("%1.%2", "decimal")}, {0: 3, 1: 4},
                         extra={1: {"isLgl": None}})
        p = d.add_paragraph("Service Credits")
        set_numbering(p, restart, 1)
    d.add_paragraph("Credits are the customer's sole remedy.")
    p = d.add_paragraph("Term", style="Heading 1")
    p = d.add_paragraph("Renewal", style="Heading 2")
    body = d.add_paragraph("The term renews for one-year periods")
    if plain:
        body.add_run(".")
        d.save(str(path))
        return
    # a tracked insertion and a tracked deletion in the last paragraph
    ins = _w("ins", id=1, author="Vendor", date="2024-01-01T00:00:00Z")
    r = _w("r")
    t = _w("t")
    t.text = " unless either party objects"
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    ins.append(r)
    body._p.append(ins)
    dl = _w("del", id=2, author="Vendor", date="2024-01-01T00:00:00Z")
    r = _w("r")
    t = _w("delText")
    t.text = " automatically forever"
    r.append(t)
    dl.append(r)
    body._p.append(dl)
    body._p.append(copy.deepcopy(_run(".")))
    d.save(str(path))


def _run(text):
    r = _w("r")
    t = _w("t")
    t.text = text
    r.append(t)
    return r


def test_word_numbering_is_computed_as_word_shows_it(tmp_path):
    path = tmp_path / "hosted-voice.docx"
    build_labelled_docx(path)
    doc = read_document(path)
    assert doc.kind == "docx"
    assert doc.tracked_changes_in_input == 2
    assert "The term renews for one-year periods unless either party objects." in doc.text
    assert "forever" not in doc.text
    numbers = [p.number for p in doc.paragraphs if p.number]
    assert numbers == [n for *_, n in LABELLED]
    assert "ARTICLE" not in doc.text, "computed numbers are not in the reference text"
    heads = [(p.heading_level, doc.text[p.start:p.end]) for p in doc.paragraphs if p.heading_level]
    assert heads[0] == (1, "Definitions") and heads[1] == (2, "Affiliate")
    cells = [p for p in doc.paragraphs if p.in_table]
    assert len(cells) == 6 and "Availability\tCredit\n< 99.99%\t10%" in doc.text
    ag = segment(doc)
    check_structure(ag)
    got = [(c.norm, c.level, c.heading, c.number) for c in ag.clauses]
    assert got == LABELLED
    assert ag.title == "Hosted Voice Services Agreement"
    assert any(b.kind == "table" for b in ag.blocks)


# ---------------------------------------------------------------------------------------------
# A PDF made by LibreOffice from the labelled agreement

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def labelled_pdf(tmp_path_factory):
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    src = folder / "hosted-voice.docx"
    build_labelled_docx(src, header="Bayline Networks - Hosted Voice Services Agreement - Confidential",
                        plain=True)
    profile = folder / "profile"
    cmd = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(folder), str(src)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"LibreOffice could not convert: {exc}")
    pdf = folder / "hosted-voice.pdf"
    if not pdf.exists():
        pytest.skip("LibreOffice made no PDF")
    return pdf


@pytest.mark.libreoffice
def test_pdf_keeps_the_tree_and_drops_page_furniture(labelled_pdf):
    doc = read_document(labelled_pdf)
    assert doc.kind == "pdf" and doc.pages
    assert doc.pages[0][0] == 0 and doc.pages[-1][1] == len(doc.text)
    ag = segment(doc)
    got = [(c.norm, c.level, c.heading) for c in ag.clauses]
    assert got == [(n, lvl, h) for n, lvl, h, _ in LABELLED_PLAIN]
    assert ag.title == "Hosted Voice Services Agreement"
    furn = [doc.text[f.start:f.end] for f in ag.furniture]
    assert furn.count("Bayline Networks - Hosted Voice Services Agreement - Confidential") == 2
    assert "Page 2" in furn


@pytest.fixture(scope="session")
def sample_pdfs(tmp_path_factory):
    """The multi-line samples printed to PDF by LibreOffice (lines wrapped, pages broken)."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("sample_pdf")
    names = ["velvetel-msa", "level3-callwave-msa"]
    for n in names:
        shutil.copy(SAMPLES / f"{n}.txt", folder / f"{n}.txt")
    cmd = [SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to",
           "pdf", "--outdir", str(folder)] + [str(folder / f"{n}.txt") for n in names]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"LibreOffice could not convert: {exc}")
    out = {n: folder / f"{n}.pdf" for n in names}
    if not all(p.exists() for p in out.values()):
        pytest.skip("LibreOffice made no PDF")
    return out


@pytest.mark.libreoffice
def test_sample_pdfs_keep_their_structure(sample_pdfs):
    v = segment(read_document(sample_pdfs["velvetel-msa"]))
    assert len(v.document.pages) > 20
    assert [c.norm for c in v.clauses if c.level == 1] == [str(i) for i in range(1, 27)]
    assert "main/7.3.1.1" in {c.id for c in v.clauses}
    lv = segment(read_document(sample_pdfs["level3-callwave-msa"]))
    assert [p.kind for p in lv.parts] == ["main", "schedule", "exhibit"]
    assert [c.norm for c in lv.clauses if c.level == 1 and c.part == "main"] == [str(i) for i in range(1, 8)]
    art7 = next(c for c in lv.clauses if c.id == "main/7")
    assert [lv.clause(k).norm for k in art7.children] == [f"7.{i}" for i in range(1, 21)]
    sched = lv.parts[1].id
    assert [c.norm for c in lv.clauses if c.level == 1 and c.part == sched][:10] == [str(i) for i in range(1, 11)]


def test_word_paragraph_heading_between_numbered_clauses_and_a_run_in_list(tmp_path):
    """A plain (unstyled) heading paragraph between Word-numbered clauses heads the clauses below
    it instead of ending the clause above; a run-in list inside a numbered paragraph is split."""
    d = docx.Document()
    nb = WordNumbering(d)
    nid = nb.add({0: ("%1.", "decimal")}, {})
    d.add_paragraph("Wholesale Voice Agreement", style="Title")
    d.add_paragraph("This agreement is made between Harrow Carrier Services Ltd and the customer.")
    body = {
        1: "Services. The supplier shall carry the customer's voice traffic.",
        2: "Charges. The customer shall pay each invoice within thirty days.",
        3: "Suspension. The supplier may suspend the service if: (a) the customer fails to pay; "
           "(b) the customer's traffic is fraudulent; or (c) a regulator requires it.",
        4: "Availability. The supplier shall keep the service available 99.9% of each month.",
        5: "Credits. Each hour below the target earns a credit of two per cent of the monthly charge.",
    }
    for k in range(1, 6):
        if k == 4:
            d.add_paragraph("Service Levels")
        p = d.add_paragraph(body[k])
        set_numbering(p, nid, 0)
    path = tmp_path / "grouped.docx"
    d.save(str(path))
    ag = segment(read_document(path))
    check_structure(ag)
    tops = [c for c in ag.clauses if c.parent is None]
    assert [c.norm or c.heading for c in tops] == ["1", "2", "3", "Service Levels"]
    group = tops[-1]
    assert [ag.clause(k).norm for k in group.children] == ["4", "5"]
    three = tops[2]
    assert [ag.clause(k).id for k in three.children] == ["main/3(a)", "main/3(b)", "main/3(c)"]
    own = join_pieces(ag.text, subtract((three.start, three.end),
                                        [(ag.clause(k).start, ag.clause(k).end) for k in three.children]))
    assert own.strip().endswith("may suspend the service if:")
    last = ag.clause("main/3(c)")
    assert ag.text[last.start:last.end].strip() == "(c) a regulator requires it."
    assert "Service Levels" not in ag.text[three.start:three.end]
