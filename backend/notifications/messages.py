"""What each notification says, in the recipient's language: a subject, plain text and HTML,
with a link back to the portal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from backend.errors import N_, Money
from backend.formatting import format_date, format_datetime
from backend.i18n import gettext, reset_language, use_language
from backend.settings import get_settings

# kind -> (subject, body, path of the page it links to); %(name)s parameters come from the context
TEXTS: dict[str, tuple[str, str, str]] = {
    "order_submitted": (
        N_("New order %(number)s from %(company)s"),
        N_("%(company)s ordered %(service)s (%(number)s). It waits in the order queue."),
        "/staff/orders/%(order_id)s",
    ),
    "order_quoted": (
        N_("Quote for your order %(number)s"),
        N_(
            "We have quoted your order %(number)s at %(gross)s including VAT, valid until %(valid_until)s. "
            "Accept or decline the quote in the portal."
        ),
        "/orders/%(order_id)s",
    ),
    "order_approved": (
        N_("Your order %(number)s is approved"),
        N_("We have approved your order %(number)s and will start the work as agreed."),
        "/orders/%(order_id)s",
    ),
    "order_rejected": (
        N_("Your order %(number)s was rejected"),
        N_("We cannot take on your order %(number)s. Reason: %(reason)s"),
        "/orders/%(order_id)s",
    ),
    "work_beyond_credit": (
        N_("Work on your order %(number)s goes beyond your prepaid credit"),
        N_(
            "Your prepaid credit has been drawn to zero by work on order %(number)s. The rest of that work "
            "(%(minutes)s minutes, %(amount)s before VAT) is billed as PAY."
        ),
        "/orders/%(order_id)s",
    ),
    "work_beyond_credit_staff": (
        N_("Order %(number)s: the credit ran out, work billed as PAY"),
        N_(
            "%(company)s has no prepaid credit left. Of the work you logged on order %(number)s, "
            "%(minutes)s minutes (%(amount)s before VAT) are billed as PAY."
        ),
        "/staff/orders/%(order_id)s",
    ),
    "ticket_opened": (
        N_("New Hotline ticket %(number)s from %(company)s"),
        N_("%(company)s reported: %(subject)s (priority %(priority)s). First response due %(due)s."),
        "/staff/tickets/%(ticket_id)s",
    ),
    "ticket_answered": (
        N_("Answer to your ticket %(number)s"),
        N_("The support team has answered your ticket %(number)s: %(subject)s."),
        "/tickets/%(ticket_id)s",
    ),
    "ticket_assigned": (
        N_("Ticket %(number)s is yours"),
        N_("%(assigned_by)s has assigned the Hotline ticket %(number)s to you: %(subject)s."),
        "/staff/tickets/%(ticket_id)s",
    ),
    "ticket_resolved": (
        N_("Your ticket %(number)s is resolved"),
        N_(
            "The support team has resolved your ticket %(number)s: %(subject)s. Did the answer help? "
            "One click on the link below tells us, no sign-in needed. If the problem is back, reply "
            "on the ticket in the portal."
        ),
        "/ticket-rating/%(token)s",
    ),
    "ticket_merged": (
        N_("Your ticket %(number)s continues as %(target_number)s"),
        N_(
            "Your ticket %(number)s (%(subject)s) reported the same problem as %(target_number)s, so we "
            "have merged them: its messages are now in %(target_number)s, where we go on."
        ),
        "/tickets/%(ticket_id)s",
    ),
    # the automatic answer to an e-mail that could not be filed (in Czech and English: the
    # sender may be nobody the portal knows); %(reason)s is one of backend/mailin/domain.py's.
    # It never repeats the e-mail's subject or text: a forged sender must not make the portal
    # carry a stranger's words to them
    "mail_not_filed": (
        N_("Your e-mail to technical support"),
        N_(
            "Thank you for your e-mail. We could not add it to a ticket automatically: "
            "%(reason)s The support team will look at it. You can report a problem or answer a ticket "
            "in the portal."
        ),
        "/",
    ),
    "low_credit": (
        N_("Your prepaid credit is running low"),
        N_("Your prepaid credit has fallen to %(balance)s, under the %(threshold)s you set."),
        "/credit",
    ),
    "credit_expiring": (
        N_("Prepaid credit expires soon"),
        N_("%(amount)s of your prepaid credit expires on %(expires_at)s unless it is used."),
        "/credit",
    ),
    "plan_approved": (
        N_("Your request for %(plan)s is approved"),
        N_("We have approved your request for %(plan)s."),
        "/entitlements",
    ),
    "plan_rejected": (
        N_("Your request for %(plan)s"),
        N_("We could not approve your request for %(plan)s. %(note)s"),
        "/entitlements",
    ),
    "password_reset": (
        N_("Reset your password"),
        N_(
            "We have received a request to reset the password of your account in the support portal. "
            "The link below lets you choose a new password within %(minutes)s minutes and works once. "
            "If you did not ask for it, ignore this e-mail: your password stays as it is."
        ),
        "/password/reset/%(token)s",
    ),
    "two_factor_reset": (
        N_("Your two-factor sign-in was reset"),
        N_(
            "%(admin)s has reset the two-factor sign-in of your account in the support portal. "
            "Set it up again on My account. If you did not ask for it, tell us at once."
        ),
        "/account",
    ),
    "webhook_disabled": (
        N_("A webhook was disabled"),
        N_(
            "Deliveries to %(url)s kept failing, so the portal stopped sending to it. "
            "Check the receiving system, then turn the webhook on again."
        ),
        "/staff/webhooks/%(webhook_id)s",
    ),
    "delivery_given_up": (
        N_("An e-mail to %(recipient)s could not be delivered"),
        N_(
            "The portal gave up delivering an e-mail to %(recipient)s after %(attempts)s attempts. "
            "The last error was: %(error)s. Check the address and the mail server."
        ),
        "/staff",
    ),
    "invoice_issued": (
        N_("Invoice %(number)s"),
        N_(
            "We have issued invoice %(number)s for %(amount)s, due on %(due_on)s. The invoice is attached "
            "as a PDF (with the ISDOC inside for your accounting software); the payment details and a "
            "QR code are in the portal."
        ),
        "/invoices/%(invoice_id)s",
    ),
    "credit_note_issued": (
        N_("Credit note %(number)s"),
        N_(
            "We have issued credit note %(number)s for %(amount)s, correcting invoice %(original)s. "
            "It is attached as a PDF."
        ),
        "/invoices/%(invoice_id)s",
    ),
    "invoice_overdue": (
        N_("Invoice %(number)s is overdue"),
        N_(
            "Invoice %(number)s was due on %(due_on)s and %(amount)s of it is still unpaid. Please pay it "
            "with the variable symbol %(variable_symbol)s, or tell us if you have paid it already."
        ),
        "/invoices/%(invoice_id)s",
    ),
    "invitation": (
        N_("%(inviter)s invites you to the support portal of %(company)s"),
        N_(
            "%(inviter)s has invited you to join %(company)s in the technical support portal, where you "
            "can report problems to the Hotline, order paid support and follow your company's orders. "
            "The link below works once, within %(days)s days."
        ),
        "/invitations/%(token)s",
    ),
}
# the link's text where "Open in the portal" would say too little
LINK_LABELS = {
    "password_reset": N_("Choose a new password"),
    "invitation": N_("Accept the invitation"),
    "ticket_resolved": N_("Rate the answer"),
}
# kinds whose context holds a secret (a single-use link): the sender clears it once delivered
SECRET_KINDS = frozenset({"password_reset", "invitation", "ticket_resolved"})
MONEY_FIELDS = frozenset({"gross", "balance", "threshold", "amount"})
DATE_FIELDS = frozenset({"valid_until", "expires_at", "due_on"})
INSTANT_FIELDS = frozenset({"due"})
# a message with files names them and sends the reader to the portal for them: never attached
FILES_ATTACHED = N_("Attached files (download them in the portal): %(files)s.")
MSGID_FIELDS = frozenset({"priority", "reason"})  # stored as the English msgid, said in the reader's language


def _param(key: str, value: Any, language: str) -> Any:
    """A context value as the reader sees it: money formatted, dates in Prague, a {cs, en} pair
    in their language."""
    if isinstance(value, dict) and value and set(value) <= {"cs", "en"}:
        return value.get(language) or next(iter(value.values()))
    if key in MSGID_FIELDS and isinstance(value, str):
        return gettext(value)
    if key in MONEY_FIELDS and isinstance(value, int):
        return Money(value)
    if key in DATE_FIELDS and isinstance(value, str):
        return format_date(datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))
    if key in INSTANT_FIELDS and isinstance(value, str):
        return format_datetime(datetime.fromisoformat(value))  # read later: no 'in 3 hours'
    return value


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    html: str


BILINGUAL = "cs+en"  # the language of a message to someone whose language is unknown: both


def _bilingual(kind: str, context: dict[str, Any]) -> Message:
    """Czech first, then English, one signature."""
    cs, en = compose(kind, context, "cs"), compose(kind, context, "en")
    cut = "\n\n-- \n"
    cs_text, _, cs_signature = cs.text.partition(cut)
    en_text, _, en_signature = en.text.partition(cut)
    signature = f"{cs_signature.strip()} / {en_signature.strip()}"
    text = f"{cs_text}\n\n---\n\n{en_text}{cut}{signature}\n"
    part = re.compile(r"<body>(.*)<p>-- <br>", re.DOTALL)
    html = (
        '<!doctype html><html lang="cs"><body>'
        f"<div>{part.search(cs.html).group(1)}</div><hr>"  # type: ignore[union-attr]
        f'<div lang="en">{part.search(en.html).group(1)}</div>'  # type: ignore[union-attr]
        f"<p>-- <br>{escape(signature)}</p></body></html>"
    )
    return Message(subject=f"{cs.subject} / {en.subject}", text=text, html=html)


def compose(kind: str, context: dict[str, Any], language: str) -> Message:
    """The message of ``kind`` in ``language`` (or in both, ``BILINGUAL``); money in the context
    is in haléře."""
    if language == BILINGUAL:
        return _bilingual(kind, context)
    subject_id, body_id, path = TEXTS[kind]
    link = get_settings().public_base_url + path % {key: escape(str(value)) for key, value in context.items()}
    token = use_language(language)
    try:
        params = {key: _param(key, value, language) for key, value in context.items()}
        subject = gettext(subject_id, **params)
        body = gettext(body_id, **params)
        if files := context.get("files"):
            body += " " + gettext(FILES_ATTACHED, files=", ".join(str(name) for name in files))
        open_link = gettext(LINK_LABELS.get(kind, N_("Open in the portal")))
        signature = gettext(N_("Technical support"))
    finally:
        reset_language(token)
    text = f"{body}\n\n{open_link}: {link}\n\n-- \n{signature}\n"
    html = (
        f'<!doctype html><html lang="{escape(language)}"><body>'
        f"<p>{escape(body)}</p>"
        f'<p><a href="{escape(link)}">{escape(open_link)}</a></p>'
        f"<p>-- <br>{escape(signature)}</p></body></html>"
    )
    return Message(subject=subject, text=text, html=html)
