"""The public, versioned JSON contract of `redline analyze --json` (schema: schema/analysis-v1.json).

Fields may be added within version 1; none is renamed or removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

from redline.model import AgreementAnalysis, Analysis, KeyTerm

VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "analysis-v1.json"


def _key_term(term: KeyTerm) -> Dict[str, Any]:
    return {
        "value": term.value,
        "normalized": term.normalized,
        "clause": term.clause,
        "start": term.start,
        "end": term.end,
        "alternatives": [_key_term(a) for a in term.alternatives],
    }


def agreement_json(item: AgreementAnalysis) -> Dict[str, Any]:
    """Return the JSON object of one analysed agreement."""
    ag = item.agreement
    return {
        "path": ag.path,
        "title": ag.title,
        "parties": {"provider": item.parties.provider, "customer": item.parties.customer},
        "parts": [{"id": p.id, "title": p.title, "start": p.start, "end": p.end} for p in ag.parts],
        "furniture": [{"kind": f.kind, "start": f.start, "end": f.end} for f in ag.furniture],
        "tracked_changes_in_input": ag.document.tracked_changes_in_input,
        "clauses": [
            {
                "id": c.id, "part": c.part, "number": c.number, "heading": c.heading,
                "level": c.level, "parent": c.parent, "start": c.start, "end": c.end,
                "topics": [{"id": t.id, "score": round(float(t.score), 3), "evidence": list(t.evidence)}
                           for t in item.topics.get(c.id, ())],
            }
            for c in ag.clauses
        ],
        "findings": [
            {
                "id": f.id, "rule": f.rule, "title": f.title, "topic": f.topic,
                "severity": f.severity, "clause": f.clause, "start": f.start, "end": f.end,
                "quote": f.quote, "why": f.why, "ask": f.ask, "fallback": f.fallback,
                "comment": f.comment, "proposal": f.proposal, "apply": f.apply,
            }
            for f in item.findings
        ],
        "verdicts": dict(item.verdicts),
        "risk_score": int(item.risk_score),
        "key_terms": {name: _key_term(t) for name, t in item.key_terms.items()},
        "open_items": [{"text": o.text, "start": o.start, "end": o.end} for o in item.open_items],
        "xrefs": [{"text": x.text, "target": x.target, "start": x.start, "end": x.end,
                   "dangling": x.dangling} for x in item.xrefs],
        "defined_terms": [{"term": d.term, "start": d.start, "end": d.end, "uses": d.uses,
                           "defined": d.defined} for d in item.defined_terms],
    }


def to_json(analysis: Analysis) -> Dict[str, Any]:
    """Return the whole analysis as the version-1 JSON object."""
    return {
        "version": VERSION,
        "agreements": [agreement_json(a) for a in analysis.agreements],
        "market": {topic: {"best": m.best, "quote": m.quote} for topic, m in analysis.market.items()},
    }


def dumps(analysis: Analysis) -> str:
    return json.dumps(to_json(analysis), ensure_ascii=False, indent=2)
