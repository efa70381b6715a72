"""Tests of the Word redline: fidelity by the independent reader and by LibreOffice, on the samples.

Normalisation (applied to both sides identically, see `expected_texts` and docx_reader.norm):
the agreement text with furniture spans blanked, "|" cell separators and "|---|" rule rows inside
table blocks blanked,
XML-forbidden characters blanked; then every whitespace run is one space.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from docx_reader import norm, read_docx
from redline import api, model
from redline.errors import OutputError
from redline.export import ooxml
from redline.export.redline_docx import clean_path, write_redline
from redline.segment import segment

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
INTERNAL = "INTERNAL-NOTE-do-not-send"


def _finding(i, start, end, quote, *, proposal="", apply="change+comment", replace_="span",
             clause=None, insert_after=None, comment=None):
    return model.Finding(
        id=f"t{i}", rule=f"rule-{i % 4}", title="Test finding", topic="test", severity="high",
        clause=clause, start=start, end=end, quote=quote, why=INTERNAL + " why",
        ask=INTERNAL + " ask", fallback=INTERNAL + " fallback",
        comment=comment if comment is not None else f"Customer asks for a change here ({i}).",
        proposal=proposal, apply=apply, replace=replace_, insert_after=insert_after)


def _free(agreement, s, e) -> bool:
    return not any(f.start < e and s < f.end for f in agreement.furniture)


def make_findings(agreement: model.Agreement):
    """Return test findings on words found in the text: replacements, comments, a multi-line span."""
    text = agreement.text
    out = []
    i = 0
    pattern = re.compile(r"\b(shall|days|terminate|liability|notice|Customer|Agreement)\b")
    hits = [m for m in pattern.finditer(text) if _free(agreement, m.start(), m.end())]
    for k, m in enumerate(hits[::max(1, len(hits) // 12)][:12]):
        i += 1
        kind = k % 3
        if kind == 0:
            out.append(_finding(i, m.start(), m.end(), m.group(0), proposal="will promptly"))
        elif kind == 1:
            out.append(_finding(i, m.start(), m.end(), m.group(0), apply="comment"))
        else:
            # a few words from here to the end of the sentence, rewritten
            end = text.find(".", m.end(), m.end() + 200)
            if end < 0 or not _free(agreement, m.start(), end):
                continue
            out.append(_finding(i, m.start(), end, text[m.start():end],
                                proposal=f"{m.group(0)} within sixty (60) days of written notice"))
    # a span across a line break, where there is one
    for m in re.finditer(r"\w+ \w+\n+\w+ \w+", text):
        if _free(agreement, m.start(), m.end()) and not any(
                f.start is not None and f.start < m.end() and m.start() < f.end for f in out):
            i += 1
            out.append(_finding(i, m.start(), m.end(), m.group(0), proposal="joined replacement"))
            break
    # a missing clause, inserted after the first clause (or at the end)
    after = agreement.clauses[0].id if agreement.clauses else None
    i += 1
    out.append(_finding(i, None, None, "", proposal="Mutual Indemnity. Each party will defend "
                        "the other.\nThis applies to third-party claims.", replace_="insert",
                        insert_after=after, comment="We add a mutual indemnity."))
    return sorted(out, key=lambda f: (f.start if f.start is not None else 10**9))


def expected_texts(agreement: model.Agreement, findings, *, decisions=None):
    """Return (reject-all, accept-all) texts expected, normalised."""
    text = agreement.text
    decisions = decisions or {}
    blank = [(f.start, f.end, " ") for f in agreement.furniture]
    for b in agreement.blocks:
        if b.kind == "table":
            for m in re.finditer(r"(?m)^[ \t|:\-]*\|[ \t|:\-]*$", text[b.start:b.end]):
                blank.append((b.start + m.start(), b.start + m.end(), " "))  # "|---|---|" rows
            for m in re.finditer(r"\|", text[b.start:b.end]):
                blank.append((b.start + m.start(), b.start + m.start() + 1, " "))

    def render(edits):
        pieces = sorted(blank + edits, key=lambda x: (x[0], -x[1]))
        out, pos = [], 0
        for s, e, new in pieces:
            if s < pos:
                continue
            out.append(text[pos:s])
            out.append(new)
            pos = e
        out.append(text[pos:])
        return ooxml.clean_text("".join(out), keep_length=True)

    edits = []
    inserts = []
    for f in findings:
        d = decisions.get(f.id, "accept")
        if d == "reject":
            continue
        proposal = f.proposal if d == "accept" else d
        if f.replace == "insert":
            inserts.append((f, proposal))
        elif f.apply != "comment" and proposal:
            edits.append((f.start, f.end, proposal))
    rejected = render([])
    accepted = render(edits)
    return norm(rejected), norm(accepted), inserts


def _analysis(agreement, findings):
    return model.AgreementAnalysis(agreement=agreement, parties=model.Parties("Vendor", "Customer"),
                                   findings=tuple(findings))


@pytest.fixture(scope="module")
def redlines(tmp_path_factory):
    """Write the redline of each sample once: {name: (agreement, findings, path, report)}."""
    out_dir = tmp_path_factory.mktemp("redlines")
    made = {}
    for path in SAMPLE_FILES:
        agreement = api.read_agreement(path)
        findings = make_findings(agreement)
        out = out_dir / (path.stem + ".redline.docx")
        report = write_redline(_analysis(agreement, findings), out, author="Jane Counsel", clean=True)
        made[path.name] = (agreement, findings, out, report)
    return made


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_sample_redline_fidelity(redlines, name):
    agreement, findings, out, report = redlines[name]
    view = read_docx(out)
    assert view.problems == []
    rejected, accepted, inserts = expected_texts(agreement, findings)
    assert norm(view.rejected) == rejected
    # the inserted clauses appear after their anchor: check them apart, then the rest
    got = norm(view.accepted)
    for f, text in inserts:
        ins = norm(text)
        assert ins in got
        got = got.replace(ins + " ", "", 1) if ins + " " in got else got.replace(" " + ins, "", 1)
    assert got == accepted
    # one comment per finding that has one; changes present
    assert report.comments == len(findings) == view.counts["comments"]
    assert set(view.comments.values()) == {f.comment for f in findings}
    assert view.counts["ins"] > 0 and view.counts["del"] > 0
    assert report.changes >= view.counts["ins"] + view.counts["del"]


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_sample_redline_says_nothing_internal(redlines, name):
    _agreement, _findings, out, _report = redlines[name]
    view = read_docx(out)
    assert INTERNAL not in view.package_text
    assert "python-docx" not in view.package_text.lower()
    assert str(SAMPLES) not in view.package_text
    assert view.core.get("creator") == "Jane Counsel"
    assert view.core.get("lastModifiedBy") == "Jane Counsel"
    assert not view.core.get("title") and not view.core.get("description")
    assert 'w:author="Jane Counsel"' in view.package_text


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_clean_copy_is_the_accepted_text(redlines, name):
    _agreement, _findings, out, report = redlines[name]
    assert report.outputs == [out, clean_path(out)]
    red = read_docx(out)
    clean = read_docx(clean_path(out))
    assert clean.counts["ins"] == clean.counts["del"] == clean.counts["mark_del"] == 0
    assert norm(clean.accepted) == norm(clean.rejected) == norm(red.accepted)


def test_headings_and_clause_numbers_as_written(redlines):
    agreement, _findings, out, _report = redlines["velvetel-msa.txt"]
    d = docx.Document(str(out))
    styles = {p.style.name for p in d.paragraphs}
    numbered = [c for c in agreement.clauses if c.number]
    assert numbered, "the segmenter found no numbered clause"
    texts = [p.text for p in d.paragraphs]
    c = numbered[len(numbered) // 2]
    assert any(t.startswith(c.number) for t in texts)
    if any(c.heading for c in agreement.clauses):
        assert any(s.startswith("Heading") for s in styles)


def test_decisions_reject_and_edit(tmp_path):
    agreement = api.read_agreement(SAMPLES / "level3-callwave-msa.txt")
    findings = [f for f in make_findings(agreement) if f.replace == "span" and f.apply != "comment"]
    assert len(findings) >= 2
    decisions = {findings[0].id: "reject", findings[1].id: "an edited proposal"}
    out = tmp_path / "d.docx"
    report = write_redline(_analysis(agreement, findings), out, decisions=decisions)
    assert findings[0].id not in report.applied
    view = read_docx(out)
    rejected, accepted, _ = expected_texts(agreement, findings, decisions=decisions)
    assert norm(view.rejected) == rejected
    assert norm(view.accepted) == accepted
    assert "an edited proposal" in view.accepted


def test_only_rules(tmp_path):
    agreement = api.read_agreement(SAMPLES / "level3-callwave-msa.txt")
    findings = make_findings(agreement)
    out = tmp_path / "o.docx"
    report = write_redline(_analysis(agreement, findings), out, only={"rule-1"})
    assert report.applied and all(fid in {f.id for f in findings if f.rule == "rule-1"}
                                  for fid in report.applied)


def test_clause_replacement(tmp_path):
    agreement = api.read_agreement(SAMPLES / "velvetel-msa.txt")
    leaf = next(c for c in agreement.clauses if not c.children and c.end - c.body_start > 40)
    f = _finding(1, None, None, "", proposal="A new body for this clause.", replace_="clause",
                 clause=leaf.id)
    out = tmp_path / "c.docx"
    write_redline(_analysis(agreement, [f]), out)
    view = read_docx(out)
    assert view.problems == []
    text = agreement.text
    start, end = leaf.body_start, leaf.end
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    as_span = replace(f, start=start, end=end, replace="span")
    rejected, accepted, _ = expected_texts(agreement, [as_span])
    assert norm(view.rejected) == rejected
    assert norm(view.accepted) == accepted
    assert "A new body for this clause." in view.accepted


def test_outputs_are_atomic_and_inputs_safe(tmp_path):
    src = tmp_path / "vendor.txt"
    src.write_text((SAMPLES / "level3-callwave-msa.txt").read_text(encoding="utf-8"), encoding="utf-8")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    agreement = api.read_agreement(src)
    item = _analysis(agreement, make_findings(agreement))
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    with pytest.raises(OutputError):
        write_redline(item, out)
    assert out.read_bytes() == b"old"
    write_redline(item, out, force=True)
    assert read_docx(out).counts["ins"] > 0
    with pytest.raises(OutputError):
        write_redline(item, src, force=True)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


# ---------------------------------------------------------------------------------------------
# .docx input

def _vendor_docx(path: Path) -> None:
    """Write a vendor .docx: heading styles, a table, bold runs and a tracked change of its own."""
    d = docx.Document()
    d.add_heading("Master Services Agreement", level=1)
    d.add_heading("1. Payment", level=2)
    p = d.add_paragraph("The Customer shall pay each invoice within ")
    p.add_run("thirty (30) days").bold = True
    p.add_run(" of receipt.")
    d.add_heading("2. Term", level=2)
    p = d.add_paragraph("This Agreement renews auto")
    p.add_run("matically for successive one-year terms.")  # a word split across runs
    # the vendor's own tracked change: an insertion and a deletion
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="901" w:author="Vendor" '
                          f'w:date="2025-01-01T00:00:00Z"><w:r><w:t xml:space="preserve"> '
                          f'Either party may opt out.</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="902" w:author="Vendor" '
                          f'w:date="2025-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve"> '
                          f'Old words.</w:delText></w:r></w:del>'))
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Service"
    t.cell(0, 1).text = "Fee"
    t.cell(1, 0).text = "SIP trunk"
    t.cell(1, 1).text = "$100 per month"
    p = d.add_paragraph("3. Liability. Provider's liability is limited to one month's fees.")
    d.add_comment(p.runs, "Vendor's own note.", author="Vendor")
    p = d.add_paragraph("Use of the Service is subject to ")
    p._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="aup"/>'))
    p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="aup"><w:r><w:rPr><w:i/></w:rPr>'
                          f'<w:t xml:space="preserve">the Acceptable Use Policy as amended</w:t>'
                          f'</w:r></w:hyperlink>'))
    p._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))
    p.add_run(" from time to time.")
    d.save(str(path))


def _read_vendor_docx(path: Path) -> model.Document:
    """Return the Document of a .docx by the reader's convention (built here, not by the writer)."""
    from lxml import etree
    import zipfile

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    body = root.find(W + "body")
    texts, paras, changes = [], [], 0
    pos = 0
    index = 0

    def ptext(p):
        out = []
        for el in p.iter(W + "t", W + "tab"):
            if any(a.tag == W + "del" for a in el.iterancestors()):
                continue
            out.append(el.text or "" if el.tag == W + "t" else "\t")
        return "".join(out)

    for el in body.iter(W + "ins", W + "del"):
        changes += 1
    chunks = []
    for block in body:
        if block.tag == W + "p":
            chunks.append(("p", [block]))
        elif block.tag == W + "tbl":
            for row in block.iter(W + "tr"):
                chunks.append(("row", [c.find(W + "p") for c in row.iter(W + "tc")]))
    for kind, ps in chunks:
        for j, p in enumerate(ps):
            t = ptext(p)
            paras.append(model.SourceParagraph(index=index, start=pos, end=pos + len(t),
                                               in_table=kind == "row"))
            texts.append(t)
            texts.append("\t" if kind == "row" and j < len(ps) - 1 else "\n")
            pos += len(t) + 1
            index += 1
    text = "".join(texts[:-1])
    return model.Document(path=str(path), kind="docx", text=text, paragraphs=tuple(paras),
                          tracked_changes_in_input=changes)


@pytest.mark.parametrize("reader", ["convention", "ingest"])
def test_docx_input_keeps_the_vendor_document(tmp_path, reader):
    src = tmp_path / "vendor.docx"
    _vendor_docx(src)
    before = src.read_bytes()
    if reader == "convention":
        document = _read_vendor_docx(src)  # the reader's documented convention, built here
    else:
        document = api.read_agreement(src).document  # the real reader (redline.ingest)
    assert "Either party may opt out." in document.text and "Old words" not in document.text
    agreement = segment(document)
    text = document.text
    s = text.index("thirty (30) days")
    s2 = text.index("renews automatically")
    s3 = text.index("$100 per month")
    s4 = text.index("one month's fees")
    s5 = text.index("as amended from time")
    findings = [
        _finding(1, s, s + len("thirty (30) days"), "thirty (30) days", proposal="forty-five (45) days"),
        _finding(2, s2, s2 + len("renews automatically"), "renews automatically",
                 proposal="may be renewed by written agreement"),
        _finding(3, s3, s3 + len("$100 per month"), "$100 per month", apply="comment"),
        _finding(4, s4, s4 + len("one month's fees"), "one month's fees",
                 proposal="twelve months' fees"),
        _finding(5, s5, s5 + len("as amended from time"), "as amended from time",
                 proposal="in force on the date of signature, and not as changed from time"),
    ]
    out = tmp_path / "vendor.redline.docx"
    report = write_redline(_analysis(agreement, findings), out, clean=True)
    assert src.read_bytes() == before
    assert report.tracked_changes_in_input == 2
    view = read_docx(out)
    assert view.problems == []
    assert norm(view.rejected) == norm(text)
    expected = text
    for f in sorted(findings, key=lambda f: -f.start):
        if f.apply != "comment":
            expected = expected[:f.start] + f.proposal + expected[f.end:]
    assert norm(view.accepted) == norm(expected)
    # the vendor's own changes are gone (accepted), only ours remain
    assert "w:ins w:id=\"901\"" not in view.package_text
    assert view.counts["comments"] == 6  # five of ours and the vendor's own
    d = docx.Document(str(out))
    assert [p.style.name for p in d.paragraphs][:2] == ["Heading 1", "Heading 2"]
    assert len(d.tables) == 1 and d.tables[0].cell(0, 0).text == "Service"
    # the bold run stays bold where it was kept and where it was replaced
    bold = [r for r in d.element.body.iter(qn("w:r")) if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None]
    assert any("45" in "".join(t.text or "" for t in r.iter(qn("w:t"))) for r in bold)
    clean = read_docx(clean_path(out))
    assert norm(clean.rejected) == norm(expected)


# ---------------------------------------------------------------------------------------------
# LibreOffice (one soffice for the session: the `libreoffice` fixture)


@pytest.fixture(scope="module")
def lo_views(redlines, libreoffice, tmp_path_factory):
    """What LibreOffice sees in the five redlines and a .docx-input redline: {name: (path, LOView)}."""
    files = {n: redlines[n][2] for n in redlines}
    tmp = tmp_path_factory.mktemp("lo-docx")
    src = tmp / "vendor.docx"
    _vendor_docx(src)
    document = _read_vendor_docx(src)
    s = document.text.index("thirty (30) days")
    f = _finding(1, s, s + 16, "thirty (30) days", proposal="forty-five (45) days")
    out = tmp / "v.redline.docx"
    write_redline(_analysis(segment(document), [f]), out)
    files["vendor.docx"] = out
    book = api.load_playbook()
    for path in SAMPLE_FILES:  # the real review's findings too, whatever they are today
        agreement = api.read_agreement(path)
        real = tmp / (path.stem + ".review.docx")
        write_redline(api.analyze_agreement(agreement, book), real)
        files["review:" + path.name] = real
    names = list(files)
    views = libreoffice.open_many([files[n] for n in names])
    return {n: (files[n], v) for n, v in zip(names, views)}


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES] + ["vendor.docx"]
                         + ["review:" + p.name for p in SAMPLE_FILES])
def test_libreoffice_opens_and_agrees(lo_views, name):
    out, lo = lo_views[name]
    view = read_docx(out)
    assert lo.opened, lo.error
    assert lo.changes > 0 or view.counts["ins"] + view.counts["del"] == 0
    assert lo.comments == view.counts["comments"]
    assert norm(lo.accepted) == norm(view.accepted)
    assert norm(lo.rejected) == norm(view.rejected)


def test_libreoffice_pdf_shows_the_comments(redlines, libreoffice, tmp_path):
    import pypdf

    _agreement, findings, out, _report = redlines["level3-callwave-msa.txt"]
    pdf = libreoffice.to_pdf(out, tmp_path / "l3.pdf", comments=True)
    reader = pypdf.PdfReader(str(pdf))
    notes = [a.get_object() for page in reader.pages for a in (page.get("/Annots") or [])
             if a.get_object().get("/Subtype") == "/Text"]
    assert len(notes) == len(findings)
    assert all("Jane Counsel" in str(n.get("/T")) for n in notes)
    assert not any(INTERNAL in str(n.get("/Contents")) for n in notes)


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_FILES])
def test_real_review_findings(tmp_path, name):
    """The whole pipeline (whatever the review finds): the OOXML rules hold, reject-all is the
    agreement, and every applied proposal reads in the accept-all text."""
    agreement = api.read_agreement(SAMPLES / name)
    item = api.analyze_agreement(agreement, api.load_playbook())
    out = tmp_path / "r.docx"
    report = write_redline(item, out)
    view = read_docx(out)
    assert view.problems == []
    rejected, _accepted, _ = expected_texts(agreement, [])
    assert norm(view.rejected) == rejected
    accepted = norm(view.accepted)
    by_id = {f.id: f for f in item.findings}
    for fid in report.applied:
        f = by_id[fid]
        if f.apply != "comment" and f.proposal and not any(fid == s for s, _ in report.skipped):
            assert norm(ooxml.clean_text(f.proposal, keep_length=True)) in accepted, fid
    assert report.comments == view.counts["comments"]


def test_track_changes_on_in_the_redline_off_in_the_clean_copy(redlines):
    import zipfile

    _agreement, _findings, out, _report = redlines["velvetel-msa.txt"]
    assert b"<w:trackRevisions/>" in zipfile.ZipFile(out).read("word/settings.xml")
    assert b"trackRevisions" not in zipfile.ZipFile(clean_path(out)).read("word/settings.xml")


def test_missing_clause_without_anchor_goes_into_the_main_part(tmp_path):
    agreement = api.read_agreement(SAMPLES / "centurylink-bozeman-msa.txt")
    mains = [p for p in agreement.parts if p.kind == "main"]
    later = [p for p in agreement.parts if mains and p.start >= mains[0].end]
    if not mains or not later:
        pytest.skip("the segmenter found no main part followed by another part")
    f = _finding(1, None, None, "", proposal="Zebra clause text for the test.", replace_="insert")
    out = tmp_path / "m.docx"
    write_redline(_analysis(agreement, [f]), out)
    from redline.spans import quote

    accepted = norm(read_docx(out).accepted)
    at = accepted.index("Zebra clause text")
    last_main = [c for c in agreement.clauses if c.part == mains[0].id][-1]
    first_later = next(c for c in agreement.clauses if c.part == later[0].id)
    assert norm(quote(agreement, last_main.start, last_main.end)) in accepted[:at]
    assert norm(quote(agreement, first_later.start, first_later.end)) in accepted[at:]


# ---------------------------------------------------------------------------------------------
# generated agreements and findings (checked with the independent reader only)

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_WORDS = ["Provider", "Customer", "shall", "may", "pay", "terminate", "notice", "thirty", "(30)",
          "days", "fees", "liability", "limited", "to", "the", "Agreement", "Section", "4.2",
          "$1,100", "1.5%", "per", "month", "\u00a7", "caf\u00e9", "\x01", "\u2019s", "and"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000))
def test_generated_agreements(tmp_path, seed):
    import random

    rng = random.Random(seed)
    lines = []
    for n in range(1, rng.randint(2, 7)):
        lines.append(f"{n}. Heading {n}. " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 25))))
        for k in range(rng.randint(0, 2)):
            lines.append(f"{n}.{k + 1} " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 20))))
    text = ("\n" if rng.random() < 0.7 else " ").join(lines) + "\n"
    src = tmp_path / f"g{seed}.txt"
    src.write_text(text, encoding="utf-8")
    agreement = api.read_agreement(src)
    text = agreement.text
    words = [m for m in re.finditer(r"\S+", text)]
    findings = []
    for i in range(rng.randint(1, 5)):
        a = rng.randrange(len(words))
        b = min(len(words) - 1, a + rng.randint(0, 6))
        s, e = words[a].start(), words[b].end()
        kind = rng.random()
        proposal = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
        findings.append(_finding(i, s, e, text[s:e], proposal=proposal,
                                 apply="comment" if kind < 0.2 else "change+comment"))
    out = tmp_path / f"g{seed}.docx"
    report = write_redline(_analysis(agreement, findings), out, force=True)
    view = read_docx(out)
    assert view.problems == []
    skipped_changes = {fid for fid, _ in report.skipped}
    applied = [f for f in findings if f.id not in skipped_changes]
    rejected, accepted, _ = expected_texts(agreement, applied)
    assert norm(view.rejected) == rejected
    assert norm(view.accepted) == accepted
    dropped = [fid for fid, why in report.skipped if "comment kept" not in why]
    assert view.counts["comments"] == len(findings) - len(dropped)


def test_apply_change_writes_no_comment(tmp_path):
    agreement = api.read_agreement(SAMPLES / "level3-callwave-msa.txt")
    m = re.search(r"\bshall\b", agreement.text)
    f = _finding(1, m.start(), m.end(), "shall", proposal="will", apply="change")
    out = tmp_path / "c.docx"
    report = write_redline(_analysis(agreement, [f]), out)
    view = read_docx(out)
    assert report.comments == view.counts["comments"] == 0
    assert view.counts["ins"] == 1 and view.counts["del"] == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000))
def test_generated_docx_inputs(tmp_path, seed):
    """Random .docx inputs (runs split anywhere, bold/italic, a table, a vendor tracked change)
    through the real reader; proposals on random words; checked by the independent reader."""
    import random

    rng = random.Random(seed)
    d = docx.Document()
    for n in range(rng.randint(1, 6)):
        text = f"{n + 1}. " + " ".join(rng.choice(_WORDS[:-4]) for _ in range(rng.randint(2, 18)))
        p = d.add_paragraph()
        pos = 0
        while pos < len(text):  # runs cut at random places, even mid-word
            k = rng.randint(1, 9)
            run = p.add_run(text[pos:pos + k])
            run.bold = rng.random() < 0.3
            run.italic = rng.random() < 0.2
            pos += k
        if rng.random() < 0.2:
            p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="{900 + n}" w:author="Vendor" '
                                  f'w:date="2025-01-01T00:00:00Z"><w:r><w:t xml:space="preserve"> '
                                  f'added by vendor</w:t></w:r></w:ins>'))
        if rng.random() < 0.2:
            t = d.add_table(rows=1, cols=2)
            t.cell(0, 0).text = rng.choice(_WORDS[:-4]) + " cell"
            t.cell(0, 1).text = "fee " + rng.choice(["$1,100", "99.9%", "thirty (30) days"])
    src = tmp_path / f"in{seed}.docx"
    d.save(str(src))
    agreement = api.read_agreement(src)
    text = agreement.text
    words = list(re.finditer(r"\S+", text))
    findings = []
    for i in range(rng.randint(1, 4)):
        a = rng.randrange(len(words))
        b = min(len(words) - 1, a + rng.randint(0, 4))
        s, e = words[a].start(), words[b].end()
        if "\t" in text[s:e]:
            continue  # a span across table cells is not a thing a finding quotes
        findings.append(_finding(i, s, e, text[s:e],
                                 proposal=" ".join(rng.choice(_WORDS[:-4]) for _ in range(rng.randint(1, 5)))))
    out = tmp_path / f"out{seed}.docx"
    report = write_redline(_analysis(agreement, findings), out, force=True)
    view = read_docx(out)
    assert view.problems == []
    assert norm(view.rejected) == norm(text)
    assert not [why for _fid, why in report.skipped if "could not be found" in why]
    skipped = {fid for fid, _ in report.skipped}
    _rej, accepted, _ = expected_texts(agreement, [f for f in findings if f.id not in skipped])
    assert norm(view.accepted) == accepted
    assert 'w:author="Vendor"' not in view.package_text
