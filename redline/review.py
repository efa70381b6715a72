"""Review clauses against the playbook. PLACEHOLDER (issue 6 replaces)."""

from __future__ import annotations


def review(agreement, topics, parties, playbook):
    """Return (findings, verdicts, risk_score)."""
    return (), {}, 0


def market(analyses, playbook):
    """Return {topic: MarketEntry}."""
    return {}
