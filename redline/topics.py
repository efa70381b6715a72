"""Return the topics of every clause, best first, each with a score and the evidence that gave it.

`classify(agreement, playbook) -> {clause_id: (TopicHit, ...)}`. The taxonomy is data: each
playbook topic has a display name, `synonyms` (heading words) and `evidence` (body phrases), and
optionally `exclude` (words that argue against it) and `exclusive` (a clause headed so, e.g. a
definitions list, addresses nothing else). The signals, all explainable:

- heading: the clause's heading (or a short title-like first sentence, a line of its own in
  sentence case or asked as a question: "What we provide", "Can we change the price?", or
  Title-Case words run into the first sentence: "Charges The Service is ..."), split at ";", ",", "and", "&", "/", is
  compared with every name and synonym (rapidfuzz ratio, words aligned so that "rate protection"
  is not "data protection"); 85 or more, a multi-word synonym inside the heading, or a synonym as
  one of a short heading's words (or a long heading's last word) is a hit:
  "heading ~ 'Limitation of Liability' (96)", "heading word 'suspension'".
- numbered headings the segmenter left inside a clause ("Section 1.02 Acceptance ...") count
  as headings of that clause, a little less sure: "inline heading ~ 'acceptance' (100)".
- body: evidence phrases counted in the clause's OWN text (children and furniture left out),
  longer phrases weighing more, repeats with diminishing weight, the sum normalised by the
  clause's length; or two phrases of a topic in one sentence; or one decisive phrase (written
  "!phrase" in the playbook). A phrase in the same sentence as a cross-reference ("... as set out
  in Section 4.4") counts a quarter and never alone: "body: 'consequential damages' x2". Phrases
  match in British or American spelling and with or without a hyphen ("sub-contract"); a
  heading that is really a sentence ("1. Irish law governs this Agreement.") is read as text.
- list: a lead-in without a heading or subject of its own ("The Client shall not: (a) ...
  (b) ...") takes, weakly, the topics its items' evidence names together: "list body: ...".
- parent: a sub-clause with no heading of its own inherits its parent's topics, weakly (and
  only where its text supports them if it has a heading or a subject of its own): "parent 7.2
  'Termination'". An item of a list that completes its parent's sentence ("... may suspend if:
  6.1.1 ...; or") adds only topics named in decisive words.
- structure: a numbered clause without a heading (or under a line or sentence naming no
  topic, or a heading sharing a word with the topic) is about its strongest evidence; the opening
  clause of a service exhibit, schedule or SOW ("General", "Applicability", no heading) that
  names a service is its scope statement: "opening clause of exhibit-...".
- exclusions: a topic whose `exclude` words are in the heading is taken neither from the heading
  nor from the body ("Indemnity" is not intellectual property), unless in decisive words; "!!"
  evidence stays decisive beside a cross-reference ("incorporated by reference: Appendix A").

A long clause that covers several subjects gets each one whose evidence is dense enough; a
passing mention does not. Deterministic and offline: the same text gives the same topics.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Dict, Iterable, List, Sequence, Tuple

from rapidfuzz import fuzz, process

from redline.model import Agreement, Clause, TopicHit
from redline.spans import own_pieces
from redline.topic_index import _FILLER, _GENERIC, _Index, _index, _norm

HEADING_CUTOFF = 85
"""A heading segment scoring this much (rapidfuzz ratio, 0-100) against a synonym is a hit."""
BODY_MIN = 2.2
"""Normalised evidence weight a clause's own text needs for a topic without a heading hit."""
BODY_MIN_RELATED = 1.2
"""... when the heading shares a word with the topic (e.g. "Termination" for the termination topics)."""
INHERIT = 0.5
"""A sub-clause's inherited score, as a share of its parent's."""
INHERIT_SUPPORT = 1.5
FALLBACK_BESIDE = 1.0
"""Body weight the strongest topic of a headless clause needs to join topics it already has."""
"""Body weight a sub-clause with a subject of its own needs to inherit one of its parent's topics too."""
FALLBACK_UNDER_HEADING = 1.4
"""... and under a heading that names no topic but shares a word with the strongest one."""
LIST_SCORE = 0.38
"""Score of a topic a lead-in takes from its list's items: below what sub-clauses inherit."""
SENTENCE_MIN = 2.0
"""Weight of two or more evidence phrases in ONE sentence that addresses a topic on its own."""
MAX_TOPICS = 12
HEAD_NOUN_FROM = 3
"""A heading segment longer than this many words names its subject by its last word only."""

_WORD_CHARS = "a-z0-9"
_SPLIT = re.compile(r"\s*(?:;|,|:|/|&|\band\b|\bor\b|\bincluding\b)\s*")
_JOINED = re.compile(r"\b(?:and|or)\b|[,&/;]")
_SENTENCE_END = re.compile(r"[.;:!?](?=\s)|\n\s*\n")
_XREF = re.compile(r"(?:Section|SECTION|Article|ARTICLE|Exhibit|EXHIBIT|Schedule|SCHEDULE|Appendix|"
                   r"Attachment|Paragraph)s?\s+[\dA-Z]")


# ---------------------------------------------------------------------------------------------


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
        return ""
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
                    if 0.88 > out.get(tid, (0, ""))[0]:
                        out[tid] = (0.88, f"heading word '{written}'")
                        by_word[tid] = tok
    words = h.split()
    for n in range(2, min(6, len(words)) + 1):
        for i in range(len(words) - n + 1):
            if n < len(words) and all(w in _GENERIC or w in _FILLER for w in words[i:i + n]):
                continue  # "the services" names the subject only as the whole heading
            for tid, written in idx.multiword.get(" ".join(words[i:i + n]), ()):
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
        if any(x and x in h for x in idx.exclude.get(tid, ())):
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


class _Hits:
    """Evidence phrases found in the text once, looked up per clause by offset."""

    def __init__(self, idx: _Index, text: str):
        self.starts: List[int] = []
        self.items: List[Tuple[int, str, bool]] = []
        if idx.evidence_re is None:
            return
        low = text.lower().replace("’", "'").replace("‘", "'")
        xrefs = [m.start() for m in _XREF.finditer(text)]
        pats = idx.evidence_re if isinstance(idx.evidence_re, tuple) else (idx.evidence_re,)
        found = [m for p in pats for m in p.finditer(low)]
        if len(pats) > 1:
            found.sort(key=lambda m: m.start())
        variant_of = idx.variant_of
        for m in found:
            s, e = m.start(), m.end()
            phrase = variant_of.get(m.group(1), m.group(1))
            lo = max(0, s - 300)
            sid = max(text.rfind(". ", lo, s), text.rfind("; ", lo, s), text.rfind("\n\n", lo, s),
                      text.rfind(": ", lo, s))
            j = bisect.bisect_left(xrefs, max(s - 70, sid))
            in_xref = False
            # a phrase written "!!" is operative whatever it points at ("incorporated into it by
            # reference are: Appendix A ..."); others near a cross-reference are passing mentions
            while phrase not in idx.xref_proof and j < len(xrefs) and xrefs[j] <= e + 70:
                x = xrefs[j]
                if x < s or not re.search(r"[.;]\s", text[e:x]):
                    in_xref = True  # a cross-reference in the same sentence
                    break
                j += 1
            if sid < 0:
                sid = -1 - s // 300  # a long sentence: group by 300-character stretches
            self.starts.append(s)
            self.items.append((s, phrase, in_xref, sid))

    def within(self, pieces: Sequence[Tuple[int, int]]):
        for a, b in pieces:
            i = bisect.bisect_left(self.starts, a)
            while i < len(self.starts) and self.starts[i] < b:
                yield self.items[i]
                i += 1


def _body_scores(idx: _Index, hits: Iterable[Tuple[int, str, bool]], n_words: int):
    """Return {topic: (normalised weight, distinct phrases, evidence strings)}."""
    counts: Dict[str, List[float]] = {}
    sentences: Dict[Tuple[str, int], Dict[str, float]] = {}
    for _, phrase, in_xref, sid in hits:
        c = counts.setdefault(phrase, [0, 0.0])
        c[0] += 1
        c[1] += 0.25 if in_xref else 1.0
        if not in_xref:
            for tid in idx.phrase_topics.get(phrase, ()):
                sentences.setdefault((tid, sid), {})[phrase] = idx.phrase_weight.get(phrase, 0.5)
    per_topic: Dict[str, List] = {}
    for phrase, (n, eff) in counts.items():
        w = idx.phrase_weight.get(phrase, 0.5) * (1 + math.log2(eff) if eff >= 1 else eff)
        for tid in idx.phrase_topics.get(phrase, ()):
            entry = per_topic.setdefault(tid, [0.0, 0, []])
            entry[0] += w
            entry[1] += 1
            entry[2].append((w, phrase, n))
    scale = 1 + max(0, n_words - 60) / 260
    best_sentence: Dict[str, float] = {}
    decided: set = set()
    for (tid, _), phrases in sentences.items():
        if len(phrases) >= 2:
            best_sentence[tid] = max(best_sentence.get(tid, 0.0), sum(phrases.values()))
        if idx.decisive.intersection(phrases):
            best_sentence[tid] = max(best_sentence.get(tid, 0.0), SENTENCE_MIN)
            decided.add(tid)
    out = {}
    for tid, (raw, distinct, evid) in per_topic.items():
        excluded = 0.0
        for ex in idx.exclude.get(tid, ()):
            excluded += 0.8 * sum(n for p, (n, _) in counts.items() if ex in p)
        norm = (raw - excluded) / scale
        evid.sort(key=lambda e: (-e[0], e[1]))
        strings = tuple(f"body: '{p}' x{n}" for _, p, n in evid[:4])
        out[tid] = (norm, distinct, strings, best_sentence.get(tid, 0.0) - excluded, tid in decided)
    return out


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


def _last_chars(text: str, pieces) -> str:
    """Return the last few characters of a clause's own text, stripped ("...; or")."""
    for a, b in reversed(pieces):
        tail = text[max(a, b - 12):b].strip()
        if tail:
            return re.sub(r"\s+", " ", tail)
    return ""


def _names_a_service(heading: str) -> bool:
    """True for a short heading naming an offering: "Monitoring Services", "Velvetel Mobile Service"."""
    words = _norm(heading).split()
    if words and words[0].endswith("ing"):
        return False  # "Ending the service", "Using the service": an action, not an offering
    return 1 < len(words) <= 5 and words[-1] in ("service", "services", "offering", "offerings") \
        and not {"level", "levels", "credit", "credits", "terms", "term"} & set(words)


def _take_body(body, n_words: int, scores, related, decisive_only: bool, excluded) -> None:
    """Add to `scores` every topic the body evidence addresses (dense enough, two phrases in one
    sentence, one decisive phrase, or one long phrase in a short clause)."""
    for tid, (norm, distinct, ev, sent, decisive) in body.items():
        if tid in scores or ((decisive_only or tid in excluded) and not decisive):
            continue  # a definitions list addresses nothing else, unless in decisive words
        need = BODY_MIN_RELATED if tid in related else BODY_MIN
        strong_one = distinct == 1 and n_words <= 50 and ev and len(ev[0].split("'")[1].split()) >= 3 \
            and norm >= 1.4 and not any(o != tid and v[1] >= 2 and v[0] > norm for o, v in body.items())
        # (one phrase in a short clause, unless another topic has more and stronger evidence
        # there: "shall not use ... in any country subject to sanctions" is about sanctions)
        if (norm >= need and (distinct >= 2 or norm >= 2 * need)) or sent >= SENTENCE_MIN or strong_one:
            scores[tid] = (min(0.84, 0.35 + max(norm, sent / 2) / 10), list(ev))


def classify(agreement: Agreement, playbook) -> Dict[str, Tuple[TopicHit, ...]]:
    """Return {clause id: (TopicHit, ...)} best first, for every clause of `agreement`."""
    idx = _index(playbook)
    text = agreement.text
    hits = _Hits(idx, text)
    inline = _inline_marks(text)
    result: Dict[str, Tuple[TopicHit, ...]] = {}
    heading_of: Dict[str, Dict[str, Tuple[float, str]]] = {}
    under_exclusive: set = set()
    heading_sets: Dict[Tuple[str, bool], Tuple[set, set]] = {}
    openers = set()
    for part in agreement.parts:
        if part.kind in ("exhibit", "schedule", "sow"):
            first = next((c for c in agreement.clauses if c.part == part.id and not c.parent), None)
            if first is not None:
                openers.add(first.id)
    own_end: Dict[str, str] = {}
    parents = {c.parent for c in agreement.clauses if c.parent}
    for clause in agreement.clauses:  # document order: parents before children
        heading = _heading(agreement, clause)
        head = _heading_hits(idx, heading)
        if not heading and not clause.heading:
            head = _run_in_heading(idx, text, clause.body_start, clause.end)
        if heading and not head and clause.parent and len(heading.split()) <= 3:
            head = _with_parent_heading(idx, heading, _heading(agreement, agreement.clause(clause.parent)),
                                        heading_of.get(clause.parent, {}))
        heading_of[clause.id] = head
        pieces = own_pieces(agreement, clause)
        # a heading or line that names no topic is read as text when it is a sentence the
        # segmenter took for a heading ("1. Irish law governs this Agreement.") or a line of
        # its own ("What we provide"); then the clause is treated as headless
        soft = bool(heading) and not head and (heading == _line_heading(agreement, clause) or (
            bool(clause.heading) and len(clause.heading.split()) >= 5))
        if clause.heading and (soft or len(clause.heading.split()) >= 5):
            pieces = [(clause.start, clause.body_start)] + list(pieces)
        own_end[clause.id] = _last_chars(text, pieces)
        # an item of a list that completes its parent's sentence ("... may suspend if: 6.1.1 you
        # ...; 6.1.2 ...; or") is about the parent's subject: only decisive words add topics
        list_item = not heading and (own_end[clause.id].endswith((";", "; or", "; and", ",", ", or", ", and"))
                                     or own_end.get(clause.parent or "", "").endswith((":", "—", "-")))
        n_words = sum(text.count(" ", a, b) + text.count("\n", a, b) for a, b in pieces)
        body = _body_scores(idx, hits.within(pieces), n_words)
        strong = any(v[0] >= 0.95 for v in head.values())
        # a topic whose `exclude` words are in the heading ("Indemnity" for intellectual
        # property, "Billing Disputes" for fees) is not taken from the body either, unless decisive
        key = (heading, strong)
        if key not in heading_sets:
            h_norm = _norm(heading) if heading else ""
            heading_sets[key] = (
                _related(idx, heading, strong) if heading else set(),
                {tid for tid, exs in idx.exclude.items() if exs and any(x in h_norm for x in exs)} if h_norm else set())
        related, head_excluded = heading_sets[key]
        scores: Dict[str, Tuple[float, List[str]]] = {}
        for tid, (hs, ev) in head.items():
            b = body.get(tid)
            bonus = min(0.1, b[0] / 20) if b else 0.0
            scores[tid] = (min(1.0, hs + bonus), [ev] + (list(b[2][:2]) if b else []))
        for tid, (hs, ev) in _inline_headings(idx, text, pieces, inline,
                                                   clause.body_start if clause.heading else 0).items():
            if tid not in scores or scores[tid][0] < hs:
                scores[tid] = (hs, [ev])
        fallback = False
        only = any(v[0] >= 0.95 and tid in idx.exclusive for tid, v in head.items())
        if only:
            under_exclusive.add(clause.id)
        elif clause.parent in under_exclusive:
            under_exclusive.add(clause.id)
            only = True  # an item of a definitions list addresses nothing else either
        _take_body(body, n_words, scores, related, only or list_item, head_excluded)
        if not heading and not scores and not only and clause.id in parents and n_words < 60 \
                and not own_end[clause.id].endswith((".", '."', ".”")):
            # a lead-in whose list carries the subject ("The Client shall not: (a) attempt to
            # gain unauthorised access ... (b) introduce viruses ..."): the items' evidence
            # together names the list's topics, which its items then inherit
            whole = [(clause.body_start, clause.end)]
            n_whole = sum(text.count(" ", a, b) + text.count("\n", a, b) for a, b in whole)
            listed = {tid: v[:2] + (tuple(f"list {e}" for e in v[2]),) + v[3:]
                      for tid, v in _body_scores(idx, hits.within(whole), n_whole).items()}
            _take_body(listed, n_whole, scores, related, False, head_excluded)
            for tid in scores:  # weakly: the items keep their own subjects, not inherited ones
                scores[tid] = (min(scores[tid][0], LIST_SCORE), scores[tid][1])
        if not only and not list_item and not head and 8 <= n_words <= 150 \
                and body and clause.norm and (not clause.parent or (
                    ("." in clause.norm or clause.norm[-1].isdigit()) and not (clause.number or "").lstrip().startswith("("))):
            # a short numbered sub-clause without a heading ("3.2 If the Customer fails to pay
            # ...") is about its strongest evidence (besides anything decided above); lettered
            # list items are left to their parent
            tid, (norm, _, ev, _, _) = max(body.items(), key=lambda kv: (kv[1][0], -idx.order.get(kv[0], 0)))
            if norm >= 0.7 and tid not in scores and (not scores or norm >= FALLBACK_BESIDE) \
                    and (not heading or soft or (tid in related and norm >= FALLBACK_UNDER_HEADING)):
                # under a heading naming no topic, only a topic sharing one of its words
                # ("Coverage Requirements" for insurance cover, "Customer Conduct" for use)
                scores[tid] = (round(min(0.6, 0.3 + norm / 10), 3), list(ev))
                fallback = True
        if clause.id in openers and "scope_of_services" not in scores and re.search(r"\b[Ss]ervices?\b", text[clause.body_start:clause.end]) \
                and (not heading or _norm(heading).split(";")[0].strip() in _OPENING_HEADINGS):
            # the opening clause of a service exhibit or schedule says what service it covers
            scores["scope_of_services"] = (0.6, [f"opening clause of {clause.part}"])
        if not head and not scores and heading and _names_a_service(heading):
            scores["scope_of_services"] = (0.7, [f"heading names a service: '{heading.strip()}'"])
        if clause.parent and not head:
            own = bool(scores) and not fallback
            parent_hits = result.get(clause.parent, ())
            for ph in parent_hits:
                if ph.score < 0.4 or ph.id in scores:
                    continue
                if (heading or own) and body.get(ph.id, (0.0,))[0] < INHERIT_SUPPORT:
                    continue  # a sub-clause with its own subject inherits only what its text supports
                parent = agreement.clause(clause.parent)
                label = parent.number or parent.id
                pname = (parent.heading or _heading(agreement, parent) or "")[:40]
                scores[ph.id] = (round(ph.score * INHERIT, 3), [f"parent {label} '{pname}'".strip()])
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], idx.order.get(kv[0], 999)))
        result[clause.id] = tuple(TopicHit(id=tid, score=round(sc, 3), evidence=tuple(ev))
                                  for tid, (sc, ev) in ranked[:MAX_TOPICS])
    return result
