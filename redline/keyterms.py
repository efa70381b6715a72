"""Return the key terms an attorney compares first, each with its value, normal form and exact span.

`extract(agreement, topics, playbook) -> {name: KeyTerm}` always returns every name below (value
None where the agreement does not say). Names and types are part of the JSON contract:

    payment_due_days int (0 when due immediately / on activation)   late_interest str
    initial_term str ("36 months")        auto_renewal bool           renewal_period str
    termination_notice_days int           nonrenewal_notice_days int
    liability_cap str (normalized e.g. "12 months' fees")             sla_uptime list[str]
    service_credit_cap str                billing_dispute_window_days int
    governing_law str ("New York")        forum str

Each value is read by a small set of phrase patterns over the agreement's text, sentence by
sentence; written numbers ("thirty (30) days", "two years") are read. Where a value appears both
in the master agreement and in an exhibit, schedule or SOW, the exhibit's value is reported
(it overrides) and the master's is listed under `alternatives`.

The readers live by job: `keyterm_payment` (payment due, late interest, dispute window),
`keyterm_periods` (initial term, renewal), `keyterm_notice` (notice to terminate, not to renew),
`keyterm_liability` (liability cap), `keyterm_sla` (uptime, service-credit cap) and `keyterm_law`
(governing law, forum); they share `keyterm_numbers` (numbers, days, periods and rates as
written) and `keyterm_text` (sentences, candidates, choosing).
"""

from __future__ import annotations

from typing import Dict, Mapping, Sequence

from redline import keyterm_law as _law
from redline import keyterm_liability as _liability
from redline import keyterm_notice as _notice
from redline import keyterm_payment as _payment
from redline import keyterm_periods as _periods
from redline import keyterm_sla as _sla
from redline.keyterm_text import term_text
from redline.model import Agreement, KeyTerm

NAMES = ("payment_due_days", "late_interest", "initial_term", "auto_renewal", "renewal_period",
         "termination_notice_days", "nonrenewal_notice_days", "liability_cap", "sla_uptime",
         "service_credit_cap", "billing_dispute_window_days", "governing_law", "forum")


def extract(agreement: Agreement, topics: Mapping[str, Sequence] = None, playbook=None) -> Dict[str, KeyTerm]:
    """Return {name: KeyTerm} for every key-term name (value None where the agreement is silent)."""
    tx = term_text(agreement, topics or {})
    auto, period = _periods.renewal(tx)
    terms = {
        "payment_due_days": _payment.payment_due(tx),
        "late_interest": _payment.late_interest(tx),
        "initial_term": _periods.initial_term(tx),
        "auto_renewal": auto,
        "renewal_period": period,
        "termination_notice_days": None,
        "nonrenewal_notice_days": _notice.nonrenewal_notice(tx),
        "liability_cap": _liability.liability_cap(tx),
        "sla_uptime": _sla.sla_uptime(tx),
        "service_credit_cap": _sla.credit_cap(tx),
        "billing_dispute_window_days": _payment.dispute_window(tx),
        "governing_law": _law.governing_law(tx),
        "forum": _law.forum(tx),
    }
    terms["termination_notice_days"] = _notice.termination_notice(tx, terms["nonrenewal_notice_days"])
    return {name: terms[name] for name in NAMES}
