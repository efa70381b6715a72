"""Who is the provider and who the customer. PLACEHOLDER (issue 6 replaces)."""

from __future__ import annotations

from redline.model import Parties


def detect(agreement, *, provider=None, customer=None) -> Parties:
    """Return the `Parties` of `agreement`; names given by the user win."""
    return Parties(provider=provider or "Provider", customer=customer or "Customer",
                   guessed=not (provider or customer))
