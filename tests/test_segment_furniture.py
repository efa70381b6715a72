"""Page furniture found generically (redline.furniture): synthetic texts in shapes the samples do not
have, so the rules are shown to rest on repetition and page-number patterns, not on known strings."""

from __future__ import annotations

from redline import furniture
from redline.model import Document
from redline.segment import segment
from redline.spans import clause_text


def _texts(text, kinds=None):
    return [text[f.start:f.end] for f in furniture.find(text) if kinds is None or f.kind in kinds]


def test_running_header_inside_a_one_line_extraction():
    sentences = [f"{i}. Topic {i}. The supplier shall do thing number {i} for the buyer in good time."
                 for i in range(1, 13)]
    parts = []
    for i, s in enumerate(sentences):
        parts.append(s)
        if i % 3 == 2:
            page = i // 3 + 1
            # a header with the page's own number ahead of a capitalised title, in mid-sentence
            lead = ["and then", "which is", "so that", "unless the"][page - 1]
            tail = ["continues here.", "goes on.", "resumes now.", "ends later."][page - 1]
            parts.append(f"Words {lead} {40 + page} ORION SUPPLY TERMS REF 7731 "
                         f"Page {page} of 4 Orion Ltd. Private and Confidential v2.1 {tail}")
    text = " ".join(parts)
    assert "\n" not in text
    found = _texts(text, {"running_header"})
    assert len(found) == 4
    for page, f in enumerate(found, start=1):
        assert f == f"{40 + page} ORION SUPPLY TERMS REF 7731 Page {page} of 4 Orion Ltd. Private and Confidential v2.1"
    ag = segment(Document(path="x.txt", kind="txt", text=text))
    assert [c.norm for c in ag.clauses] == [str(i) for i in range(1, 13)]
    for c in ag.clauses:
        t = clause_text(ag, c)
        assert "ORION SUPPLY" not in t and "Page " not in t


def test_page_number_lines_and_page_breaks():
    text = ("1. First. Words.\n- 1 -\n\f2. Second. Words.\nPage 2\n[Page Break]\n3. Third. Words.\n"
            "7/9\nConfidential | Page 3 of 9\n")
    kinds = {text[f.start:f.end]: f.kind for f in furniture.find(text)}
    assert kinds["- 1 -"] == "page_number"
    assert kinds["Page 2"] == "page_number"
    assert kinds["[Page Break]"] == "page_break"
    assert kinds["7/9"] == "page_number"
    assert kinds["Confidential | Page 3 of 9"] == "page_number"


def test_repeated_lines_but_not_repeated_clauses_or_signature_lines():
    block = ("Acme Widgets Supply Agreement - Draft for discussion\n"
             "4.1 Same heading.\n"
             "Body of a clause that repeats.\n"
             "Name: ________\n")
    text = "Supply Agreement\n" + block * 3
    kinds = _texts(text)
    assert kinds.count("Acme Widgets Supply Agreement - Draft for discussion") == 3
    assert "4.1 Same heading." not in kinds
    assert "Name: ________" not in kinds


def test_web_chrome_before_the_title_only():
    text = ("Skip to content\nMenu\nHome\n\nWholesale Voice Agreement\n\nShare\n\n"
            "This Wholesale Voice Agreement is made between two parties who agree as follows here.\n"
            "1. Term. One year.\nBack\n")
    chrome = _texts(text, {"web_chrome"})
    assert chrome == ["Skip to content", "Menu", "Home", "Share"]
    ag = segment(Document(path="x.txt", kind="txt", text=text))
    assert ag.title == "Wholesale Voice Agreement"


def test_page_edge_lines_repeated_on_pdf_pages():
    pages = [f"Harbor Networks Confidential\n{i}. Clause {i}. Text of clause {i}.\nFooter line {i} of 3"
             for i in range(1, 4)]
    text = "\f".join(pages)
    found = _texts(text)
    assert found.count("Harbor Networks Confidential") == 3
    assert sum(1 for f in found if f.startswith("Footer line")) == 3


def test_redaction_marks():
    text = "Price is [*] per unit and [ * ] per site; rebate *** applies; 5 * 3 is not one."
    spans = furniture.redactions(text)
    assert [text[s:e] for s, e in spans] == ["[*]", "[ * ]", "***"]
