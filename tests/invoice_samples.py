"""Invoice documents for the output tests: built the way invcore builds them (priced lines,
the supplier from settings), no database."""

from __future__ import annotations

from datetime import date

from backend.invoices.document import DocumentKind, InvoiceDocument, LineIn, Party, Unit, priced
from backend.settings import get_settings

CUSTOMER = Party(
    name="Strojírny Žďár, a.s.",
    street="Průmyslová 1096/23",
    postal_code="591 01",
    city="Žďár nad Sázavou",
    ico="25312751",
    dic="CZ25312751",
)


def supplier() -> Party:
    s = get_settings()
    return Party(
        name=s.supplier_name,
        street=s.supplier_street,
        postal_code=s.supplier_postal_code,
        city=s.supplier_city,
        ico=s.supplier_ico,
        dic=s.supplier_dic,
    )


def document(
    lines: list[LineIn],
    *,
    kind: DocumentKind = DocumentKind.INVOICE,
    number: str = "FA-2026-00042",
    language: str = "cs",
    customer: Party = CUSTOMER,
    **extra,
) -> InvoiceDocument:
    s = get_settings()
    priced_lines, recap, net, vat, total = priced(lines)
    return InvoiceDocument(
        kind=kind,
        number=number,
        uuid="5B0E6A0C-2F1D-4C1E-9A57-3C2D8E4F1A20",
        language=language,
        issued_on=date(2026, 11, 30),
        taxable_supply_on=date(2026, 11, 27),
        due_on=date(2026, 12, 14),
        variable_symbol="".join(ch for ch in number if ch.isdigit())[-10:],
        payment_method="bank_transfer",
        supplier=supplier(),
        customer=customer,
        bank_account=s.supplier_bank_account,
        iban=s.supplier_iban,
        bic=s.supplier_bic,
        lines=priced_lines,
        recap=recap,
        total_net=net,
        total_vat=vat,
        total=total,
        **extra,
    )


INVOICE_LINES = [
    LineIn(
        description="Servisní zásah u zákazníka – PLM server",
        quantity=350,
        unit=Unit.HOUR,
        unit_price=165000,
        vat_rate_percent=21,
        discount_percent=10,
    ),
    LineIn(
        description="Cestovné Brno – Žďár nad Sázavou",
        quantity=100,
        unit=Unit.PIECE,
        unit_price=120000,
        vat_rate_percent=21,
    ),
    LineIn(
        description="Odborná publikace (kniha)",
        quantity=200,
        unit=Unit.PIECE,
        unit_price=49900,
        vat_rate_percent=12,
    ),
    LineIn(
        description="Školení – osvobozeno od DPH",
        quantity=100,
        unit=Unit.DAY,
        unit_price=800000,
        vat_rate_percent=0,
    ),
]


def invoice(language: str = "cs") -> InvoiceDocument:
    return document(INVOICE_LINES, language=language, note="Objednávka OBJ-2026-00017")


def credit_note(language: str = "cs") -> InvoiceDocument:
    taken_back = [
        LineIn(
            description=INVOICE_LINES[0].description,
            quantity=-100,
            unit=Unit.HOUR,
            unit_price=165000,
            vat_rate_percent=21,
            discount_percent=10,
        ),
        LineIn(
            description=INVOICE_LINES[2].description,
            quantity=-200,
            unit=Unit.PIECE,
            unit_price=49900,
            vat_rate_percent=12,
        ),
    ]
    return document(
        taken_back,
        kind=DocumentKind.CREDIT_NOTE,
        number="DOD-2026-00003",
        language=language,
        original_number="FA-2026-00042",
        original_issued_on=date(2026, 11, 30),
        reason="Vrácení části plnění: hodina práce navíc a publikace nebyly dodány.",
    )
