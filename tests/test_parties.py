"""Tests for redline.parties: who is the provider and who the customer, and their aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import parties
from redline.api import read_agreement

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "resources" / "samples"
UNSEEN = HERE / "data" / "unseen_review"


@pytest.fixture(scope="module")
def agreements():
    return {p.stem: read_agreement(p) for p in sorted(SAMPLES.glob("*.txt"))}


def _has(aliases, word):
    return any(a.lower() == word.lower() for a in aliases)


@pytest.mark.parametrize("stem,provider,customer,prov_alias,cust_alias", [
    ("velvetel-msa", "Velvetech", "Customer", "we", "you"),
    ("centurylink-bozeman-msa", "CenturyLink", "Customer", "CenturyLink", "Customer"),
    ("level3-callwave-msa", "Level 3", "Customer", "Level 3", "Customer"),
    ("att-sbc-pricing-schedule-sow", "AT&T", "Customer", "AT&T", "Customer"),
    ("customer-template-msa", "Provider", "Customer", "Provider", "Customer"),
])
def test_samples(agreements, stem, provider, customer, prov_alias, cust_alias):
    who = parties.detect(agreements[stem])
    assert who.provider == provider and who.customer == customer
    assert _has(who.provider_aliases, prov_alias) and _has(who.customer_aliases, cust_alias)
    assert who.guessed
    low_p = {a.lower() for a in who.provider_aliases}
    low_c = {a.lower() for a in who.customer_aliases}
    assert not low_p & low_c


def test_we_you_drafting_puts_pronouns_on_the_right_side(agreements):
    who = parties.detect(agreements["velvetel-msa"])
    assert {"we", "us", "our"} <= {a.lower() for a in who.provider_aliases}
    assert {"you", "your"} <= {a.lower() for a in who.customer_aliases}
    assert _has(who.provider_aliases, "Velvetel")  # the brand in the title is the provider's


def test_user_names_win(agreements):
    who = parties.detect(agreements["level3-callwave-msa"], provider="Level 3 Communications, LLC",
                         customer="CallWave, Inc.")
    assert who.provider == "Level 3 Communications, LLC" and who.customer == "CallWave, Inc."
    assert not who.guessed
    assert _has(who.provider_aliases, "Level 3")
    assert who.provider_aliases[0] == "Level 3 Communications, LLC"


def test_user_can_swap_the_roles(agreements):
    who = parties.detect(agreements["level3-callwave-msa"], provider="Customer", customer="Level 3")
    assert _has(who.provider_aliases, "Customer") and not _has(who.provider_aliases, "Level 3")
    assert _has(who.customer_aliases, "Level 3") and not _has(who.customer_aliases, "Customer")


def _agreement(tmp_path, text, name="a.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_agreement(path)


def test_supplier_and_client_preamble(tmp_path):
    a = _agreement(tmp_path, 'SERVICES AGREEMENT\n\nThis Agreement is made between Northwind Telecom, Inc. '
                             '("Supplier") and Harbor Bank, N.A. ("Client").\n\n1. Services\n\n'
                             '1.1 Supplier shall provide the Services. Client shall pay the fees.\n')
    who = parties.detect(a)
    assert who.provider == "Supplier" and who.customer == "Client"
    assert _has(who.provider_aliases, "Northwind Telecom, Inc.") or _has(who.provider_aliases, "Northwind Telecom")


def test_unseen_agreement_names(tmp_path):
    a = read_agreement(UNSEEN / "brightwave-ucaas-terms.txt")
    who = parties.detect(a)
    assert who.provider == "BrightWave" and who.customer == "Subscriber"


def test_provider_guessed_from_subjects_without_a_preamble(tmp_path):
    a = _agreement(tmp_path, "1. Service. Zephyr may change the rates. Zephyr shall invoice monthly. "
                             "Customer shall pay within 30 days. Zephyr will provide support.\n")
    who = parties.detect(a)
    assert who.provider == "Zephyr" and who.customer == "Customer"


def test_title_brand_of_the_customer_is_not_taken_for_the_provider(tmp_path):
    a = _agreement(tmp_path, 'Harbor Bank Master Services Agreement\n\nThis Agreement is between Harbor Bank, N.A. '
                             '("Customer") and Northwind Telecom, Inc. ("Supplier").\n\n1. Supplier shall provide '
                             'the Services.\n')
    who = parties.detect(a)
    assert who.provider == "Supplier" and not _has(who.provider_aliases, "Harbor Bank")


def test_role_label_lines_name_the_party_by_its_quoted_short_name(tmp_path):
    a = _agreement(tmp_path, "ORDER FORM\n\nSupplier: Northwind Hosting Ltd, a company registered in Wales "
                             "(\"Northwind\").\n\nBuyer: The company signing below (the \"Buyer\").\n\n"
                             "1. Northwind may relocate the Buyer's equipment.\n")
    who = parties.detect(a)
    assert who.provider == "Northwind" and who.customer == "Buyer"
    assert _has(who.provider_aliases, "Supplier")


def test_quoted_we_and_you_definitions_read_as_provider_and_customer(tmp_path):
    a = _agreement(tmp_path, "Terms of service\n\n\"We\", \"us\" and \"our\" mean Acme Mobile Limited. "
                             "\"You\" and \"your\" mean the business named on the order.\n\nWe can bar "
                             "any SIM at once. You will pay on receipt.\n")
    who = parties.detect(a)
    assert {"we", "us", "our"} <= {x.lower() for x in who.provider_aliases}
    assert {"you", "your"} <= {x.lower() for x in who.customer_aliases}


def test_a_subject_is_counted_without_its_article(tmp_path):
    a = _agreement(tmp_path, "RATES AND REGULATIONS\n\n2.1 The Company may change these Regulations. "
                             "The revised Regulations shall apply. The Company may require a deposit. "
                             "The Company shall bill monthly. The Customer shall pay on time.\n")
    who = parties.detect(a)
    assert who.provider == "Company" and who.customer == "Customer"


def test_two_brand_names_the_one_that_supplies_is_the_provider(tmp_path):
    a = _agreement(tmp_path, "SERVICES AGREEMENT\n\nThis agreement is made between Harlow Foods plc (\"Harlow\") "
                             "and Quillon Networks Ltd (\"Quillon\").\n\n1. Quillon will provide the network "
                             "services. Quillon will maintain the routers.\n\n2. Harlow will pay each invoice "
                             "within thirty days.\n")
    who = parties.detect(a)
    assert who.provider == "Quillon" and who.customer == "Harlow"


def test_names_defined_as_quoted_x_is(tmp_path):
    a = _agreement(tmp_path, "FLEET TERMS\n\nIn these terms, \"Rook\" is Rook Mobile Corp. and \"Account Holder\" "
                             "is the business that opens an account.\n\nA1. Rook may suspend any line. The Account "
                             "Holder will pay each bill.\n")
    who = parties.detect(a)
    assert who.customer == "Account Holder" and who.provider == "Rook"
