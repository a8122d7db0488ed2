"""QR platba: the Czech Short Payment Descriptor (SPD 1.0, qr-platba.cz) of an invoice.

``SPD*1.0*ACC:<IBAN>[+<BIC>]*AM:<amount>*CC:CZK*X-VS:<vs>*DT:<YYYYMMDD>*MSG:<text>`` with the
attributes in that order. Every value is checked before it is written, because a wrong string is
a payment sent to the wrong place or for the wrong amount:

- ACC: an IBAN whose check digits are right (``stdnum.iban``), optionally ``+`` a BIC;
- AM: more than zero and at most 9 999 999.99 (the standard's ten characters), a dot, two decimals;
- X-VS: one to ten digits; DT: the due date; MSG: at most 60 characters;
- no value holds ``*`` (the separator), and the whole string stays in ISO-8859-1 (the standard's
  character set; Czech letters such as ř are outside it, so the message is the document number).

A credit note (negative total) and a zero total ask for no payment: ``payment_descriptor``
returns None for them and the documents carry no QR code.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import iban as stdnum_iban

from backend.errors import N_, InvalidInput
from backend.invoices.document import DocumentKind, InvoiceDocument

HEADER = "SPD*1.0*"
MAX_AMOUNT = 999_999_999  # haléře: 9 999 999.99 CZK, the ten characters AM allows
MAX_MESSAGE = 60
MAX_VARIABLE_SYMBOL = 10
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_DIGITS = re.compile(r"[0-9]{1,10}")


def _check_text(value: str, field: str) -> None:
    if "*" in value:
        raise InvalidInput(N_("A QR payment value cannot contain an asterisk (*)."), field=field)
    try:
        value.encode("iso-8859-1")
    except UnicodeEncodeError:
        raise InvalidInput(
            N_("A QR payment value can only use the Latin-1 characters of the standard."), field=field
        ) from None


def amount_text(halere: int) -> str:
    """Haléře as AM writes them: `1234.50`."""
    return f"{halere // 100}.{halere % 100:02d}"


def descriptor(iban: str, amount_halere: int, vs: str, due: date, msg: str, bic: str | None = None) -> str:
    """The SPD string of one payment; raises InvalidInput (with the field) on any bad value."""
    account = stdnum_iban.compact(iban or "")
    # ISO 13616 check digits are 02 to 98; stdnum's mod-97 test alone also passes 99 for 02 (and so on)
    if not (stdnum_iban.is_valid(account) and 2 <= int(account[2:4]) <= 98):
        raise InvalidInput(N_("The account is not a valid IBAN (check the check digits)."), field="iban")
    if bic is not None:
        bic = bic.strip().upper()
        if not _BIC.fullmatch(bic):
            raise InvalidInput(N_("The BIC must be 8 or 11 letters and digits."), field="bic")
        account = f"{account}+{bic}"
    if isinstance(amount_halere, bool) or not isinstance(amount_halere, int):
        raise InvalidInput(N_("The amount must be a whole number of haléře."), field="amount")
    if not 0 < amount_halere <= MAX_AMOUNT:
        raise InvalidInput(
            N_("A QR payment is for more than 0 and at most 9 999 999.99 CZK."), field="amount"
        )
    if not _DIGITS.fullmatch(vs or ""):
        raise InvalidInput(N_("The variable symbol must be 1 to 10 digits."), field="variable_symbol")
    if not isinstance(due, date):
        raise InvalidInput(N_("The due date is missing."), field="due_on")
    if len(msg) > MAX_MESSAGE:
        raise InvalidInput(N_("The payment message can have at most 60 characters."), field="message")
    _check_text(msg, "message")
    fields = [
        ("ACC", account),
        ("AM", amount_text(amount_halere)),
        ("CC", "CZK"),
        ("X-VS", vs),
        ("DT", due.strftime("%Y%m%d")),
    ]
    if msg:
        fields.append(("MSG", msg))
    return HEADER + "*".join(f"{key}:{value}" for key, value in fields)


def payment_message(document: InvoiceDocument) -> str:
    """What the customer's bank statement shows: the supplier's document number."""
    return f"FAKTURA {document.number}"[:MAX_MESSAGE]


def payment_descriptor(document: InvoiceDocument) -> str | None:
    """The QR payment of an invoice, or None when nothing is to be paid (a credit note, a zero
    total: the customer is paid back by the supplier, not the other way round) or when the total
    is beyond what a QR payment carries (the invoice then prints its bank details only)."""
    if document.kind is DocumentKind.CREDIT_NOTE or not 0 < document.total <= MAX_AMOUNT:
        return None
    if document.currency != "CZK":
        raise InvalidInput(N_("A QR payment is in Czech crowns only."), field="currency")
    return descriptor(
        document.iban,
        document.total,
        document.variable_symbol,
        document.due_on,
        payment_message(document),
        bic=document.bic or None,
    )
