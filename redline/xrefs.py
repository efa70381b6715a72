"""Return the agreement's cross-references ("Section 4.3(a)(v)", "Articles 3, 5 and 6"), resolved.

Each reference is resolved against the clause tree of the SAME part it lies in (an exhibit's
"Section 4" is the exhibit's own Section 4). A reference qualified by another document
("Section 4.6 of the Agreement", "47 C.F.R. Section 12.4", "Section 1 of the Act") points
outside the part: it is resolved in the master agreement when it names "the Agreement" and that
part is in the file, and it is never reported as dangling. A reference that finds no clause is
dangling; so is every section reference in a document whose clauses carry no numbers.
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, List, Optional, Tuple

from redline.model import Agreement, Clause, XRef
from redline.spans import clause_text

_NUMREF = r"(?:\d{1,3}(?:\.\d{1,4})*|[IVXLC]{1,6}(?![A-Za-z])|[A-Z](?![A-Za-z]))(?:\s?\((?:[a-zA-Z]{1,4}|\d{1,3})\))*"
_LIST_SEP = r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|\bthrough\b|\bto\b|&|-|–)\s*(?:(?:Sections?|§§?)\s*)?"
_TITLE = r"(?:\s*\((?:[A-Z][a-z][^()]{0,40}|except[^()]{0,80})\))?"
_REF = re.compile(
    r"\b(?P<kind>Sections?|SECTIONS?|Articles?|ARTICLES?|Clauses?|Paragraphs?|Subsections?|§§?)\s*"
    r"(?P<first>" + _NUMREF + r")(?P<rest>(?:" + _TITLE + _LIST_SEP + _NUMREF + r")*)")
_TITLE_RE = re.compile(r"\((?:[A-Z][a-z][^()]{0,40}|except[^()]{0,80})\)")
_ONE = re.compile(_NUMREF)
_EXTERNAL_BEFORE = re.compile(r"(?:C\.?F\.?R\.?|U\.?S\.?C\.?|Code|Act|Regulations?|Rules?|Tariff|Law|Title \d+)"
                              r"[\s,]*$", re.I)
_OTHER_DOC = (r"(?:the\s+)?(?:Agreement|Master\s+\w+\s+Agreement|MSA|General\s+Terms(?:\s+and\s+Conditions)?|"
              r"Pricing\s+Schedule|NI\s+Pricing\s+Schedule|Service\s+(?:Exhibit|Schedule|Attachment|Guide)|"
              r"Exhibit\s+\w+|Schedule\s+\w+|Attachment\s+\w+|Appendix\s+\w+|SOW|Statement\s+of\s+Work|"
              r"Act|Code|Tariff|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4}\s+(?:Act|Agreement|Policy|Guide|Tariff))")
_AFTER_OTHER = re.compile(r"^[\s,]*(?:\([^)]{0,40}\)\s*)?(?:of|in|under|to)\s+(?P<doc>" + _OTHER_DOC + r")\b")
_LATER_OTHER = re.compile(r"^,[^.;]{0,80}?\b(?:set\s+forth|contained|described|stated)\s+(?:in|under)\s+"
                          r"(?P<doc>the\s+(?:Agreement|Master\s+\w+\s+Agreement|MSA|General\s+Terms))\b")
_THIS_DOC = re.compile(r"^(?:this|the\s+present)\b", re.I)


def _parse_refs(text: str):
    """Yield (start, end, written, kind, number) for every number of every section reference."""
    for m in _REF.finditer(text):
        kind = m.group("kind").lower().rstrip("s")
        kind = "section" if kind.startswith("§") else kind
        first = m.group("first")
        if kind == "section" and re.fullmatch(r"[IVXLC]+|[A-Z]", first) and not m.group("rest"):
            continue  # "Section A" or "Section II" alone is too ambiguous to resolve
        yield m.start(), m.start("first") + len(first), text[m.start():m.start("first") + len(first)], kind, first
        rest = m.group("rest")
        if rest:
            rest = _TITLE_RE.sub(lambda t: " " * len(t.group(0)), rest)
            base = m.start("rest")
            for n in _ONE.finditer(rest):
                if n.group(0).strip():
                    yield base + n.start(), base + n.end(), n.group(0), kind, n.group(0)


def _split(number: str) -> Tuple[str, List[str]]:
    """Return ("4.3", ["a", "v"]) for "4.3(a)(v)"."""
    base = re.match(r"[^(\s]+", number).group(0).rstrip(".")
    subs = [s.lower() for s in re.findall(r"\(([^)]+)\)", number)]
    return base, subs


def _unpadded(number: str) -> str:
    """Return `number` without zero padding in its parts: "4.01" -> "4.1" (drafts write either)."""
    return ".".join(p.lstrip("0") or "0" if p.isdigit() else p for p in number.split("."))


def _roman(value: str) -> Optional[int]:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total, prev = 0, 0
    for ch in reversed(value.upper()):
        v = vals.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


class _Tree:
    """Clause lookup by (part, normalised number) and by parent."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.by_norm: Dict[Tuple[str, str], List[Clause]] = {}
        self.numbered_parts = set()
        for c in agreement.clauses:
            if c.norm:
                self.by_norm.setdefault((c.part, _unpadded(c.norm.lower().rstrip("."))), []).append(c)
                self.numbered_parts.add(c.part)
        self.parts = sorted(agreement.parts, key=lambda p: p.start)
        self.part_starts = [p.start for p in self.parts]

    def part_at(self, offset: int) -> Optional[str]:
        i = bisect.bisect_right(self.part_starts, offset) - 1
        if 0 <= i < len(self.parts) and offset < self.parts[i].end:
            return self.parts[i].id
        return self.parts[0].id if self.parts else None

    def main_part(self) -> Optional[str]:
        for p in self.parts:
            if p.kind == "main":
                return p.id
        return None

    def find(self, part: str, kind: str, number: str) -> Optional[Clause]:
        base, subs = _split(number)
        keys = [_unpadded(base.lower())]
        if kind == "article" and _roman(base) and not base.isdigit():
            keys.append(str(_roman(base)))
        node = None
        for k in keys:
            hits = self.by_norm.get((part, k))
            if hits:
                node = hits[0]
                break
        if node is None:
            return None
        for sub in subs:
            child = self._child(node, sub)
            if child is None:
                # an inline enumeration the segmenter did not split: "(b)" written in the clause
                body = clause_text(self.agreement, node, own=True)
                if re.search(r"\(\s*%s\s*\)" % re.escape(sub), body, re.I):
                    return node
                return None
            node = child
        return node

    def _child(self, node: Clause, sub: str) -> Optional[Clause]:
        stack = list(node.children)
        while stack:
            cid = stack.pop(0)
            c = self.agreement.clause(cid)
            if c.norm and (c.norm.lower().rstrip(".") == sub or c.norm.lower().split(".")[-1] == sub):
                return c
        return None


def find(agreement: Agreement) -> Tuple[XRef, ...]:
    """Return every section/article reference in `agreement`, resolved or marked dangling."""
    text = agreement.text
    tree = _Tree(agreement)
    out: List[XRef] = []
    heads = [(c.start, c.body_start) for c in agreement.clauses]
    head_starts = [h[0] for h in heads]
    for start, end, written, kind, number in _parse_refs(text):
        i = bisect.bisect_right(head_starts, start) - 1
        if i >= 0 and heads[i][0] <= start < max(heads[i][1], heads[i][0] + 1):
            continue  # the clause's own number ("ARTICLE 5. ..."), not a reference
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip() and re.match(r"(?:ARTICLE|Article|SECTION|Section)\s+\S+\.?\s+[A-Z]",
                                                          text[start:start + 60]):
            continue  # a heading at the start of a line
        before = text[max(0, start - 24):start]
        if _EXTERNAL_BEFORE.search(before):
            out.append(XRef(text=written, target=None, start=start, end=end, dangling=False))
            continue
        after = text[end:end + 120]
        other = _AFTER_OTHER.match(re.sub(r"^(?:\s*(?:,|and|or)\s*" + _NUMREF + r")+", "", after))
        if other is None:  # "Section 4.6, the Cancellation Charges set forth in the Agreement"
            other = _LATER_OTHER.match(after)
        part = tree.part_at(start)
        if other and not _THIS_DOC.match(other.group("doc")):
            doc = other.group("doc")
            target = None
            main = tree.main_part()
            if re.search(r"\bAgreement\b|\bMSA\b|General\s+Terms", doc) and main:
                clause = tree.find(main, kind, number)
                target = clause.id if clause else None
                if main == part and re.search(r"General\s+Terms", doc):
                    out.append(XRef(text=written, target=target, start=start, end=end,
                                    dangling=clause is None))
                    continue
            out.append(XRef(text=written, target=target, start=start, end=end, dangling=False))
            continue
        clause = tree.find(part, kind, number) if part is not None else None
        out.append(XRef(text=written, target=clause.id if clause else None, start=start, end=end,
                        dangling=clause is None))
    return tuple(out)
