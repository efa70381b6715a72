"""Cross-references resolved against the same part's clause tree; dangling ones flagged."""

from __future__ import annotations

from pathlib import Path

from redline.api import read_agreement
from redline.xrefs import find

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def test_template_without_numbers_cannot_satisfy_any_reference():
    ag = read_agreement(SAMPLES / "customer-template-msa.txt")
    refs = find(ag)
    texts = {x.text for x in refs}
    assert {"Section 4.3(a)(v)", "Section 19.3(b)", "Section 7.3(b)(v)"} <= texts
    assert refs and all(x.dangling and x.target is None for x in refs)


def test_level3_references_resolve():
    ag = read_agreement(SAMPLES / "level3-callwave-msa.txt")
    refs = find(ag)
    assert refs and not [x for x in refs if x.dangling]
    by_text = {x.text: x for x in refs}
    assert by_text["Section 4.2"].target.endswith("/4.2")
    # "Articles 3, 5 and 6" gives one reference per number
    assert {"5", "6"} <= {x.text for x in refs}


def test_velvetel_dangling_and_cfr(tmp_path):
    ag = read_agreement(SAMPLES / "velvetel-msa.txt")
    dangling = {x.text for x in find(ag) if x.dangling}
    assert {"Section 7.2(b)", "Section 13.10", "Section 32"} <= dangling
    assert "Section 7.2" not in dangling and "Section 25.1" not in dangling


def test_synthetic_tree(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text(
        "1. Services.\n\n1.1 Scope. As set out in Sections 1.2 and 2, and subject to Section 2(b).\n\n"
        "1.2 Orders. See Section 3 and Article 9. Under 47 C.F.R. Section 64.2010 and Section 4 of the "
        "Act, and https://example.com/section-5.\n\n2. Fees.\n\n(a) Invoices.\n\n(b) Disputes. See Section 1.1.\n",
        encoding="utf-8")
    ag = read_agreement(p)
    refs = {x.text: x for x in find(ag)}
    assert not refs["Sections 1.2"].dangling and not refs["2"].dangling
    assert not refs["Section 1.1"].dangling
    assert refs["Section 3"].dangling and refs["Article 9"].dangling
    assert not refs["Section 64.2010"].dangling and refs["Section 64.2010"].target is None
    assert not refs["4"].dangling  # "... and Section 4 of the Act": another document
    assert not refs["Section 2(b)"].dangling
    for x in refs.values():
        assert ag.text[x.start:x.end] == x.text


def test_zero_padded_section_numbers_resolve(tmp_path):
    """"Section 4.01" drafting: references written the same way find their clause; 4.10 stays 4.10."""
    body = "".join(f"Section 4.{k:02d} Item {k}. The client does thing number {k} on time.\n\n" for k in range(1, 11))
    p = tmp_path / "padded.txt"
    p.write_text("SERVICES AGREEMENT\n\nARTICLE IV ACCEPTANCE\n\n" + body
                 + "ARTICLE V OTHER\n\nSection 5.01 Rework. Rework follows the period in Section 4.01.\n\n"
                 "Section 5.02 More. See Section 4.10 for the last step.\n\n"
                 "Section 5.03 Gone. See Section 4.11 for nothing.\n", encoding="utf-8")
    refs = {x.text: x for x in find(read_agreement(p))}
    assert refs["Section 4.01"].target.endswith("/4.1") and not refs["Section 4.01"].dangling
    assert refs["Section 4.10"].target.endswith("/4.10")
    assert refs["Section 4.11"].dangling
