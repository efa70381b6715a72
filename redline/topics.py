"""Topics for every clause. PLACEHOLDER (issue 5 replaces)."""

from __future__ import annotations


def classify(agreement, playbook):
    """Return {clause id: (TopicHit, ...)} best first."""
    return {}
