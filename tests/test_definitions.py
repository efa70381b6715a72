"""Defined terms: where defined, uses, defined-but-unused, used-but-undefined (conservative)."""

from __future__ import annotations

from pathlib import Path

from redline.api import read_agreement
from redline.definitions import find

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def test_level3_definitions_and_uses():
    ag = read_agreement(SAMPLES / "level3-callwave-msa.txt")
    terms = {d.term: d for d in find(ag) if d.defined}
    assert {"Affiliate", "Connection Notice", "Customer Commit Date", "Service Term"} <= set(terms)
    aff = terms["Affiliate"]
    assert "Affiliate" in ag.text[aff.start:aff.end] and aff.uses > 0


def test_template_defined_but_unused_and_curly_quotes():
    ag = read_agreement(SAMPLES / "customer-template-msa.txt")
    items = find(ag)
    defined = {d.term: d for d in items if d.defined}
    assert {"Affiliate", "Applicable Law", "Confidential Information", "Customer Data"} <= set(defined)
    assert defined["Applicable Law"].uses == 0  # defined, then only written in lower case
    undefined = [d for d in items if not d.defined]
    assert len(undefined) <= 5  # conservative: few, not a list of every capitalised phrase
    cl = read_agreement(SAMPLES / "centurylink-bozeman-msa.txt")
    assert "Customer Commit Date" in {d.term for d in find(cl) if d.defined}  # (“X”)


def test_synthetic(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text(
        'This Agreement is between Alpha LLC (the "Supplier") and Beta Inc. (“Buyer”).\n\n'
        '1. Definitions. "Order" means a signed order. "Ghost Term" means nothing used. '
        '"Fees" shall mean the charges in an Order.\n\n'
        "2. Orders. The Supplier accepts each Order. The Buyer pays the Fees. The Buyer pays the "
        "Service Credit Amount, and the Supplier computes the Service Credit Amount monthly.\n",
        encoding="utf-8")
    items = find(read_agreement(p))
    defined = {d.term: d for d in items if d.defined}
    assert {"Supplier", "Buyer", "Order", "Fees", "Ghost Term"} <= set(defined)
    assert defined["Ghost Term"].uses == 0 and defined["Order"].uses >= 2
    undefined = {d.term for d in items if not d.defined}
    assert "Service Credit Amount" in undefined
    assert not undefined & {"Supplier", "Buyer", "Order"}
