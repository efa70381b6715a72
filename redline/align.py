"""Align agreements by topic. PLACEHOLDER (issue 5 replaces)."""

from __future__ import annotations


def align(analyses, playbook):
    """Return {topic id: (Cell, ...)} one cell per analysis, in order."""
    return {}
