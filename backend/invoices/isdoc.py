"""ISDOC 6.0.2, the Czech e-invoice that Czech accounting software imports, of one document.

Written with the standard library's ElementTree in the schema's element order (the tests validate
every document against the official XSD). The rules for filling it (pravidla-6.0.2):

- a credit note is DocumentType 2 and, as ISDOC requires since 5.2.1, in *positive* amounts:
  the type says that everything is to be subtracted from the original; it names the original in
  OriginalDocumentReferences and carries no TaxPointDate (its VAT date is when the customer
  receives it) and no PaymentMeans (the supplier pays the customer back);
- amounts are crowns with two decimals, quantities in their unit with two decimals; the VAT is
  computed per line (VATCalculationMethod 0, "zdola"), as the document's rounding rule says;
- the unit price with VAT is the net unit price plus its VAT rounded half up (ISDOC asks for it;
  it is informative: the line's totals are what counts);
- there are no deposits and no rounding of the total, so the "already claimed" and rounding
  amounts are zero and the differences equal the totals.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from fractions import Fraction

from backend.invoices.document import DocumentKind, InvoiceDocument, Line, Party, Unit
from backend.money import QUANTITY_SCALE, line_net, with_vat

NAMESPACE = "http://isdoc.cz/namespace/2013"
VERSION = "6.0.2"
ISSUING_SYSTEM = "Portál technické podpory"
DOCUMENT_TYPES = {DocumentKind.INVOICE: "1", DocumentKind.CREDIT_NOTE: "2"}
PAYMENT_MEANS = {"bank_transfer": "42", "cash": "10", "card": "48"}
# the units as Czech accounting software writes them
UNIT_CODES = {Unit.HOUR: "h", Unit.DAY: "den", Unit.PIECE: "ks", Unit.MONTH: "měs"}
COUNTRY_NAMES = {"CZ": "Česká republika", "SK": "Slovenská republika"}
_BUILDING = re.compile(r"^(?P<street>.*\D)\s+(?P<number>\d[\w/-]*)$")


def amount(halere: int) -> str:
    """Haléře as an ISDOC amount: `1234.50`, `-0.05`."""
    sign = "-" if halere < 0 else ""
    crowns, rest = divmod(abs(halere), 100)
    return f"{sign}{crowns}.{rest:02d}"


def quantity(hundredths: int) -> str:
    return amount(hundredths)  # the same two decimal places


def street_and_number(street: str) -> tuple[str, str]:
    """`Technická 12` → (`Technická`, `12`); ISDOC keeps the building number apart."""
    match = _BUILDING.match(street.strip())
    if match is None:
        return street.strip(), ""
    return match["street"].strip(), match["number"]


def plain_lines(value: str) -> str:
    """Line breaks as XML keeps them: a parser reads a bare CR as LF, so write LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def account_and_bank_code(bank_account: str) -> tuple[str, str]:
    """`2001234567/2010` → (`2001234567`, `2010`); the number keeps its prefix (`19-2000145399`)."""
    number, _slash, code = bank_account.partition("/")
    return number.strip(), code.strip()


class _Writer:
    def __init__(self, sign: int) -> None:
        self.sign = sign  # -1 turns a credit note's negative amounts into ISDOC's positive ones

    @staticmethod
    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = text
        return element

    def money(self, parent: ET.Element, tag: str, halere: int) -> None:
        self.el(parent, tag, amount(self.sign * halere))

    def party(self, parent: ET.Element, tag: str, who: Party) -> None:
        party = self.el(self.el(parent, tag), "Party")
        identification = self.el(party, "PartyIdentification")
        self.el(identification, "ID", who.ico)
        self.el(self.el(party, "PartyName"), "Name", who.name)
        address = self.el(party, "PostalAddress")
        street, number = street_and_number(who.street)
        self.el(address, "StreetName", street)
        self.el(address, "BuildingNumber", number)
        self.el(address, "CityName", who.city)
        self.el(address, "PostalZone", who.postal_code.replace(" ", ""))
        country = self.el(address, "Country")
        self.el(country, "IdentificationCode", who.country_code)
        self.el(country, "Name", COUNTRY_NAMES.get(who.country_code, ""))
        if who.dic:
            scheme = self.el(party, "PartyTaxScheme")
            self.el(scheme, "CompanyID", who.dic)
            self.el(scheme, "TaxScheme", "VAT")

    def line(self, parent: ET.Element, position: int, line: Line) -> None:
        row = self.el(parent, "InvoiceLine")
        self.el(row, "ID", str(position))
        self.el(row, "InvoicedQuantity", quantity(self.sign * line.quantity), unitCode=UNIT_CODES[line.unit])
        self.money(row, "LineExtensionAmount", line.net)
        if line.discount_percent:
            before = line_net(line.unit_price, Fraction(line.quantity, QUANTITY_SCALE))
            self.money(row, "LineExtensionAmountBeforeDiscount", before)
        self.money(row, "LineExtensionAmountTaxInclusive", line.gross)
        self.money(row, "LineExtensionTaxAmount", line.vat)
        # unit prices are never negative: a credit note takes back quantities, not prices
        self.el(row, "UnitPrice", amount(line.unit_price))
        self.el(row, "UnitPriceTaxInclusive", amount(with_vat(line.unit_price, line.vat_rate_percent).gross))
        category = self.el(row, "ClassifiedTaxCategory")
        self.el(category, "Percent", str(line.vat_rate_percent))
        self.el(category, "VATCalculationMethod", "0")
        self.el(category, "VATApplicable", "true")
        if line.discount_percent:
            self.el(row, "Note", f"sleva {line.discount_percent} %")
        self.el(self.el(row, "Item"), "Description", plain_lines(line.description))


def _date(value: date) -> str:
    return value.isoformat()


def isdoc_xml(document: InvoiceDocument) -> bytes:
    """The ISDOC of ``document``: UTF-8 bytes, the same for the same document."""
    if document.payment_method not in PAYMENT_MEANS:
        raise ValueError(f"no ISDOC payment means for {document.payment_method!r}")
    credit = document.kind is DocumentKind.CREDIT_NOTE
    if credit and not (document.original_number and document.original_issued_on):
        raise ValueError("a credit note names the invoice it corrects")
    w = _Writer(sign=-1 if credit else 1)
    # plain names under a default namespace declared once: ElementTree would otherwise prefix
    # every element (ns0:) and refuses a default namespace beside unprefixed attributes
    root = ET.Element("Invoice", {"xmlns": NAMESPACE, "version": VERSION})
    w.el(root, "DocumentType", DOCUMENT_TYPES[document.kind])
    w.el(root, "ID", document.number)
    w.el(root, "UUID", document.uuid.upper())
    w.el(root, "IssuingSystem", ISSUING_SYSTEM)
    w.el(root, "IssueDate", _date(document.issued_on))
    if not credit:
        w.el(root, "TaxPointDate", _date(document.taxable_supply_on))
    w.el(root, "VATApplicable", "true")
    w.el(root, "ElectronicPossibilityAgreementReference", "")
    note = " ".join(part for part in (document.reason, document.note) if part)
    if note:
        w.el(root, "Note", note)
    w.el(root, "LocalCurrencyCode", document.currency)
    w.el(root, "CurrRate", "1")
    w.el(root, "RefCurrRate", "1")
    w.party(root, "AccountingSupplierParty", document.supplier)
    w.party(root, "AccountingCustomerParty", document.customer)
    if credit:
        reference = w.el(w.el(root, "OriginalDocumentReferences"), "OriginalDocumentReference")
        w.el(reference, "ID", document.original_number or "")
        w.el(reference, "IssueDate", _date(document.original_issued_on))  # type: ignore[arg-type]
    lines = w.el(root, "InvoiceLines")
    for position, line in enumerate(document.lines, start=1):
        w.line(lines, position, line)
    tax_total = w.el(root, "TaxTotal")
    for recap in document.recap:
        sub = w.el(tax_total, "TaxSubTotal")
        w.money(sub, "TaxableAmount", recap.net)
        w.money(sub, "TaxAmount", recap.vat)
        w.money(sub, "TaxInclusiveAmount", recap.gross)
        w.money(sub, "AlreadyClaimedTaxableAmount", 0)
        w.money(sub, "AlreadyClaimedTaxAmount", 0)
        w.money(sub, "AlreadyClaimedTaxInclusiveAmount", 0)
        w.money(sub, "DifferenceTaxableAmount", recap.net)
        w.money(sub, "DifferenceTaxAmount", recap.vat)
        w.money(sub, "DifferenceTaxInclusiveAmount", recap.gross)
        category = w.el(sub, "TaxCategory")
        w.el(category, "Percent", str(recap.vat_rate_percent))
        w.el(category, "VATApplicable", "true")
    w.money(tax_total, "TaxAmount", document.total_vat)
    totals = w.el(root, "LegalMonetaryTotal")
    w.money(totals, "TaxExclusiveAmount", document.total_net)
    w.money(totals, "TaxInclusiveAmount", document.total)
    w.money(totals, "AlreadyClaimedTaxExclusiveAmount", 0)
    w.money(totals, "AlreadyClaimedTaxInclusiveAmount", 0)
    w.money(totals, "DifferenceTaxExclusiveAmount", document.total_net)
    w.money(totals, "DifferenceTaxInclusiveAmount", document.total)
    w.money(totals, "PayableRoundingAmount", 0)
    w.money(totals, "PaidDepositsAmount", 0)
    w.money(totals, "PayableAmount", document.total)
    if not credit:
        payment = w.el(w.el(root, "PaymentMeans"), "Payment")
        w.money(payment, "PaidAmount", document.total)
        w.el(payment, "PaymentMeansCode", PAYMENT_MEANS[document.payment_method])
        if document.payment_method == "bank_transfer":
            details = w.el(payment, "Details")
            w.el(details, "PaymentDueDate", _date(document.due_on))
            number, bank_code = account_and_bank_code(document.bank_account)
            w.el(details, "ID", number)
            w.el(details, "BankCode", bank_code)
            w.el(details, "Name", "")
            w.el(details, "IBAN", document.iban)
            w.el(details, "BIC", document.bic)
            w.el(details, "VariableSymbol", document.variable_symbol)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
