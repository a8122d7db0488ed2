"""ISDOC 6.0.2: every document validates against the official schema and says what it says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.invoices.document import DocumentKind, LineIn, Unit
from backend.invoices.isdoc import NAMESPACE, isdoc_xml, plain_lines, street_and_number
from tests.invoice_samples import CUSTOMER, INVOICE_LINES, credit_note, document, invoice
from tests.isdoc_schema import assert_valid_isdoc, schema_dir

NS = {"i": NAMESPACE}


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def crowns(root, path: str) -> int:
    return int(Decimal(text(root, path)) * 100)


def test_the_schema_the_tests_use_is_there():
    assert (schema_dir() / "isdoc-invoice-6.0.2.xsd").is_file()


def test_the_validator_accepts_the_standards_samples_and_refuses_a_broken_document():
    for sample in ("sample-test001.isdoc", "sample-test002.isdoc"):
        assert_valid_isdoc((schema_dir() / sample).read_bytes())
    broken = isdoc_xml(invoice()).replace(b"<VATApplicable>true</VATApplicable>", b"", 1)
    with pytest.raises(AssertionError, match="VATApplicable"):
        assert_valid_isdoc(broken)


def test_an_invoice_with_two_vat_rates_and_a_zero_rate_line_validates():
    doc = invoice()
    root = assert_valid_isdoc(isdoc_xml(doc))
    assert root.get("version") == "6.0.2"
    assert text(root, "i:DocumentType") == "1"
    assert text(root, "i:ID") == "FA-2026-00042"
    assert text(root, "i:UUID") == doc.uuid
    assert text(root, "i:IssueDate") == "2026-11-30"
    assert text(root, "i:TaxPointDate") == "2026-11-27"
    assert text(root, "i:VATApplicable") == "true"
    assert text(root, "i:LocalCurrencyCode") == "CZK"
    supplier = root.find("i:AccountingSupplierParty/i:Party", NS)
    assert text(supplier, "i:PartyIdentification/i:ID") == "27485919"
    assert text(supplier, "i:PartyTaxScheme/i:CompanyID") == "CZ27485919"
    customer = root.find("i:AccountingCustomerParty/i:Party", NS)
    assert text(customer, "i:PartyName/i:Name") == "Strojírny Žďár, a.s."
    assert text(customer, "i:PostalAddress/i:StreetName") == "Průmyslová"
    assert text(customer, "i:PostalAddress/i:BuildingNumber") == "1096/23"
    assert text(customer, "i:PartyTaxScheme/i:CompanyID") == "CZ25312751"
    rates = [text(sub, "i:TaxCategory/i:Percent") for sub in root.iterfind("i:TaxTotal/i:TaxSubTotal", NS)]
    assert rates == ["0", "12", "21"]
    zero = root.find("i:TaxTotal/i:TaxSubTotal", NS)
    assert (crowns(zero, "i:TaxableAmount"), crowns(zero, "i:TaxAmount")) == (800000, 0)
    lines = root.findall("i:InvoiceLines/i:InvoiceLine", NS)
    assert len(lines) == len(INVOICE_LINES)
    first = lines[0]
    assert first.find("i:InvoicedQuantity", NS).get("unitCode") == "h"
    assert text(first, "i:InvoicedQuantity") == "3.50"
    assert text(first, "i:LineExtensionAmount") == "5197.50"  # 3.5 × 1650 less 10 %
    assert text(first, "i:LineExtensionAmountBeforeDiscount") == "5775.00"
    assert text(first, "i:LineExtensionTaxAmount") == "1091.48"
    payment = root.find("i:PaymentMeans/i:Payment", NS)
    assert text(payment, "i:PaymentMeansCode") == "42"
    assert crowns(payment, "i:PaidAmount") == doc.total
    details = payment.find("i:Details", NS)
    assert [
        text(details, f"i:{tag}")
        for tag in ("PaymentDueDate", "ID", "BankCode", "IBAN", "BIC", "VariableSymbol")
    ] == [
        "2026-12-14",
        "2001234567",
        "2010",
        "CZ4720100000002001234567",
        "FIOBCZPPXXX",
        "202600042",
    ]


def test_a_credit_note_validates_in_positive_amounts_and_names_the_invoice_it_corrects():
    doc = credit_note()
    assert doc.total < 0
    root = assert_valid_isdoc(isdoc_xml(doc))
    assert text(root, "i:DocumentType") == "2"
    reference = root.find("i:OriginalDocumentReferences/i:OriginalDocumentReference", NS)
    assert text(reference, "i:ID") == "FA-2026-00042"
    assert text(reference, "i:IssueDate") == "2026-11-30"
    # ISDOC 5.2.1+: a credit note is written in positive amounts; its type says they are subtracted
    assert crowns(root, "i:LegalMonetaryTotal/i:PayableAmount") == -doc.total
    assert crowns(root, "i:TaxTotal/i:TaxAmount") == -doc.total_vat
    assert text(root, "i:InvoiceLines/i:InvoiceLine/i:InvoicedQuantity") == "1.00"
    assert root.find("i:TaxPointDate", NS) is None  # its VAT date is when the customer receives it
    assert root.find("i:PaymentMeans", NS) is None
    assert "nebyly dodány" in text(root, "i:Note")


def test_a_customer_who_is_not_a_vat_payer_has_no_tax_scheme():
    customer = msgspec.structs.replace(CUSTOMER, dic=None, country_code="SK")
    root = assert_valid_isdoc(isdoc_xml(document(INVOICE_LINES, customer=customer)))
    party = root.find("i:AccountingCustomerParty/i:Party", NS)
    assert party.find("i:PartyTaxScheme", NS) is None
    assert text(party, "i:PostalAddress/i:Country/i:IdentificationCode") == "SK"
    assert root.find("i:AccountingSupplierParty/i:Party/i:PartyTaxScheme", NS) is not None


def test_the_same_document_gives_the_same_bytes():
    assert isdoc_xml(invoice()) == isdoc_xml(invoice())


def test_a_street_keeps_its_building_number_apart():
    assert street_and_number("Technická 12") == ("Technická", "12")
    assert street_and_number("Na Příkopě 1096/23a") == ("Na Příkopě", "1096/23a")
    assert street_and_number("Lhota") == ("Lhota", "")


descriptions = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t"),
    min_size=1,
    max_size=80,
)
line_strategy = st.builds(
    LineIn,
    description=descriptions.filter(lambda s: s.strip()),
    quantity=st.integers(1, 100_000),
    unit=st.sampled_from(list(Unit)),
    unit_price=st.integers(0, 10_000_000),
    vat_rate_percent=st.sampled_from([0, 12, 21]),
    discount_percent=st.integers(0, 100),
)


def _valid_xml_text(value: str) -> bool:
    return all(ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF or 0xE000 <= ord(ch) <= 0xFFFD for ch in value)


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        line_strategy.filter(lambda line: _valid_xml_text(line.description)), min_size=1, max_size=8
    ),
    credit=st.booleans(),
)
def test_any_priced_document_validates_and_its_totals_are_the_documents(lines, credit):
    if credit:
        lines = [
            LineIn(
                description=line.description,
                quantity=-line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                vat_rate_percent=line.vat_rate_percent,
                discount_percent=line.discount_percent,
            )
            for line in lines
        ]
        doc = document(
            lines,
            kind=DocumentKind.CREDIT_NOTE,
            number="DOD-2026-00001",
            original_number="FA-2026-00001",
            original_issued_on=date(2026, 11, 2),
            reason="Oprava",
        )
    else:
        doc = document(lines)
    root = assert_valid_isdoc(isdoc_xml(doc))
    sign = -1 if credit else 1
    assert crowns(root, "i:LegalMonetaryTotal/i:TaxExclusiveAmount") == sign * doc.total_net
    assert crowns(root, "i:LegalMonetaryTotal/i:TaxInclusiveAmount") == sign * doc.total
    assert crowns(root, "i:LegalMonetaryTotal/i:PayableAmount") == sign * doc.total
    assert crowns(root, "i:TaxTotal/i:TaxAmount") == sign * doc.total_vat
    subs = root.findall("i:TaxTotal/i:TaxSubTotal", NS)
    assert [
        (int(text(s, "i:TaxCategory/i:Percent")), crowns(s, "i:TaxableAmount"), crowns(s, "i:TaxAmount"))
        for s in subs
    ] == [(r.vat_rate_percent, sign * r.net, sign * r.vat) for r in doc.recap]
    xml_lines = root.findall("i:InvoiceLines/i:InvoiceLine", NS)
    assert sum(crowns(line, "i:LineExtensionAmount") for line in xml_lines) == sign * doc.total_net
    assert sum(crowns(line, "i:LineExtensionTaxAmount") for line in xml_lines) == sign * doc.total_vat
    assert [text(line, "i:Item/i:Description") for line in xml_lines] == [
        plain_lines(line.description) for line in doc.lines
    ]
