"""Key terms: written numbers, the contract's names and types, exact spans, exhibit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.api import read_agreement
from redline.keyterm_numbers import parse_number
from redline.keyterms import NAMES, extract
from redline.playbook import load_playbook

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
TYPES = {
    "payment_due_days": int, "late_interest": str, "initial_term": str, "auto_renewal": bool,
    "renewal_period": str, "termination_notice_days": int, "nonrenewal_notice_days": int,
    "liability_cap": str, "sla_uptime": list, "service_credit_cap": str,
    "billing_dispute_window_days": int, "governing_law": str, "forum": str,
}


@pytest.fixture(scope="module")
def book():
    return load_playbook()


@pytest.fixture(scope="module")
def samples(book):
    out = {}
    for p in sorted(SAMPLES.glob("*.txt")):
        ag = read_agreement(p)
        out[p.stem] = (ag, extract(ag, {}, book))
    return out


@pytest.mark.parametrize("text,value", [
    ("thirty (30)", 30), ("30", 30), ("sixty", 60), ("one hundred twenty (120)", 120),
    ("twenty-four", 24), ("forty five", 45), ("a", 1), ("1.5", 1.5), ("ninety (90)", 90),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_every_name_with_its_type_and_span(samples):
    for stem, (ag, terms) in samples.items():
        assert tuple(terms) == NAMES
        for name, term in terms.items():
            assert term.name == name
            if term.value is None:
                assert term.start is None
                continue
            assert isinstance(term.value, TYPES[name]), (stem, name, term.value)
            assert 0 <= term.start < term.end <= len(ag.text)
            written = ag.text[term.start:term.end]
            assert written.strip()
            if isinstance(term.value, str) and name not in ("liability_cap", "service_credit_cap"):
                assert " ".join(term.value.split()).lower() in " ".join(written.split()).lower()


def test_values_read_from_the_samples(samples):
    _, cl = samples["centurylink-bozeman-msa"]
    assert cl["late_interest"].value == "1.5% per month"
    assert cl["payment_due_days"].value == 30
    assert cl["billing_dispute_window_days"].value == 90
    assert cl["governing_law"].value == "New York"
    assert cl["liability_cap"].value is None  # the MSA excludes damages but sets no cap
    _, l3 = samples["level3-callwave-msa"]
    assert l3["initial_term"].value == "two (2) years" and l3["initial_term"].normalized == "24 months"
    assert l3["auto_renewal"].value is True and l3["renewal_period"].normalized == "1 month"
    assert l3["service_credit_cap"].normalized == "1 month's charges"
    _, vv = samples["velvetel-msa"]
    assert vv["payment_due_days"].value == 0  # "Payment is due immediately upon activating"
    assert vv["liability_cap"].normalized == "6 months' fees"
    assert vv["sla_uptime"].value == ["99.95%"]
    assert vv["forum"].normalized == "arbitration (AAA)"
    _, tm = samples["customer-template-msa"]
    assert tm["liability_cap"].normalized == "12 months' fees"
    assert tm["billing_dispute_window_days"].value == 60
    assert tm["governing_law"].value is None and tm["auto_renewal"].value is None
    assert tm["termination_notice_days"].value == 30


def test_exhibit_overrides_master_and_lists_the_other(samples):
    ag, att = samples["att-sbc-pricing-schedule-sow"]
    term = att["termination_notice_days"]
    kinds = {p.id: p.kind for p in ag.parts}
    clause = ag.clause(term.clause)
    if kinds.get(clause.part) == "sow":
        assert term.value == 90 and [a.value for a in term.alternatives] == [60]
    else:  # the segmenter did not split the SOW off: both values are still reported
        assert {term.value} | {a.value for a in term.alternatives} == {60, 90}


def _write(tmp_path, text, name="a.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return read_agreement(p)


def test_small_agreement_written_numbers_and_silence(tmp_path, book):
    ag = _write(tmp_path, (
        "MASTER AGREEMENT\n\n1. Payment. Customer shall pay each invoice within forty-five (45) days "
        "after the invoice date. Late amounts bear interest at one percent (1%) per month.\n\n"
        "2. Term. This Agreement continues for an initial term of three (3) years and renews "
        "automatically for successive one (1) year renewal terms unless either party gives notice "
        "of non-renewal at least ninety (90) days before the end of the then-current term.\n\n"
        "3. Law. This Agreement is governed by the laws of the State of Oregon.\n"))
    terms = extract(ag, {}, book)
    assert terms["payment_due_days"].value == 45
    assert terms["late_interest"].normalized == "1% per month"
    assert terms["initial_term"].normalized == "36 months"
    assert terms["auto_renewal"].value is True
    assert terms["renewal_period"].normalized == "12 months"
    assert terms["nonrenewal_notice_days"].value == 90
    assert terms["governing_law"].value == "Oregon"
    assert ag.text[terms["governing_law"].start:terms["governing_law"].end] == "Oregon"
    for silent in ("liability_cap", "sla_uptime", "forum", "service_credit_cap"):
        assert terms[silent].value is None


def test_vendor_only_termination_right_is_not_the_customers(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Termination. Provider may terminate this Agreement for any reason on ten (10) days' "
        "written notice. Customer may terminate this Agreement for convenience on sixty (60) days' "
        "written notice.\n"))
    assert extract(ag, {}, book)["termination_notice_days"].value == 60


def test_interest_above_a_base_rate_and_per_cent(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Charges. If the Client does not pay a sum on time, the Provider may charge interest on the late "
        "sum at three per cent (3%) a year over the central bank's prime rate until it is paid.\n"))
    term = extract(ag, {}, book)["late_interest"]
    assert term.normalized == "3% per year above prime rate"
    assert ag.text[term.start:term.end].startswith("three per cent (3%) a year over")


def test_one_and_one_half_percent_and_late_fee_on_the_unpaid_amount(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Late Payment. Overdue sums bear interest at one and one-half percent (1.5%) per month.\n"))
    assert extract(ag, {}, book)["late_interest"].normalized == "1.5% per month"
    ag = _write(tmp_path, (
        "1. Fees. If a payment fails we may add a late fee of 3% of the overdue balance for each month it "
        "stays unpaid.\n"), "b.txt")
    assert extract(ag, {}, book)["late_interest"].normalized == "3% per month"


def test_evergreen_term_notice_to_end_it_and_a_defined_minimum_period(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Definitions. \"Fixed Period\" means the period of twenty-four (24) months from the Start Date; "
        "\"Site\" means the premises.\n\n"
        "2. Duration. This Contract begins on the Start Date and continues for the Fixed Period. Thereafter "
        "it continues until either party gives the other at least sixty (60) days' written notice to "
        "terminate, such notice to expire no earlier than the end of the Fixed Period.\n"))
    terms = extract(ag, {}, book)
    assert terms["initial_term"].normalized == "24 months"
    assert terms["auto_renewal"].value is True
    assert terms["renewal_period"].value is None
    assert terms["termination_notice_days"].value == 60
    assert terms["nonrenewal_notice_days"].value == 60


def test_evergreen_without_end_of_term_is_not_a_nonrenewal_notice(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Term. Each Service runs for a minimum period of twelve (12) months. It then continues until "
        "terminated by either party giving not less than thirty (30) days' written notice.\n"))
    terms = extract(ag, {}, book)
    assert terms["auto_renewal"].value is True
    assert terms["nonrenewal_notice_days"].value is None


def test_renews_for_successive_periods(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Term. Each Order has an initial term of two (2) years. An Order then renews for successive "
        "six (6) month terms unless either party objects at least thirty (30) days before the end of the "
        "then-current term.\n"))
    terms = extract(ag, {}, book)
    assert terms["auto_renewal"].value is True
    assert terms["renewal_period"].normalized == "6 months"
    assert terms["nonrenewal_notice_days"].value == 30


def test_online_terms_card_charges_account_closing_and_wrong_charges(tmp_path, book):
    ag = _write(tmp_path, (
        "4. Billing\n\n(a) Subscription fees are billed monthly to your credit card on file. (b) If you think "
        "a charge is incorrect, write to us within 30 days of the charge.\n\n"
        "8. Term\n\n(a) Subscriptions renew automatically each year unless you cancel in your dashboard "
        "before the renewal date. (b) You may close your account at any time.\n\n"
        "9. Service Levels\n\n(a) We target 99.9% availability each month. If we miss it you may request "
        "a credit of 5% of that month's subscription fees.\n\n"
        "12. Law\n\nThese Terms are governed by the laws of the State of Oregon. Any dispute will be "
        "resolved in the state or federal courts located in Portland, Oregon.\n"))
    terms = extract(ag, {}, book)
    assert terms["payment_due_days"].value == 0
    assert terms["billing_dispute_window_days"].value == 30
    assert terms["auto_renewal"].value is True and terms["renewal_period"].normalized == "12 months"
    assert terms["nonrenewal_notice_days"].value == 0
    assert terms["termination_notice_days"].value == 0
    assert terms["service_credit_cap"].normalized == "5% of monthly charges"
    assert terms["forum"].normalized == "courts of Portland, Oregon"


def test_credit_per_hour_is_a_rate_not_a_cap_and_cap_over_a_contract_year(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Credits. For each full hour of outage, Customer receives a credit of two percent (2%) of the "
        "monthly charges.\n\n"
        "2. Liability. Each party's total liability in any Contract Year shall not exceed the Charges paid "
        "by the Customer in that Contract Year.\n"))
    terms = extract(ag, {}, book)
    assert terms["service_credit_cap"].value is None
    assert terms["liability_cap"].normalized == "12 months' fees"


def test_invoices_in_advance_are_not_due_at_once(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Fees. Provider invoices monthly fees in advance. Customer will pay each invoice within "
        "thirty (30) days after the invoice date.\n"))
    assert extract(ag, {}, book)["payment_due_days"].value == 30


def test_sentences_are_found_once_per_agreement(samples):
    from redline.keyterm_text import sentences, term_text
    ag, _ = samples["centurylink-bozeman-msa"]
    tx = term_text(ag, {})
    first = sentences(tx, r"interest")
    assert first and all("interest" in chunk.lower() for _, _, chunk in first)
    assert sentences(tx, r"interest") is first
    assert term_text(ag, {}) is tx


def test_margin_over_an_index_extension_and_payment_on_demand(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Payment. All invoices are due and payable on demand. Overdue sums carry interest at 2% per annum "
        "over SOFR.\n\n"
        "2. Term. The initial term is twelve (12) months and is automatically extended for further periods "
        "of three (3) months unless either party gives notice at least fifteen (15) days before the end of "
        "the then-current term.\n"))
    terms = extract(ag, {}, book)
    assert terms["payment_due_days"].value == 0
    assert terms["late_interest"].normalized == "2% per year above SOFR"
    assert terms["auto_renewal"].value is True
    assert terms["renewal_period"].normalized == "3 months"
    assert terms["nonrenewal_notice_days"].value == 15



WORDINGS = [
 ("payment_due_days", 30, "1. Payment. Customer shall pay all undisputed amounts within thirty (30) days after Customer's receipt of a correct invoice."),
 ("payment_due_days", 30, "1. Payment. Each invoice is payable no later than thirty (30) days following the invoice date."),
 ("payment_due_days", 20, "1. Payment. Invoices must be paid within 20 days."),
 ("payment_due_days", 15, "1. Payment. The Customer shall pay each invoice within fifteen (15) Business Days of receipt."),
 ("late_interest", "1% per month", "1. Late payment. Past due amounts will incur a late charge of 1% per month."),
 ("late_interest", "18% per year", "1. Late payment. Overdue balances accrue interest at eighteen percent (18%) per annum, or the maximum lawful rate if less."),
 ("late_interest", "1.5% per month", "1. Late payment. Late payments bear a finance charge of 1.5% monthly."),
 ("initial_term", "24 months", "1. Term. The term of this Agreement is two (2) years from the Effective Date."),
 ("initial_term", "36 months", "1. Term. This Agreement shall commence on the Effective Date and shall remain in effect for three (3) years."),
 ("initial_term", "12 months", "1. Term. The Subscription Term is twelve (12) months from the Start Date."),
 ("auto_renewal", False, "1. Term. This Agreement will not automatically renew."),
 ("auto_renewal", True, "1. Term. Upon expiration, this Agreement will automatically renew for additional one-year periods."),
 ("renewal_period", "12 months", "1. Term. Upon expiration, this Agreement will automatically renew for additional one-year periods."),
 ("auto_renewal", True, "1. Term. Thereafter, the Agreement shall continue on a month-to-month basis until terminated by either party."),
 ("nonrenewal_notice_days", 30, "1. Term. The Agreement renews automatically for one (1) year periods unless either party provides written notice of non-renewal no later than thirty (30) days prior to the end of the then-current term."),
 ("termination_notice_days", 30, "1. Termination. Customer may terminate this Agreement for convenience upon thirty (30) days' prior written notice to Provider."),
 ("termination_notice_days", 90, "1. Termination. Either party may terminate this Agreement without cause by giving ninety (90) days written notice."),
 ("termination_notice_days", 45, "1. Termination. Customer may, at any time, cancel any Service by providing forty-five (45) days' notice."),
 ("liability_cap", "12 months' fees", "1. Limitation. In no event shall either party's aggregate liability exceed the amounts paid by Customer during the twelve (12) month period preceding the claim."),
 ("liability_cap", "$1,000,000", "1. Limitation. Provider's total liability under this Agreement shall not exceed $1,000,000."),
 ("liability_cap", "12 months' fees", "1. Limitation. Our maximum aggregate liability is limited to the fees paid by you in the 12 months before the event giving rise to liability."),
 ("billing_dispute_window_days", 30, "1. Disputes. Customer must notify Provider of any billing dispute within thirty (30) days of the invoice date."),
 ("billing_dispute_window_days", 60, "1. Billing. Any objection to an invoice must be raised in writing within sixty (60) days after receipt of the invoice, failing which the invoice is deemed accepted."),
 ("billing_dispute_window_days", 90, "1. Billing. Customer waives any claim regarding a charge unless it is submitted within ninety (90) days after the date of the invoice."),
 ("governing_law", "Texas", "1. Law. This Agreement shall be governed by and construed in accordance with the laws of the State of Texas, without regard to its conflict of laws principles."),
 ("governing_law", "England and Wales", "1. Law. This Agreement is governed by the law of England and Wales."),
 ("governing_law", "Ontario", "1. Law. This Agreement is governed by the laws of the Province of Ontario and the federal laws of Canada applicable therein."),
 ("forum", "courts of New York County, New York", "1. Venue. The parties submit to the exclusive jurisdiction of the state and federal courts located in New York County, New York."),
 ("forum", "courts of Delaware", "1. Venue. Any action arising out of this Agreement shall be brought exclusively in the courts of Delaware."),
 ("sla_uptime", ["99.9%"], "1. SLA. Provider will make the Service available 99.9% of the time in each calendar month."),
 ("service_credit_cap", "25% of monthly charges", "1. Credits. Total service credits in any month will not exceed 25% of the monthly recurring charges for the affected Service."),
 ("service_credit_cap", "50% of monthly charges", "1. Credits. Service credits are capped at fifty percent (50%) of the monthly fee."),
 ("payment_due_days", 14, "1. Payment. The Customer shall pay each invoice in full within 14 days of the date of invoice."),
 ("payment_due_days", 30, "1. Payment. Payment terms are thirty (30) days from date of invoice."),
 ("payment_due_days", 0, "1. Payment. Fees are payable in advance."),
 ("payment_due_days", 0, "1. Payment. Your payment method will be charged automatically at the start of each billing period."),
 ("late_interest", "1.5% per month", "1. Late payment. We may charge interest on overdue amounts at the lesser of 1.5% per month and the maximum rate permitted by law."),
 ("late_interest", "10% per year", "1. Late payment. Sums not paid when due bear interest at ten percent (10%) per year."),
 ("late_interest", "2% per month", "1. Late payment. A late payment charge of two percent (2%) of the overdue amount will be added each month."),
 ("initial_term", "60 months", "1. Term. The initial term of this Agreement shall be sixty (60) months commencing on the Effective Date."),
 ("initial_term", "12 months", "1. Term. Each Order Form has a minimum term of twelve (12) months."),
 ("initial_term", "36 months", "1. Term. The Services will be provided for a term of three years from the Service Start Date."),
 ("auto_renewal", True, "1. Renewal. Following the Initial Term, this Agreement shall be automatically renewed for successive renewal terms of one (1) year each."),
 ("renewal_period", "12 months", "1. Renewal. Following the Initial Term, this Agreement shall be automatically renewed for successive renewal terms of one (1) year each."),
 ("renewal_period", "24 months", "1. Renewal. The Agreement shall automatically renew for consecutive two-year periods."),
 ("auto_renewal", False, "1. Term. This Agreement expires at the end of the Initial Term and shall not be renewed automatically."),
 ("nonrenewal_notice_days", 90, "1. Renewal. The term renews automatically for additional one year terms unless either party notifies the other in writing at least ninety (90) days before expiry of its intention not to renew."),
 ("termination_notice_days", 30, "1. Termination. You may terminate these Terms at any time on thirty (30) days' notice to us."),
 ("termination_notice_days", 60, "1. Termination for Convenience. The Customer may terminate this Agreement in whole or in part upon no less than sixty (60) days written notice."),
 ("termination_notice_days", 0, "1. Termination. You can cancel your subscription at any time from the account settings page."),
 ("liability_cap", "$500,000", "1. Limitation. Supplier's aggregate liability shall in no event exceed $500,000."),
 ("liability_cap", "12 months' fees", "1. Limitation. Each party's liability shall be limited to the Charges paid in the twelve months immediately preceding the event giving rise to the claim."),
 ("liability_cap", "2x 12 months' fees", "1. Limitation. The total liability of the Supplier shall not exceed two times the fees paid in the twelve (12) months preceding the claim."),
 ("billing_dispute_window_days", 30, "1. Billing Disputes. Customer must dispute any invoice in writing within 30 days of receipt, or the invoice will be deemed accepted."),
 ("billing_dispute_window_days", 15, "1. Billing. If the Customer disputes an invoice it must notify the Supplier within fifteen (15) Business Days of the invoice date."),
 ("governing_law", "California", "1. Law. These Terms are governed by California law."),
 ("governing_law", "Scotland", "1. Law. This Agreement is governed by the laws of Scotland."),
 ("governing_law", "New South Wales", "1. Law. This Agreement is governed by the laws in force in New South Wales."),
 ("forum", "courts of England", "1. Jurisdiction. Each party irrevocably submits to the exclusive jurisdiction of the courts of England."),
 ("forum", "courts of King County, Washington", "1. Venue. Venue for any action shall lie exclusively in the state or federal courts in King County, Washington."),
 ("sla_uptime", ["99.5%"], "1. Availability. The Supplier shall ensure the Service achieves an availability of at least 99.5% measured monthly."),
 ("service_credit_cap", "100% of monthly charges", "1. Credits. In no event will credits exceed one hundred percent (100%) of the monthly charges for the affected Service."),
 ("service_credit_cap", "20% of monthly charges", "1. Credits. The maximum service credit in any month is 20% of the monthly fees."),
 ("payment_due_days", 30, "1. Invoicing. Amounts invoiced are due thirty (30) days after the invoice date."),
 ("payment_due_days", 10, "1. Invoicing. The Customer shall settle each invoice within ten (10) days of receiving it."),
 ("late_interest", "1% per month", "1. Late payment. Any amount not paid by the due date shall accrue a late fee of one percent (1%) per month until paid."),
 ("late_interest", "8% per year above base rate", "1. Late payment. Interest on late payments shall accrue at 8% per annum above the Bank of England base rate from time to time."),
 ("initial_term", "24 months", "1. Duration. This Agreement has a term of twenty-four (24) months."),
 ("auto_renewal", True, "1. Duration. At the end of the Initial Term this Agreement will automatically continue for successive periods of twelve (12) months."),
 ("renewal_period", "12 months", "1. Duration. At the end of the Initial Term this Agreement will automatically continue for successive periods of twelve (12) months."),
 ("termination_notice_days", 30, "1. Cancellation. The Customer can terminate the Agreement by giving us 30 days' written notice."),
 ("liability_cap", "$250,000", "1. Liability. The Provider's liability under this Agreement is capped at $250,000 in the aggregate."),
 ("billing_dispute_window_days", 45, "1. Billing disputes. Disputes about an invoice must be raised within forty-five (45) days of the invoice date."),
 ("forum", "courts of Ireland", "1. Jurisdiction. The courts of Ireland shall have exclusive jurisdiction over any dispute."),
 ("governing_law", "Ireland", "1. Law. This Agreement and any dispute arising from it is governed by Irish law."),
]


@pytest.mark.parametrize("name,want,text", WORDINGS)
def test_common_wordings_of_each_term(tmp_path, book, name, want, text):
    term = extract(_write(tmp_path, text + "\n"), {}, book)[name]
    assert (term.normalized if term.normalized is not None else term.value) == want
    if term.value is not None:
        assert term.start is not None and term.end > term.start



NOT_TERMS = [
 ("termination_notice_days", None, "1. Termination. Provider may terminate this Agreement at any time if Customer fails to pay."),
 ("termination_notice_days", None, "1. Suspension. We may close your account at any time if you breach these Terms."),
 ("auto_renewal", None, "1. Insurance. Supplier will renew its insurance policies each year and provide certificates on request."),
 ("auto_renewal", None, "1. Term. The parties may renew this Agreement by mutual written agreement."),
 ("auto_renewal", None, "1. Delivery. Work continues until the Deliverables are accepted by the Customer."),
 ("billing_dispute_window_days", None, "1. Price changes. If the Customer objects to a change in the Fees it may terminate within thirty (30) days after notice."),
 ("liability_cap", None, "1. Indemnity. Nothing limits either party's liability for death or personal injury, and such liability shall not be excluded."),
 ("payment_due_days", None, "1. Refunds. Refunds are credited to the card used for the purchase within 10 days."),
 ("late_interest", None, "1. Discounts. Customer receives a discount of 5% of the monthly charges each month it prepays."),
 ("service_credit_cap", None, "1. Credits. For each hour of outage Customer receives a credit of 5% of monthly fees, and for each day a credit of 10% of monthly fees."),
 ("nonrenewal_notice_days", None, "1. Term. This Agreement runs for twelve (12) months and then ends. Customer may cancel an order before the end of the term."),
 ("governing_law", None, "1. Compliance. Each party shall comply with applicable law in performing this Agreement."),
]


@pytest.mark.parametrize("name,want,text", NOT_TERMS)
def test_wordings_that_are_not_the_term(tmp_path, book, name, want, text):
    assert extract(_write(tmp_path, text + "\n"), {}, book)[name].value is want


def test_non_renewal_is_the_customers_exit_when_it_has_no_other(tmp_path, book):
    ag = _write(tmp_path, (
        "1. Term. The initial term is one (1) year. It renews automatically for successive one (1) year "
        "terms unless either party gives notice of non-renewal at least forty-five (45) days before the end "
        "of the current term.\n"))
    terms = extract(ag, {}, book)
    assert terms["nonrenewal_notice_days"].value == 45
    assert terms["termination_notice_days"].value == 45
    assert terms["termination_notice_days"].start == terms["nonrenewal_notice_days"].start
    ag = _write(tmp_path, (
        "1. Term. The initial term is one (1) year. It renews automatically for successive one (1) year "
        "terms unless Provider gives notice of non-renewal at least forty-five (45) days before the end "
        "of the current term.\n"), "b.txt")
    assert extract(ag, {}, book)["termination_notice_days"].value is None
