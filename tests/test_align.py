"""The topic x agreement matrix (addressed / silent / redacted) and the closest language."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.align import align, closest, similarity
from redline.api import read_agreement
from redline.model import AgreementAnalysis, Parties
from redline.playbook import load_playbook
from redline.spans import clause_text
from redline.topics import classify

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


@pytest.fixture(scope="module")
def book():
    return load_playbook()


def _analyse(path, book):
    ag = read_agreement(path)
    return AgreementAnalysis(agreement=ag, parties=Parties("", ""), topics=classify(ag, book))


@pytest.fixture(scope="module")
def analyses(book):
    return [_analyse(SAMPLES / f"{n}.txt", book)
            for n in ("customer-template-msa", "level3-callwave-msa", "velvetel-msa")]


def test_matrix_shape_and_states(analyses, book):
    matrix = align(analyses, book)
    assert list(matrix) == list(book.topic_ids)
    for cells in matrix.values():
        assert len(cells) == len(analyses)
        for cell in cells:
            assert cell.state in ("addressed", "silent", "redacted")
            assert bool(cell.clauses) == (cell.state != "silent")
    assert [c.state for c in matrix["limitation_of_liability"]] == ["addressed"] * 3
    assert matrix["insurance"][0].state == "silent"
    assert matrix["governing_law"][0].state == "silent"  # the template chooses no law
    assert matrix["governing_law"][1].state == "addressed"


def test_cells_best_first(analyses, book):
    matrix = align(analyses, book)
    l3 = analyses[1]
    cell = matrix["limitation_of_liability"][1]
    scores = [next(h.score for h in l3.topics[c] if h.id == "limitation_of_liability") for c in cell.clauses]
    assert scores == sorted(scores, reverse=True)


def test_redacted_is_not_silent(tmp_path, book):
    p = tmp_path / "r.txt"
    p.write_text("MASTER AGREEMENT\n\n1. Charges. Customer shall pay the charges in each order within 30 days.\n\n"
                 "2. Chronic Outage. [*]\n\n3. Governing Law. This Agreement is governed by the laws of the "
                 "State of Delaware.\n\n* Confidential treatment has been requested for the bracketed portions.\n",
                 encoding="utf-8")
    a = _analyse(p, book)
    matrix = align([a], book)
    assert matrix["service_levels"][0].state == "redacted"
    assert matrix["governing_law"][0].state == "addressed"
    assert matrix["insurance"][0].state == "silent"


def test_closest_language(analyses):
    template, l3, velvetel = analyses
    ag = template.agreement
    lol = next(c for c in ag.clauses if (c.heading or "").upper() == "LIMITATION OF LIABILITY")
    text = clause_text(ag, lol)
    best = closest(text, l3, "limitation_of_liability")
    assert best and best[0][1] >= best[-1][1]
    assert "limitation_of_liability" in {h.id for h in l3.topics[best[0][0]]}
    anywhere = closest(text, velvetel, limit=5)
    assert len(anywhere) == 5
    assert similarity(text, text) == 100
    assert similarity(text, "Notices shall be sent by courier.") < 50


def test_list_items_are_counted_with_their_clause():
    """A clause split into run-in items is one entry in a cell, not one per item."""
    from redline import api

    path = SAMPLES / "centurylink-bozeman-msa.txt"
    book = api.load_playbook()
    an = api.analyze([path], playbook=book)
    item = an.agreements[0]
    ag = item.agreement
    cells = an.matrix
    checked = 0
    for topic, (cell,) in cells.items():
        listed = set(cell.clauses)
        for cid in cell.clauses:
            c = ag.clause(cid)
            if c.kind == "item":
                assert c.parent not in listed, (topic, cid)
        on_topic = {cid for cid, hits in item.topics.items() if any(h.id == topic for h in hits)}
        dropped = on_topic - listed
        for cid in dropped:
            assert ag.clause(cid).kind == "item" and ag.clause(cid).parent in on_topic
            checked += 1
    assert checked > 0  # the sample has items under listed clauses
