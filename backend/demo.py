"""Demo data for trying the portal: staff, a customer company and a non-customer.

Idempotent: each record is looked up by its natural key (e-mail, IČO) and created only when
missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.accounts.domain import Role
from backend.accounts.security import hash_password
from backend.accounts.tables import Company, PortalUser
from backend.catalog.tables import Service
from backend.db import write_transaction

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - published in the README for demo accounts only


@dataclass(frozen=True)
class DemoCompany:
    name: str
    ico: str
    dic: str | None
    street: str
    city: str
    postal_code: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    company_ico: str | None
    language: str = "cs"


COMPANIES = (
    DemoCompany("Strojírny Vysočina s.r.o.", "27788644", "CZ27788644", "Průmyslová 12", "Jihlava", "586 01"),
    DemoCompany("Konstrukce Morava a.s.", "45310076", None, "Technická 5", "Brno", "616 00"),
)

USERS = (
    DemoUser("vedouci@podpora.example", "Michal Kopecký", Role.STAFF_ADMIN, None),
    DemoUser("technik@podpora.example", "Jana Technická", Role.STAFF, None),
    DemoUser("spravce@vysocina.example", "Petr Novák", Role.CUSTOMER_MANAGER, "27788644"),
    DemoUser("konstrukter@vysocina.example", "Eva Dvořáková", Role.CUSTOMER_MEMBER, "27788644", "en"),
    DemoUser("spravce@morava.example", "Tomáš Svoboda", Role.CUSTOMER_MANAGER, "45310076"),
)


@dataclass(frozen=True)
class DemoService:
    code: str
    category: str
    name_cs: str
    name_en: str
    description_cs: str
    description_en: str
    rate_type: str
    unit: str
    pay_price: int  # haléře, net
    sbp_price: int


SERVICES = (
    DemoService(
        "TRAINING",
        "training",
        "Školení",
        "Training",
        "Školení uživatelů a administrátorů CATIA, DELMIA, ENOVIA a 3DEXPERIENCE u vás nebo v naší učebně.",
        "Training for users and administrators of CATIA, DELMIA, ENOVIA and 3DEXPERIENCE, "
        "at your site or in our classroom.",
        "hourly",
        "day",
        1_800_000,
        1_500_000,
    ),
    DemoService(
        "MACROS",
        "development",
        "Tvorba maker a aplikací na zakázku (postprocesory)",
        "Macros and custom applications (postprocessors)",
        "Makra, automatizace a postprocesory pro NC obrábění na míru vašim procesům.",
        "Macros, automation and NC postprocessors made to fit your processes.",
        "hourly",
        "hour",
        165_000,
        135_000,
    ),
    DemoService(
        "PLM_IMPLEMENTATION",
        "implementation",
        "Implementace PLM systémů",
        "PLM implementation",
        "Zavedení ENOVIA / 3DEXPERIENCE: návrh datového modelu, migrace dat, nastavení workflow.",
        "Rolling out ENOVIA / 3DEXPERIENCE: data model design, data migration, workflow set-up.",
        "hourly",
        "day",
        1_600_000,
        1_350_000,
    ),
    DemoService(
        "INTERVENTION",
        "intervention",
        "Servisní zásah technika v místě či vzdáleně",
        "Technician intervention on-site or remote",
        "Řešení problému technikem u vás nebo přes vzdálenou plochu; účtuje se odpracovaný čas.",
        "A technician solves the problem at your site or over remote desktop; billed for the time worked.",
        "hourly",
        "hour",
        140_000,
        115_000,
    ),
    DemoService(
        "INSTALLATION",
        "administration",
        "Opakovaná instalace a administrace systémů",
        "Repeated installation and system administration",
        "Instalace nebo přeinstalace jedné pracovní stanice včetně licencí a nastavení prostředí.",
        "Installing or reinstalling one workstation, licences and environment settings included.",
        "flat",
        "piece",
        290_000,
        240_000,
    ),
    DemoService(
        "PROCESS_ANALYSIS",
        "analysis",
        "Analýzy firemních procesů",
        "Business process analysis",
        "Rozbor vývojových a výrobních procesů a návrh, jak je podpořit v PLM.",
        "Analysis of your engineering and production processes and how PLM should support them.",
        "hourly",
        "hour",
        180_000,
        150_000,
    ),
    DemoService(
        "METHODOLOGY",
        "methodology",
        "Tvorba metodických postupů",
        "Methodology creation",
        "Metodiky a firemní standardy pro modelování, výkresovou dokumentaci a správu dat.",
        "Methodologies and company standards for modelling, drawings and data management.",
        "hourly",
        "hour",
        170_000,
        140_000,
    ),
)


@dataclass(frozen=True)
class DemoPlan:
    code: str
    name_cs: str
    name_en: str
    description_cs: str
    description_en: str
    price: int  # haléře, net
    credit: int  # haléře of credit booked
    validity_months: int = 12


PLANS = (
    DemoPlan(
        "SBP-20",
        "Kredit SBP 20 hodin",
        "SBP credit, 20 hours",
        "Předplacený kredit zhruba na 20 hodin práce technika; platnost 12 měsíců.",
        "Prepaid credit for about 20 hours of an engineer's work; valid 12 months.",
        2_600_000,
        2_700_000,
    ),
    DemoPlan(
        "SBP-50",
        "Kredit SBP 50 hodin",
        "SBP credit, 50 hours",
        "Předplacený kredit zhruba na 50 hodin práce technika; platnost 12 měsíců.",
        "Prepaid credit for about 50 hours of an engineer's work; valid 12 months.",
        6_250_000,
        6_750_000,
    ),
    DemoPlan(
        "SBP-100",
        "Kredit SBP 100 hodin",
        "SBP credit, 100 hours",
        "Předplacený kredit zhruba na 100 hodin práce technika; platnost 12 měsíců.",
        "Prepaid credit for about 100 hours of an engineer's work; valid 12 months.",
        12_000_000,
        13_500_000,
    ),
)


SLA_PLANS = (
    # code, Czech name, English name, calendar, targets (business minutes: first response, resolution),
    # discount on PAY rates (%), monthly fee (haléře)
    (
        "SLA-BASIC",
        "SLA Basic",
        "SLA Basic",
        {"opens": "08:00", "closes": "16:30", "days": [0, 1, 2, 3, 4]},
        {"critical": (120, 960), "high": (240, 1920), "normal": (480, 3840), "low": (960, 7680)},
        5,
        900_000,
    ),
    (
        "SLA-STANDARD",
        "SLA Standard",
        "SLA Standard",
        {"opens": "08:00", "closes": "16:30", "days": [0, 1, 2, 3, 4]},
        {"critical": (60, 480), "high": (120, 960), "normal": (240, 1920), "low": (480, 3840)},
        10,
        1_800_000,
    ),
    (
        "SLA-PREMIUM",
        "SLA Premium",
        "SLA Premium",
        {"opens": "07:00", "closes": "19:00", "days": [0, 1, 2, 3, 4]},
        {"critical": (30, 240), "high": (60, 480), "normal": (120, 960), "low": (240, 1920)},
        15,
        3_500_000,
    ),
)
ALC_CONTRACTS = (
    # customer's IČO, products covered
    ("27788644", ["CATIA V5 MD2 × 3", "CATIA V5 HD2 × 1", "ENOVIA VPM"]),
)


async def _load_demo_contracts() -> int:
    """SLA plan templates and the customer's ALC contract (valid since last year, until next)."""
    from datetime import date

    from backend.alc.tables import AlcContract
    from backend.plans.tables import Plan

    created = 0
    for position, (code, name_cs, name_en, calendar, targets, discount, fee) in enumerate(SLA_PLANS):
        if await Plan.exists().where(Plan.code == code):
            continue
        await Plan.insert(
            Plan(
                code=code,
                kind="sla",
                name_cs=name_cs,
                name_en=name_en,
                description_cs=(
                    f"Reakční doby podle priority, pracovní doba {calendar['opens']}–{calendar['closes']}, "
                    f"sleva {discount} % na placenou podporu."
                ),
                description_en=(
                    f"Reaction times by priority, working hours {calendar['opens']}–{calendar['closes']}, "
                    f"{discount} % off paid support."
                ),
                price=fee,
                monthly_fee=fee,
                discount_percent=discount,
                calendar=calendar,
                targets={p: {"first_response": f, "resolution": r} for p, (f, r) in targets.items()},
                sort_order=100 + position * 10,
            )
        )
        created += 1
    for ico, products in ALC_CONTRACTS:
        company = await Company.select(Company.id).where(Company.ico == ico).first()
        if company and not await AlcContract.exists().where(AlcContract.company == company["id"]):
            year = date.today().year
            await AlcContract.insert(
                AlcContract(
                    company=company["id"],
                    products=products,
                    valid_from=date(year - 1, 1, 1),
                    valid_until=date(year + 1, 12, 31),
                    annual_fee=24_000_000,
                )
            )
            created += 1
    return created


async def _load_demo_plans() -> int:
    """The SBP packages."""
    from backend.plans.tables import Plan

    created = 0
    for position, plan in enumerate(PLANS):
        if not await Plan.exists().where(Plan.code == plan.code):
            await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position * 10))
            created += 1
    return created


async def _load_demo_package() -> int:
    """The customer company's package, approved (when the history has not bought it)."""
    from backend.accounts.services import actor_from_row
    from backend.plans.services import decide, request_plan
    from backend.plans.tables import Subscription

    created = 0
    manager = await PortalUser.select().where(PortalUser.email == "spravce@vysocina.example").first()
    admin = await PortalUser.select().where(PortalUser.email == "vedouci@podpora.example").first()
    if (
        manager
        and admin
        and not await Subscription.exists().where(Subscription.company == manager["company"])
    ):
        requested = await request_plan(actor_from_row(manager), "SBP-50")
        await decide(actor_from_row(admin), requested.id, approve=True, note="Demo")
        created += 2
    return created


# A few orders so the queues and lists have something in them: (customer e-mail, service, quantity, what)
ORDERS = (
    (
        "spravce@vysocina.example",
        "TRAINING",
        "2",
        "Školení CATIA V5 – sestavy a výkresy pro tři nové konstruktéry.",
    ),
    ("konstrukter@vysocina.example", "MACROS", "6", "Makro pro hromadný export výkresů do PDF a DXF."),
    (
        "spravce@morava.example",
        "INSTALLATION",
        "2",
        "Instalace CATIA V5-6R2024 na dvě nové pracovní stanice.",
    ),
)


async def _load_demo_orders() -> int:
    """Submit the demo orders through the ordering use case, once per company."""
    from backend.accounts.services import actor_from_row
    from backend.orders.placing import submit_order
    from backend.orders.schemas import OrderIn
    from backend.orders.tables import ServiceOrder

    created = 0
    for email, service_code, quantity, description in ORDERS:
        user = await PortalUser.select().where(PortalUser.email == email).first()
        if user is None or await ServiceOrder.exists().where(ServiceOrder.description == description):
            continue
        await submit_order(
            actor_from_row(user),
            OrderIn(service_code=service_code, quantity=Decimal(quantity), description=description),
        )
        created += 1
    return created


# Czech greets with a plain "Dobrý den,": a vocative of the full name ("Dobrý den, Eva Dvořáková,")
# does not read as Czech; English takes the name naturally.
CANNED_REPLIES = (
    (
        "Poděkování a potvrzení přijetí",
        "Dobrý den,\n\npožadavek {ticket_number} jsme převzali a díváme se na něj. "
        "Ozveme se, jakmile budeme vědět víc.\n\nS pozdravem\n{engineer_name}",
        "Hello {customer_name},\n\nwe have taken ticket {ticket_number} and are looking into it. "
        "We will be in touch as soon as we know more.\n\nKind regards\n{engineer_name}",
    ),
    (
        "Prosba o log a snímek obrazovky",
        "Dobrý den,\n\nk požadavku {ticket_number} prosíme o log CATIA (%TEMP%\\CATIA*.log) "
        "a snímek obrazovky s chybovou hláškou.\n\nDěkujeme\n{engineer_name}",
        "Hello {customer_name},\n\nfor ticket {ticket_number}, please send us the CATIA log "
        "(%TEMP%\\CATIA*.log) and a screenshot of the error message.\n\nThank you\n{engineer_name}",
    ),
    (
        "Restart licenčního serveru",
        "Dobrý den,\n\nrestartujte prosím službu DS License Server a poté CATIA. "
        "Pokud chyba přetrvá, odpovězte na tento požadavek ({ticket_number}).\n\n{engineer_name}",
        "",
    ),
)


async def _load_demo_team() -> int:
    """Canned replies, and one open ticket an engineer has taken, with a note for the team."""
    from backend.accounts.services import actor_from_row
    from backend.canned.schemas import CannedReplyIn
    from backend.canned.services import create_reply
    from backend.canned.tables import CannedReply
    from backend.tickets import assignment
    from backend.tickets import services as tickets
    from backend.tickets import time as ticket_time
    from backend.tickets.schemas import TicketIn, TimeLogIn
    from backend.tickets.tables import Ticket

    admin = await PortalUser.select().where(PortalUser.email == "vedouci@podpora.example").first()
    engineer = await PortalUser.select().where(PortalUser.email == "technik@podpora.example").first()
    member = await PortalUser.select().where(PortalUser.email == "konstrukter@vysocina.example").first()
    if admin is None or engineer is None or member is None:
        return 0
    created = 0
    for title, body_cs, body_en in CANNED_REPLIES:
        if not await CannedReply.exists().where(CannedReply.title == title):
            await create_reply(
                actor_from_row(admin), CannedReplyIn(title=title, body_cs=body_cs, body_en=body_en)
            )
            created += 1
    subject = "Výkres se po otevření zobrazí bez kót"
    if not await Ticket.exists().where(Ticket.subject == subject):
        staff = actor_from_row(engineer)
        ticket = await tickets.open_ticket(
            actor_from_row(member),
            TicketIn(
                subject=subject,
                description="Po otevření výkresu z ENOVIA chybí všechny kóty; v lokální kopii jsou.",
                priority="high",
                product="ENOVIA VPM",
            ),
        )
        await assignment.take(staff, ticket.id)
        await tickets.add_note(
            staff, ticket.id, "Stejné hlášení měla Morava v létě: vinou byla mapovací tabulka atributů."
        )
        await ticket_time.log_time(
            staff, ticket.id, TimeLogIn(minutes=25, note="Reprodukce na testovacím serveru.")
        )
        created += 1
    return created


async def load_demo_data() -> int:
    """Returns how many records it created (0 on a second run)."""
    created = 0
    password_hash = await hash_password(DEMO_PASSWORD)
    async with write_transaction():
        for position, service in enumerate(SERVICES):
            if await Service.exists().where(Service.code == service.code):
                continue
            await Service.insert(Service(**vars(service), sort_order=position * 10))
            created += 1
        company_ids: dict[str, int] = {}
        for company in COMPANIES:
            row = await Company.select(Company.id).where(Company.ico == company.ico).first()
            if row is None:
                row = (
                    await Company.insert(
                        Company(
                            name=company.name,
                            ico=company.ico,
                            dic=company.dic,
                            street=company.street,
                            city=company.city,
                            postal_code=company.postal_code,
                        )
                    ).returning(Company.id)
                )[0]
                created += 1
            company_ids[company.ico] = row["id"]
        for user in USERS:
            if await PortalUser.exists().where(PortalUser.email == user.email):
                continue
            await PortalUser.insert(
                PortalUser(
                    email=user.email,
                    full_name=user.full_name,
                    password_hash=password_hash,
                    role=user.role.value,
                    company=company_ids[user.company_ico] if user.company_ico else None,
                    language=user.language,
                )
            )
            created += 1
    # plans, then the year of history (its credit packages included), then today's package and orders
    from backend.demo_history import load_demo_history

    created += await _load_demo_contracts() + await _load_demo_plans() + await load_demo_history()
    return created + await _load_demo_package() + await _load_demo_orders() + await _load_demo_team()
