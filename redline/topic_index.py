"""Return the playbook's topic words compiled once per playbook: synonyms, evidence and its regex.

`_index(playbook) -> _Index` (cached by the playbook's topics): every normalised name and
synonym for heading matching (also ordered by length, since a fuzzy ratio of 85 needs lengths
within about a third of each other), single- and multi-word synonyms, evidence phrases with
their topics and weights, decisive ("!") and cross-reference-proof ("!!") phrases, blockers
("-": a wording that holds a phrase without being about its topic, matched and counted for
nothing), each phrase's British/American and hyphen spellings, one trie-built regex (two when
some phrases start with a quote) that finds them all in one scan, the words of pair evidence
("~a|b + x|y") with their own regex, and each topic's vocabulary (tf-idf of the stems of its
own words) for the last-resort fallback. Used by `redline.topics`; no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Tuple

@dataclass(frozen=True)
class _Index:
    """The playbook's words, compiled once per playbook."""

    choices: Tuple[str, ...]
    choice_topics: Tuple[Tuple[str, str], ...]
    by_length: Tuple[Tuple[int, ...], Tuple[str, ...], Tuple[int, ...]]
    """(lengths ascending, the choices in that order, their index in `choices`): a ratio of 85
    needs lengths within about a third of each other, so only those are scored."""
    """(topic id, the synonym as written) per choice."""
    multiword: Mapping[str, Tuple[Tuple[str, str], ...]]
    single: Mapping[str, Tuple[Tuple[str, str], ...]]
    exact: Mapping[str, Tuple[Tuple[str, str], ...]]
    """Every normalised name and synonym -> (topic id, as written)."""
    """Single-word synonyms (3+ letters, not generic) -> (topic id, synonym as written)."""
    """Normalised synonym of 2+ words -> (topic id, synonym as written)."""
    evidence_re: object
    """A compiled regex, or (word-led phrases, sign-led phrases) when some start with a quote."""
    phrase_topics: Mapping[str, Tuple[str, ...]]
    phrase_weight: Mapping[str, float]
    exclude: Mapping[str, Tuple[str, ...]]
    topic_words: Mapping[str, frozenset]
    name_words: Mapping[str, frozenset]
    """Words of 5+ letters of each topic's display name alone."""
    exclusive: frozenset
    decisive: frozenset
    xref_proof: frozenset
    """Decisive phrases written "!!": a cross-reference in their sentence is their object, not a passing mention."""
    """Evidence phrases written with "!": one operative use addresses the topic."""
    order: Mapping[str, int]
    pair_re: object
    """Finds the words of pair evidence ("~raise|increase + price|charge"), each as a word's start."""
    pair_words: Mapping[str, Tuple[Tuple[str, int], ...]]
    vocab: Mapping[str, Mapping[str, float]]
    """Word stem -> {topic: weight}: how much a word of the topic's own names, synonyms, evidence
    and description says about it (more for words few other topics use)."""
    """A pair word -> (pair key, which group) for every pair it belongs to."""
    variant_of: Mapping[str, str]
    """Another spelling of a phrase (British/American, hyphenated or not) -> the phrase as written."""


_CACHE: Dict[tuple, _Index] = {}
PAIR_WEIGHT = 1.2
"""A pair (a word of each group in one sentence) weighs as a two-word phrase."""
PAIR_SPAN = 90
"""... when its two words are at most this many characters apart."""


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("9-1-1", "911").replace("(s)", "s")
    text = re.sub(r"[^a-z0-9'%./&;,:\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .:-")


def _index(playbook) -> _Index:
    key = (getattr(playbook, "path", ""),
           tuple((t.id, t.name, getattr(t, "description", ""), getattr(t, "exclusive", False), t.synonyms,
                  t.evidence, getattr(t, "exclude", ())) for t in playbook.topics))
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    choices, owners = [], []
    decisive: set = set()
    xref_proof: set = set()
    multi: Dict[str, List[Tuple[str, str]]] = {}
    single: Dict[str, List[Tuple[str, str]]] = {}
    phrase_topics: Dict[str, List[str]] = {}
    words: Dict[str, set] = {}
    pair_words: Dict[str, List[Tuple[str, int]]] = {}
    for t in playbook.topics:
        names = (t.name,) + tuple(t.synonyms)
        words[t.id] = set()
        for s in names:
            n = _norm(s)
            if not n:
                continue
            choices.append(n)
            owners.append((t.id, s))
            if len(n.split()) >= 2:
                multi.setdefault(n, [])
                if (t.id, s) not in multi[n]:
                    multi[n].append((t.id, s))
            elif len(n) >= 3 and n not in _GENERIC and n not in _NOT_ALONE:
                single.setdefault(n, [])
                if (t.id, s) not in single[n]:
                    single[n].append((t.id, s))
            words[t.id].update(w for w in re.findall(r"[a-z]{5,}", n) if w not in _GENERIC)
        for e in t.evidence:
            if e.startswith("~"):
                # a pair: a word from each group in one sentence ("~raise|increase + price|charge")
                groups = [[_norm(w) for w in g.split("|") if _norm(w)] for g in e[1:].split("+")]
                if len(groups) == 2 and all(groups):
                    pkey = "/".join(groups[0]) + " ~ " + "/".join(groups[1])
                    phrase_topics.setdefault(pkey, [])
                    if t.id not in phrase_topics[pkey]:
                        phrase_topics[pkey].append(t.id)
                    for side, g in enumerate(groups):
                        for w in g:
                            pair_words.setdefault(w, []).append((pkey, side))
                continue
            if e.startswith("-"):
                # a blocker: a wording that holds an evidence phrase without being about the
                # topic ("to provide the services" states a purpose); matched first, it counts
                # for nothing, so the shorter phrase inside it is not counted either
                e = e[1:].strip()
                n = _norm(e) if not re.search(r"[\"“”]", e) else e.lower()
                if n:
                    phrase_topics.setdefault(n, [])
                continue
            if e.startswith("!"):
                proof = e.startswith("!!")
                e = e.lstrip("!").strip()
                decisive.add(_norm(e) if not re.search(r"[\"“”]", e) else e.lower())
                if proof:
                    xref_proof.add(_norm(e) if not re.search(r"[\"“”]", e) else e.lower())
            n = _norm(e) if not re.search(r"[\"“”]", e) else e.lower()
            if n:
                phrase_topics.setdefault(n, [])
                if t.id not in phrase_topics[n]:
                    phrase_topics[n].append(t.id)
    vocab = _vocabulary(playbook)
    pairs = {p for p in phrase_topics if " ~ " in p}
    weights = {p: (PAIR_WEIGHT if p in pairs else _weight(p)) for p in phrase_topics}
    literal = [p for p in phrase_topics if p not in pairs]
    variants = {v: p for p in literal for v in _spellings(p) if v not in phrase_topics}
    idx = _Index(
        choices=tuple(choices), choice_topics=tuple(owners), by_length=_by_length(choices), multiword={k: tuple(v) for k, v in multi.items()},
        single={k: tuple(v) for k, v in single.items()},
        exact=_group(choices, owners),
        evidence_re=_trie_regex(literal + list(variants)) if literal else None,
        pair_re=_trie_regex(pair_words, word_start=True) if pair_words else None,
        pair_words={k: tuple(v) for k, v in pair_words.items()},
        vocab=vocab,
        variant_of=variants,
        phrase_topics={k: tuple(v) for k, v in phrase_topics.items()}, phrase_weight=weights,
        exclude={t.id: tuple(_norm(x) for x in getattr(t, "exclude", ()) if _norm(x)) for t in playbook.topics},
        topic_words={k: frozenset(v) for k, v in words.items()},
        name_words={t.id: frozenset(w for w in re.findall(r"[a-z]{5,}", _norm(t.name)) if w not in _GENERIC)
                    for t in playbook.topics},
        order={t.id: i for i, t in enumerate(playbook.topics)},
        exclusive=frozenset(t.id for t in playbook.topics if getattr(t, "exclusive", False)),
        decisive=frozenset(decisive), xref_proof=frozenset(xref_proof))
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = idx
    return idx


_STOP = frozenset(("the a an of to for and or in on by with this these your our its any all be is are will "
                   "shall may must not no as at from that which such other than each under into upon if it "
                   "we you us they their them has have had can would should could do does did more most less "
                   "per one two three days day month months year years time party parties customer provider "
                   "supplier client services service agreement terms").split())


def stem(word: str) -> str:
    """Return a crude stem: "charges" and "charged" -> "charg", "parties" -> "party"."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:len(word) - len(suffix)] + repl
    return word


def stems(text: str) -> List[str]:
    """Return the stems of the content words of `text`."""
    return [stem(w) for w in re.findall(r"[a-z]+", text.lower().replace("’", "'")) if len(w) > 2 and w not in _STOP]


def _vocabulary(playbook) -> Dict[str, Dict[str, float]]:
    """Return stem -> {topic: weight} from each topic's own words (tf-idf over the topics)."""
    counts: Dict[str, Dict[str, int]] = {}
    for t in playbook.topics:
        for s in (t.name, getattr(t, "description", "") or "") + tuple(t.synonyms) + tuple(t.evidence):
            if s.startswith("-"):
                continue
            for w in set(stems(s.lstrip("!~").replace("|", " ").replace("+", " "))):
                counts.setdefault(w, {})
                counts[w][t.id] = counts[w].get(t.id, 0) + 1
    n = max(1, len(playbook.topics))
    return {w: {tid: math.log(1 + c) * math.log(n / len(by)) for tid, c in by.items()}
            for w, by in counts.items() if len(by) < n}


def _by_length(choices):
    order = sorted(range(len(choices)), key=lambda i: (len(choices[i]), i))
    return (tuple(len(choices[i]) for i in order), tuple(choices[i] for i in order), tuple(order))


def _group(choices, owners) -> Dict[str, Tuple[Tuple[str, str], ...]]:
    out: Dict[str, List[Tuple[str, str]]] = {}
    for c, o in zip(choices, owners):
        if o not in out.setdefault(c, []):
            out[c].append(o)
    return {k: tuple(v) for k, v in out.items()}


_GENERIC = frozenset("services service agreement terms customer provider general other rights platform "
                     "charges party parties".split())


_FILLER = frozenset("the a an of to for and or in on by with this these your our its".split())

_NOT_ALONE = frozenset("changes general law access transfer scope numbers records communications "
                       "software license waiver waivers compliance commitment notice breach".split())
"""Single-word synonyms that name the topic only as a whole heading, not as one of its words."""


_SPELLINGS = tuple(tuple(pair.split("/")) for pair in (
    "centre/center centres/centers licence/license licences/licenses organisation/organization "
    "organisations/organizations authorised/authorized unauthorised/unauthorized authorise/authorize "
    "authorisation/authorization labour/labor defence/defense cancelled/canceled cancelling/canceling "
    "cancellation/cancelation judgement/judgment programme/program fulfil/fulfill favour/favor "
    "behaviour/behavior endeavour/endeavor endeavours/endeavors recognised/recognized utilise/utilize "
    "minimise/minimize analyse/analyze catalogue/catalog dialling/dialing instalment/installment "
    "instalments/installments enrol/enroll trademark/trade-mark trademarks/trade-marks "
    "email/e-mail website/web-site offence/offense practise/practice speciality/specialty "
    "tonne/ton storey/story kerb/curb aluminium/aluminum colour/color harmonised/harmonized "
    "prioritise/prioritize customise/customize finalise/finalize characterise/characterize "
    "apologise/apologize summarise/summarize categorise/categorize penalise/penalize").split())
_SPELL = {a: b for a, b in _SPELLINGS} | {b: a for a, b in _SPELLINGS}
_PREFIXED = re.compile(r"^(sub|non|co|multi|inter|pre|post)([a-z]{4,})$")


def _spellings(phrase: str) -> List[str]:
    """Return the phrase's other spellings: British/American, with or without a hyphen
    ("sub-contract" / "subcontract" / "sub contract", "trade-mark" / "trademark" / "trade mark")."""
    words = phrase.split()
    if not all(re.fullmatch(r"[a-z][a-z-]*", w) for w in words):
        return []
    options = []
    for w in words:
        alt = {w}
        for x in list(alt):
            if x in _SPELL:
                alt.add(_SPELL[x])
        for x in list(alt):
            if "-" in x:
                alt.update({x.replace("-", ""), x.replace("-", " ")})
            m = _PREFIXED.match(x)
            if m:
                alt.add(f"{m.group(1)}-{m.group(2)}")
        options.append(sorted(alt))
    out = [""]
    for alt in options:
        out = [f"{o} {a}".strip() for o in out for a in alt]
        if len(out) > 16:
            return []
    return [o for o in out if o != phrase]


def _weight(phrase: str) -> float:
    words = len(phrase.split())
    if re.fullmatch(r"\d+\.\d+%?", phrase):
        return 1.2  # an availability figure ("99.95") says as much as two words
    if words >= 3:
        return 1.6
    if words == 2:
        return 1.2
    return 0.8 if len(phrase) >= 6 else 0.5


def _trie_regex(phrases: Iterable[str], word_start: bool = False):
    """Return a regex matching any of `phrases` (as whole words), built from a trie (or two: see below);
    with `word_start`, one matching them as the start of a word ("suspend" in "suspended")."""
    phrases = list(phrases)

    def trie_of(items) -> dict:
        trie: dict = {}
        for p in items:
            node = trie
            for ch in p:
                node = node.setdefault(ch, {})
            node[""] = True
        return trie

    def build(node) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if ends else body

    # a phrase starting with a word character starts a word; one starting with a quote or
    # another sign ('" means') may follow a word directly ('"charges" means'): two patterns, as
    # one lookbehind with an alternative doubles the scan
    if word_start:
        return re.compile(r"(?<![a-z0-9])(" + build(trie_of(phrases)) + r")[a-z'-]*")
    words = re.compile(r"(?<![a-z0-9])(" + build(trie_of(p for p in phrases if p[:1].isalnum())) + r")(?![a-z0-9])")
    signs = [p for p in phrases if not p[:1].isalnum()]
    if not signs:
        return words
    return words, re.compile(r"(" + build(trie_of(signs)) + r")(?![a-z0-9])")
