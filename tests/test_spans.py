"""Spans: `deepest_clause`, the one answer to "which clause holds this offset"."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from redline.api import read_agreement
from redline.model import Agreement, Clause, Document, Part
from redline.spans import deepest_clause

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def _oracle(agreement: Agreement, offset: int):
    """The rule as written: the holding clause of the highest level, the last in document order."""
    best = None
    for c in agreement.clauses:
        if c.start <= offset < c.end and (best is None or c.level >= best.level):
            best = c
    return best


def _built(text: str, spans) -> Agreement:
    """An agreement built by hand: one clause per (start, end, level), ids in document order."""
    clauses = tuple(Clause(id=f"main/{i}", part="main", number=str(i), norm=str(i), heading=None,
                           level=level, parent=None, start=s, end=e, body_start=s)
                    for i, (s, e, level) in enumerate(spans))
    return Agreement(Document("x.txt", "txt", text), "x", (Part("main", "x", "main", 0, len(text)),),
                     clauses)


@pytest.fixture(scope="module")
def samples():
    return {p.stem: read_agreement(p) for p in sorted(SAMPLES.glob("*.txt"))}


def test_every_offset_of_two_samples_follows_the_rule(samples):
    for name in ("customer-template-msa", "level3-callwave-msa"):
        ag = samples[name]
        for offset in range(-1, len(ag.text) + 2, 3):
            assert deepest_clause(ag, offset) is _oracle(ag, offset), (name, offset)


def test_clause_boundaries(samples):
    ag = samples["centurylink-bozeman-msa"]
    by_id = {c.id: c for c in ag.clauses}
    assert deepest_clause(ag, -1) is None
    assert deepest_clause(ag, len(ag.text)) is None
    assert deepest_clause(ag, ag.clauses[0].start - 1) is None  # the title before the first clause
    nested = [c for c in ag.clauses if c.parent]
    assert nested, "the sample has sub-clauses"
    for c in ag.clauses:
        # its first character (the number) is its own, unless a child starts right there
        assert deepest_clause(ag, c.start) is c or deepest_clause(ag, c.start).parent == c.id
        # its end is not: the next clause's, the parent's, or none
        after = deepest_clause(ag, c.end)
        assert after is not c
        if after is not None and c.parent:
            assert after.level <= c.level or after.start >= c.end
    for child in nested:
        parent = by_id[child.parent]
        # a parent's own words before its first child are the parent's
        first = min((by_id[k] for k in parent.children), key=lambda k: k.start)
        if first.start > parent.body_start:
            assert deepest_clause(ag, first.start - 1) is parent


def test_furniture_inside_a_clause_belongs_to_that_clause(samples):
    seen = 0
    for ag in samples.values():
        for f in ag.furniture:
            holder = _oracle(ag, f.start)
            if holder is not None and holder.end > f.end:
                assert deepest_clause(ag, f.start) is holder
                assert deepest_clause(ag, f.end - 1) is holder
                seen += 1
    assert seen > 5, "the samples carry page headers inside clauses"


def test_same_level_overlap_and_empty_clauses_built_by_hand():
    text = "x" * 100
    ag = _built(text, [(0, 60, 1), (10, 30, 2), (20, 50, 2), (40, 40, 3), (70, 90, 1)])
    assert deepest_clause(ag, 5).id == "main/0"
    assert deepest_clause(ag, 15).id == "main/1"
    assert deepest_clause(ag, 25).id == "main/2"  # two of level 2 hold it: the later one
    assert deepest_clause(ag, 40).id == "main/2"  # an empty clause holds nothing
    assert deepest_clause(ag, 55).id == "main/0"
    assert deepest_clause(ag, 60) is None and deepest_clause(ag, 65) is None
    assert deepest_clause(ag, 70).id == "main/4" and deepest_clause(ag, 90) is None
    assert deepest_clause(_built(text, []), 5) is None


def test_index_is_built_once_per_agreement(samples):
    ag = samples["velvetel-msa"]
    deepest_clause(ag, 0)
    index = ag.derived("deepest_clause", lambda: pytest.fail("the index was built again"))
    deepest_clause(ag, len(ag.text) // 2)
    assert ag.derived("deepest_clause", lambda: None) is index


_SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 25), st.integers(1, 4)), max_size=12).map(
    lambda xs: sorted(((s, s + n, level) for s, n, level in xs), key=lambda t: t[0]))


@settings(max_examples=50, deadline=None)
@given(_SPANS)
def test_any_clauses_follow_the_rule(spans):
    ag = _built("y" * 90, spans)
    for offset in range(-1, 92):
        assert deepest_clause(ag, offset) is _oracle(ag, offset)
