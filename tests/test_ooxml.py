"""Tests of the tracked-change writer, checked with the independent reader (tests/docx_reader.py)."""

from __future__ import annotations

import io
import random

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings, strategies as st

from docx_reader import read_docx
from redline.export import ooxml


def _doc_with(texts):
    d = docx.Document()
    body = d.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sect = body.find(qn("w:sectPr"))
    ps = []
    for t in texts:
        p = ooxml.new_paragraph(t)
        sect.addprevious(p)
        ps.append(p)
    return d, ps


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _sides(ops):
    old = "".join(t for op, t, *_ in ops if op <= 0)
    new = "".join(t for op, t, *_ in ops if op >= 0)
    return old, new


# ---------------------------------------------------------------------------------------------
# word diff


def test_word_diff_round_trips_and_falls_on_words():
    old = "The Customer shall pay all invoices within thirty (30) days of receipt."
    new = "The Customer shall pay undisputed invoices within forty-five (45) days after receipt."
    ops = ooxml.word_diff(old, new)
    assert _sides(ops) == (old, new)
    # on each side, every boundary between an unchanged and a changed stretch lies between
    # tokens: never inside a word
    for side in (lambda op: op <= 0, lambda op: op >= 0):
        seq = [(op, t) for op, t in ops if side(op)]
        for (_, a), (_, b) in zip(seq, seq[1:]):
            assert not (a[-1].isalnum() and b[0].isalnum()), (a, b)
    changed = [t for op, t in ops if op != 0]
    assert "all" in changed and "undisputed" in changed


def test_word_diff_folds_lone_spaces_between_changes():
    ops = ooxml.word_diff("the vendor shall decide", "the customer may decide")
    assert ops == [(0, "the "), (-1, "vendor shall"), (1, "customer may"), (0, " decide")]


def test_word_diff_keeps_brackets_and_numbers_whole():
    ops = ooxml.word_diff("pay within thirty (30) days", "pay within forty-five (45) days")
    assert (-1, "thirty (30)") in ops and (1, "forty-five (45)") in ops
    ops = ooxml.word_diff("interest at 1.5% per month", "interest at 1% per month")
    assert (-1, "1.5") in ops and (1, "1") in ops


def test_tokenize_is_lossless():
    text = "Section 4.3(a)(v): $1,100 — 99.9% uptime;\tnew\nline  end"
    assert "".join(ooxml.tokenize(text)) == text


def test_clean_text_drops_control_characters():
    assert ooxml.clean_text("a\x00b\x07c\td\ne\x1f") == "abc\td\ne"
    assert ooxml.clean_text("a\x0bb", keep_length=True) == "a b"


# ---------------------------------------------------------------------------------------------
# paragraphs


def test_replace_inside_one_paragraph_keeps_formatting_and_rules():
    d, ps = _doc_with(["Payment is due within thirty (30) days."])
    r = ps[0].find(qn("w:r"))
    rpr = r.makeelement(qn("w:rPr"), {})
    rpr.append(rpr.makeelement(qn("w:b"), {}))
    r.insert(0, rpr)
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ops = [(op, t, "f1") for op, t in ooxml.word_diff(ooxml.paragraph_text(ps[0]),
                                                       "Payment is due within sixty (60) days.")]
    anchors = ooxml.apply_text_ops(tr, ps, ops)
    ooxml.add_comment(tr, d, anchors["f1"][0], anchors["f1"][1], "Our standard term.")
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.accepted == "Payment is due within sixty (60) days."
    assert view.rejected == "Payment is due within thirty (30) days."
    assert view.counts["ins"] >= 1 and view.counts["del"] >= 1
    assert list(view.comments.values()) == ["Our standard term."]
    # every run kept its bold
    for run in ps[0].iter(qn("w:r")):
        if run.find(qn("w:commentReference")) is None:
            assert run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None


def test_deleting_across_paragraphs_marks_the_marks():
    texts = ["Alpha one.", "Beta two.", "Gamma three.", "Delta four."]
    d, ps = _doc_with(texts)
    tr = ooxml.Tracker.for_document(d, "Counsel")
    old = "\n".join(texts)
    new = "Alpha one.\nDelta four."
    ops = ooxml.word_diff(old, new)
    ooxml.apply_text_ops(tr, ps, ops)
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.rejected == old
    assert view.accepted == new
    assert view.counts["mark_del"] >= 2


def test_inserted_paragraphs_and_the_last_mark():
    d, ps = _doc_with(["First.", "Last."])
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ooxml.insert_paragraphs_after(tr, ps[0], ["New one.", "New two."])
    ooxml.insert_paragraphs_after(tr, ps[1], ["At the very end."])
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.rejected == "First.\nLast."
    assert view.accepted == "First.\nNew one.\nNew two.\nLast.\nAt the very end."


def test_inserted_paragraphs_before_the_first():
    d, ps = _doc_with(["Only."])
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ooxml.insert_paragraphs_before(tr, ps[0], ["New first.", "New second."])
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.rejected == "Only."
    assert view.accepted == "New first.\nNew second.\nOnly."


def test_delete_last_paragraph_uses_previous_mark():
    d, ps = _doc_with(["Keep.", "Remove me."])
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ooxml.delete_paragraph(tr, ps[1])
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.accepted == "Keep."
    assert view.rejected == "Keep.\nRemove me."


def test_moves_read_as_deleted_there_and_inserted_here():
    d, ps = _doc_with(["Clause A.", "Clause B.", ""])
    tr = ooxml.Tracker.for_document(d, "Counsel")
    runs = ps[0].findall(qn("w:r"))
    ooxml.move_from(tr, runs, "move1")
    ps[2].append(ooxml.make_run("Clause A."))
    ooxml.move_to(tr, ps[2].findall(qn("w:r")), "move1")
    ooxml.mark_paragraph(tr, ps[0], "moveFrom")
    ooxml.mark_paragraph(tr, ps[1], "moveTo")
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.counts["moveFrom"] == 1 and view.counts["moveTo"] == 1
    assert view.accepted == "Clause B.\nClause A."
    assert view.rejected == "Clause A.\nClause B."


def test_ids_avoid_existing_bookmarks_and_comments():
    d, ps = _doc_with(["Some words here.", "More words."])
    bm = ps[0].makeelement(qn("w:bookmarkStart"), {qn("w:id"): "7", qn("w:name"): "b"})
    ps[0].insert(0, bm)
    ps[0].append(ps[0].makeelement(qn("w:bookmarkEnd"), {qn("w:id"): "7"}))
    d.add_comment(d.paragraphs[1].runs, "existing", author="Vendor")
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ops = [(op, t, "x") for op, t in ooxml.word_diff("Some words here.\nMore words.",
                                                      "Some other words here.\nMore words.")]
    anchors = ooxml.apply_text_ops(tr, ps, ops)
    ooxml.add_comment(tr, d, anchors["x"][0], anchors["x"][1], "why")
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.counts["comments"] == 2


def test_accept_all_matches_the_reader():
    texts = ["One two three.", "Four five six.", "Seven."]
    d, ps = _doc_with(texts)
    tr = ooxml.Tracker.for_document(d, "Counsel")
    new = "One 2 three.\nSix.\nSeven and eight."
    ooxml.apply_text_ops(tr, ps, ooxml.word_diff("\n".join(texts), new))
    data = _save(d)
    before = read_docx(data)
    d2 = docx.Document(io.BytesIO(data))
    n = ooxml.accept_all(d2.element.body)
    assert n == before.counts["ins"] + before.counts["del"] + before.counts["mark_del"] + before.counts["mark_ins"]
    after = read_docx(_save(d2))
    assert after.accepted == after.rejected == before.accepted
    assert ooxml.count_changes(d2.element.body) == 0


def test_control_characters_do_not_break_the_document():
    d, ps = _doc_with(["Plain text."])
    tr = ooxml.Tracker.for_document(d, "Coun\x01sel")
    ooxml.apply_text_ops(tr, ps, [(0, "Plain "), (-1, "text."), (1, "te\x02xt\x0b here.")])
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.accepted == "Plain text here."


# ---------------------------------------------------------------------------------------------
# generated cases

WORDS = ["the", "Customer", "shall", "pay", "fees", "within", "thirty", "(30)", "days", "of",
         "notice", "Provider", "may", "terminate", "this", "Agreement", "for", "cause", ";", ",",
         "liability", "is", "limited", "to", "12", "months'", "charges", "99.9%", "$1,100", "§4.2"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(0, 6))
def test_random_texts_and_edits(seed, n_paras, n_edits):
    rng = random.Random(seed)
    texts = [_sentence(rng, rng.randint(0, 12)) for _ in range(n_paras)]
    old = "\n".join(texts)
    # random word-level edits on the joined text (some cross paragraphs)
    new_tokens = ooxml.tokenize(old)
    for _ in range(n_edits):
        if not new_tokens or rng.random() < 0.3:
            new_tokens.insert(rng.randint(0, len(new_tokens)), rng.choice(WORDS) + " ")
            continue
        i = rng.randrange(len(new_tokens))
        j = min(len(new_tokens), i + rng.randint(1, 5))
        if rng.random() < 0.5:
            del new_tokens[i:j]
        else:
            new_tokens[i:j] = [_sentence(rng, rng.randint(1, 3))]
    new = "".join(new_tokens)
    d, ps = _doc_with(texts)
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ops = [(op, t, "e") for op, t in ooxml.word_diff(old, new)]
    anchors = ooxml.apply_text_ops(tr, ps, ops)
    if "e" in anchors and anchors["e"][0] is not None:
        ooxml.add_comment(tr, d, anchors["e"][0], anchors["e"][1], "note")
    view = read_docx(_save(d))
    assert view.problems == []
    assert view.rejected == old
    # an inserted "\n" is written as a space; a deleted "\n" joins paragraphs
    assert view.accepted.split() == new.split()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["(", ")", "\u201c", "\u201d", " ", "\n", "4.2", "a"]), max_size=30),
       st.lists(st.sampled_from(WORDS + ["(", ")", "\u201c", "\u201d", " ", "\n", "4.2", "a"]), max_size=30))
def test_word_diff_always_round_trips(a, b):
    old, new = " ".join(a), " ".join(b)
    assert _sides(ooxml.word_diff(old, new)) == (old, new)


def test_deleted_paragraph_before_a_table_goes_on_accept():
    d = docx.Document()
    p = d.add_paragraph("Gone soon.")
    t = d.add_table(rows=1, cols=1)
    t.cell(0, 0).text = "Cell."
    d.add_paragraph("After.")
    tr = ooxml.Tracker.for_document(d, "Counsel")
    ooxml.delete_paragraph(tr, p._p)
    data = _save(d)
    view = read_docx(data)
    assert view.problems == []
    assert view.rejected.split() == ["Gone", "soon.", "Cell.", "After."]
    assert view.accepted.split() == ["Cell.", "After."]
    d2 = docx.Document(io.BytesIO(data))
    ooxml.accept_all(d2.element.body)
    assert [x.text for x in d2.paragraphs] == ["After."]
    assert d2.tables[0].cell(0, 0).text == "Cell."
