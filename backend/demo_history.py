"""A year of demo history, so that a first look at the portal shows real shapes: orders placed,
quoted, accepted and completed month by month (and invoiced, paid, one corrected by a credit note,
the last one overdue), SBP credit bought and drawn down by logged work, Hotline tickets answered
(a few late). Everything goes through the same use cases as real work,
run "as of" its day in the past (backend.clock.acting_at), so the rules hold for it too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from backend.accounts.services import actor_from_row
from backend.accounts.tables import PortalUser
from backend.clock import acting_at
from backend.invoices import queries
from backend.invoices import services as invoices
from backend.invoices.schemas import CreditLineIn, CreditNoteIn, PaymentIn
from backend.invoices.tables import Invoice
from backend.orders import work, workflow
from backend.orders.placing import submit_order
from backend.orders.schemas import ApproveIn, OrderIn, QuoteIn
from backend.orders.tables import ServiceOrder
from backend.plans.services import decide, request_plan
from backend.tickets import assignment, ratings
from backend.tickets import services as tickets
from backend.tickets import time as ticket_time
from backend.tickets.schemas import RatingIn, TicketIn, TimeLogIn

# months back → (service, quantity, PAY quote in crowns or None for SBP work, hours of SBP work, what)
MONTHS = {
    11: ("TRAINING", "2", 34_000, 0, "Školení CATIA V5 – základy modelování dílů pro dva nové konstruktéry."),
    10: ("INTERVENTION", "6", None, 6, "Nastavení licenčního serveru po výměně hardwaru."),
    9: ("MACROS", "12", 15_600, 0, "Makro pro hromadné přejmenování dílů podle nového číselníku."),
    8: ("INTERVENTION", "8", None, 9, "Migrace projektových dat ENOVIA VPM na nový server."),
    7: ("PROCESS_ANALYSIS", "10", 14_500, 0, "Analýza schvalovacího procesu výkresové dokumentace."),
    6: ("INTERVENTION", "4", None, 4, "Oprava šablon výkresů po aktualizaci na R2024."),
    5: ("PLM_IMPLEMENTATION", "3", 39_000, 0, "Zavedení správy změnových řízení v ENOVIA."),
    4: ("INTERVENTION", "10", None, 11, "Ladění výkonu pracovních stanic CATIA v konstrukci."),
    3: ("METHODOLOGY", "8", 11_200, 0, "Metodika pojmenování a verzování sestav pro dodavatele."),
    2: ("INTERVENTION", "6", None, 7, "Úprava postprocesoru pro nové pětiosé centrum."),
    1: ("INTERVENTION", "5", None, 5, "Konzultace k přechodu na 3DEXPERIENCE."),
}
# months back → (subject, priority, answered after hours, minutes logged, rated good / bad / not)
TICKETS = {
    10: ("Pád CATIA při otevírání sestavy", "high", 1, 45, "good"),
    8: ("Licence ENOVIA se neobnovuje", "critical", 1, 90, "good"),
    6: ("Chybí knihovna normálií", "normal", 30, 20, "bad"),  # answered late: a breach in the report
    4: ("Pomalé ukládání výkresů", "normal", 2, 60, "good"),
    2: ("Postprocesor generuje špatné posuvy", "high", 1, 120, None),
    1: ("Dotaz k aktualizaci na R2025", "low", 3, 15, "good"),
}


async def _person(email: str):
    row = await PortalUser.select().where(PortalUser.email == email).first()
    return actor_from_row(row) if row else None


def _day(months_back: int, day: int = 6, hour: int = 9) -> datetime:
    """A working morning ``months_back`` months ago (UTC)."""
    at = datetime.now(UTC).replace(hour=hour, minute=15, second=0, microsecond=0)
    return (at - timedelta(days=30 * months_back)).replace(day=day)


async def load_demo_history() -> int:
    """Returns how many orders and tickets it created (0 once the history is there)."""
    if await ServiceOrder.exists().where(ServiceOrder.description == MONTHS[11][4]):
        return 0
    manager = await _person("spravce@vysocina.example")
    engineer = await _person("technik@podpora.example")
    admin = await _person("vedouci@podpora.example")
    if manager is None or engineer is None or admin is None:
        return 0
    with acting_at(_day(12, day=2)):
        # the first credit package, bought a year ago; the demo plans add this year's
        bought = await request_plan(manager, "SBP-50")
        await decide(admin, bought.id, approve=True, note="")
    created = 0
    for back, (service, quantity, quote, hours, description) in sorted(MONTHS.items(), reverse=True):
        with acting_at(_day(back)):
            order = await submit_order(
                manager,
                OrderIn(
                    service_code=service,
                    quantity=Decimal(quantity),
                    description=description,
                    billing="sbp" if quote is None else "pay",
                ),
            )
        with acting_at(_day(back, hour=11)):
            if quote is not None and order.status == "submitted":
                valid = (_day(back) + timedelta(days=14)).date()
                await workflow.quote_order(engineer, order.id, QuoteIn(net=quote * 100, valid_until=valid))
            if quote is not None:
                await workflow.accept_quote(manager, order.id)
            await workflow.approve_order(engineer, order.id, ApproveIn())
        with acting_at(_day(back, day=12)):
            await workflow.start_order(engineer, order.id)
            if hours:
                await work.log_work(engineer, order.id, hours * 60, "Práce u zákazníka.")
        with acting_at(_day(back, day=14)):
            await workflow.complete_order(engineer, order.id)
        created += 1
    for back, (subject, priority, answer_after_hours, minutes, verdict) in sorted(
        TICKETS.items(), reverse=True
    ):
        with acting_at(_day(back, day=18)):
            ticket = await tickets.open_ticket(
                manager,
                TicketIn(
                    subject=subject,
                    description=f"{subject}. Prosíme o pomoc, brzdí to konstrukci.",
                    priority=priority,
                    product="CATIA V5 MD2 × 3",
                ),
            )
        with acting_at(_day(back, day=18) + timedelta(hours=answer_after_hours)):
            await assignment.take(engineer, ticket.id)
            await tickets.staff_reply(engineer, ticket.id, "Děkujeme, díváme se na to.")
            await ticket_time.log_time(
                engineer, ticket.id, TimeLogIn(minutes=minutes, note="Rozbor a odpověď.")
            )
        with acting_at(_day(back, day=22)):
            await tickets.resolve_ticket(engineer, ticket.id, "Vyřešeno.")
        if verdict:
            with acting_at(_day(back, day=23)):
                comment = "" if verdict == "good" else "Knihovna pořád chybí u dvou konstruktérů."
                await ratings.rate_ticket(manager, ticket.id, RatingIn(verdict=verdict, comment=comment))
        created += 1
    await _settle_invoices(admin)
    # and this year's package, bought today: what the demo's credit page opens with
    bought = await request_plan(manager, "SBP-50")
    await decide(admin, bought.id, approve=True, note="")
    return created


async def _settle_invoices(admin) -> None:
    """The history's invoices (issued as its orders were completed and its plans approved) paid
    ten days after issue, as a good customer pays, except the last month's, which is left overdue;
    the training of eleven months ago got a credit note for a day that did not take place."""
    rows = await Invoice.select().where(Invoice.kind == "invoice").order_by(Invoice.id)
    if not rows:
        return
    latest = rows[-1]["id"]
    training = next((row for row in rows if row["source_kind"] == "order"), None)
    for row in rows:
        if row["id"] == latest or (training and row["id"] == training["id"]):
            continue  # the latest is left unpaid (overdue by now); the training is corrected first
        with acting_at(_morning(row["issued_on"] + timedelta(days=10))):
            await invoices.record_payment(
                admin, row["id"], PaymentIn(amount=row["total"], note="Výpis z účtu")
            )
    if training is not None:
        with acting_at(_morning(training["issued_on"] + timedelta(days=3))):
            await invoices.issue_credit_note(
                admin,
                training["id"],
                CreditNoteIn(
                    reason="Druhý den školení se nekonal.", lines=[CreditLineIn(line=1, quantity=Decimal(1))]
                ),
            )
        with acting_at(_morning(training["issued_on"] + timedelta(days=12))):
            left = (await queries.get_invoice(admin, training["id"])).left_to_pay
            await invoices.record_payment(admin, training["id"], PaymentIn(amount=left, note="Výpis z účtu"))


def _morning(day) -> datetime:
    """Nine in the morning of ``day`` (UTC), for acting on a past date."""
    return datetime.combine(day, datetime.min.time(), UTC).replace(hour=9)
