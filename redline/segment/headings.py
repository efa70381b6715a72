"""Return a clause's heading found after its number: "Commencement of Billing.", "DEFINITIONS", a heading line.

Four shapes, tried in order:
- a heading alone on its line ("1.1 Generally." and the body on the next line);
- a short title-like phrase ending with ". " or ": " ("4.1 Commencement of Billing. Unless ...");
- a run of capitals ("1. DEFINITIONS “AT&T Equipment” means ...");
- a few capitalised words running into the next number ("2.5 Service Governance 2.5.A. ...").
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

SMALL = frozenset("""a an and as at by for from in into of on or the to under upon with its via
per vs versus than that this these those""".split())
VERBS = re.compile(r"\b(?:shall|will|may|must|is|are|was|were|means|mean|has|have|had|can|cannot|"
                   r"should|would|agrees?|acknowledges?|provides?|includes?|refers|do|does|not|"
                   r"where|which|who|whom|whose|if|when|whether|because)\b")
_ITEM = re.compile(r"(?:^|\s)\((?:[a-z]{1,2}|[ivx]{1,5}|[A-Z]|\d{1,2})\)|\b\d{1,3}(?:\.\d{1,3})+\.?(?:[A-Z]\b|\s|$)")
CAPS_VERBS = re.compile(r"\b(?:SHALL|WILL|MAY|MUST|IS|ARE|HAS|HAVE|NOT|MAKES)\b")
_END = re.compile(r"[.:](?=[ \t\u00a0]|\r?\n|$)|[.:]?(?=\r?\n)")
_WORD = re.compile(r"[^\s]+")
_CAPS_TOKEN = re.compile(r"^[A-Z0-9&/\-–’'®.,;()]*[A-Z][A-Z0-9&/\-–’'®.,;()]*$")
_NUM_AHEAD = re.compile(r"\d{1,3}(?:\.\d{1,3})+\.?(?:[A-Z]\.)?[ \t]")
_LIST_AHEAD = re.compile(r"[^\S\r\n]*\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)[^\S\r\n]")
_ABBREV_END = re.compile(r"(?:\b[A-Z]\.[A-Z]|\b(?:Inc|Ltd|Co|Corp|No|St|Mr|Ms|Dr|vs|etc|e\.g|i\.e))$")


class Heading(NamedTuple):
    start: int
    end: int
    body: int
    shape: str
    """"line", "period", "caps" or "run"."""


def _skip_ws(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos].isspace():
        pos += 1
    return pos


def _titleish(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 12:
        return False
    first = words[0].lstrip("“\"'(")
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return False
    if VERBS.search(phrase) or _ITEM.search(phrase):
        return False
    if phrase.rstrip().endswith((";", ",")) or words[-1].lower() in ("and", "or", "and/or"):
        return False
    last = words[-1].strip("“”\"'(),;")
    if len(words) > 1 and len(last) == 1 and last.isalpha():
        return False
    if phrase.count(",") > 2 or "“" in phrase[:1] or phrase[:1] in "\"“":
        return False
    content = [w for w in words if w.lower() not in SMALL]
    if not content:
        return False
    caps = sum(1 for w in content if w.lstrip("“\"'(")[:1].isupper() or w[:1].isdigit())
    return caps * 2 >= len(content)


def is_title(phrase: str) -> bool:
    """True for a short phrase written as a title ("Term and Cancellation", "Your Account")."""
    return _titleish(phrase) and all(w[:1].isupper() or w.lower() in SMALL or not w[:1].isalpha()
                                     for w in phrase.split())


def find(text: str, body: int, line_end: int, *, line_start: bool, item: bool = False,
         limit: int = 160) -> Optional[Heading]:
    """Return the heading that begins at `body` (after a clause number), or None."""
    n = len(text)
    if body >= n:
        return None
    # a separator after the number: "Article 1 - Definitions", "Section 2: Fees"
    if text[body] in "-–—:" and body + 1 < n and text[body + 1] in " \t":
        body = _skip_ws(text, body + 1, line_end if line_end > body else n)
    # 0. A bold or underlined heading in Markdown: "1. **Definitions.** ..."
    if text.startswith(("**", "__"), body):
        marker = text[body:body + 2]
        close = text.find(marker, body + 2, min(n, body + 160))
        if close > body + 2 and "\n" not in text[body:close]:
            hs = body + 2
            e = close
            while e > hs and text[e - 1] in " .:":
                e -= 1
            phrase = text[hs:e]
            if phrase and (_titleish(phrase) or phrase.isupper()):
                return Heading(hs, e, _skip_ws(text, close + 2, n), "bold")
    # 1a. A number alone on its line ("ARTICLE 1") with its heading on the next line.
    if line_start and not text[body:line_end].strip() and line_end < n:
        nxt = _skip_ws(text, line_end, min(n, line_end + 400))
        eol = text.find("\n", nxt)
        eol = n if eol < 0 else eol
        cand = text[nxt:eol].rstrip("\r \t")
        if cand and len(cand) <= 100 and len(cand.split()) <= 10 and not _NUM_AHEAD.match(cand + " ") \
                and not re.match(r"\(?[0-9A-Za-z]{1,4}[.)]\s", cand):
            phrase = cand.rstrip(".:").rstrip()
            if phrase and (_titleish(phrase) or (phrase.isupper() and not CAPS_VERBS.search(phrase))):
                return Heading(nxt, nxt + len(phrase), _skip_ws(text, eol, n), "line")
    # 1. The rest of the line is a heading and the text goes on below it.
    if line_start:
        rest = text[body:line_end].rstrip()
        if rest and len(rest) <= 150 and len(rest.split()) <= 15:
            phrase = rest.rstrip(".:").rstrip()
            if re.search(r"[.:;]\S|[.!?:]\s", phrase) or phrase.endswith((",", ";")):
                phrase = ""  # a sentence, or a list item that goes on ("OF MERCHANTABILITY, ...,")
            if item and phrase.isupper() and "," in phrase:
                phrase = ""  # a list item in capitals that runs on ("(A) YOUR INABILITY ..., AS A RESULT OF")
            if item and rest.endswith(":") and any(w[:1].islower() for w in phrase.split()
                                                   if w.lower() not in SMALL):
                phrase = ""  # "(a) the Customer shall:", as inside a line (shape 2)
            if phrase and _titleish(phrase) or (phrase and phrase.isupper() and not CAPS_VERBS.search(phrase)):
                after = _skip_ws(text, line_end, n)
                if after > line_end or line_end >= n:
                    return Heading(body, body + len(phrase), after, "line")
    stop = min(n, body + limit, line_end if line_end > body else n)
    # 2. A short title-like phrase ending with ". " or ": ".
    for m in _END.finditer(text, body, stop):
        if item and text[m.start():m.start() + 1] == ":" and not _LIST_AHEAD.match(text, m.end()):
            break  # "(a) the Customer shall:" is a sentence; "(a) Private Ports: (i) ..." is headed
        phrase = text[body:m.start()]
        if _ABBREV_END.search(phrase):
            continue
        if "\n" in phrase:
            break
        if text[m.start():m.start() + 1] == ":" and any(
                w[:1].islower() for w in phrase.split() if w.lower() not in SMALL):
            break  # "Domestic termination: ..." is a label in a sentence, not a heading
        if _titleish(phrase.strip()):
            nxt = _skip_ws(text, m.end(), n)
            ch = text[nxt:nxt + 1]
            if not ch or not ch.islower() or nxt > m.end() + 1 and "\n" in text[m.end():nxt]:
                e = m.start()
                while e > body and text[e - 1].isspace():
                    e -= 1
                return Heading(body, e, nxt, "period")
        break
    # 3. A run of capitals.
    pos = body
    last_end = body
    words = 0
    letters = 0
    for m in _WORD.finditer(text, body, stop):
        tok = m.group(0)
        if not _CAPS_TOKEN.match(tok) or (len(tok) == 2 and tok.endswith(".")) \
                or _NUM_AHEAD.match(tok + " "):
            break
        if "\n" in text[pos:m.start()]:
            break
        words += 1
        letters += sum(1 for c in tok if c.isalpha())
        last_end = m.end()
        pos = m.end()
        if words > 12:
            break
    if 0 < words <= 12 and letters >= 3 and last_end < stop:
        phrase = text[body:last_end]
        nxt = _skip_ws(text, last_end, n)
        if not CAPS_VERBS.search(phrase) and nxt < n and not text[nxt:nxt + 1].isspace() \
                and not text[nxt:nxt + 1].islower():
            e = last_end
            while e > body and text[e - 1] in ".:;, ":
                e -= 1
            return Heading(body, e, nxt, "caps")
    # 4. Capitalised words running straight into the next clause number.
    if item:
        return None
    run = _run_into_number(text, body, stop)
    if run is not None:
        return run
    # 5. A few capitalised words, then the first sentence ("3.1 Term This SOW shall ...").
    words_seen = []
    for m in _WORD.finditer(text, body, stop):
        tok = m.group(0)
        if "\n" in text[body:m.start()]:
            break
        if words_seen and tok in OPENERS:
            phrase = text[body:words_seen[-1][1]]
            if _titleish(phrase) and all(w[:1].isupper() or w.lower() in SMALL
                                         for w in phrase.split()):
                return Heading(body, words_seen[-1][1], m.start(), "run")
            break
        if len(words_seen) >= 6 or not (tok[:1].isupper() or (words_seen and tok.lower() in SMALL)) \
                or not _PLAIN_WORD.match(tok):
            break
        words_seen.append(m.span())
    return None


OPENERS = frozenset("""The This These That Those Each Any All Unless If In Following Upon Subject
Notwithstanding Except Where When For To With Without During After Before Such No Neither Either A
An It We You Our Your Customer's Provider's""".split())
_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9&/\-’']*$")
_VERB_AHEAD = re.compile(r"[^\S\r\n]+(?:will|shall|may|must|agrees?|is|are|has|have|provides?|reserves)\b")


def _next_is_verb(text: str, pos: int, stop: int) -> bool:
    return bool(_VERB_AHEAD.match(text, pos, min(len(text), stop + 20)))


def _run_into_number(text: str, body: int, stop: int) -> Optional[Heading]:
    pos = body
    count = 0
    for m in _WORD.finditer(text, body, stop):
        tok = m.group(0)
        if "\n" in text[body:m.start()]:
            break
        if _NUM_AHEAD.match(tok + " ") and count:
            phrase = text[body:pos]
            if _titleish(phrase):
                return Heading(body, pos, m.start(), "run")
            break
        if not (tok[:1].isupper() or tok.lower() in SMALL) or count >= 8:
            break
        count += 1
        pos = m.end()
    return None
