"""The invoice as a PDF/A-3b with its ISDOC inside (ISDOC.PDF) and the QR platba on it.

Rendered from frontend/templates/invoices/document_pdf.html by WeasyPrint in the customer's
language; an English document keeps the Czech labels the VAT act asks for beside the English
ones. The font is DejaVu Sans (Debian's fonts-dejavu-core, found through fontconfig): it has every
Czech letter, and PDF/A needs the fonts embedded, which WeasyPrint does.

The same document renders the same text and, because every date WeasyPrint would take from the
clock is the document's issue date, the same bytes: invcore stores them at issue time anyway.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from weasyprint import HTML, Attachment

from backend import i18n
from backend.errors import N_
from backend.invoices.document import DocumentKind, InvoiceDocument, Unit
from backend.invoices.qr import qr_png
from backend.invoices.spd import payment_descriptor
from backend.money import format_czk
from backend.settings import PROJECT_ROOT, get_settings

TEMPLATE = "invoices/document_pdf.html"
TEMPLATES_DIR = PROJECT_ROOT / "frontend" / "templates"
PDF_VARIANT = "pdf/a-3b"
# ISDOC.PDF: the ISDOC is an alternative form of what the PDF shows (as in the standard's sample)
ISDOC_RELATIONSHIP = "Alternative"
PAYMENT_METHODS = {"bank_transfer": N_("Bank transfer"), "cash": N_("Cash"), "card": N_("Card")}


def czech(message: str) -> str:
    """A label in Czech whatever the document's language (the legally required ones)."""
    return i18n.translations("cs").gettext(message)


def both(translated: str, czech_label: str) -> Markup:
    """`Czech / English` on an English document, the Czech label alone on a Czech one."""
    if i18n.current_language() == "cs" or str(translated) == czech_label:
        return escape(czech_label)
    return Markup('{} <span class="en">/ {}</span>').format(czech_label, translated)


def czech_date(value: date | None) -> str:
    """`30. 11. 2026`: the form Czech documents use, clear to an English reader too."""
    return "" if value is None else f"{value.day}. {value.month}. {value.year}"


def quantity(hundredths: int) -> str:
    """Hundredths of a unit as a number: `3,5`, `10`, `1 250` (en: `3.5`, `1,250`)."""
    return format_decimal(Decimal(hundredths).scaleb(-2), format="#,##0.##", locale=i18n.current_language())


def unit_label(unit: Unit) -> str:
    """The unit column's abbreviation (`hod`, `ks`): literal calls, so that extraction finds them."""
    if unit is Unit.HOUR:
        return i18n.pgettext("invoice unit", "hr")
    if unit is Unit.DAY:
        return i18n.pgettext("invoice unit", "day")
    if unit is Unit.MONTH:
        return i18n.pgettext("invoice unit", "month")
    return i18n.pgettext("invoice unit", "pc")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(
        gettext=i18n.template_gettext,
        _=i18n.template_gettext,
        cz=czech,
        both=both,
        current_language=i18n.current_language,
        unit_label=unit_label,
    )
    env.filters.update(
        czk=lambda halere: format_czk(halere, i18n.current_language()),
        cdate=czech_date,
        quantity=quantity,
    )
    return env


def invoice_html(document: InvoiceDocument) -> str:
    """The HTML the PDF is printed from, in the document's language."""
    spd = payment_descriptor(document)
    qr = base64.b64encode(qr_png(spd, scale=10)).decode("ascii") if spd else None
    token = i18n.use_language(document.language)
    try:
        return (
            environment()
            .get_template(TEMPLATE)
            .render(
                doc=document,
                credit=document.kind is DocumentKind.CREDIT_NOTE,
                qr_png_base64=qr,
                payment_method=PAYMENT_METHODS.get(document.payment_method, document.payment_method),
                settings=get_settings(),
                created=_issued_at(document).isoformat().replace("+00:00", "Z"),
            )
        )
    finally:
        i18n.reset_language(token)


def _issued_at(document: InvoiceDocument) -> datetime:
    issued = document.issued_on
    return datetime(issued.year, issued.month, issued.day, tzinfo=UTC)


def invoice_pdf(document: InvoiceDocument, isdoc: bytes) -> bytes:
    """The PDF/A-3b of ``document`` with ``isdoc`` embedded as `<number>.isdoc`."""
    issued_at = _issued_at(document)
    attachment = Attachment(
        # a data: URL carries the media type ISDOC.PDF readers expect (text/xml)
        url="data:text/xml;base64," + base64.b64encode(isdoc).decode("ascii"),
        name=f"{document.number}.isdoc",
        description="ISDOC 6.0.2",
        created=issued_at,
        modified=issued_at,
        relationship=ISDOC_RELATIONSHIP,
    )
    html = HTML(string=invoice_html(document), base_url=str(TEMPLATES_DIR))
    return html.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])
