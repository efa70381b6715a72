"""Compare: the clause-aware engine (redline/compare.py) and its Word output, on real samples.

Pairs of versions are generated from each sample with seeded edits (words replaced, deleted and
inserted; a clause moved; clauses renumbered; a clause added and one removed). The output is
checked with the independent reader (tests/docx_reader.py): rejecting every change gives OLD's
compared text, accepting every change gives NEW's; and LibreOffice agrees.
"""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docx_reader import norm, read_docx
from redline import cli
from redline.api import read_agreement
from redline.compare import (DELETE, EQUAL, INSERT, MOVE_FROM, MOVE_TO, CompareOptions, accept_all,
                             compare, reject_all, units, word_diff)
from redline.export.compare import compare_paths, write_comparison

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "resources" / "samples").glob("*.txt"))
FILLER = ("the customer may terminate this agreement on written notice to the provider within "
          "thirty days and all charges then due shall be paid in full").split()


# ---------------------------------------------------------------------------------------------
# Seeded pairs


def _sep_before(text: str, pos: int) -> str:
    return "\n" if pos > 0 and text[pos - 1] in "\r\n" else " "


def make_pair(text: str, agreement, seed: int):
    """Return (new text, facts) with seeded edits applied to `text`.

    facts: {"moved": the moved clause's words or "", "added": the added clause text or "",
            "removed": the removed clause text or ""}.
    """
    rnd = random.Random(seed)
    edits = []  # (start, end, replacement), non-overlapping
    taken = []

    def free(s, e):
        return all(e <= a or s >= b for a, b in taken)

    def add(s, e, rep):
        edits.append((s, e, rep))
        taken.append((s, max(e, s + 1)))

    facts = {"moved": "", "added": "", "removed": ""}
    leaves = [c for c in agreement.clauses if not c.children and 150 <= c.end - c.start <= 4000
              and c.number]
    rnd.shuffle(leaves)
    if len(leaves) >= 4:
        moved, dest, removed, before = leaves[:4]
        if abs(moved.start - dest.start) > 2000 or True:
            body = text[moved.start:moved.end]
            sep = _sep_before(text, dest.start)
            if not body[-1:].isspace():
                body += sep
            add(moved.start, moved.end, "")
            add(dest.start, dest.start, body)
            facts["moved"] = " ".join(body.split())
        if free(removed.start, removed.end):
            add(removed.start, removed.end, "")
            facts["removed"] = " ".join(text[removed.start:removed.end].split())
        if free(before.start, before.start + 1):
            sep = _sep_before(text, before.start)
            words = " ".join(rnd.choice(FILLER) for _ in range(40))
            new_clause = f"{before.number} Additional Undertakings. The provider shall {words}.{sep}"
            add(before.start, before.start, new_clause)
            facts["added"] = " ".join(new_clause.split())
    # renumber two clauses whose number is written at their start
    for c in [c for c in leaves[4:] if text.startswith(c.number, c.start)][:2]:
        if free(c.start, c.start + len(c.number)):
            parts = c.number.rstrip(".").split(".")
            if parts[-1].isdigit():
                parts[-1] = str(int(parts[-1]) + 1)
                add(c.start, c.start + len(c.number.rstrip(".")), ".".join(parts))
    # word edits: about 3% of the words replaced, deleted or inserted
    spots = [m for m in re.finditer(r"\b[A-Za-z]{4,}\b", text)]
    rnd.shuffle(spots)
    for m in spots[: max(3, len(spots) // 33)]:
        if not free(m.start(), m.end() + 1):
            continue
        kind = rnd.choice(("replace", "delete", "insert"))
        if kind == "replace":
            add(m.start(), m.end(), rnd.choice(FILLER).upper())
        elif kind == "delete" and text[m.end():m.end() + 1] == " ":
            add(m.start(), m.end() + 1, "")
        else:
            add(m.end(), m.end(), " " + " ".join(rnd.choice(FILLER) for _ in range(3)))
    out = text
    for s, e, rep in sorted(edits, key=lambda t: (t[0], t[1]), reverse=True):
        out = out[:s] + rep + out[e:]
    return out, facts


def joined(us) -> str:
    return "\n".join(u.text for u in us)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """For each sample: (OLD path, NEW path, facts), written as .txt."""
    root = tmp_path_factory.mktemp("pairs")
    out = []
    for n, path in enumerate(SAMPLES):
        text = path.read_bytes().decode("utf-8-sig")
        agreement = read_agreement(path)
        new_text, facts = make_pair(text, agreement, seed=100 + n)
        old_p = root / f"{path.stem}.old.txt"
        new_p = root / f"{path.stem}.new.txt"
        old_p.write_text(text, encoding="utf-8")
        new_p.write_text(new_text, encoding="utf-8")
        out.append((old_p, new_p, facts))
    return out


# ---------------------------------------------------------------------------------------------
# The engine


def test_identical_agreements_compare_equal():
    a = read_agreement(SAMPLES[0])
    c = compare(a, a)
    assert not c.differs
    assert set(c.summary().values()) == {0}
    assert all(s.op == EQUAL for s in c.segments)


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=[p.stem for p in SAMPLES])
def test_edit_script_rebuilds_both_versions(pairs, index):
    old_p, new_p, facts = pairs[index]
    a, b = read_agreement(old_p), read_agreement(new_p)
    c = compare(a, b)
    assert reject_all(c) == [u.text for u in c.old_units]
    assert accept_all(c) == [u.text for u in c.new_units]
    assert c.differs
    s = c.summary()
    assert s["changed"] >= 1
    # every change names its clause ids in OLD and NEW (as far as the kind allows)
    for ch in c.changes:
        if ch.kind in ("changed", "renumbered", "moved", "equal"):
            assert ch.old and ch.new
        elif ch.kind == "inserted":
            assert ch.new and not ch.old
        elif ch.kind == "deleted":
            assert ch.old and not ch.new
    if facts["moved"]:
        moved_new = norm(" ".join(x.text for x in c.segments if x.op == MOVE_TO))
        moved_old = norm(" ".join(x.text for x in c.segments if x.op == MOVE_FROM))
        assert s["moved"] >= 1
        # the moved clause is written as a move, not rewritten as a deletion and an insertion
        # (its number may be diffed on its own: renumbered clauses are common after a move)
        core = facts["moved"].split(" ", 1)[1][:200]
        assert core in moved_old and core in moved_new
    if facts["added"]:
        inserted = norm(" ".join(x.text for x in c.segments if x.op == INSERT))
        assert "Additional Undertakings" in inserted
    if facts["removed"]:
        deleted = norm(" ".join(x.text for x in c.segments if x.op == DELETE))
        assert facts["removed"][-60:] in deleted


def test_word_diff_changes_whole_words():
    ops = word_diff("The provider shall invoice monthly in arrears.",
                    "The provider shall invoice quarterly in advance.")
    changed = [(op, o, n) for op, o, n in ops if op != 0]
    assert changed
    for op, o, n in changed:
        for piece in (o, n):
            if piece.strip():
                assert re.fullmatch(r"[\w\s.,]+", piece)
    assert "".join(o for op, o, n in ops if op <= 0) == "The provider shall invoice monthly in arrears."
    assert "".join(n for op, o, n in ops if op >= 0) == "The provider shall invoice quarterly in advance."


def test_ignore_case_and_whitespace(tmp_path):
    text = SAMPLES[2].read_bytes().decode("utf-8-sig")
    count = iter(range(10**7))
    # every 7th lower-case word capitalised, every 5th space doubled: same clauses, other bytes
    lower = re.sub(r"\b[a-z]{5,}\b", lambda m: m.group().capitalize() if next(count) % 7 == 0
                   else m.group(), text)
    lower = re.sub(r"(?<=[a-z]) (?=[a-z])", lambda m: "  " if next(count) % 5 == 0 else " ", lower)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(lower, encoding="utf-8")
    a, b = read_agreement(tmp_path / "a.txt"), read_agreement(tmp_path / "b.txt")
    assert compare(a, b).differs
    c = compare(a, b, CompareOptions(ignore_case=True, ignore_whitespace=True))
    assert not any(s.op != EQUAL for s in c.segments)
    assert c.summary()["changed"] == 0


def test_a_long_clause_is_diffed_in_near_linear_time(tmp_path):
    import time

    text = SAMPLES[1].read_bytes().decode("utf-8-sig")  # one 173 KB line
    words = text.split(" ")
    rnd = random.Random(7)
    for _ in range(len(words) // 30):
        words[rnd.randrange(len(words))] = "QQQ"
    ops_started = time.perf_counter()
    ops = word_diff(text, " ".join(words))
    elapsed = time.perf_counter() - ops_started
    assert "".join(o for op, o, n in ops if op <= 0) == text
    assert "".join(n for op, o, n in ops if op >= 0) == " ".join(words)
    assert elapsed < 5.0  # generous bound; bench/bench_compare.py prints the real figures


# ---------------------------------------------------------------------------------------------
# The Word output


def _view(doc):
    buf = io.BytesIO()
    doc.save(buf)
    return read_docx(buf.getvalue())


@pytest.mark.parametrize("moves", [True, False], ids=["moves", "no-moves"])
def test_docx_output_rejects_to_old_and_accepts_to_new(pairs, tmp_path, moves):
    for old_p, new_p, facts in pairs:
        out = tmp_path / f"{old_p.stem}.{moves}.docx"
        report = compare_paths(old_p, new_p, out, author="Counsel", moves=moves)
        view = read_docx(out)
        a, b = read_agreement(old_p), read_agreement(new_p)
        assert view.problems == [], (old_p.name, view.problems[:3])
        assert norm(view.rejected) == norm(joined(units(a))), old_p.name
        assert norm(view.accepted) == norm(joined(units(b))), old_p.name
        assert report.differs and report.tracked_changes > 0
        if facts["moved"] and report.summary["moved"]:
            if moves:
                assert view.counts["moveFrom"] >= 1 and view.counts["moveTo"] >= 1
                assert view.counts["comments"] == 0
            else:
                assert view.counts["moveFrom"] == view.counts["moveTo"] == 0
                texts = list(view.comments.values())
                assert any("now appears in" in t for t in texts)
                assert any("earlier version" in t for t in texts)


def test_output_properties_and_author(pairs, tmp_path):
    old_p, new_p, _facts = pairs[2]
    out = tmp_path / "x.docx"
    compare_paths(old_p, new_p, out, author="Jane Counsel")
    view = read_docx(out)
    assert 'w:author="Jane Counsel"' in view.package_text
    assert "python-docx" not in view.package_text


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_compare_exit_codes_summary_and_json(pairs, tmp_path, capsys):
    old_p, new_p, _facts = pairs[4]
    out = tmp_path / "c.docx"
    code = cli.main(["compare", str(old_p), str(new_p), "-o", str(out), "--json"])
    assert code == cli.EXIT_FOUND
    data = json.loads(capsys.readouterr().out)
    assert set(data["summary"]) >= {"changed", "inserted", "deleted", "moved", "renumbered"}
    assert data["changes"] and all("old" in c and "new" in c for c in data["changes"])
    changed = [c for c in data["changes"] if c["kind"] == "changed"]
    assert changed and all(c["old"] and c["new"] for c in changed)
    # the output exists: refused without --force, replaced with it
    before = out.read_bytes()
    assert cli.main(["compare", str(old_p), str(new_p), "-o", str(out)]) == cli.EXIT_ERROR
    assert out.read_bytes() == before
    assert cli.main(["compare", str(old_p), str(new_p), "-o", str(out), "--force"]) == cli.EXIT_FOUND
    # the same file twice: no differences, exit 0
    same = tmp_path / "same.docx"
    assert cli.main(["compare", str(old_p), str(old_p), "-o", str(same)]) == cli.EXIT_OK
    assert "changed: 0" in capsys.readouterr().out


def test_cli_never_writes_an_input(pairs, tmp_path):
    old_p, new_p, _facts = pairs[0]
    before = new_p.read_bytes()
    assert cli.main(["compare", str(old_p), str(new_p), "-o", str(new_p), "--force"]) == cli.EXIT_ERROR
    assert new_p.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Random pairs (hypothesis): checked with the independent reader only

WORD = st.sampled_from(FILLER + ["Section", "4.2", "(a)", "$1,100", "99.9%", "U.S.", "–", "“fees”"])
PARA_ST = st.lists(WORD, min_size=1, max_size=14).map(" ".join)


def _doc_text(paras, numbered):
    lines = []
    for k, p in enumerate(paras):
        lines.append(f"{k + 1}. {p}" if numbered and k % 2 == 0 else p)
    return "\n".join(lines) + "\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(PARA_ST, min_size=1, max_size=8), new=st.lists(PARA_ST, min_size=1, max_size=8),
       numbered=st.booleans(), moves=st.booleans())
def test_random_pairs_round_trip(tmp_path, old, new, numbered, moves):
    a_p, b_p = tmp_path / "a.txt", tmp_path / "b.txt"
    a_p.write_text(_doc_text(old, numbered), encoding="utf-8")
    b_p.write_text(_doc_text(new, numbered), encoding="utf-8")
    a, b = read_agreement(a_p), read_agreement(b_p)
    c = compare(a, b)
    assert reject_all(c) == [u.text for u in c.old_units]
    assert accept_all(c) == [u.text for u in c.new_units]
    doc, _stats = write_comparison(c, a, b, author="A", moves=moves)
    view = _view(doc)
    assert view.problems == []
    assert norm(view.rejected) == norm(joined(c.old_units))
    assert norm(view.accepted) == norm(joined(c.new_units))


# ---------------------------------------------------------------------------------------------
# LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_accepts_and_rejects_like_the_reader(pairs, tmp_path, libreoffice):
    for old_p, new_p, _facts in pairs:
        out = tmp_path / f"{old_p.stem}.lo.docx"
        compare_paths(old_p, new_p, out, author="Counsel")
        mine = read_docx(out)
        lo = libreoffice.open(out)
        assert lo.opened, (old_p.name, lo.error)
        assert lo.changes > 0
        assert norm(lo.accepted) == norm(mine.accepted), old_p.name
        assert norm(lo.rejected) == norm(mine.rejected), old_p.name
