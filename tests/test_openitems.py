"""Open items: blanks and placeholders an attorney must fill before signing."""

from __future__ import annotations

from pathlib import Path

from redline.api import read_agreement
from redline.openitems import find

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def test_att_placeholders():
    ag = read_agreement(SAMPLES / "att-sbc-pricing-schedule-sow.txt")
    texts = [o.text for o in find(ag)]
    assert "xxxxxxx" in texts and "$X.XX" in texts and "$XX.XX" in texts
    assert any(t.startswith("xxx xx") for t in texts)
    for o in find(ag):
        assert ag.text[o.start:o.end] == o.text


def test_template_blanks_and_names():
    ag = read_agreement(SAMPLES / "customer-template-msa.txt")
    texts = [o.text for o in find(ag)]
    assert "[Customer Name]" in texts and "[Provider Name]" in texts
    assert any(set(t) == {"_"} for t in texts)
    assert not any("PAGE BREAK" in t or "Cover Page" in t for t in texts)


def test_redactions_are_not_open_items():
    ag = read_agreement(SAMPLES / "level3-callwave-msa.txt")
    assert not [o for o in find(ag) if "*" in o.text]


def test_synthetic(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("1. Fees. The fee is $__.__ per seat, due on [DATE]. Credit of __% applies. "
                 "Signed by ________ for [insert name]. Term: TBD. Redacted: [*].\n", encoding="utf-8")
    texts = [o.text for o in find(read_agreement(p))]
    assert "[DATE]" in texts and "[insert name]" in texts and "TBD" in texts
    assert any(t.startswith("$__") for t in texts) and "__%" in texts and "________" in texts
    assert "[*]" not in texts
