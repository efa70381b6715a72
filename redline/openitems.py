"""PLACEHOLDER (issue 5 replaces): find(agreement) -> (OpenItem, ...)."""

from __future__ import annotations


def find(agreement):
    return ()
