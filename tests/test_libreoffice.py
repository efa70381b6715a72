"""Tests of the LibreOffice test helper itself: when it says LibreOffice is missing, and the
REDLINE_REQUIRE_LIBREOFFICE switch that turns skips into failures."""

from __future__ import annotations

import docx

import libreoffice as lo_mod


def test_missing_when_soffice_is_not_on_path(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    reason = lo_mod.missing_reason()
    assert reason and "soffice" in reason


def test_require_switch(monkeypatch):
    monkeypatch.delenv("REDLINE_REQUIRE_LIBREOFFICE", raising=False)
    assert lo_mod.require() is False
    monkeypatch.setenv("REDLINE_REQUIRE_LIBREOFFICE", "1")
    assert lo_mod.require() is True
    monkeypatch.setenv("REDLINE_REQUIRE_LIBREOFFICE", "0")
    assert lo_mod.require() is False


def test_comment_anchors_are_stripped_but_text_kept(tmp_path):
    from docx_reader import read_docx

    d = docx.Document()
    p = d.add_paragraph("Some words with a comment.")
    d.add_comment(p.runs, "note", author="A")
    path = tmp_path / "c.docx"
    d.save(str(path))
    stripped = lo_mod._without_comment_anchors(path.read_bytes())
    before, after = read_docx(path.read_bytes()), read_docx(stripped)
    assert after.accepted == before.accepted == "Some words with a comment."
    assert after.counts["comment_ranges"] == 0
