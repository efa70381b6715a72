"""PLACEHOLDER (issue 5 replaces): find(agreement) -> (DefinedTerm, ...)."""

from __future__ import annotations


def find(agreement):
    return ()
