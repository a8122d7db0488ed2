"""What each kind of audit event says to a person: one sentence per action (the msgid, with the
names filled in by the reader), and the labels of the fields its before → after may hold.
A new action without a sentence fails tests/unit/test_audit_sentences.py."""

from __future__ import annotations

from backend.errors import N_

# %(actor)s who did it, %(object)s the order/ticket/person/service/plan it was done to,
# %(company)s the company, %(amount)s an amount, %(after)s the value it was set to
SENTENCES: dict[str, str] = {
    "auth.login": N_("%(actor)s signed in."),
    "auth.logout": N_("%(actor)s signed out."),
    "auth.login_failed": N_("A sign-in as %(actor)s failed (wrong e-mail or password)."),
    "auth.sessions_ended": N_("%(actor)s signed out on all other devices."),
    "auth.password_changed": N_("%(actor)s changed their password."),
    "auth.password_reset_requested": N_("%(actor)s asked for a password-reset link."),
    "auth.password_reset": N_("%(actor)s chose a new password through a reset link."),
    "user.language": N_("%(actor)s switched the portal to %(after)s."),
    "user.activated": N_("%(actor)s reactivated the account of %(object)s."),
    "user.deactivated": N_("%(actor)s deactivated the account of %(object)s."),
    "user.staff_created": N_("%(actor)s created the staff account of %(object)s."),
    "user.joined": N_("%(actor)s joined %(company)s through an invitation."),
    "invitation.created": N_("%(actor)s invited %(object)s to %(company)s."),
    "invitation.revoked": N_("%(actor)s withdrew the invitation of %(object)s to %(company)s."),
    "company.registered": N_("%(actor)s registered the company %(company)s."),
    "company.updated": N_("%(actor)s changed the details of %(company)s."),
    "alc.recorded": N_("%(actor)s recorded an ALC contract for %(company)s."),
    "service.updated": N_("%(actor)s changed the service %(object)s."),
    "plan.updated": N_("%(actor)s changed the plan %(object)s."),
    "plan.requested": N_("%(actor)s asked for %(object)s for %(company)s."),
    "plan.approved": N_("%(actor)s approved %(object)s for %(company)s."),
    "plan.rejected": N_("%(actor)s turned down the request of %(company)s for %(object)s."),
    "sla.contract_started": N_("%(actor)s started an SLA contract for %(company)s."),
    "sla.terms_changed": N_("%(actor)s changed the SLA terms of %(company)s."),
    "credit.topup": N_("%(actor)s topped up the credit of %(company)s by %(amount)s."),
    "credit.draw": N_("%(actor)s drew %(amount)s from the credit of %(company)s."),
    "credit.expiry": N_("%(amount)s of the credit of %(company)s expired unused."),
    "credit.adjustment": N_("%(actor)s adjusted the credit of %(company)s by %(amount)s."),
    "credit.threshold": N_("%(actor)s set the low-balance warning of %(company)s to %(after)s."),
    "order.submitted": N_("%(actor)s placed the order %(object)s for %(company)s."),
    "order.quoted": N_("%(actor)s quoted the order %(object)s."),
    "order.accepted": N_("%(actor)s accepted the quote for %(object)s."),
    "order.declined": N_("%(actor)s declined the quote for %(object)s."),
    "order.approved": N_("%(actor)s approved the order %(object)s."),
    "order.rejected": N_("%(actor)s rejected the order %(object)s."),
    "order.cancelled": N_("%(actor)s cancelled the order %(object)s."),
    "order.in_progress": N_("%(actor)s started work on the order %(object)s."),
    "order.completed": N_("%(actor)s completed the order %(object)s."),
    "order.continued_as_pay": N_("%(actor)s continued the order %(object)s as PAY: its credit ran out."),
    "order.work_logged": N_("%(actor)s logged %(after)s of work on the order %(object)s."),
    "ticket.opened": N_("%(actor)s opened the Hotline ticket %(object)s."),
    "ticket.staff_reply": N_("%(actor)s answered the ticket %(object)s."),
    "ticket.ask_customer": N_("%(actor)s asked the customer about the ticket %(object)s."),
    "ticket.customer_reply": N_("%(actor)s replied on the ticket %(object)s."),
    "ticket.resolve": N_("%(actor)s resolved the ticket %(object)s."),
    "ticket.close": N_("%(actor)s closed the ticket %(object)s."),
}
# an action this table does not know yet still reads as a sentence, not as a code
FALLBACK = N_("%(actor)s changed %(object)s.")

# the kinds of object, as the filter and the sentences name them
OBJECT_KINDS: dict[str, str] = {
    "company": N_("Company"),
    "user": N_("Person"),
    "invitation": N_("Invitation"),
    "order": N_("Order"),
    "service": N_("Service"),
    "credit_entry": N_("Credit entry"),
    "credit_account": N_("Credit account"),
    "subscription": N_("Plan request"),
    "plan": N_("Plan"),
    "alc_contract": N_("ALC contract"),
    "sla_contract": N_("SLA contract"),
    "ticket": N_("Ticket"),
}

# the fields a before → after may hold, as a person calls them
FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "name_cs": N_("Name (Czech)"),
    "name_en": N_("Name (English)"),
    "description_cs": N_("Description (Czech)"),
    "description_en": N_("Description (English)"),
    "ico": N_("Company ID (IČO)"),
    "dic": N_("VAT ID (DIČ)"),
    "street": N_("Street"),
    "city": N_("City"),
    "postal_code": N_("Postal code"),
    "manager": N_("Administrator"),
    "email": N_("E-mail"),
    "role": N_("Role"),
    "pay_price": N_("PAY rate"),
    "sbp_price": N_("SBP rate"),
    "price": N_("Price"),
    "credit": N_("Credit"),
    "monthly_fee": N_("Monthly fee"),
    "discount": N_("Discount (%)"),
    "validity_months": N_("Valid for (months)"),
    "rate_type": N_("Rate"),
    "unit": N_("Unit"),
    "category": N_("Category"),
    "active": N_("Offered"),
    "products": N_("Products"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "targets": N_("Reaction and resolution times"),
    "calendar": N_("Coverage calendar"),
    "plan": N_("Plan"),
    "note": N_("Note"),
    "subscription": N_("Plan request"),
    "priority": N_("Priority"),
    "terms": N_("Terms"),
    "number": N_("Number"),
    "minutes": N_("Time"),
    "credit_drawn": N_("Drawn from credit"),
    "invitation": N_("Invitation"),
    "status": N_("Status"),
    "balance": N_("Balance"),
    "threshold": N_("Low-balance warning"),
    "language": N_("Language"),
    "sessions": N_("Sessions ended"),
    "account": N_("Account active"),
    "billing": N_("Billing"),
}
MONEY_FIELDS = frozenset(
    {"pay_price", "sbp_price", "price", "credit", "monthly_fee", "credit_drawn", "balance", "threshold"}
)
LANGUAGE_NAMES = {"cs": "čeština", "en": "English"}
