"""Regular expressions a playbook may use: returns why one is refused, and its mandatory words.

`check_regex` refuses an expression that does not compile or could backtrack without bound (a
repeated part inside another repeated part, like (a+)+; a repeated choice whose alternatives can
start alike, like (a|a)*; back-references). `literals` names words one of which every match
must contain, so a rule can skip windows that cannot match.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

try:  # Python 3.11+
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
    from re import _constants as _sre_c  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    import sre_constants as _sre_c  # type: ignore[no-redef]

from redline.ruleset import PLACEHOLDERS

def _expand_for_check(pattern: str) -> str:
    pattern = pattern.replace("{may}", "(?:may)")
    for ph in PLACEHOLDERS:
        pattern = pattern.replace(ph, "(?:Party)")
    return pattern


_REPEATS = tuple(x for x in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)) if x)


def _first_chars(items) -> Optional[set]:
    """Return the set of first characters `items` can start with, or None if unknown/any/empty."""
    for op, av in items:
        if op is _sre_c.LITERAL:
            return {chr(av).lower()}
        if op is _sre_c.IN:
            chars = set()
            for iop, iav in av:
                if iop is _sre_c.LITERAL:
                    chars.add(chr(iav).lower())
                elif iop is _sre_c.RANGE and iav[1] - iav[0] < 128:
                    chars.update(chr(c).lower() for c in range(iav[0], iav[1] + 1))
                else:
                    return None
            return chars
        if op is _sre_c.SUBPATTERN:
            return _first_chars(av[-1])
        if op is _sre_c.AT:
            continue
        return None
    return None


def _risky(items, inside: bool) -> Optional[str]:
    """Return why `items` could backtrack without bound; `inside` = within a repeat of max > 1."""
    for op, av in items:
        if op in _REPEATS:
            repeats = av[1] is _sre_c.MAXREPEAT or av[1] > 1
            if repeats and inside and (av[1] is _sre_c.MAXREPEAT or av[1] > 1):
                return "a repeated part inside another repeated part (like (a+)+ or (a+){2,9})"
            body = list(av[2])
            sub = _risky(body, inside or repeats)
            if sub:
                return sub
            if repeats:
                for bop, bav in body:
                    if bop is _sre_c.SUBPATTERN:
                        inner = list(bav[-1])
                        if len(inner) != 1:
                            continue
                        bop, bav = inner[0]
                    if bop is _sre_c.BRANCH:
                        seen: set = set()
                        for alt in bav[1]:
                            first = _first_chars(list(alt))
                            if not first or first & seen:
                                return "a repeated choice whose alternatives can start alike (like (a|a)*)"
                            seen |= first
        elif op is _sre_c.SUBPATTERN:
            sub = _risky(av[-1], inside)
            if sub:
                return sub
        elif op is _sre_c.BRANCH:
            for alt in av[1]:
                sub = _risky(alt, inside)
                if sub:
                    return sub
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            sub = _risky(av[1], inside)
            if sub:
                return sub
        elif op is _sre_c.GROUPREF:
            return "a back-reference"
    return None


def check_regex(pattern: str) -> Optional[str]:
    """Return why `pattern` is refused (does not compile, could backtrack without bound), or None."""
    if pattern.count("{party}") > 1:
        return "{party} used twice (it captures whose right it is, so it may appear once; use {provider} or {customer})"
    probe = _expand_for_check(pattern)
    try:
        re.compile(probe)
        parsed = _sre_parse.parse(probe)
    except re.error as exc:
        return f"does not compile ({exc})"
    why = _risky(list(parsed), False)
    if why is None:
        why = _textual_alternation(probe)
    return why


_GROUP_REPEATED = re.compile(r"\((?:\?:)?((?:[^()\\]|\\.)*)\)(?:[*+]|\{\d*,\d*\}|\{\d{2,}\})")


def _textual_alternation(pattern: str) -> Optional[str]:
    """Refuse a repeated group whose written alternatives repeat or start alike ((a|a)*)."""
    for m in _GROUP_REPEATED.finditer(pattern):
        alts = re.split(r"(?<!\\)\|", m.group(1))
        if len(alts) < 2:
            continue
        firsts = [a[:2] if a.startswith("\\") else a[:1] for a in alts]
        if any(not f or f in (".", "\\w", "\\s", "\\S", "\\W", "[") for f in firsts) \
                or len(set(f.lower() for f in firsts)) < len(firsts):
            return "a repeated choice whose alternatives can start alike (like (a|a)*)"
    return None


_LITERALS: Dict[str, Tuple[str, ...]] = {}


def _runs(items) -> Tuple[str, ...]:
    """Return the best mandatory literal alternatives of parsed `items` (lower-case), or ()."""
    best: Tuple[str, ...] = ()
    run: List[str] = []

    def consider(cands: Tuple[str, ...]) -> None:
        nonlocal best
        if cands and min(len(c) for c in cands) >= 3:
            if not best or min(len(c) for c in cands) > min(len(c) for c in best):
                best = cands

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av).lower())
            continue
        consider(("".join(run),) if run else ())
        run = []
        if op is _sre_c.SUBPATTERN:
            consider(_runs(av[-1]))
        elif op is _sre_c.BRANCH:
            alts = [_runs(a) for a in av[1]]
            if alts and all(alts):
                consider(tuple(x for a in alts for x in a))
        elif op in _REPEATS and av[0] >= 1:
            consider(_runs(av[2]))
    consider(("".join(run),) if run else ())
    return best


def literals(pattern: str) -> Tuple[str, ...]:
    """Return words one of which every match of `pattern` contains (lower-case), or () if none."""
    hit = _LITERALS.get(pattern)
    if hit is None:
        probe = pattern
        probe = probe.replace("{may}", r"(?:\w+)")
        for ph in PLACEHOLDERS:
            probe = probe.replace(ph, r"(?:\w+)")
        try:
            hit = _runs(list(_sre_parse.parse(probe)))
        except re.error:
            hit = ()
        _LITERALS[pattern] = hit
    return hit
