"""The QR code of a payment (or any text), drawn by segno: inline SVG for the invoice page and a
PNG for the PDF. Error correction M, as the QR platba standard asks for printed media; the quiet
zone of four modules the QR standard requires is kept, so banking apps read it off paper."""

from __future__ import annotations

import io

import segno

ERROR_CORRECTION = "m"


def _code(text: str) -> segno.QRCode:
    # boost_error off: the level stays M however much room the version leaves
    return segno.make_qr(text, error=ERROR_CORRECTION, boost_error=False)


def qr_svg(text: str, scale: int = 4) -> str:
    """An ``<svg>`` element to put straight into a page (no XML declaration, sized in modules)."""
    return _code(text).svg_inline(scale=scale, title="QR platba")


def qr_png(text: str, scale: int = 8) -> bytes:
    """A black-on-white PNG, ``scale`` pixels per module."""
    out = io.BytesIO()
    _code(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
