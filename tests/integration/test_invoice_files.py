"""An issued document's files (both engines): kept at issue time and served as they were kept,
the ISDOC inside the PDF the same as the ISDOC download, the PDF attached to the managers'
e-mail through the real test SMTP server, and the QR payment for what is left to pay."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from backend.invoices.document import decode
from backend.invoices.spd import payment_descriptor
from backend.invoices.tables import Invoice, InvoiceFile
from backend.notifications.sender import send_all_due
from tests.helpers import make_client, register, signed_in_staff
from tests.integration.invoicing import complete_pay_order, load_plans

pytestmark = pytest.mark.db


@pytest.fixture
async def invoice(anonymous, app, db) -> dict:
    await load_plans()
    await register(anonymous, email="manager@example.cz", language="en")
    async with signed_in_staff(app) as staff:
        order = await complete_pay_order(anonymous, staff, service_code="INSTALLATION", quantity=2)
    return (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()


def embedded_isdoc(pdf: bytes) -> bytes:
    files = PdfReader(io.BytesIO(pdf)).attachments
    [name] = [name for name in files if name.endswith(".isdoc")]
    return files[name][0]


async def test_files_are_kept_at_issue_and_served_as_kept(anonymous, app, invoice) -> None:
    kept = await InvoiceFile.select().where(InvoiceFile.invoice == invoice["id"]).first()
    assert kept is not None  # rendered right after the completion, not on first download
    pdf = await anonymous.get(invoice["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert f'filename="{invoice["number"]}.pdf"' in pdf.headers["content-disposition"]
    assert pdf.content == kept["pdf"] and pdf.content.startswith(b"%PDF")
    isdoc = await anonymous.get(invoice["isdoc_url"])
    assert isdoc.status_code == 200 and isdoc.content == kept["isdoc"]
    assert embedded_isdoc(pdf.content) == isdoc.content
    assert invoice["number"].encode() in isdoc.content
    async with signed_in_staff(app) as staff:
        assert (await staff.get(invoice["pdf_url"])).content == kept["pdf"]
    async with make_client(app) as other:
        await register(other)
        assert (await other.get(invoice["pdf_url"])).status_code == 404
        assert (await other.get(invoice["isdoc_url"])).status_code == 404


async def test_the_invoice_is_mailed_to_the_managers_with_its_pdf(invoice, smtp) -> None:
    await send_all_due()
    mails = [m for m in smtp.inbox.messages if m["To"] == "manager@example.cz" and "Invoice" in m["Subject"]]
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"] == f"Invoice {invoice['number']}"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{invoice['number']}.pdf"
    kept = await InvoiceFile.select().where(InvoiceFile.invoice == invoice["id"]).first()
    assert attachment.get_content() == kept["pdf"]


async def test_qr_payment_for_what_is_left(anonymous, app, invoice) -> None:
    row = await Invoice.select(Invoice.snapshot).where(Invoice.id == invoice["id"]).first()
    assert invoice["qr_payment"] == payment_descriptor(decode(row["snapshot"]))
    page = await anonymous.get(f"/invoices/{invoice['id']}")
    assert "<svg" in page.text and "QR platba" in page.text
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        paid = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 100_000})
        assert paid.status_code == 201
        assert f"AM:{(invoice['total'] - 100_000) // 100}." in paid.json()["qr_payment"]
        rest = invoice["total"] - 100_000
        done = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": rest})
        assert done.json()["qr_payment"] is None
    assert "<svg" not in (await anonymous.get(f"/invoices/{invoice['id']}")).text


async def test_a_pdf_that_cannot_be_rendered_now_is_a_503_problem_and_the_invoice_stands(
    anonymous, invoice, monkeypatch
) -> None:
    """Files lost (or never written: a crash after the issuing commit) and WeasyPrint failing: the
    download says to come back, the invoice itself is unchanged, and the next try renders it."""
    from backend.invoices import files

    await InvoiceFile.delete().where(InvoiceFile.invoice == invoice["id"])

    def broken(_document):
        raise OSError("Pango is missing")

    monkeypatch.setattr(files, "render_all", broken)
    response = await anonymous.get(invoice["pdf_url"])
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "try again" in response.json()["detail"]
    assert (await anonymous.get(f"/api/v1/invoices/{invoice['id']}")).json() == invoice
    monkeypatch.undo()
    assert (await anonymous.get(invoice["pdf_url"])).content.startswith(b"%PDF")
