"""One sentence of contract language run through the whole engine, for the paraphrase tests.

The sentence is put in a small agreement (a title, a preamble naming the parties as the sentence
does, one numbered clause under `heading`) and read by the real reader, segmenter, party
detection, topic classifier and review, as the CLI and the app run them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from redline import parties as _parties, review as _review, segment as _segment, topics as _topics
from redline.ingest import read_document
from redline.model import Agreement, Finding, Parties

PAIRS = (("Supplier", "Client"), ("Carrier", "Purchaser"), ("Provider", "Customer"))


def pair_of(sentence: str) -> Optional[Tuple[str, str]]:
    """Return (provider, customer) as the sentence names them; None for we/you drafting."""
    if re.search(r"\b(?:we|us|our|you|your)\b", sentence, re.I):
        return None
    for pair in PAIRS:
        if any(re.search(rf"\b{name}\b", sentence) for name in pair):
            return pair
    return PAIRS[-1]


def agreement_text(heading: str, sentence: str, vendor: str = "Acme Networks",
                   customer: str = "Beta Holdings") -> Tuple[Optional[Tuple[str, str]], str]:
    """Return (party pair, text of the small agreement holding `sentence` under `heading`)."""
    pair = pair_of(sentence)
    if pair is None:
        preamble = (f'"We", "us" and "our" mean {vendor} Limited. "You" and "your" mean the '
                    "business named in the Order.")
        title = f"{vendor.upper()} - BUSINESS SERVICE TERMS"
    else:
        preamble = f'This Agreement is made between {vendor}, Inc. ("{pair[0]}") and {customer} LLC ("{pair[1]}").'
        title = "MASTER SERVICES AGREEMENT"
    return pair, f"{title}\n\n{preamble}\n\n1. {heading}\n\n1.1 {sentence}\n"


@dataclass
class Reviewed:
    agreement: Agreement
    parties: Parties
    topics: dict
    findings: tuple
    found: List[Finding]
    """The findings that overlap the sentence."""


def review_sentence(book, heading: str, sentence: str, tmp_path, **names) -> Reviewed:
    """Return the small agreement holding `sentence` reviewed against `book`."""
    pair, text = agreement_text(heading, sentence, **names)
    path = tmp_path / "sentence.txt"
    path.write_text(text, encoding="utf-8")
    who_names = {} if pair is None else {"provider": pair[0], "customer": pair[1]}
    agreement = _segment.segment(read_document(path))
    who = _parties.detect(agreement, **who_names)
    topics = _topics.classify(agreement, book)
    findings, _, _ = _review.review(agreement, topics, who, book)
    at = agreement.text.index(sentence[:40])
    found = [f for f in findings if f.start is not None and f.start < at + len(sentence) and at < f.end]
    return Reviewed(agreement, who, topics, findings, found)
