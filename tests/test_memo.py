"""The negotiation memo: written from the real pipeline, read back with python-docx and opened
in LibreOffice; the Markdown says the same; a synthetic review over the samples' own words
exercises the parts the engine may not fill yet (findings, market, key terms, loose ends)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from docx.oxml.ns import qn
from docx_reader import read_docx
from lxml import etree

from redline import api, spans
from redline.errors import OutputError
from redline.export import memo_facts
from redline.export.memo import SHADES, TEXT_WIDTH_TWIPS, write_memo
from redline.export.memo_content import BANNER, ELLIPSIS, finding_quote, quotable
from redline.model import (Agreement, AgreementAnalysis, Analysis, Cell, Clause, DefinedTerm,
                           Document, Finding, Furniture, KeyTerm, MarketEntry, OpenItem, Parties, Part, XRef)
from redline.playbook import load_playbook

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
H1 = ["Executive summary", "Heat map", "Key terms", "Issues by agreement"]
# Orders from the WordprocessingML schema (ECMA-376 Part 1, CT_TblPr and CT_Settings).
SCHEMA_TBLPR = (("tblStyle", "tblW"), ("tblW", "jc"), ("jc", "tblBorders"), ("tblW", "tblBorders"),
                ("tblBorders", "tblLayout"), ("tblW", "tblLayout"), ("tblLayout", "tblCellMar"),
                ("tblCellMar", "tblLook"), ("tblLayout", "tblLook"))
SCHEMA_SETTINGS = (("zoom", "updateFields"), ("defaultTabStop", "updateFields"),
                   ("updateFields", "compat"), ("updateFields", "rsids"),
                   ("updateFields", "themeFontLang"), ("updateFields", "decimalSymbol"))


def flat(text: str) -> str:
    return " ".join(text.split())


def clean_text(item) -> str:
    """The agreement's words, furniture aside, whitespace collapsed."""
    ag = item.agreement
    return flat(spans.quote(ag, 0, len(ag.text)))


def quote_pieces(shown: str):
    """The verbatim pieces of a quote as the memo shows it (elisions and trailing … removed)."""
    text = shown.strip().strip("“”").strip()
    for piece in text.split(ELLIPSIS.strip()):
        piece = piece.strip()
        if piece.endswith("…"):
            piece = piece[:-1].rstrip()
        if piece:
            yield flat(piece)


@pytest.fixture(scope="module")
def analysis():
    return api.analyze(sorted(SAMPLES.glob("*.txt")))


@pytest.fixture(scope="module")
def playbook(analysis):
    return load_playbook(analysis.playbook_path or None)


# ---------------------------------------------------------------------------------------------
# A synthetic review over the samples' real words (the engine's review may still be partial)

_POINTS = (
    ("late_payment", r"\binterest\b", "high"),
    ("billing_disputes", r"\bdisput", "medium"),
    ("limitation_of_liability", r"\bliab", "high"),
    ("term_and_renewal", r"\brenew", "low"),
    ("governing_law", r"\bgoverned by\b|\blaws of\b", "medium"),
    ("suspension", r"\bsuspen", "high"),
)


def _sentence(text: str, pos: int):
    start = max(text.rfind(". ", max(0, pos - 300), pos) + 2, max(0, pos - 300))
    stop = text.find(". ", pos, pos + 700)
    end = stop + 1 if stop != -1 else min(len(text), pos + 300)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def synthetic(analysis):
    """Return `analysis` with findings, key terms, loose ends and a market made from real text."""
    items = []
    market = {}
    for idx, item in enumerate(analysis.agreements):
        ag = item.agreement
        findings = []
        for n, (topic, pattern, sev) in enumerate(_POINTS):
            m = re.search(pattern, ag.text, re.I)
            if not m:
                findings.append(Finding(id=f"f{idx}-{n}", rule=f"{topic}.missing", title=f"No {topic}",
                                        topic=topic, severity="medium", clause=None, start=None,
                                        end=None, quote="", why="It matters.", ask="Add it."))
                continue
            s, e = _sentence(ag.text, m.start())
            clause = memo_facts.clause_at(item, s)
            findings.append(Finding(
                id=f"f{idx}-{n}", rule=f"{topic}.r", title=f"One-sided {topic.replace('_', ' ')}",
                topic=topic, severity=sev, clause=clause.id if clause else None, start=s, end=e,
                quote=spans.quote(ag, s, e), why="It shifts the risk to us.",
                ask="Make it mutual.", fallback="Cap it at 12 months' fees."))
            if idx == len(analysis.agreements) - 1 and topic not in market:
                market[topic] = MarketEntry(best=item.path, quote=spans.quote(ag, s, e),
                                            clause=clause.id if clause else None)
        some = ag.clauses[0].id if ag.clauses else None
        key_terms = {
            "payment_due_days": KeyTerm("payment_due_days", 30 + idx, clause=some),
            "late_interest": KeyTerm("late_interest", "1.5% per month", clause=some),
            "auto_renewal": KeyTerm("auto_renewal", bool(idx % 2)),
            "liability_cap": KeyTerm("liability_cap", "the fees paid in the prior twelve months",
                                     normalized="12 months' fees", clause=some,
                                     alternatives=(KeyTerm("liability_cap", "$1,000,000", clause=some),)),
            "sla_uptime": KeyTerm("sla_uptime", ["99.9%", "99.99%"]),
        }
        blanks = [OpenItem(m.group(0), m.start(), m.end())
                  for m in re.finditer(r"_{4,}|\$X\.XX|\[[A-Z][A-Za-z ]+\]", ag.text)][:5]
        refs = [XRef(m.group(0), None, m.start(), m.end(), dangling=True)
                for m in re.finditer(r"Section \d+(?:\.\d+)+", ag.text)][:4]
        terms = (DefinedTerm("Widget", 0, 5, uses=0, defined=True),
                 DefinedTerm("Service Order Form", None, None, uses=3, defined=False))
        items.append(dataclasses.replace(item, findings=tuple(findings), key_terms=key_terms,
                                         open_items=tuple(blanks), xrefs=tuple(refs),
                                         defined_terms=terms, risk_score=10 * (idx + 1)))
    matrix = {}
    for topic, _, _ in _POINTS:
        matrix[topic] = tuple(Cell("addressed", ()) for _ in items)
    return dataclasses.replace(analysis, agreements=tuple(items), matrix=matrix, market=market)


# ---------------------------------------------------------------------------------------------
# Reading the memo back


def styled(document):
    """(style name, text) of every body paragraph (style ids resolved once: lookups are slow)."""
    names = {st.style_id: st.name for st in document.styles}
    return [(names.get(p._p.style or "", "Normal"), p.text) for p in document.paragraphs]


def headings(document):
    return [(int(name.split()[1]), text) for name, text in styled(document)
            if name.startswith("Heading ")]


def quotes_in(document):
    return [text for name, text in styled(document) if name == "Quote"]


def table_by_head(document, first: str):
    return [t for t in document.tables if t.rows[0].cells[0].text == first]


def shading(cell) -> str:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else ""


def instr_texts(element) -> str:
    return " ".join(t.text or "" for t in element.iter(qn("w:instrText")))


def check_memo(path: Path, an, book):
    """Assert what every memo must hold; return the python-docx document."""
    document = docx.Document(str(path))
    # The privilege banner heads every page.
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert BANNER in header
    assert document.core_properties.author == "Redline"
    assert document.core_properties.title.startswith("Negotiation memo")
    # Headings, a TOC field Word refreshes, page numbers in the footer.
    levels = headings(document)
    top = [t for lvl, t in levels if lvl == 1]
    for name in H1:
        assert name in top
    assert any(t.startswith("Appendix") for t in top)
    body = document.element.body
    assert 'TOC \\o "1-3"' in instr_texts(body)
    settings = document.settings.element.find(qn("w:updateFields"))
    assert settings is not None and settings.get(qn("w:val")) == "true"
    assert "PAGE" in instr_texts(document.sections[0].footer._element).split()
    # Sound OOXML: unique bookmark ids, and children where the schema puts them.
    assert not read_docx(str(path)).problems
    for parent, pairs in ((body.iter(qn("w:tblPr")), SCHEMA_TBLPR),
                          ([document.settings.element], SCHEMA_SETTINGS)):
        for el in parent:
            tags = [etree.QName(c).localname for c in el]
            for a, b in pairs:
                if a in tags and b in tags:
                    assert tags.index(a) < tags.index(b), (a, b)
    # Every table fits the page, has fixed columns and repeats its header row.
    widths = [int((sec.page_width - sec.left_margin - sec.right_margin) / 635) for sec in document.sections]
    assert widths[0] == TEXT_WIDTH_TWIPS
    section_of, k = {}, 0
    for el in body:
        if el.tag == qn("w:tbl"):
            section_of[el] = k
        elif el.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            k += 1
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= widths[section_of[table._tbl]]
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    n = len(an.agreements)
    labels = memo_facts.labels(an)
    # The heat map: one row per playbook topic, one column per agreement.
    (heat,) = table_by_head(document, "Topic")
    assert len(heat.columns) == 1 + n
    assert sorted(c.text for c in heat.rows[0].cells[1:]) == sorted(labels)
    assert heat.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    topic_names = [t.name for t in book.topics]
    shown = [r.cells[0].text.rstrip(" *") for r in heat.rows[1:]]
    assert shown[: len(topic_names)] == topic_names
    # Each cell is shaded by the worst finding on the topic (checked from the findings).
    col_of = {label: j for j, label in enumerate(c.text for c in heat.rows[0].cells) if j}
    order = {"high": 0, "medium": 1, "low": 2}
    topic_ids = [t.id for t in book.topics]
    for r, row in enumerate(heat.rows[1: len(topic_ids) + 1]):
        cells = row.cells
        for i, item in enumerate(an.agreements):
            cell = cells[col_of[labels[i]]]
            found = [f for f in item.findings if f.topic == topic_ids[r]]
            assert shading(cell) != ""
            if found:
                worst = min(found, key=lambda f: order[f.severity]).severity
                if cell.text != "Missing":
                    assert cell.text.lower().startswith(worst)
                    assert shading(cell) == SHADES[worst]
            else:
                assert cell.text in {"OK", "silent", "Missing", "Redacted", "Unacceptable", "Fallback"}
    # The key terms: one row per term of the contract, each value with its section.
    (terms,) = table_by_head(document, "Key term")
    assert len(terms.rows) == 1 + len(memo_facts.KEY_TERMS)
    assert len(terms.columns) == 1 + n
    # Every quote is the agreement's own words, furniture aside.
    texts = [clean_text(item) for item in an.agreements]
    quotes = quotes_in(document)
    for q in quotes:
        for piece in quote_pieces(q):
            assert any(piece in t for t in texts), piece[:80]
    shown_quotes = " ".join(flat(q) for q in quotes)
    rules = set()
    for i, item in enumerate(an.agreements):
        by_rule = {}
        for f in item.findings:
            rules.add((i, f.rule or f.id))
            by_rule.setdefault(f.rule or f.id, []).append(f)
        for found in by_rule.values():
            placed = [f for f in found if f.start is not None]
            if not placed:
                continue
            # The words of one of the rule's places are shown, and they are this agreement's own.
            shown = []
            for f in placed:
                pieces = list(quote_pieces(quotable(spans.quote(item.agreement, f.start, f.end))))
                for piece in pieces:
                    assert piece in texts[i], piece[:80]
                shown.append(all(piece in shown_quotes for piece in pieces))
            assert any(shown), found[0].rule
    # One entry (a numbered heading) per rule an agreement breaks.
    per_issue = [t for lvl, t in levels if lvl == 4 and re.match(r"\d+\. ", t)]
    assert len(per_issue) == len(rules)
    return document


# ---------------------------------------------------------------------------------------------


def test_memo_of_the_real_pipeline_reads_back(analysis, playbook, tmp_path):
    out = write_memo(analysis, tmp_path / "memo.docx", matter="Acme SIP RFP")
    assert out == tmp_path / "memo.docx"
    document = check_memo(out, analysis, playbook)
    title = " ".join(c.text for t in document.tables[:1] for r in t.rows for c in r.cells)
    assert "Acme SIP RFP" in title
    for item in analysis.agreements:
        assert Path(item.path).name in title


def test_synthetic_review_fills_every_section(analysis, playbook, tmp_path):
    an = synthetic(analysis)
    out = write_memo(an, tmp_path / "memo.docx", playbook=playbook)
    document = check_memo(out, an, playbook)
    text = "\n".join(p.text for p in document.paragraphs)
    for needle in ("Our ask:", "Fallback:", "Why it matters:", "Market:", "Their words:"):
        assert needle in text
    # The market quotes the best other agreement's words.
    last = an.agreements[-1]
    market_quotes = {flat(e.quote) for e in an.market.values()}
    assert any(q in flat(text) for q in market_quotes)
    assert "Closest to our position" in text
    # Key-term values carry their section numbers; overridden values are listed.
    (terms,) = table_by_head(document, "Key term")
    cells = " ".join(c.text for r in terms.rows for c in r.cells)
    assert "1.5% per month" in cells and "otherwise $1,000,000" in cells
    numbered = [a for a in an.agreements if a.agreement.clauses and a.agreement.clauses[0].number]
    for item in numbered:
        num = item.agreement.clauses[0].number.strip().rstrip(".")
        assert num.lower() in cells.lower()
    # Appendix tables: open items, dangling references, defined-term problems.
    heads = {t.rows[0].cells[0].text for t in document.tables}
    assert {"Key term", "Topic", "Shade"} <= heads
    if any(a.open_items for a in an.agreements):
        assert "Blank or placeholder" in heads
    if any(a.xrefs for a in an.agreements):
        assert "Reference" in heads
    assert "never defined" in " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert last.path  # the synthetic market's best agreement exists


def test_markdown_says_the_same(analysis, playbook, tmp_path):
    an = synthetic(analysis)
    md = write_memo(an, tmp_path / "memo.md", fmt="md", playbook=playbook).read_text(encoding="utf-8")
    document = docx.Document(str(write_memo(an, tmp_path / "memo.docx", playbook=playbook)))
    assert md.startswith(f"**{BANNER}**")
    for level, text in headings(document):
        assert f"{'#' * (level + 1)} {text}\n" in md
    for text in quotes_in(document):
        assert f"> {text}" in md
    assert md.count("\n| ") >= len(load_playbook(an.playbook_path or None).topics)


def test_outputs_are_safe(analysis, playbook, tmp_path):
    target = tmp_path / "memo.docx"
    target.write_bytes(b"keep me")
    with pytest.raises(OutputError):
        write_memo(analysis, target, playbook=playbook)
    assert target.read_bytes() == b"keep me"
    write_memo(analysis, target, force=True, playbook=playbook)
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(OutputError):
        write_memo(analysis, tmp_path / "memo.pdf", fmt="pdf")
    with pytest.raises(OutputError):
        write_memo(analysis, analysis.agreements[0].path, force=True)
    with pytest.raises(OutputError, match="no agreement"):
        write_memo(dataclasses.replace(analysis, agreements=()), tmp_path / "empty.docx")
    assert not (tmp_path / "empty.docx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


# ---------------------------------------------------------------------------------------------
# LibreOffice (one headless instance per session: the `libreoffice` fixture in conftest.py)


@pytest.mark.libreoffice
def test_libreoffice_converts_the_memo_to_pdf(analysis, playbook, tmp_path, libreoffice):
    an = synthetic(analysis)
    memo = write_memo(an, tmp_path / "memo.docx", playbook=playbook)
    pdf = libreoffice.to_pdf(memo, tmp_path / "memo.pdf")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 3
    first = reader.pages[0].extract_text()
    assert "Privileged" in first and "Negotiation memo" in first
    text = " ".join(p.extract_text() for p in reader.pages)
    for name in H1:
        assert name in text
    # Page numbers come from the footer's fields: the last page says "Page N of N".
    n = len(reader.pages)
    assert f"Page {n} of {n}" in reader.pages[-1].extract_text()
    # No page is blank but for its header and footer (a section break must not spill over).
    for k, page in enumerate(reader.pages, start=1):
        rest = page.extract_text().replace(BANNER, "").replace(f"Page {k} of {n}", "")
        assert rest.strip(), f"page {k} is blank"


# ---------------------------------------------------------------------------------------------
# The facts the memo states, on small hand-made agreements

def _hand_made(provider="Acme Networks, Inc."):
    text = ("1. Fees. Customer pays within 10 days. (a) Late charges apply. (iv) Interest accrues.\n"
            "EXHIBIT B SIP TRUNK SERVICE\n2. Credits. Credits are the sole remedy.")
    sip = text.index("EXHIBIT B")
    clauses = (
        Clause("main/1", "main", "1.", "1", "Fees", 1, None, 0, sip, 9, ("main/1(a)",)),
        Clause("main/1(a)", "main", "(a)", "a", None, 2, "main/1", 39, sip, 43, ("main/1(a)(iv)",)),
        Clause("main/1(a)(iv)", "main", "(iv)", "iv", None, 3, "main/1(a)", 60, sip, 65),
        Clause("exhibit-b/2", "exhibit-b", "2.", "2", "CREDITS", 1, None, sip + 28, len(text), sip + 40),
    )
    ag = Agreement(Document("x.txt", "txt", text), "x",
                   (Part("main", "Agreement", "main", 0, sip),
                    Part("exhibit-b", "EXHIBIT B SIP TRUNK SERVICE", "exhibit", sip, len(text))),
                   clauses)
    return AgreementAnalysis(ag, Parties(provider, "Customer"))


def test_sections_are_cited_in_full_with_their_part():
    item = _hand_made()
    assert memo_facts.section_ref(item, "main/1(a)(iv)") == "§\u00a01(a)(iv)"
    assert memo_facts.section_ref(item, "main/1", heading=True) == "§\u00a01 Fees"
    assert memo_facts.section_ref(item, "exhibit-b/2", heading=True) == "Exhibit B, §\u00a02 Credits"
    assert memo_facts.where(item, 62).endswith("1(a)(iv)")
    assert memo_facts.section_ref(item, "no/such") == ""


def test_short_part_names():
    item = SimpleNamespace(parties=Parties("CenturyLink", "City", provider_aliases=("CenturyLink",)))
    assert memo_facts.short_part(item, "CENTURYLINK IQ® SIP TRUNK SERVICE EXHIBIT", "exhibit") == "SIP Trunk Exhibit"
    assert memo_facts.short_part(item, "ATTACHMENT #1: SOW FOR AT&T MANAGED SBC", "attachment") == "Attachment #1"
    assert memo_facts.short_part(item, "SERVICE SCHEDULE (3)VoIP LOCAL", "schedule") == "Schedule (3)"


def test_the_customers_own_paper_is_the_reference():
    def a(provider):
        return SimpleNamespace(parties=Parties(provider, "Customer"), path=f"{provider}.txt")

    assert memo_facts.is_generic_party("[Provider Name]") and memo_facts.is_generic_party("Provider")
    assert not memo_facts.is_generic_party("Velvetech, LLC")
    an = SimpleNamespace(agreements=(a("Velvetech, LLC"), a("[Provider Name]"), a("AT&T")))
    assert memo_facts.reference_indexes(an) == (1,)
    assert memo_facts.labels(an) == ["Velvetech", "Our template", "AT&T"]
    # When no agreement names its vendor, none can be told apart as the reference.
    assert memo_facts.reference_indexes(SimpleNamespace(agreements=(a("Provider"), a("Vendor")))) == ()


def test_heat_is_the_worst_finding_else_the_alignment():
    item = _hand_made()

    def f(sev, topic, start=1):
        return Finding(f"{sev}{topic}{start}", f"r-{sev}", "t", topic, sev, None, start, start + 3, "x")

    item = dataclasses.replace(item, findings=(f("low", "fees"), f("high", "fees", 5), f("medium", "credits")),
                               verdicts={"data": "missing"})
    an = Analysis((item,), matrix={"taxes": (Cell("silent"),), "audit": (Cell("redacted"),),
                                   "fees": (Cell("addressed", ("main/1",)),),
                                   "notices": (Cell("addressed", ("main/1",)),)})
    assert memo_facts.heat(an, 0, "fees") == memo_facts.Heat("high", "High ×2")
    assert memo_facts.heat(an, 0, "credits").level == "medium"
    assert memo_facts.heat(an, 0, "data").level == "missing"
    assert memo_facts.heat(an, 0, "taxes").label == "silent"
    assert memo_facts.heat(an, 0, "audit").level == "redacted"
    assert memo_facts.heat(an, 0, "notices") == memo_facts.Heat("ok", "OK")
    groups = memo_facts.issues(item)
    assert [g.severity for g in groups] == ["high", "medium", "low"]
    assert [len(g.findings) for g in groups] == [1, 1, 1]


def test_key_term_values_read_as_written():
    v = memo_facts.term_value
    assert v(KeyTerm("payment_due_days", 0), "payment_due_days") == "On receipt"
    assert v(KeyTerm("billing_dispute_window_days", 90), "billing_dispute_window_days") == "90 days"
    assert v(KeyTerm("auto_renewal", False), "auto_renewal") == "No"
    assert v(KeyTerm("sla_uptime", ["99.9%", "99.99%"]), "sla_uptime") == "99.9%, 99.99%"
    assert v(KeyTerm("governing_law", None), "governing_law") == ""
    long_cap = "the total fees paid by Customer under this Agreement in the twelve months before the claim"
    shown = v(KeyTerm("liability_cap", long_cap, normalized="12 months' fees"), "liability_cap")
    assert shown.startswith("12 months' fees: “the total fees paid")


def test_long_quotes_are_elided_only_between_exact_pieces():
    text = " ".join(f"word{i}" for i in range(400))
    shown = quotable(text)
    assert ELLIPSIS in shown and len(shown) < len(text)
    for piece in quote_pieces(shown):
        assert piece in text
    assert quotable("  a\n b  ") == "a b"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3_000))
def test_any_span_is_quoted_as_the_agreements_own_words(start, length):
    # Furniture (a page header) cut out of the middle of the text: quotes skip it, exactly.
    body = " ".join(f"term{i} applies;" for i in range(900))
    header = "\nCONFIDENTIAL Page 7 of 30\n"
    cut = len(body) // 2
    text = body[:cut] + header + body[cut:]
    furn = (Furniture("running_header", cut, cut + len(header)),)
    ag = Agreement(Document("f.txt", "txt", text), "f", (Part("main", "f", "main", 0, len(text)),), (),
                   furniture=furn)
    item = AgreementAnalysis(ag, Parties("Acme", "Customer"))
    start = min(start, len(text) - 1)
    end = min(len(text), start + length)
    f = Finding("x", "r", "t", "topic", "high", None, start, end, text[start:end])
    shown = quotable(finding_quote(item, f))
    clean = flat(spans.quote(ag, 0, len(text)))
    assert "CONFIDENTIAL" not in shown
    for piece in quote_pieces(shown):
        assert piece in clean
