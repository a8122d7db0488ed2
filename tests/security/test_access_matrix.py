"""Who may do what: role × object × action, through the API and the pages, each cell's expected
answer written out below.

Columns: anonymous, customer member, customer manager, another company's manager, staff, staff
admin. The world is the demo data (Strojírny Vysočina is company A; Konstrukce Morava is the other
company, given an ALC contract here so its tickets are reachable too), plus one Hotline ticket and
one SBP plan request of company A.

ok      2xx
pass    the role gets past every access check; the use case may still refuse the input or the
        state (2xx, 409 or 422), but never 401, 403 or 404
login   (pages) a redirect to the sign-in page
401/403/404  exactly that status
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import Any

import pytest

from backend.accounts.tables import Company, PortalUser
from backend.canned.tables import CannedReply
from backend.credit.tables import CreditAccount
from backend.demo import DEMO_PASSWORD, load_demo_data
from backend.mailin.tables import InboundMail
from backend.orders.tables import ServiceOrder
from tests.attachment_files import png
from tests.helpers import make_client

ROLES = ("anonymous", "member", "manager", "other", "staff", "admin")
ACCOUNTS = {
    "member": "konstrukter@vysocina.example",
    "manager": "spravce@vysocina.example",
    "other": "spravce@morava.example",
    "staff": "technik@podpora.example",
    "admin": "vedouci@podpora.example",
}
TOMORROW = (date.today() + timedelta(days=1)).isoformat()

# bodies the cells send
CITY = {"city": "Jihlava"}
INVITE = {"email": "new.person@example.cz"}
ALC = {"products": [], "valid_from": TOMORROW, "valid_until": TOMORROW}
CANCEL = {"note": "Zrušeno."}
NOTE = {"note": ""}
NO_WORK = {"minutes": 0, "note": ""}
MESSAGE = {"body": "Any news?"}
THRESHOLD = {"threshold": 500000}
TOP_UP = {"amount": 100000, "note": "matrix", "idempotency_key": "matrix-top-up-1"}
NO_PLAN = {"plan_code": "SBP-NOPE"}
RENAME = {"name": "Přejmenováno s.r.o."}
NO_PAYMENT = {"amount": 0}
NO_REASON = {"reason": ""}
MANUAL = {"company_id": 1, "lines": []}
BOOK = f"since={date.today().replace(day=1).isoformat()}&until={date.today().isoformat()}"
FILE_MAIL = {"ticket": "HD-2000-00001", "author": "0"}
REGISTERED_ICO = {"ico": "27788644"}
NOBODY = {"user_id": None}
NO_TARGET = {"target_number": "HD-1999-00001"}
GOOD = {"verdict": "good"}
EMPTY_REPLY = {"title": "", "body_cs": ""}

# (what, method, path, JSON body or form, expected per role in ROLES order)
# fmt: off
API: list[tuple[str, str, str, Any, str]] = [
    # the caller and their company
    ("who am I", "GET", "/api/v1/me", None,                                "401 ok ok ok ok ok"),
    ("my sessions", "GET", "/api/v1/me/sessions", None,                    "401 ok ok ok ok ok"),
    ("company details", "GET", "/api/v1/company", None,                    "401 ok ok ok 403 403"),
    ("edit company", "PATCH", "/api/v1/company", CITY,                     "401 403 ok ok 403 403"),
    ("colleagues", "GET", "/api/v1/company/users", None,                   "401 ok ok ok 403 403"),
    ("deactivate A's manager", "POST", "/api/v1/company/users/{manager_a}/deactivate", None,
                                                                           "401 403 pass 404 403 403"),
    ("invitations", "GET", "/api/v1/company/invitations", None,            "401 403 ok ok 403 403"),
    ("invite", "POST", "/api/v1/company/invitations", INVITE,              "401 403 ok ok 403 403"),
    # ARES is a loopback port nobody listens on here: 503 is past every access check
    ("company in ARES", "GET", "/api/v1/ares/27788644", None,              "401 503 503 503 503 503"),
    ("A's entitlements (staff)", "GET", "/api/v1/staff/companies/{company_a}/entitlements", None,
                                                                           "401 403 403 403 ok ok"),
    ("A's ALC contract", "POST", "/api/v1/staff/companies/{company_a}/alc-contracts", ALC,
                                                                           "401 403 403 403 403 pass"),
    # orders
    ("catalogue", "GET", "/api/v1/services", None,                         "ok ok ok ok ok ok"),
    ("own orders", "GET", "/api/v1/orders", None,                          "401 ok ok ok 403 403"),
    ("A's order", "GET", "/api/v1/orders/{order_a}", None,                 "401 ok ok 404 403 403"),
    ("cancel A's order", "POST", "/api/v1/orders/{order_a}/cancel", CANCEL, "401 403 pass 404 403 403"),
    ("accept A's quote", "POST", "/api/v1/orders/{order_a}/accept", None,  "401 403 pass 404 403 403"),
    ("order queue", "GET", "/api/v1/staff/orders", None,                   "401 403 403 403 ok ok"),
    ("A's order (staff)", "GET", "/api/v1/staff/orders/{order_a}", None,   "401 403 403 403 ok ok"),
    ("approve A's order", "POST", "/api/v1/staff/orders/{order_a}/approve", NOTE,
                                                                           "401 403 403 403 pass pass"),
    ("log work on A's order", "POST", "/api/v1/staff/orders/{order_a}/work-logs", NO_WORK,
                                                                           "401 403 403 403 pass pass"),
    # tickets
    ("own tickets", "GET", "/api/v1/tickets", None,                        "401 ok ok ok 403 403"),
    ("A's ticket", "GET", "/api/v1/tickets/{ticket_a}", None,              "401 ok ok 404 403 403"),
    ("write to A's ticket", "POST", "/api/v1/tickets/{ticket_a}/messages", MESSAGE,
                                                                           "401 ok ok 404 403 403"),
    ("A's ticket's files", "GET", "/api/v1/tickets/{ticket_a}/attachments", None,
                                                                           "401 ok ok 404 ok ok"),
    ("A's file", "GET", "/api/v1/attachments/{attachment_a}", None,        "401 ok ok 404 ok ok"),
    ("ticket queue", "GET", "/api/v1/staff/tickets", None,                 "401 403 403 403 ok ok"),
    ("A's ticket (staff)", "GET", "/api/v1/staff/tickets/{ticket_a}", None, "401 403 403 403 ok ok"),
    ("answer A's ticket", "POST", "/api/v1/staff/tickets/{ticket_a}/messages", MESSAGE,
                                                                           "401 403 403 403 ok ok"),
    ("rate A's ticket", "POST", "/api/v1/tickets/{ticket_a}/rating", GOOD, "401 pass pass 404 403 403"),
    ("take A's ticket", "POST", "/api/v1/staff/tickets/{ticket_a}/take", None, "401 403 403 403 ok ok"),
    ("assign A's ticket", "POST", "/api/v1/staff/tickets/{ticket_a}/assignee", NOBODY,
                                                                           "401 403 403 403 ok ok"),
    ("merge A's ticket", "POST", "/api/v1/staff/tickets/{ticket_a}/merge", NO_TARGET,
                                                                           "401 403 403 403 pass pass"),
    ("A's ticket time", "GET", "/api/v1/staff/tickets/{ticket_a}/time-logs", None,
                                                                           "401 403 403 403 ok ok"),
    ("log time on A's ticket", "POST", "/api/v1/staff/tickets/{ticket_a}/time-logs", NO_WORK,
                                                                           "401 403 403 403 pass pass"),
    # canned replies
    ("canned replies", "GET", "/api/v1/staff/canned-replies", None,       "401 403 403 403 ok ok"),
    ("a canned reply", "GET", "/api/v1/staff/canned-replies/{canned}", None, "401 403 403 403 ok ok"),
    ("fill a canned reply", "GET", "/api/v1/staff/canned-replies/{canned}/filled/{ticket_a}", None,
                                                                           "401 403 403 403 ok ok"),
    ("add a canned reply", "POST", "/api/v1/staff/canned-replies", EMPTY_REPLY,
                                                                           "401 403 403 403 403 pass"),
    ("edit a canned reply", "PUT", "/api/v1/staff/canned-replies/{canned}", EMPTY_REPLY,
                                                                           "401 403 403 403 403 pass"),
    ("remove a canned reply", "DELETE", "/api/v1/staff/canned-replies/{canned_removable}", None,
                                                                           "401 403 403 403 403 ok"),
    # credit
    ("own credit", "GET", "/api/v1/credit", None,                          "401 ok ok ok 403 403"),
    ("low-credit threshold", "PUT", "/api/v1/credit/threshold", THRESHOLD, "401 403 ok ok 403 403"),
    ("A's credit (staff)", "GET", "/api/v1/staff/companies/{company_a}/credit", None,
                                                                           "401 403 403 403 ok ok"),
    ("top up A's credit", "POST", "/api/v1/staff/companies/{company_a}/credit", TOP_UP,
                                                                           "401 403 403 403 403 ok"),
    # plans
    ("plans", "GET", "/api/v1/plans", None,                                "ok ok ok ok ok ok"),
    ("request a plan", "POST", "/api/v1/subscriptions", NO_PLAN,           "401 403 pass pass 403 403"),
    ("own plan requests", "GET", "/api/v1/subscriptions", None,            "401 ok ok ok 403 403"),
    ("plan admin", "GET", "/api/v1/staff/plans", None,                     "401 403 403 403 403 ok"),
    ("edit a plan", "PATCH", "/api/v1/staff/plans/{plan_code}", {},        "401 403 403 403 403 pass"),
    ("plan requests", "GET", "/api/v1/staff/subscriptions", None,          "401 403 403 403 403 ok"),
    ("approve A's plan request", "POST", "/api/v1/staff/subscriptions/{subscription_a}/approve", {},
                                                                           "401 403 403 403 403 pass"),
    # invoices: customers read their company's, staff every company's; staff admin issues, pays, credits
    ("own invoices", "GET", "/api/v1/invoices", None,                      "401 ok ok ok ok ok"),
    ("A's invoice", "GET", "/api/v1/invoices/{invoice_a}", None,           "401 ok ok 404 ok ok"),
    ("A's invoice PDF", "GET", "/api/v1/invoices/{invoice_a}/pdf", None,   "401 ok ok 404 ok ok"),
    ("A's invoice ISDOC", "GET", "/api/v1/invoices/{invoice_a}/isdoc", None, "401 ok ok 404 ok ok"),
    ("issue an invoice", "POST", "/api/v1/invoices", MANUAL,               "401 403 403 403 403 pass"),
    ("pay A's invoice", "POST", "/api/v1/invoices/{invoice_a}/payments", NO_PAYMENT,
                                                                           "401 403 403 403 403 pass"),
    ("credit A's invoice", "POST", "/api/v1/invoices/{invoice_a}/credit-notes", NO_REASON,
                                                                           "401 403 403 403 403 pass"),
    # audit and reports
    ("audit log", "GET", "/api/v1/staff/audit", None,                      "401 403 403 403 403 ok"),
    ("reports", "GET", "/api/v1/staff/reports", None,                      "401 403 403 403 403 ok"),
]

PAGES: list[tuple[str, str, str, Any, str]] = [
    ("my account", "GET", "/account", None,                                "login ok ok ok ok ok"),
    ("company page", "GET", "/company", None,                              "login ok ok ok 403 403"),
    ("edit company", "POST", "/company/details", RENAME,                   "login 403 pass pass 403 403"),
    ("fill company from ARES", "POST", "/company/details/ares", RENAME,     "login 403 pass pass 403 403"),
    # open to visitors registering; an IČO already registered is refused (422) before ARES is asked
    ("registration from ARES", "POST", "/register/ares", REGISTERED_ICO,  "pass pass pass pass pass pass"),
    ("orders", "GET", "/orders", None,                                     "login ok ok ok 403 403"),
    ("A's order", "GET", "/orders/{order_a}", None,                        "login ok ok 404 403 403"),
    ("A's ticket", "GET", "/tickets/{ticket_a}", None,                     "login ok ok 404 403 403"),
    ("A's file", "GET", "/attachments/{attachment_a}", None,               "login ok ok 404 ok ok"),
    ("A's image preview", "GET", "/attachments/{attachment_a}/preview", None,
                                                                           "login ok ok 404 ok ok"),
    ("rate A's ticket", "POST", "/tickets/{ticket_a}/rate", GOOD,          "login pass pass 404 403 403"),
    ("a rating link", "GET", "/ticket-rating/not-a-token", None,           "404 404 404 404 404 404"),
    ("rate by a link", "POST", "/ticket-rating/not-a-token", GOOD,         "404 404 404 404 404 404"),
    ("credit", "GET", "/credit", None,                                     "login ok ok ok 403 403"),
    ("entitlements", "GET", "/entitlements", None,                         "login ok ok ok 403 403"),
    ("staff home", "GET", "/staff", None,                                  "login 403 403 403 ok ok"),
    ("order queue", "GET", "/staff/orders", None,                          "login 403 403 403 ok ok"),
    ("A's order (staff)", "GET", "/staff/orders/{order_a}", None,          "login 403 403 403 ok ok"),
    ("approve A's order", "POST", "/staff/orders/{order_a}/approve", NOTE, "login 403 403 403 pass pass"),
    ("ticket queue", "GET", "/staff/tickets", None,                        "login 403 403 403 ok ok"),
    ("A's ticket (staff)", "GET", "/staff/tickets/{ticket_a}", None,       "login 403 403 403 ok ok"),
    ("take A's ticket", "POST", "/staff/tickets/{ticket_a}/take", NOTE,    "login 403 403 403 pass pass"),
    ("log time on A's ticket", "POST", "/staff/tickets/{ticket_a}/time", NO_WORK,
                                                                           "login 403 403 403 pass pass"),
    ("canned reply picker", "GET", "/staff/tickets/{ticket_a}/canned?canned_reply={canned}", None,
                                                                           "login 403 403 403 pass pass"),
    ("canned replies", "GET", "/staff/canned-replies", None,              "login 403 403 403 403 ok"),
    ("a canned reply", "GET", "/staff/canned-replies/{canned}", None,     "login 403 403 403 403 ok"),
    ("add a canned reply", "POST", "/staff/canned-replies", EMPTY_REPLY,  "login 403 403 403 403 pass"),
    ("credit admin", "GET", "/staff/credit", None,                         "login 403 403 403 403 ok"),
    ("plan admin", "GET", "/staff/plans", None,                            "login 403 403 403 403 ok"),
    ("audit log", "GET", "/staff/audit", None,                             "login 403 403 403 403 ok"),
    ("reports", "GET", "/staff/reports", None,                             "login 403 403 403 403 ok"),
    ("invoices", "GET", "/invoices", None,                                 "login ok ok ok 403 403"),
    ("A's invoice", "GET", "/invoices/{invoice_a}", None,                  "login ok ok 404 403 403"),
    ("invoices (staff)", "GET", "/staff/invoices", None,                   "login 403 403 403 ok ok"),
    ("A's invoice (staff)", "GET", "/staff/invoices/{invoice_a}", None,    "login 403 403 403 ok ok"),
    ("new invoice form", "GET", "/staff/invoices/new", None,               "login 403 403 403 403 ok"),
    ("issue an invoice", "POST", "/staff/invoices", {"company_id": ""},    "login 403 403 403 403 pass"),
    ("pay A's invoice", "POST", "/staff/invoices/{invoice_a}/payments", {"amount": ""},
                                                                           "login 403 403 403 403 pass"),
    ("credit A's invoice", "POST", "/staff/invoices/{invoice_a}/credit-notes", NO_REASON,
                                                                           "login 403 403 403 403 pass"),
    ("invoice book", "GET", "/staff/invoices/book/csv?" + BOOK, None,      "login 403 403 403 403 ok"),
    ("mail not filed", "GET", "/staff/mail", None,                         "login 403 403 403 ok ok"),
    ("a stray e-mail", "GET", "/staff/mail/{mail_a}", None,                "login 403 403 403 ok ok"),
    ("file a stray e-mail", "POST", "/staff/mail/{mail_a}/file", FILE_MAIL,
                                                                           "login 403 403 403 pass pass"),
    ("discard a stray e-mail", "POST", "/staff/mail/{mail_a}/discard", None,
                                                                           "login 403 403 403 pass pass"),
]
# fmt: on


def meets(expected: str, status: int, location: str) -> bool:
    if expected == "ok":
        return 200 <= status < 300
    if expected == "pass":
        return 200 <= status < 300 or status in (303, 409, 422)
    if expected == "login":
        return status in (302, 303) and location.startswith("/login")
    return status == int(expected)


async def world(app, stack: AsyncExitStack) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo data, one ticket and one plan request of company A; a signed-in client per role."""
    await load_demo_data()
    ids: dict[str, Any] = {}
    company_a = await Company.select(Company.id).where(Company.ico == "27788644").first()
    company_b = await Company.select(Company.id).where(Company.ico == "45310076").first()
    ids["company_a"], ids["company_b"] = company_a["id"], company_b["id"]
    manager = await PortalUser.select(PortalUser.id).where(PortalUser.email == ACCOUNTS["manager"]).first()
    ids["manager_a"] = manager["id"]
    order = await ServiceOrder.select(ServiceOrder.id).where(ServiceOrder.company == ids["company_a"]).first()
    ids["order_a"] = order["id"]
    canned = await CannedReply.select(CannedReply.id).order_by(CannedReply.id)
    ids["canned"], ids["canned_removable"] = canned[0]["id"], canned[-1]["id"]

    clients: dict[str, Any] = {}
    for role in ROLES:
        clients[role] = await stack.enter_async_context(make_client(app))
        if role in ACCOUNTS:
            answer = await clients[role].post(
                "/api/v1/auth/login", json={"email": ACCOUNTS[role], "password": DEMO_PASSWORD}
            )
            assert answer.status_code == 200, answer.text
    # the other company gets ALC too, so that its refusals are about the tenant, not the contract
    contract = await clients["admin"].post(
        f"/api/v1/staff/companies/{ids['company_b']}/alc-contracts",
        json={"products": ["CATIA V5"], "valid_from": date.today().isoformat(), "valid_until": TOMORROW},
    )
    assert contract.status_code == 201, contract.text
    ticket = await clients["manager"].post(
        "/api/v1/tickets",
        data={
            "subject": "Výkres se neotevře",
            "description": "Chyba při otevření.",
            "priority": "normal",
            "product": "ENOVIA VPM",
        },
        files=[("files", ("snimek.png", png(), "image/png"))],
    )
    assert ticket.status_code == 201, ticket.text
    ids["ticket_a"] = ticket.json()["id"]
    ids["attachment_a"] = ticket.json()["messages"][0]["attachments"][0]["id"]
    # an e-mail to the support mailbox the poller could not file
    raw = b"From: someone@elsewhere.example\r\nSubject: Hello\r\nMessage-ID: <m@x.example>\r\n\r\nHi\r\n"
    stray = InboundMail(
        message_id="<m@x.example>", status="not_filed", reason="unknown_sender", raw=raw, text="Hi"
    )
    ids["mail_a"] = (await InboundMail.insert(stray).returning(InboundMail.id))[0]["id"]
    plans = (await clients["manager"].get("/api/v1/plans")).json()
    ids["plan_code"] = next(plan["code"] for plan in plans if plan["kind"] == "sbp")
    request = await clients["manager"].post("/api/v1/subscriptions", json={"plan_code": ids["plan_code"]})
    assert request.status_code == 201, request.text
    ids["subscription_a"] = request.json()["id"]
    invoice = await clients["admin"].post(
        "/api/v1/invoices",
        json={
            "company_id": ids["company_a"],
            "lines": [{"description": "Matice", "quantity": 1, "unit_price": 100}],
        },
    )
    assert invoice.status_code == 201, invoice.text
    ids["invoice_a"] = invoice.json()["id"]
    return ids, clients


async def walk(clients, ids, cells, *, form: bool) -> list[str]:
    wrong = []
    for what, method, template, body, expected_row in cells:
        path = template.format(**ids)
        for role, expected in zip(ROLES, expected_row.split(), strict=True):
            client = clients[role]
            if body is None:
                response = await client.request(method, path)
            elif form:
                response = await client.request(method, path, data=body)
            else:
                response = await client.request(method, path, json=body)
            if not meets(expected, response.status_code, response.headers.get("location", "")):
                got = response.status_code
                wrong.append(f"{what:32} {method:5} {path:44} {role:9} expected {expected:5} got {got}")
    return wrong


@pytest.mark.db
async def test_access_matrix_through_the_api_and_the_pages(app, db) -> None:
    async with AsyncExitStack() as stack:
        ids, clients = await world(app, stack)
        wrong = await walk(clients, ids, API, form=False)
        wrong += await walk(clients, ids, PAGES, form=True)
    assert not wrong, "cells that answered otherwise than stated:\n" + "\n".join(wrong)


@pytest.mark.db
async def test_mass_assigned_fields_are_ignored(app, db) -> None:
    """company_id, role, balance, status and ids sent in a body or form change nothing they name."""
    async with AsyncExitStack() as stack:
        ids, clients = await world(app, stack)
        manager, other = clients["manager"], clients["other"]
        balance_before = (await manager.get("/api/v1/credit")).json()["balance"]

        order = await manager.post(
            "/api/v1/orders",
            json={
                "service_code": "TRAINING",
                "quantity": 1,
                "description": "Školení pro nové kolegy v Jihlavě.",
                "delivery": "remote",
                "billing": "pay",
                "company_id": ids["company_b"],
                "status": "approved",
                "id": 1,
                "number": "OBJ-HACK",
                "estimate": {"net": 1, "vat": 0, "gross": 1},
                "created_by": ids["manager_a"],
            },
        )
        assert order.status_code == 201, order.text
        created = await ServiceOrder.select().where(ServiceOrder.id == order.json()["id"]).first()
        assert created["company"] == ids["company_a"] and created["status"] == "submitted"
        assert order.json()["number"] != "OBJ-HACK" and order.json()["estimate"]["net"] > 1

        await manager.patch(
            "/api/v1/company", json={"city": "Třebíč", "ico": "45310076", "id": ids["company_b"]}
        )
        company_b = await Company.select().where(Company.id == ids["company_b"]).first()
        assert company_b["city"] != "Třebíč"
        assert (await Company.select(Company.ico).where(Company.id == ids["company_a"]).first())[
            "ico"
        ] == "27788644"

        for client in (manager, other):
            await client.put("/api/v1/me/language", json={"language": "en", "role": "staff_admin"})
            await client.patch("/api/v1/company", json={"role": "staff_admin", "is_active": False})
            await client.put("/api/v1/credit/threshold", json={"threshold": 100, "balance": 10**12})
            await client.post(
                "/company/details",
                data={"name": "Firma s.r.o.", "role": "staff_admin", "company_id": str(ids["company_a"])},
            )
        roles = {
            row["email"]: row["role"] for row in await PortalUser.select(PortalUser.email, PortalUser.role)
        }
        assert roles[ACCOUNTS["manager"]] == roles[ACCOUNTS["other"]] == "customer_manager"
        assert (await manager.get("/api/v1/credit")).json()["balance"] == balance_before
        assert await CreditAccount.count().where(CreditAccount.company == ids["company_b"]) <= 1
        assert (await other.get("/api/v1/credit")).json()["balance"] == 0

        registered = await clients["anonymous"].post(
            "/api/v1/auth/register",
            json={
                "company": {
                    "name": "Nová s.r.o.",
                    "ico": "25596641",
                    "balance": 10**9,
                    "id": ids["company_a"],
                },
                "user": {
                    "email": "nova@example.cz",
                    "password": "correct horse battery",
                    "full_name": "Nová",
                    "role": "staff_admin",
                    "company_id": ids["company_a"],
                },
            },
        )
        assert registered.status_code == 201, registered.text
        assert registered.json()["user"]["role"] == "customer_manager"
        assert registered.json()["company"]["id"] != ids["company_a"]
        assert (await clients["anonymous"].get("/api/v1/credit")).json()["balance"] == 0


@pytest.mark.db
async def test_access_matrix_with_api_tokens_in_place_of_sessions(app, db) -> None:
    """The same API table once more, each role sending a read-write API token and no cookie: a
    token carries exactly its owner's rights."""
    import httpx

    async with AsyncExitStack() as stack:
        ids, sessions = await world(app, stack)
        expires = (date.today() + timedelta(days=30)).isoformat()
        clients: dict[str, Any] = {"anonymous": sessions["anonymous"]}
        for role in ACCOUNTS:
            made = await sessions[role].post(
                "/api/v1/me/tokens", json={"name": "matrix", "scope": "read_write", "expires_on": expires}
            )
            assert made.status_code == 201, made.text
            clients[role] = await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50002)),
                    base_url="http://testserver.local",
                    headers={"authorization": f"Bearer {made.json()['token']}"},
                )
            )
            await sessions[role].post("/api/v1/auth/logout")  # the token outlives the session
        wrong = await walk(clients, ids, API, form=False)
    assert not wrong, "cells that answered otherwise than stated:\n" + "\n".join(wrong)
