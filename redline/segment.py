"""Splitting a document into parts and clauses. PLACEHOLDER (issue 4 replaces)."""

from __future__ import annotations

import re

from redline.model import Agreement, Clause, Document, Part

_NUM = re.compile(r"(?m)^(\d+(?:\.\d+)*)\.?\s+")


def segment(document: Document, *, progress=None) -> Agreement:
    """Return the `Agreement` segmented from `document`."""
    text = document.text
    heads = list(_NUM.finditer(text))
    clauses = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        clauses.append(Clause(id=f"main/{m.group(1)}~{i}", part="main", number=m.group(1),
                              norm=m.group(1), heading=None, level=1, parent=None,
                              start=m.start(), end=end, body_start=m.end()))
    title = text.strip().splitlines()[0][:80] if text.strip() else ""
    return Agreement(document=document, title=title,
                     parts=(Part("main", title, "main", 0, len(text)),), clauses=tuple(clauses))
