"""Return an agreement's title: its heading line, its running header's name, or the name it calls itself.

Tried in order: a short line near the top naming an agreement (web chrome and page furniture are
skipped); a run of capitals naming one near the top or in a running header (written back in the
text's own mixed case when the text has it); the first capitalised name ending in "Agreement",
"Pricing Schedule", "Contract"... used in the text; the file name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence, Tuple

from redline.model import Furniture

Span = Tuple[int, int]

_TITLE_WORDS = re.compile(r"\b(?:agreement|contract|terms|conditions|tariff|regulations|"
                          r"pricing schedule|service schedule|statement of work|order form)\b", re.IGNORECASE)
_CAPS_RUN = re.compile(r"(?:[A-Z][A-Z0-9&®’'\-]*[ \t]+){0,6}(?:AGREEMENT|CONTRACT|PRICING SCHEDULE)\b")
_NAMED = re.compile(r"(?:(?!The\b|This\b|Such\b|Any\b|Each\b|That\b)[A-Z][\w&.\-]*[ \t]+){1,4}"
                    r"(?:Agreement|Pricing Schedule|Service Schedule|Contract|Statement of Work|"
                    r"Terms and Conditions)\b")
_VERBS = re.compile(r"\b(?:SHALL|WILL|MAY|MUST|IS|ARE|THIS|UNDER|NOT|OF THIS)\b")


def find(text: str, lines: Sequence[Span], furniture: Sequence[Furniture], path: str = "") -> str:
    """Return the title of the agreement in `text`."""
    furn = [(f.start, f.end) for f in furniture]

    def in_furn(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in furn[:200])

    prev: list = []
    for s, e in lines[:40]:
        line = text[s:e].strip().lstrip("#").strip().strip("*_").strip()
        if not line or in_furn(s, e):
            prev = []
            continue
        words = line.split()
        if len(words) > 14:
            break
        if _TITLE_WORDS.search(line) and not line.endswith((",", ";")):
            # a title wrapped over short lines just above
            lead = [p for p in prev[-2:] if len(p.split()) <= 6 and not p.endswith((".", ":", ";", ","))
                    and p[:1].isupper()]
            return " ".join(" ".join(lead + [line]).split())
        prev.append(line)
    head_end = min(len(text), 4000)
    spans = [(0, head_end)] + [(a, b) for a, b in furn[:5]]
    for a, b in spans:
        for m in _CAPS_RUN.finditer(text, a, b):
            run = " ".join(m.group(0).split())
            run = re.sub(r"^(?:\d+\s+)+", "", run)
            if _VERBS.search(run) or len(run.split()) < 2:
                continue
            plain = re.sub(r"[®™]", "", run)
            pattern = r"\s+".join(re.escape(w) for w in plain.split())
            for mixed in re.finditer(pattern, text, re.IGNORECASE):
                if not mixed.group(0).isupper():
                    return " ".join(mixed.group(0).split())
            return run
    m = _NAMED.search(text, 0, min(len(text), 20000))
    if m:
        return " ".join(m.group(0).split())
    return Path(path).stem.replace("-", " ").replace("_", " ") if path else "Agreement"
