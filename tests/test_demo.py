"""`redline demo`: the main job on the bundled samples, re-runnable without clobbering."""

from __future__ import annotations

import zipfile

from redline import cli

VENDORS = ["att-sbc-pricing-schedule-sow", "centurylink-bozeman-msa", "level3-callwave-msa",
           "velvetel-msa"]


def test_demo_writes_four_redlines_and_the_memo_and_reruns_safely(tmp_path, capsys):
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out-dir", str(out)]) == 0
    captured = capsys.readouterr()
    expected = {f"{v}.redline.docx" for v in VENDORS} | {"negotiation-memo.docx"}
    produced = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert produced == expected
    for name in expected:
        with zipfile.ZipFile(out / name) as z:
            assert "word/document.xml" in z.namelist()
    # The summary table names every agreement, the customer template included.
    for v in VENDORS + ["customer-template-msa"]:
        assert v in captured.out
    assert "skipped" not in captured.err

    # A file the demo did not write is kept; its own files are replaced.
    stranger = out / "negotiation-memo.docx"
    (out / ".redline-demo.json").write_text('{"files": []}')
    stranger.write_bytes(b"mine")
    assert cli.main(["demo", "--out-dir", str(out)]) == 0
    assert stranger.read_bytes() == b"mine"
    assert "kept" in capsys.readouterr().err
