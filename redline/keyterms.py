"""PLACEHOLDER (issue 5 replaces): extract(agreement, topics, playbook) -> {name: KeyTerm}."""

from __future__ import annotations


def extract(agreement, topics, playbook):
    return {}
