"""The playbook loader: the bundled playbook loads; every schema error names file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import PlaybookError
from redline.playbook import (LineDict, LineList, Playbook, default_playbook_path, fail,
                              load_playbook, parse_yaml)

ISSUE_TOPICS = (
    "definitions scope_of_services ordering_and_delivery acceptance fees_and_payment late_payment "
    "billing_disputes taxes credit_and_deposits price_changes term_and_renewal "
    "termination_for_convenience termination_for_cause termination_charges suspension "
    "effect_of_termination service_levels maintenance warranties_and_disclaimers "
    "limitation_of_liability indemnification intellectual_property confidentiality data_protection "
    "acceptable_use emergency_services regulatory_compliance audit_rights force_majeure assignment "
    "governing_law dispute_resolution notices amendments insurance equipment_and_premises "
    "export_control publicity number_porting general_boilerplate minimum_commitment "
    "incorporated_documents order_of_precedence").split()

GOOD = """\
name: Mine
version: 2
topics:
  - id: alpha
    name: Alpha
    synonyms: [a, b]
    evidence: [c]
  - id: beta
    name: Beta
review: {}
required: []
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "pb.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_bundled_playbook_has_every_issue_topic_with_words():
    book = load_playbook()
    assert isinstance(book, Playbook)
    assert book.path == str(default_playbook_path())
    assert set(ISSUE_TOPICS) <= set(book.topic_ids)
    for t in book.topics:
        assert t.name and t.synonyms and t.evidence, t.id
        assert t.line and t.line > 1


def test_small_playbook_loads(tmp_path):
    book = load_playbook(_write(tmp_path, GOOD))
    assert book.name == "Mine" and book.version == "2"
    assert book.topic_ids == ("alpha", "beta")
    assert book.topic("alpha").synonyms == ("a", "b")
    assert book.topic("beta").evidence == ()
    assert book.topic("alpha").line == 4


@pytest.mark.parametrize("old,new,line,words", [
    ("    evidence: [c]", "    evidnce: [c]", 7, ["evidnce", "unknown key", "expected one of"]),
    ("  - id: beta", "  - id: alpha", 8, ["duplicate topic id 'alpha'", "line 4"]),
    ("  - id: beta\n    name: Beta", "  - name: Beta", 8, ["no 'id'"]),
    ("    synonyms: [a, b]", "    synonyms: 7", 6, ["synonyms", "list of strings"]),
    ("    synonyms: [a, b]", "    synonyms: [a, {x: 1}]", 6, ["item 2", "synonyms"]),
    ("  - id: beta", "  - id: Beta Topic", 8, ["not a valid topic id", "lower-case"]),
    ("version: 2", "version: 2\nextra: 1", 3, ["extra", "unknown key"]),
    ("    name: Beta", "    name: [x]", 9, ["name", "must be a string"]),
    ("    evidence: [c]", "    evidence: [c]\n    evidence: [d]", 8, ["duplicate key", "evidence"]),
])
def test_errors_name_file_line_key_and_expectation(tmp_path, old, new, line, words):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    e = err.value
    assert e.path == str(path)
    assert e.line == line, str(e)
    text = str(e)
    assert text.startswith(f"{path}:{line}: ")
    for w in words:
        assert w in text


def test_not_yaml_missing_file_and_empty(tmp_path):
    with pytest.raises(PlaybookError) as err:
        load_playbook(_write(tmp_path, "name: x\ntopics: [\n  - id: a\n"))
    assert "not valid YAML" in str(err.value) and err.value.line is not None
    with pytest.raises(PlaybookError, match="no such playbook"):
        load_playbook(tmp_path / "missing.yaml")
    with pytest.raises(PlaybookError, match="empty"):
        load_playbook(_write(tmp_path, "# nothing\n"))
    with pytest.raises(PlaybookError, match="topics"):
        load_playbook(_write(tmp_path, "name: x\ntopics: []\n"))


def test_yaml_is_safe(tmp_path):
    text = GOOD.replace("name: Mine", "name: !!python/object/apply:os.system ['echo hi']")
    with pytest.raises(PlaybookError):
        load_playbook(_write(tmp_path, text))


def test_line_nodes_and_fail_helper():
    root = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", "f.yaml")
    assert isinstance(root, LineDict) and root.line == 1
    assert root.key_lines == {"a": 1, "b": 2}
    seq = root["b"]
    assert isinstance(seq, LineList) and seq.item_lines == [3, 4]
    inner = seq[1]
    assert inner.key_lines == {"y": 4, "z": 5}
    with pytest.raises(PlaybookError) as err:
        fail("f.yaml", inner, "z", "too big", "a number under 3")
    assert str(err.value) == "f.yaml:5: key 'z': too big (expected a number under 3)"
    with pytest.raises(PlaybookError) as err:
        fail("f.yaml", seq, 0, "not a mapping", "a mapping")
    assert err.value.line == 3


def test_review_sections_go_to_rules_loader(tmp_path, monkeypatch):
    import sys
    import types

    seen = {}

    def load_review(node, path):
        seen["node"], seen["path"] = node, path
        return {"alpha": "We want it."}, ("r1",), ("alpha",)

    fake = types.ModuleType("redline.rules")
    fake.load_review = load_review
    monkeypatch.setitem(sys.modules, "redline.rules", fake)
    path = _write(tmp_path, GOOD)
    book = load_playbook(path)
    assert seen["path"] == str(path)
    assert isinstance(seen["node"], LineDict) and seen["node"].key_lines["review"] == 10
    assert book.positions == {"alpha": "We want it."}
    assert book.rules == ("r1",) and book.required == ("alpha",)


def test_exclusive_flag_and_decisive_phrases(tmp_path):
    text = GOOD.replace("    evidence: [c]", "    evidence: ['!decisive words', c]\n    exclusive: true")
    book = load_playbook(_write(tmp_path, text))
    assert book.topic("alpha").exclusive is True and book.topic("beta").exclusive is False
    assert book.topic("alpha").evidence == ("!decisive words", "c")
    bad = GOOD.replace("    evidence: [c]", "    evidence: [c]\n    exclusive: maybe")
    with pytest.raises(PlaybookError) as err:
        load_playbook(_write(tmp_path, bad))
    assert err.value.line == 8 and "true or false" in str(err.value)
    default = load_playbook()
    assert default.topic("definitions").exclusive
    assert any(e.startswith("!") for t in default.topics for e in t.evidence)
