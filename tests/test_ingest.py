"""Reading agreements: encodings kept exact, Word numbering computed, and every bad input refused with
one clear `InputError` that names the file and says what to do."""

from __future__ import annotations

import copy
import struct
import zipfile
from pathlib import Path

import docx
import pytest

from redline.errors import InputError
from redline.ingest import read_document
from redline.segment import segment

from test_segment_docx import WordNumbering, set_numbering

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "resources" / "samples"


def refused(path, *words):
    with pytest.raises(InputError) as info:
        read_document(path)
    err = info.value
    text = str(err)
    assert str(path) in text, "the message names the file"
    assert err.hint, "the message says what to do"
    for w in words:
        assert w.lower() in text.lower(), (w, text)
    return err


# ---------------------------------------------------------------------------------------------
# Text encodings


@pytest.mark.parametrize("name", ["velvetel-msa.txt", "centurylink-bozeman-msa.txt"])
def test_samples_are_read_byte_exact(name):
    path = SAMPLES / name
    doc = read_document(path)
    assert doc.kind == "txt"
    assert doc.text == path.read_bytes().decode("utf-8")
    assert len(doc.sha256) == 64


def test_utf8_bom_is_dropped_and_line_endings_kept(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbf1. Term.\r\nText\rmore\n2. End.")
    doc = read_document(p)
    assert doc.text == "1. Term.\r\nText\rmore\n2. End."


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("1. Définitions.\r\nTexte".encode("utf-16"))
    doc = read_document(p)
    assert doc.text == "1. Définitions.\r\nTexte"


def test_cp1252_when_not_utf8(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"# Agreement\n1. Customer\x92s fees \x96 due \x93now\x94.\n")
    doc = read_document(p)
    assert doc.kind == "md" and doc.encoding == "cp1252"
    assert "Customer\u2019s fees \u2013 due \u201cnow\u201d." in doc.text


def test_control_characters_are_read(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"1. Term.\x0b Text \x01 with a control character.\n2. End. Done.")
    doc = read_document(p)
    assert "\x01" in doc.text
    assert [c.norm for c in segment(doc).clauses] == ["1", "2"]


# ---------------------------------------------------------------------------------------------
# Bad input


def test_missing_path(tmp_path):
    refused(tmp_path / "nope.txt", "no such file")


def test_folder(tmp_path):
    refused(tmp_path, "folder")


def test_unknown_extension(tmp_path):
    p = tmp_path / "a.xlsx"
    p.write_bytes(b"whatever")
    refused(p, "unsupported")


def test_old_doc_extension(tmp_path):
    p = tmp_path / "a.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    refused(p, ".docx")


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t  "])
def test_empty_or_blank(tmp_path, content):
    p = tmp_path / "a.txt"
    p.write_bytes(content)
    refused(p, "empty")


def test_binary_junk_with_a_txt_name(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(bytes(range(256)) * 20)
    refused(p, "binary")


def test_size_limit_can_be_raised(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_bytes(b"1. Term. " * 2000)
    monkeypatch.setenv("REDLINE_MAX_INPUT_MB", "0.001")
    err = refused(p, "limit")
    assert "REDLINE_MAX_INPUT_MB" in err.hint
    monkeypatch.setenv("REDLINE_MAX_INPUT_MB", "1")
    assert read_document(p).text.startswith("1. Term.")


def test_docx_that_is_not_a_zip(tmp_path):
    p = tmp_path / "a.docx"
    p.write_text("1. Not a Word file at all.", encoding="utf-8")
    refused(p, "not a zip")


def test_zip_without_a_document_part(tmp_path):
    p = tmp_path / "a.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    refused(p, "word/document.xml")


def _real_docx(tmp_path) -> Path:
    p = tmp_path / "real.docx"
    d = docx.Document()
    d.add_paragraph("1. Term. This agreement lasts one year.")
    d.save(str(p))
    return p


def test_truncated_docx(tmp_path):
    real = _real_docx(tmp_path).read_bytes()
    p = tmp_path / "cut.docx"
    p.write_bytes(real[: len(real) // 2])
    refused(p, "damaged")


@pytest.mark.parametrize("what", ["encrypted", "old .doc renamed"])
def test_ole_container_named_docx(tmp_path, what):
    p = tmp_path / "a.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    refused(p, "password")


def test_zip_bomb_is_refused_from_declared_sizes(tmp_path, monkeypatch):
    real = bytearray(_real_docx(tmp_path).read_bytes())
    # declare a 4 GB uncompressed size for word/document.xml in the central directory
    i = real.find(b"PK\x01\x02")
    while i >= 0:
        name_len = struct.unpack("<H", real[i + 28:i + 30])[0]
        name = bytes(real[i + 46:i + 46 + name_len])
        if name == b"word/document.xml":
            real[i + 24:i + 28] = struct.pack("<I", 0xFFFFFF00)
        i = real.find(b"PK\x01\x02", i + 4)
    p = tmp_path / "bomb.docx"
    p.write_bytes(bytes(real))
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    refused(p, "unsafe size")
    assert not opened, "nothing was inflated"


@pytest.mark.parametrize("decl", [
    b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
])
def test_xml_with_doctype_or_entities_is_never_resolved(tmp_path, decl):
    src = _real_docx(tmp_path)
    p = tmp_path / "evil.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                head, rest = data.split(b"?>", 1)
                data = head + b"?>" + decl + rest
            zout.writestr(item, data)
    refused(p, "DOCTYPE")


def test_corrupt_pdf(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    refused(p)


def test_not_a_pdf(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(b"1. Term. Plain text with a .pdf name.")
    refused(p, "not a pdf")


def _pdf(tmp_path, *, password=None) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    if password:
        w.encrypt(password)
    p = tmp_path / ("locked.pdf" if password else "blank.pdf")
    with open(p, "wb") as fh:
        w.write(fh)
    return p


def test_pdf_without_a_text_layer(tmp_path):
    refused(_pdf(tmp_path), "no text layer: run OCR first")


def test_encrypted_pdf(tmp_path):
    refused(_pdf(tmp_path, password="secret"), "encrypted")


def test_inputs_are_never_changed(tmp_path):
    p = _real_docx(tmp_path)
    before = p.read_bytes()
    read_document(p)
    assert p.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Word numbering formats


def test_word_number_formats_and_restarts(tmp_path):
    d = docx.Document()
    nb = WordNumbering(d)
    nid = nb.add({0: ("%1.", "decimal"), 1: ("(%2)", "lowerLetter"), 2: ("(%3)", "lowerRoman"),
                  3: ("%4)", "upperLetter"), 4: ("%5.", "upperRoman"), 5: ("%6", "decimalZero")}, {})
    plan = [(0, "1."), (1, "(a)"), (1, "(b)"), (2, "(i)"), (2, "(ii)"), (2, "(iii)"), (2, "(iv)"),
            (1, "(c)"), (2, "(i)"), (3, "A)"), (4, "I."), (4, "II."), (5, "01"), (0, "2."), (1, "(a)")]
    for ilvl, _ in plan:
        p = d.add_paragraph(f"item at level {ilvl}")
        set_numbering(p, nid, ilvl)
    bullet = nb.add({0: ("\u2022", "bullet")}, {})
    p = d.add_paragraph("a bullet")
    set_numbering(p, bullet, 0)
    # a second instance of the first list without overrides continues it: "3."
    cont = nb.root.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")[0]
    import copy as _copy
    twin = _copy.deepcopy(cont)
    twin.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}numId", "999")
    nb.root.append(twin)
    p = d.add_paragraph("continued")
    set_numbering(p, "999", 0)
    # numId 0 switches numbering off
    p = d.add_paragraph("not numbered")
    set_numbering(p, "0", 0)
    path = tmp_path / "formats.docx"
    d.save(str(path))
    doc = read_document(path)
    got = [p.number for p in doc.paragraphs]
    assert got == [n for _, n in plan] + [None, "3.", None]
    assert [p.num_level for p in doc.paragraphs[:3]] == [0, 1, 1]


def test_docx_runs_read_from_the_xml(tmp_path):
    from docx.oxml.ns import qn
    from lxml import etree

    d = docx.Document()
    p1 = d.add_paragraph("1. Scope. See ")
    link = etree.SubElement(p1._p, qn("w:hyperlink"))
    r = etree.SubElement(link, qn("w:r"))
    t = etree.SubElement(r, qn("w:t"))
    t.text = "the portal"
    p1.add_run(" for details.")
    # a paragraph whose mark was deleted as a tracked change joins the next one
    p2 = d.add_paragraph("The fees are")
    rpr = etree.SubElement(p2._p.get_or_add_pPr(), qn("w:rPr"))
    etree.SubElement(rpr, qn("w:del"), {qn("w:id"): "5", qn("w:author"): "V"})
    d.add_paragraph(" due monthly.")
    sdt = etree.SubElement(d.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    content.append(copy.deepcopy(d.add_paragraph("2. Term. One year.")._p))
    d.element.body.remove(d.paragraphs[-1]._p)
    d.element.body.append(d.element.body.find(qn("w:sectPr")))
    path = tmp_path / "runs.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.text == "1. Scope. See the portal for details.\nThe fees are due monthly.\n2. Term. One year."
    assert doc.tracked_changes_in_input == 1
    for sp in doc.paragraphs:
        assert 0 <= sp.start <= sp.end <= len(doc.text)
    assert [c.norm for c in segment(doc).clauses] == ["1", "2"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PARA = st.tuples(
    st.text(alphabet=st.sampled_from("ab Cd.1(): \u00e9\u2019"), max_size=30),
    st.sampled_from([None, 0, 1, 2]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PARA, min_size=1, max_size=12))
def test_random_word_documents_read_exactly(tmp_path, paras):
    d = docx.Document()
    nb = WordNumbering(d)
    nid = nb.add({0: ("%1.", "decimal"), 1: ("%1.%2", "decimal"), 2: ("(%3)", "lowerLetter")}, {})
    for text, level in paras:
        p = d.add_paragraph(text)
        if level is not None:
            set_numbering(p, nid, level)
    path = tmp_path / "random.docx"
    d.save(str(path))
    texts = [t for t, _ in paras]
    if not "".join(texts).strip():
        with pytest.raises(InputError):
            read_document(path)
        return
    doc = read_document(path)
    assert doc.text == "\n".join(texts)
    for sp, (t, level) in zip(doc.paragraphs, paras):
        assert doc.text[sp.start:sp.end] == t
        assert (sp.number is not None) == (level is not None)
    segment(doc)
