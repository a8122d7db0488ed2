"""Demo data for trying the portal: staff, a customer company and a non-customer.

Idempotent: each record is looked up by its natural key (e-mail, IČO) and created only when
missing, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.accounts.domain import Role
from backend.accounts.security import hash_password
from backend.accounts.tables import Company, PortalUser
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


async def load_demo_data() -> int:
    """Returns how many records it created (0 on a second run)."""
    created = 0
    password_hash = await hash_password(DEMO_PASSWORD)
    async with write_transaction():
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
    return created
