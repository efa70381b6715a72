"""Return the headings that open sub-documents: exhibits, schedules, attachments, SOWs, appendices.

Two sources:
- a heading line of its own ("EXHIBIT A", "Schedule 2 - Service Levels", "SERVICE SCHEDULE", a
  Markdown heading naming an exhibit), possibly continued on the next short lines;
- in one-line extractions, a run of capitals naming one ("PRICING ATTACHMENT", "ATTACHMENT #1:
  SOW FOR ..."), possibly inside a running header; such a heading only opens a part when the
  numbering restarts right after it (the tree builder decides), unless it is a strong
  "KEYWORD <id>" heading after a sentence end.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

Span = Tuple[int, int]

KEYWORDS = r"(?:EXHIBIT|SCHEDULE|ATTACHMENT|APPENDIX|ANNEX|ADDENDUM|ADDENDA|SOW|STATEMENT OF WORK|ORDER FORM)"
_LINE_KEY_FIRST = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*|__)?(?P<kw>exhibit|schedule|attachment|appendix|annex|addendum|"
    r"statement of work|sow)\b(?P<rest>.*)$", re.IGNORECASE)
_ID = re.compile(r"^[ \t]*(?:no\.?[ \t]*)?#?[ \t]*(?:[A-Z]{1,2}|\d{1,3}(?:\.\d+)?|[IVXLC]{1,6})\b(?:[ \t]*[-–—:.)][ \t]*|[ \t]+|$)",
                 re.IGNORECASE)
_CAPS_KEY = re.compile(r"(?=[EASO])\b" + KEYWORDS + r"\b")
_CLEAN_CAPS = re.compile(r"^[A-Z0-9&/\-–’'®#:()]*[A-Z][A-Z0-9&/\-–’'®#:()]*$")
_VERB = re.compile(r"\b(?:SHALL|WILL|MAY|MUST|IS|ARE|HAS|HAVE|BE|NOT|AND/OR)\b|\b(?:shall|will|may|must|is|are)\b")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class PartHead:
    start: int
    end: int
    title: str
    kind: str
    strong: bool
    in_furniture: bool = False


def kind_of(title: str) -> str:
    """Return the part kind a heading names: "sow", "exhibit", "schedule", "appendix", "attachment"."""
    up = title.upper()
    if re.search(r"\bSOW\b|STATEMENT OF WORK", up):
        return "sow"
    best = None
    for word, kind in (("EXHIBIT", "exhibit"), ("SCHEDULE", "schedule"), ("APPENDIX", "appendix"),
                       ("ANNEX", "appendix"), ("ATTACHMENT", "attachment"), ("ADDEND", "other"),
                       ("ORDER FORM", "other")):
        i = up.find(word)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, kind)
    return best[1] if best else "other"


def slug(title: str, kind: str, common: Iterable[str] = ()) -> str:
    """Return a short stable id for a part titled `title` (words in `common` left out)."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    drop = {"the", "of", "to", "and", "for", "a", "an", "at", "service", "services", "exhibit",
            "schedule", "attachment", "appendix", "annex", "addendum", "sow", "statement", "work", "no"}
    drop |= {w for w in common if len(w) > 2}
    keep = [w for w in words if w not in drop and not (len(w) == 1 and w.isalpha())][:4]
    return kind + ("-" + "-".join(keep) if keep else "")


def _is_caps_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and sum(1 for c in letters if c.isupper()) >= 0.85 * len(letters)


def line_headings(text: str, lines: Sequence[Span], in_furniture, numbered_line) -> List[PartHead]:
    """Return part headings that stand on their own lines (continuation lines merged)."""
    out: List[PartHead] = []
    i = 0
    nlines = len(lines)
    while i < nlines:
        s, e = lines[i]
        line = text[s:e]
        stripped = line.strip()
        if not stripped or e - s > 160 or in_furniture(s, e) or numbered_line(s):
            i += 1
            continue
        words = stripped.split()
        ok = False
        if len(words) <= 14 and not _VERB.search(stripped):
            m = _LINE_KEY_FIRST.match(line)
            if m:
                rest = m.group("rest")
                ok = (not rest.strip()) or bool(_ID.match(rest)) or _is_caps_line(stripped)
                if stripped.endswith(".") and len(words) > 3:
                    ok = False
            elif _is_caps_line(stripped) and _CAPS_KEY.search(stripped.upper()) \
                    and _CAPS_KEY.search(stripped):
                ok = not stripped.endswith((",", ";"))
        if ok and stripped.endswith(".") and len(words) > 3:
            ok = False  # the end of a sentence in capitals, not a heading
        if ok and i > 0:
            # a heading does not continue a wrapped sentence
            j = i - 1
            while j >= 0 and not text[lines[j][0]:lines[j][1]].strip():
                j -= 1
            if j == i - 1 and j >= 0 and not in_furniture(*lines[j]):
                prev = text[lines[j][0]:lines[j][1]].rstrip()
                if prev and prev[-1] not in ".:;!?)]”\"*|" and len(prev) >= 50:
                    ok = False
        if not ok:
            i += 1
            continue
        # Merge the short capitalised lines that continue the heading.
        end = e
        title = [stripped.lstrip("#* ").rstrip("*")]
        j = i + 1
        while j < nlines and j <= i + 8:
            s2, e2 = lines[j]
            t2 = text[s2:e2].strip()
            if not t2:
                j += 1
                continue
            if in_furniture(s2, e2) or numbered_line(s2) or len(t2.split()) > 8 or len(t2) > 80:
                break
            if not (_is_caps_line(t2) or t2.lower() in ("to", "of", "and")):
                break
            title.append(t2)
            end = e2
            j += 1
        out.append(PartHead(s + (len(line) - len(line.lstrip())), end, " ".join(title),
                            kind_of(" ".join(title)), True))
        i = j
    return out


def _clean(tok: str) -> bool:
    return bool(_CLEAN_CAPS.match(tok))


def inline_headings(text: str, long_lines: Iterable[Span], furniture: Sequence[Span]) -> List[PartHead]:
    """Return runs of capitals naming an exhibit/schedule/attachment inside long lines."""
    out: List[PartHead] = []
    fstarts = [f[0] for f in furniture]

    def furn_at(pos: int) -> Optional[Span]:
        k = bisect.bisect_right(fstarts, pos) - 1
        if k >= 0 and furniture[k][0] <= pos < furniture[k][1]:
            return furniture[k]
        return None

    spans = list(long_lines)
    line_starts = [a for a, _ in spans]
    last_end = -1
    for m in _CAPS_KEY.finditer(text):
        li = bisect.bisect_right(line_starts, m.start()) - 1
        if li < 0 or not (spans[li][0] <= m.start() < spans[li][1]):
            continue
        ls, le = spans[li]
        if True:
            if m.start() < last_end:
                continue
            # the keyword must be a clean token of its own
            ks = m.start()
            if ks > 0 and not text[ks - 1].isspace():
                continue
            ke = m.end()
            if ke < len(text) and not (text[ke].isspace() or text[ke] in "#:"):
                continue
            # grow backwards over clean capital tokens
            toks_before = []
            pos = ks
            for _ in range(10):
                j = pos - 1
                while j >= ls and text[j] in " \t":
                    j -= 1
                if j < ls:
                    break
                k = j
                while k >= ls and not text[k].isspace():
                    k -= 1
                tok = text[k + 1:j + 1]
                if not _clean(tok) or tok.endswith((".", ",", ";")) or tok.isdigit():
                    break
                toks_before.append((k + 1, j + 1))
                pos = k + 1
            start = toks_before[-1][0] if toks_before else ks
            # grow forwards: an id, then capital words (not a clause number)
            end = ke
            strong = False
            ident = re.match(r"[ \t]*#?[ \t]*(?:[A-Z]{1,2}|\d{1,3}|[IVXLC]{1,5})\b:?", text[ke:ke + 12])
            if ident and not re.match(r"[ \t]*\d{1,3}\.(?:\s|\d)", text[ke:ke + 8]):
                end = ke + ident.end()
                strong = True
            caps_after = 0
            forward = strong or not toks_before
            for t in (_TOKEN.finditer(text, end, min(le, end + 200)) if forward else ()):
                tok = t.group(0)
                if not _clean(tok) or re.match(r"^\d", tok) or (len(tok) == 2 and tok[1] == "."):
                    break
                if _VERB.search(tok):
                    break
                caps_after += 1
                end = t.end()
                if caps_after >= 12:
                    break
            if strong and (caps_after < 2 or toks_before):
                strong = False
            title = text[start:end].strip().rstrip(":")
            if _VERB.search(title):
                continue
            # keep the part after a leading "... AGREEMENT" (a running header's document title)
            up = title.upper()
            cut = up.rfind("AGREEMENT ")
            if cut >= 0 and _CAPS_KEY.search(title[cut:]):
                title = title[cut + len("AGREEMENT "):].strip()
            f = furn_at(ks)
            # a strong heading must follow a sentence end or furniture
            if strong and not f:
                j = start - 1
                while j >= 0 and text[j] in " \t":
                    j -= 1
                prev = text[j] if j >= 0 else "\n"
                if not (prev in ".:;!?)\n\"”" or furn_at(j) is not None):
                    strong = False
            out.append(PartHead(f[0] if f else start, end, title, kind_of(title), strong, bool(f)))
            last_end = end
    return out
