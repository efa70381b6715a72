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
- pair: where nothing else names a headless clause's subject, a word of each group of one of a
  topic's pairs in one sentence ("~raise|increase + price|charges": "we can raise what we
  charge") names it weakly: "body: 'raise/increase ~ price/charges' x1".
- vocabulary: last of all, a headless numbered clause nothing else names takes, weakly (<= 0.45),
  the topic whose own words (names, synonyms, evidence, description; tf-idf over the topics) it
  shares most, when that topic clearly leads: "words 'loses', 'profits', 'lost' (the topic's
  vocabulary)".
- list: a lead-in without a heading or subject of its own ("The Client shall not: (a) ...
  (b) ...") takes, weakly, the topics its items' evidence names together: "list body: ...".
- parent: a sub-clause with no heading of its own inherits its parent's topics, weakly (and
  only where its text supports them if it has a heading or a subject of its own): "parent 7.2
  'Termination'". An item of a list that completes its parent's sentence ("... may suspend if:
  6.1.1 ...; or") adds only topics named in decisive words.
- structure: a numbered clause without a heading (or under a line or sentence naming no
  topic, or a heading sharing a word with the topic, or any heading in a document whose headings
  seldom name a topic: "Money Matters", "If Things Go Wrong") is about its strongest evidence; the opening
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

from redline.model import Agreement, TopicHit
from redline.spans import own_pieces
from redline.topic_headings import (_OPENING_HEADINGS, _heading, _heading_hits, _inline_headings, _inline_marks, _line_heading,
                                    _names_a_service, _related, _run_in_heading, _with_parent_heading)
from redline.topic_index import PAIR_SPAN, _Index, _index, _norm, stems

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
PLAIN_HEADINGS = 0.35
"""Below this share of headings naming a topic, a document's headings are its own words."""
LIST_SCORE = 0.38
"""Score of a topic a lead-in takes from its list's items: below what sub-clauses inherit."""
SENTENCE_MIN = 2.0
"""Weight of two or more evidence phrases in ONE sentence that addresses a topic on its own."""
MAX_TOPICS = 12

_WORD_CHARS = "a-z0-9"
_LEAD_IN = re.compile(r"(?:In|For|Under|Where|When|If|As|Unless|Subject|Throughout)\s+(?:th(?:is|ese|e)|each|any|all)\b")
"""A "heading" that opens a sentence ("In these Conditions: ...") is text, not a subject."""
_SENTENCE_END = re.compile(r"[.;:!?](?=\s)|\n\s*\n")
_XREF = re.compile(r"(?:Section|SECTION|Article|ARTICLE|Exhibit|EXHIBIT|Schedule|SCHEDULE|Appendix|"
                   r"Attachment|Paragraph)s?\s+[\dA-Z]")


# ---------------------------------------------------------------------------------------------


class _Hits:
    """Evidence phrases found in the text once, looked up per clause by offset."""

    def __init__(self, idx: _Index, text: str):
        self.starts: List[int] = []
        self.items: List[Tuple[int, str, bool]] = []
        self._idx, self._text, self._low = idx, text, ""
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
        self._idx, self._text, self._low = idx, text, low

    def within(self, pieces: Sequence[Tuple[int, int]]):
        for a, b in pieces:
            i = bisect.bisect_left(self.starts, a)
            while i < len(self.starts) and self.starts[i] < b:
                yield self.items[i]
                i += 1

    def within_pairs(self, pieces: Sequence[Tuple[int, int]]):
        """Yield pair evidence in `pieces`: a word of each group of a pair in one sentence, close
        together (scanned on demand: only clauses where nothing else was found ask)."""
        idx, text, low = self._idx, self._text, self._low
        if idx.pair_re is None:
            return
        seen: Dict[Tuple[str, int], List[List[int]]] = {}
        for a, b in pieces:
            for m in idx.pair_re.finditer(low, a, b):
                s = m.start()
                lo = max(a, s - 300)
                sid = max(text.rfind(". ", lo, s), text.rfind("; ", lo, s), text.rfind("\n\n", lo, s),
                          text.rfind(": ", lo, s))
                if sid < 0:
                    sid = -1 - s // 300
                for key, side in idx.pair_words.get(m.group(1), ()):
                    seen.setdefault((key, sid), [[], []])[side].append(s)
        for (key, sid), (xs, ys) in seen.items():
            near = next(((x, y) for x in xs for y in ys if abs(x - y) <= PAIR_SPAN), None)
            if near:
                yield (min(near), key, False, sid)


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


def _last_chars(text: str, pieces) -> str:
    """Return the last few characters of a clause's own text, stripped ("...; or")."""
    for a, b in reversed(pieces):
        tail = text[max(a, b - 12):b].strip()
        if tail:
            return re.sub(r"\s+", " ", tail)
    return ""


VOCAB_MIN = 1.5
"""Vocabulary score (tf-idf of shared stems, by the square root of the clause's words) a topic
needs to name a headless clause nothing else names ..."""
VOCAB_LEAD = 1.5
"""... and how many times the runner-up's it must be."""


def _by_vocabulary(idx: _Index, text: str):
    """Return (topic, score, evidence) when one topic's vocabulary clearly leads in `text`, or None."""
    words = stems(text)
    as_written = dict(zip(words, (w for w in re.findall(r"[A-Za-z]+", text.replace("’", "'"))
                                  if stems(w))))  # stem -> the word as the text has it
    totals: Dict[str, float] = {}
    shared: Dict[str, List[Tuple[float, str]]] = {}
    for w in set(words):
        for tid, g in idx.vocab.get(w, {}).items():
            totals[tid] = totals.get(tid, 0.0) + g
            shared.setdefault(tid, []).append((g, as_written.get(w, w).lower()))
    if not totals:
        return None
    norm = math.sqrt(max(8, len(words)))
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], idx.order.get(kv[0], 0)))
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if score / norm < VOCAB_MIN or score < VOCAB_LEAD * runner:
        return None
    top = ", ".join(f"'{w}'" for _, w in sorted(shared[best], reverse=True)[:4])
    return best, round(min(0.45, 0.25 + score / norm / 20), 3), f"words {top} (the topic's vocabulary)"


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
    # a document whose headings seldom name a topic ("Money Matters", "If Things Go Wrong")
    # heads its clauses in its own words: there a heading naming no topic does not stop the
    # text from naming the subject
    headed = [c for c in agreement.clauses if c.heading]
    plain_headings = sum(1 for c in headed if _heading_hits(idx, c.heading)) < PLAIN_HEADINGS * len(headed)
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
            bool(clause.heading) and (len(clause.heading.split()) >= 5 or _LEAD_IN.match(clause.heading))))
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
                    and (not heading or soft or plain_headings or (tid in related and norm >= FALLBACK_UNDER_HEADING)):
                # under a heading naming no topic, only a topic sharing one of its words
                # ("Coverage Requirements" for insurance cover, "Customer Conduct" for use)
                scores[tid] = (round(min(0.6, 0.3 + norm / 10), 3), list(ev))
                fallback = True
        if not scores and not only and not list_item and not head and (not heading or soft or plain_headings) \
                and 8 <= n_words <= 150 and clause.norm and (not clause.parent or "." in clause.norm):
            # nothing found: a word of each group of a pair in one sentence ("we can raise what
            # we charge"), the clause's strongest, names its subject weakly
            paired = _body_scores(idx, list(hits.within(pieces)) + list(hits.within_pairs(pieces)), n_words)
            if paired:
                tid, (norm, _, ev, _, _) = max(paired.items(), key=lambda kv: (kv[1][0], -idx.order.get(kv[0], 0)))
                if norm >= 0.7 and any(" ~ " in e for e in ev):
                    scores[tid] = (round(min(0.5, 0.3 + norm / 10), 3), list(ev))
                    fallback = True
        if not scores and not only and not list_item and (not clause.heading or plain_headings) and not head \
                and 8 <= n_words <= 150 \
                and clause.norm and (not clause.parent or "." in clause.norm):
            # still nothing, in a headless numbered clause: the words it shares with each topic's
            # own vocabulary, when one topic clearly leads ("bill ... unpaid ... cut off")
            found = _by_vocabulary(idx, "".join(text[a:b] for a, b in pieces))
            if found:
                scores[found[0]] = (found[1], [found[2]])
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
