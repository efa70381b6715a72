"""`redline --selftest`: the whole pipeline on the bundled samples, no window. PLACEHOLDER."""

from __future__ import annotations


def selftest(reporter) -> int:
    """Return 0 if every stage produced its output on the bundled samples, else 1."""
    from redline import api

    analysis = api.analyze(api.sample_paths())
    ok = len(analysis.agreements) == 5 and all(a.agreement.clauses for a in analysis.agreements)
    reporter.say("selftest: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1
