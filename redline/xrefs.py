"""PLACEHOLDER (issue 5 replaces): find(agreement) -> (XRef, ...)."""

from __future__ import annotations


def find(agreement):
    return ()
