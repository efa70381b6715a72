"""Tests for the review rules added for terms first missed on held-out paper, and for the rules made
more precise in the same round: paraphrases to flag and near misses, run through the whole engine.

The sentences are in tests/data/paraphrases_coverage.yaml. Each is put in a small agreement (a
title, a preamble naming the parties, one numbered clause under a heading) and read by the real
reader, segmenter, party detection, topic classifier and review, as the CLI and the app run them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paraphrase_engine import review_sentence
from redline import parties as _parties, review as _review, topics as _topics
from redline.playbook import load_playbook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "playbooks" / "customer-telecom.yaml"
CASES = yaml.safe_load((ROOT / "tests" / "data" / "paraphrases_coverage.yaml").read_text(encoding="utf-8"))
@pytest.fixture(scope="module")
def book():
    return load_playbook(DEFAULT)


def _findings(book, heading, sentence, tmp_path):
    """Return the review's findings that overlap `sentence` in its small agreement."""
    return review_sentence(book, heading, sentence, tmp_path, vendor="Rowan Telecom", customer="Delta Foods").found


def _cases(kind):
    return [pytest.param(rid, spec["heading"], s, id=f"{rid}-{kind}-{i}")
            for rid, spec in CASES.items() for i, s in enumerate(spec.get(kind) or [])]


def test_case_file_names_real_rules_with_both_kinds(book):
    ids = {r.id for r in book.rules}
    assert set(CASES) <= ids, sorted(set(CASES) - ids)
    for rid, spec in CASES.items():
        assert spec.get("heading") and spec.get("flag") and spec.get("pass"), rid


def test_new_rules_say_why_and_what_to_ask(book):
    new = [r for r in book.rules if r.id in CASES]
    assert len(new) >= 20
    for r in new:
        assert r.why and r.ask and r.fallback and r.comment and r.proposal, r.id


@pytest.mark.parametrize("rid,heading,sentence", _cases("flag"))
def test_one_sided_term_is_flagged(book, tmp_path, rid, heading, sentence):
    found = _findings(book, heading, sentence, tmp_path)
    assert rid in {f.rule for f in found}, sorted({f.rule for f in found})


@pytest.mark.parametrize("rid,heading,sentence", _cases("pass"))
def test_near_miss_is_not_flagged(book, tmp_path, rid, heading, sentence):
    topic = next(r.topic for r in book.rules if r.id == rid)
    found = _findings(book, heading, sentence, tmp_path)
    assert not [f.rule for f in found if f.topic == topic or f.rule == rid], [(f.rule, f.quote) for f in found]


def test_customer_template_draws_no_new_finding(book):
    """The customer's own template must stay (almost) clean: none of the rules in this file fire on it."""
    from redline.api import read_agreement
    path = ROOT / "resources" / "samples" / "customer-template-msa.txt"
    agreement = read_agreement(path)
    who = _parties.detect(agreement)
    findings, _, _ = _review.review(agreement, _topics.classify(agreement, book), who, book)
    assert not [f.rule for f in findings if f.rule in CASES and f.start is not None]


# Rules that used to come in pairs flagging the same sentence twice (merged into one rule each, or
# given limits that no longer overlap: credit-cap-small takes caps of 25% and below, credit-cap-low
# those above). provider-moves-customer-equipment took in provider-relocates-equipment,
# deemed-receipt-of-email took in notice-effective-when-sent, provider-data-use took in
# provider-data-own-purposes.
MERGED = ("fraud-risk-on-customer", "one-way-non-solicit", "provider-publicity", "credit-cap-small",
          "provider-moves-customer-equipment", "deemed-receipt-of-email", "provider-data-use")


@pytest.mark.parametrize("rid,heading,sentence", [c for c in _cases("flag") if c.values[0] in MERGED])
def test_merged_rule_flags_a_sentence_once(book, tmp_path, rid, heading, sentence):
    """A one-sided term draws one finding of its topic, not one from each of two overlapping rules."""
    topic = next(r.topic for r in book.rules if r.id == rid)
    found = _findings(book, heading, sentence, tmp_path)
    assert len([f for f in found if f.topic == topic]) == 1, [(f.rule, f.quote) for f in found]


@pytest.mark.parametrize("sentence,rid", [
    ("A late charge of 2.5% of the unpaid amount applies every month until payment is made.", "late-interest-high"),
    ("Any invoice paid after its due date attracts a one-off late fee of 4% of the invoice total.", "late-fee-flat-high"),
])
def test_a_late_fee_is_read_once_as_a_rate_or_as_a_flat_fee(book, tmp_path, sentence, rid):
    """A percentage with a period is late interest; one without is a flat fee; never both."""
    found = [f for f in _findings(book, "Late payment", sentence, tmp_path) if f.topic == "late_payment"]
    assert [f.rule for f in found] == [rid], [(f.rule, f.quote) for f in found]
