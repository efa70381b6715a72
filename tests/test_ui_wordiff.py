"""The app's word diff (redline/ui/wordiff.py): lossless, word-sized, offsets right."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from redline.ui.wordiff import DELETE, EQUAL, INSERT, changed_spans, tokens, word_diff

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "resources" / "samples").glob("*.txt"))


def rebuild(pieces):
    old = "".join(p.text for p in pieces if p.op != INSERT)
    new = "".join(p.text for p in pieces if p.op != DELETE)
    return old, new


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_any_two_texts_are_rebuilt_exactly(a, b):
    pieces = word_diff(a, b)
    assert rebuild(pieces) == (a, b)
    for p in pieces:
        if p.op != INSERT:
            assert a[p.old_start:p.old_start + len(p.text)] == p.text
        if p.op != DELETE:
            assert b[p.new_start:p.new_start + len(p.text)] == p.text


def test_changes_fall_on_whole_words_in_a_real_clause():
    text = SAMPLES[-1].read_text(encoding="utf-8")[5000:8000]
    edited = text.replace(" thirty ", " sixty ", 1).replace(" the ", " THE ", 2)
    pieces = word_diff(text, edited)
    assert rebuild(pieces) == (text, edited)
    words = set(tokens(text)) | set(tokens(edited))
    for p in pieces:
        if p.op != EQUAL:
            for w in tokens(p.text):
                assert w in words  # never part of a word
    spans = changed_spans(text, edited)
    assert all(edited[s:e].strip() == edited[s:e] for s, e in spans)
    assert any("THE" in edited[s:e] for s, e in spans)


def test_identical_texts_have_no_changes():
    text = SAMPLES[0].read_text(encoding="utf-8")[:5000]
    assert changed_spans(text, text) == []
