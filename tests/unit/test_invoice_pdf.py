"""ISDOC.PDF: a PDF/A-3 with the ISDOC inside, the QR platba on it, the § 29 content in its text."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from backend import i18n
from backend.invoices.document import LineIn, Unit
from backend.invoices.isdoc import isdoc_xml
from backend.invoices.outputs import render_all
from backend.invoices.pdf import invoice_pdf, quantity
from backend.invoices.spd import MAX_AMOUNT, payment_descriptor
from backend.money import format_czk
from tests.invoice_samples import credit_note, document, invoice


@pytest.fixture(scope="module")
def czech():
    doc = invoice()
    return doc, render_all(doc)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_text(pdf: bytes) -> str:
    """The text of every page, casefolded (headings are upper case by CSS), every run of spaces
    (the non-breaking ones in amounts, line breaks) as one space."""
    text = " ".join(page.extract_text() for page in reader(pdf).pages)
    return " ".join(text.split()).casefold()  # wrapped labels read as one line


def test_the_pdf_declares_pdf_a_3(czech):
    _doc, rendered = czech
    xmp = reader(rendered.pdf).xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "pdfaid:conformance" in xmp and "B" in xmp.split("pdfaid:conformance", 1)[1][:5]


def test_the_embedded_isdoc_is_the_isdoc_byte_for_byte(czech):
    doc, rendered = czech
    pdf = reader(rendered.pdf)
    assert pdf.attachments == {"FA-2026-00042.isdoc": [isdoc_xml(doc)]}
    spec = pdf.trailer["/Root"]["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Alternative"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"


def test_the_qr_code_on_the_pdf_reads_as_the_payment_descriptor(czech):
    doc, rendered = czech
    images = [image.image for page in reader(rendered.pdf).pages for image in page.images]
    assert len(images) == 1
    decoded = [code.text for code in zxingcpp.read_barcodes(images[0].convert("L"))]
    assert decoded == [payment_descriptor(doc)] and rendered.spd == decoded[0]


def test_the_text_has_what_the_vat_act_asks_for(czech):
    doc, rendered = czech
    text = page_text(rendered.pdf)
    for expected in (
        "Faktura – daňový doklad",
        "FA-2026-00042",
        "27485919",
        "CZ27485919",
        "25312751",
        "CZ25312751",
        "PLM Podpora s.r.o.",
        "Strojírny Žďár, a.s.",
        "30. 11. 2026",  # issued
        "27. 11. 2026",  # DUZP
        "14. 12. 2026",  # due
        "DUZP",
        "202600042",
        "2001234567/2010",
        "CZ4720100000002001234567",
        "Bankovní převod",
        "Rekapitulace DPH",
        "16 858,74 Kč",
        "15 395,50 Kč",
        "1 463,24 Kč",
    ):
        assert expected.casefold() in text, expected
    assert format_czk(doc.total, "cs").replace("\xa0", " ") == "16 858,74 Kč"


def test_an_english_invoice_keeps_the_czech_labels():
    doc = invoice("en")
    text = page_text(invoice_pdf(doc, isdoc_xml(doc)))
    for expected in (
        "Faktura – daňový doklad",
        "Invoice – tax document",
        "DUZP",
        "Dodavatel",
        "Supplier",
        "Odběratel",
        "Customer",
        "Datum splatnosti",
        "Due date",
        "Variabilní symbol",
        "CZK 16,858.74",
    ):
        assert expected.casefold() in text, expected


def test_a_credit_note_says_what_it_corrects_and_has_no_qr_payment():
    doc = credit_note()
    rendered = render_all(doc)
    assert rendered.spd is None
    pdf = reader(rendered.pdf)
    assert [image for page in pdf.pages for image in page.images] == []
    assert pdf.attachments["DOD-2026-00003.isdoc"] == [isdoc_xml(doc)]
    text = page_text(rendered.pdf)
    for expected in (
        "Opravný daňový doklad",
        "DOD-2026-00003",
        "FA-2026-00042",
        "30. 11. 2026",
        "Důvod opravy",
        "nebyly dodány",
        "-2 914,61 Kč",
    ):
        assert expected.casefold() in text, expected


def test_the_same_document_renders_the_same_pdf():
    doc = invoice()
    assert invoice_pdf(doc, isdoc_xml(doc)) == invoice_pdf(doc, isdoc_xml(doc))


def test_the_text_is_set_in_dejavu_sans_embedded(czech):
    """The Czech letters need a font that has them; a machine without fonts-dejavu-core would
    silently print another one, so this fails there instead."""
    _doc, rendered = czech
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader(rendered.pdf).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_quantities_read_as_numbers_in_the_documents_language():
    token = i18n.use_language("cs")
    try:
        assert [quantity(q) for q in (100, 1000, 350, 5, -200)] == ["1", "10", "3,5", "0,05", "-2"]
        assert quantity(125050) == "1\xa0250,5"
    finally:
        i18n.reset_language(token)
    token = i18n.use_language("en")
    try:
        assert quantity(125050) == "1,250.5"
    finally:
        i18n.reset_language(token)


@settings(max_examples=10, deadline=None)
@given(
    lines=st.lists(
        st.builds(
            LineIn,
            description=st.text(
                alphabet="abcčdďeéěfghchiíjklmnňoópqrřsštťuúůvwxyýzž ABCČŘŠŽ-–,.", min_size=1, max_size=60
            ).filter(lambda s: s.strip()),
            quantity=st.integers(1, 50_000),
            unit=st.sampled_from(list(Unit)),
            unit_price=st.integers(0, 5_000_000),
            vat_rate_percent=st.sampled_from([0, 12, 21]),
            discount_percent=st.integers(0, 100),
        ),
        min_size=1,
        max_size=6,
    ),
    language=st.sampled_from(["cs", "en"]),
)
def test_any_invoice_carries_its_isdoc_and_prints_its_total(lines, language):
    doc = document(lines, language=language)
    rendered = render_all(doc)
    assert reader(rendered.pdf).attachments[f"{doc.number}.isdoc"] == [rendered.isdoc]
    assert " ".join(format_czk(doc.total, language).split()).casefold() in page_text(rendered.pdf)
    assert (rendered.spd is None) == (not 0 < doc.total <= MAX_AMOUNT)


def test_an_invoice_beyond_what_a_qr_payment_carries_renders_with_its_bank_details_only():
    """12 million crowns is beyond the QR payment's ten characters: no QR, but the PDF (and so the
    invoice's download) is made as for any other."""
    doc = document(
        [
            LineIn(
                description="Roční licence a podpora",
                quantity=100,
                unit=Unit.PIECE,
                unit_price=1_000_000_000,
                vat_rate_percent=21,
            )
        ]
    )
    assert doc.total > MAX_AMOUNT
    rendered = render_all(doc)
    assert rendered.spd is None
    assert rendered.pdf.startswith(b"%PDF") and doc.variable_symbol in page_text(rendered.pdf)
