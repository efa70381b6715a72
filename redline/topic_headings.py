"""Return what a clause's heading says about its topics: {topic: (score, evidence)}.

The heading signals of `redline.topics`: the clause's heading, a title-like first sentence, a
line of its own in sentence case or asked as a question, Title-Case words run into the text,
numbered headings the segmenter left inside a clause, and an elliptical sub-heading read with
its parent's ("Effect" under "Termination"). Each is compared with the playbook's names and
synonyms (rapidfuzz ratio with words aligned, multi-word synonyms inside the heading, single
words of a short heading). Pure functions; no I/O.
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, List, Tuple

from rapidfuzz import fuzz, process

from redline.model import Agreement, Clause
from redline.topic_index import _FILLER, _GENERIC, _Index, _norm

HEADING_CUTOFF = 85
"""A heading segment scoring this much (rapidfuzz ratio, 0-100) against a synonym is a hit."""
HEAD_NOUN_FROM = 3
"""A heading segment longer than this many words names its subject by its last word only."""

_SPLIT = re.compile(r"\s*(?:;|,|:|/|&|\band\b|\bor\b|\bincluding\b)\s*")
_JOINED = re.compile(r"\b(?:and|or)\b|[,&/;]")


def _heading(agreement: Agreement, clause: Clause) -> str:
    """Return the clause's heading, or a short title-like first sentence standing for one."""
    if clause.heading:
        return clause.heading
    line = _line_heading(agreement, clause)
    if line:
        return line
    text = agreement.text[clause.body_start:min(clause.end, clause.body_start + 120)]
    m = re.match(r"\s*([A-Z][^.:;\n\[]{2,70}?)(?:[.:](?:\s|(?=\[)|$)|\n|$)", text)
    if not m:
        # a lower-case run-in heading of online terms: "payment. Customer will pay ..."
        low = re.match(r"\s*([a-z][a-z&/' -]{2,40}?)\.\s+(?=[A-Z])", text)
        return low.group(1).strip() if low and len(low.group(1).split()) <= 4 else ""
    cand = m.group(1).strip()
    words = cand.split()
    if len(words) > 9:
        return ""
    caps = sum(1 for w in words if w[:1].isupper() or w.lower() in ("of", "and", "to", "for", "the", "in",
                                                                    "on", "or", "by", "with", "a"))
    return cand if caps == len(words) else ""


def _line_heading(agreement: Agreement, clause: Clause) -> str:
    """Return a heading on a line of its own the segmenter left in the text, in sentence case or
    asked as a question ("What we provide", "Can we change the price?"), or ""."""
    if clause.heading:
        return ""
    text = agreement.text[clause.body_start:min(clause.end, clause.body_start + 90)]
    line = re.match(r"[ \t]*([A-Z][^\n]{2,80}?)[ \t]*\n[ \t]*\n", text)
    if line and (line.group(1).endswith("?") or (
            len(line.group(1).split()) <= 8 and not re.search(r"[.;,:]$", line.group(1)))):
        return line.group(1).rstrip("?").strip()
    return ""


def _heading_hits(idx: _Index, heading: str) -> Dict[str, Tuple[float, str]]:
    """Return {topic: (score 0..1, evidence)} from the heading (cached: headings repeat)."""
    h = _norm(heading)
    cache = idx.__dict__.setdefault("_head_cache", {})  # per index: ids of freed ones get reused
    hit = cache.get(h)
    if hit is None:
        if len(cache) > 4096:
            cache.clear()
        hit = cache[h] = _heading_hits_uncached(idx, h)
    return dict(hit)


def _heading_hits_uncached(idx: _Index, h: str) -> Dict[str, Tuple[float, str]]:
    out: Dict[str, Tuple[float, str]] = {}
    if not h:
        return out
    segments = [h] + [s for s in _SPLIT.split(h) if s and s != h]
    ends: Dict[str, int] = {h: len(h)}  # where each segment ends in the heading
    cursor = 0
    for seg in segments[1:]:
        at = h.find(seg, cursor)
        cursor = at + len(seg) if at >= 0 else cursor
        ends.setdefault(seg, cursor if at >= 0 else len(h))
    reach: Dict[str, int] = {}  # topic -> the shortest stretch from the start that names it
    covered: set = set()
    by_word: Dict[str, str] = {}
    for seg in segments:
        lens, ordered, where = idx.by_length
        lo = bisect.bisect_left(lens, int(len(seg) * 0.73))
        hi = bisect.bisect_right(lens, int(len(seg) * 1.37) + 1)
        for choice, score, k in process.extract(seg, ordered[lo:hi], scorer=fuzz.ratio,
                                                score_cutoff=HEADING_CUTOFF, limit=6):
            i = where[lo + k]
            if min(len(seg), len(choice)) <= 9 and score < 95 and not _plural_pair(seg, choice):
                continue  # "general" is not "generally"
            if score < 100 and not _tokens_align(choice, seg):
                continue  # "rate protection" is not "data protection"
            tid, written = idx.choice_topics[i]
            reach[tid] = min(reach.get(tid, len(h)), ends[seg])
            if score / 100 > out.get(tid, (0, ""))[0]:
                out[tid] = (score / 100, f"heading ~ '{written}' ({int(round(score))})")
            if score >= 95 and len(choice.split()) >= 2 and not _JOINED.search(choice):
                covered.update(choice.split())
        tokens = seg.split()
        if 1 < len(tokens) <= 3 or len(tokens) <= 6:
            # "temporary suspension", "standard sla", "service fees"; in a longer heading only
            # its last word, the noun it is about: "velvetel ui platform maintenance"
            for tok in (tokens if len(tokens) <= HEAD_NOUN_FROM else tokens[-1:]):
                for tid, written in idx.single.get(tok, ()):
                    reach[tid] = min(reach.get(tid, len(h)), ends[seg])
                    if 0.88 > out.get(tid, (0, ""))[0]:
                        out[tid] = (0.88, f"heading word '{written}'")
                        by_word[tid] = tok
    words = h.split()
    for n in range(2, min(6, len(words)) + 1):
        for i in range(len(words) - n + 1):
            if n < len(words) and all(w in _GENERIC or w in _FILLER for w in words[i:i + n]):
                continue  # "the services" names the subject only as the whole heading
            for tid, written in idx.multiword.get(" ".join(words[i:i + n]), ()):
                reach[tid] = min(reach.get(tid, len(h)), len(" ".join(words[:i + n])))
                if not _JOINED.search(" ".join(words[i:i + n])):
                    covered.update(words[i:i + n])
                if 0.9 > out.get(tid, (0, ""))[0]:
                    out[tid] = (0.9, f"heading contains '{written}'")
                    by_word.pop(tid, None)
    for tid, tok in by_word.items():
        # a word of a longer name of another topic: "Telephone Number Assignment" is about
        # numbers, "Early Cancellation Liability" about exit charges, "Exit Support" about exit
        if tid in out and out[tid][0] <= 0.88 and tok in covered:
            del out[tid]
    for tid in list(out):
        # a topic's `exclude` words bar it when they come before the words naming it ends:
        # "Billing Disputes", "Taxes and Fees" are not about fees; "Fees and Taxes" is
        if any(x and 0 <= h.find(x) < reach.get(tid, len(h)) for x in idx.exclude.get(tid, ())):
            del out[tid]
    return out


def _plural_pair(a: str, b: str) -> bool:
    """True when one is the other with a plural ending ("conflict", "conflicts")."""
    short, long_ = sorted((a, b), key=len)
    return long_ in (short + "s", short + "es")


def _tokens_align(choice: str, seg: str) -> bool:
    """True when every word of `choice` has a close word in `seg` ("limitations" ~ "limitation")."""
    words = seg.split()
    for tok in choice.split():
        if len(tok) < 3:
            continue
        if max((fuzz.ratio(tok, w) for w in words), default=0) < 75:
            return False
    return True


def _related(idx: _Index, heading: str, strong: bool = False) -> set:
    """Return the topics sharing a word with the heading (only with their names under a strong heading)."""
    words = set(re.findall(r"[a-z]{5,}", _norm(heading)))
    pool = idx.name_words if strong else idx.topic_words
    return {tid for tid, tw in pool.items() if tw & words}


_INLINE_NUMBER = re.compile(r"(?:\n|[.;:] )[ \t]*(?:Section\s+|SECTION\s+)?\d{1,2}(?:\.\d{1,3})+"
                            r"(?:\.[A-Z])?\.?[ \t]+(?=[A-Z])")
_INLINE_HEAD = re.compile(r"(?:\n|[.:] )[ \t]*(?:Section\s+|SECTION\s+|§\s*)?\d{1,2}(?:\.\d{1,3})+"
                          r"\.?[ \t]+([A-Z][A-Za-z,'’&/()\- ]{2,60}?)\.(?=\s)")


def _inline_marks(text: str) -> Tuple[List[int], List[Tuple[str, object]]]:
    """Return (starts, marks) of numbered headings inside the text, found once per agreement."""
    def at(m) -> int:  # where the number itself begins, after the separator
        g = m.group(0)
        return m.start() + len(g) - len(g.lstrip("\n.;: \t"))

    marks = [(at(m), ("head", m.group(1))) for m in _INLINE_HEAD.finditer(text)]
    marks += [(at(m), ("number", m.end())) for m in _INLINE_NUMBER.finditer(text)]
    marks.sort(key=lambda x: x[0])
    return [x[0] for x in marks], [x[1] for x in marks]


def _inline_headings(idx: _Index, text: str, pieces, inline, body_start: int = 0) -> Dict[str, Tuple[float, str]]:
    """Return topics named by numbered headings inside a clause's own text ("Section 1.02 Acceptance.").

    They are sub-clauses the segmenter left inside their parent; each names its subject as a
    heading would, so a strong match counts (a little less than the clause's own heading).
    """
    out: Dict[str, Tuple[float, str]] = {}
    starts, marks = inline
    for a, b in pieces:
        if b - a < 40:
            continue
        i = bisect.bisect_left(starts, max(a, body_start))  # the clause's own number is no inline heading
        while i < len(starts) and starts[i] < b:
            kind, payload = marks[i]
            i += 1
            if kind == "head":
                for tid, (hs, ev) in _heading_hits(idx, payload).items():
                    if hs >= 0.88 and hs * 0.85 > out.get(tid, (0, ""))[0]:
                        out[tid] = (round(hs * 0.85, 3), f"inline {ev}")
                continue
            # a heading run into its text ("2.4 Help Desk Services Following the ..."): the
            # longest synonym the words after the number start with
            words = _norm(text[payload:payload + 80]).split()
            for n in range(min(6, len(words)), 0, -1):
                phrase = " ".join(words[:n]).strip(" .:;,")
                owners = idx.exact.get(phrase)
                if owners and (n > 1 or (len(phrase) >= 4 and phrase not in _GENERIC)):
                    for tid, written in owners:
                        if 0.8 > out.get(tid, (0, ""))[0]:
                            out[tid] = (0.8, f"inline heading '{written}'")
                    break
    return out


_RUN_IN = re.compile(r"\s*((?:[A-Z][A-Za-z/&’'-]*\s+){1,6}?)(?=(?:The|This|These|Each|Any|All|If|Unless|"
                     r"Customer|Provider|Supplier|Vendor|Following|In|Upon|Either|Neither|No|A|An)\s)")


def _run_in_heading(idx: _Index, text: str, start: int, end: int) -> Dict[str, Tuple[float, str]]:
    """Return the topics of a heading run into its first sentence ("Charges The Service is ...").

    Only Title-Case words followed by a word that starts a sentence count, and only when they are
    exactly a topic's name or synonym (a little less sure than a real heading).
    """
    m = _RUN_IN.match(text, start, min(end, start + 120))
    if not m:
        return {}
    phrase = _norm(m.group(1))
    owners = idx.exact.get(phrase)
    if not owners:
        return {}
    return {tid: (0.85, f"heading run into the text ~ '{written}'") for tid, written in owners}


_OPENING_HEADINGS = frozenset("general applicability introduction overview scope purpose "
                              "description service description".split()) | {"service description"}


def _with_parent_heading(idx: _Index, heading: str, parent: str, parent_hits) -> Dict[str, Tuple[float, str]]:
    """Return the topics an elliptical sub-heading names with its parent's ("Effect" under
    "Termination" is "effect of termination"; "For Cause" is "termination for cause")."""
    if not parent or len(parent.split()) > 4:
        return {}
    out: Dict[str, Tuple[float, str]] = {}
    for joined in (f"{parent} {heading}", f"{heading} of {parent}"):
        for tid, (hs, ev) in _heading_hits(idx, joined).items():
            if hs >= 0.95 and tid not in parent_hits and ev.startswith("heading ~"):
                out[tid] = (0.85, f"heading with its parent's ~ '{joined.strip()}'")
    return out


def _names_a_service(heading: str) -> bool:
    """True for a short heading naming an offering: "Monitoring Services", "Velvetel Mobile Service"."""
    words = _norm(heading).split()
    if words and words[0].endswith("ing"):
        return False  # "Ending the service", "Using the service": an action, not an offering
    return 1 < len(words) <= 5 and words[-1] in ("service", "services", "offering", "offerings") \
        and not {"level", "levels", "credit", "credits", "terms", "term"} & set(words)
