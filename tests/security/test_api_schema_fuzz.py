"""schemathesis against the app's own OpenAPI document, signed in as each role, over HTTP to a
real `portal serve` process on PostgreSQL: no 5xx, every answer's status, content type and body as
the document says, and data that breaks the schema refused.

A bounded number of examples per operation keeps it within CI time; the examples are
deterministic, so a failure reproduces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.generation import GenerationMode

from backend.app import create_app
from tests.processes import served_portal

EXAMPLES_PER_OPERATION = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "10"))
DEMO_PASSWORD = "demo-portal-2026"
ROLES = {
    "anonymous": None,
    "customer_member": "konstrukter@vysocina.example",
    "customer_manager": "spravce@vysocina.example",
    "staff": "technik@podpora.example",
    "staff_admin": "vedouci@podpora.example",
}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]

schema = schemathesis.openapi.from_dict(create_app().openapi_schema.to_schema())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
    allow_x00=False,
)
# schemathesis's coverage phase (every boundary of every field) takes minutes on ~70 operations;
# the explicit examples and the random fuzzing fit CI time
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def portal():
    """`portal serve` on the test database, with the demo data (a member, a manager, staff)."""
    # nothing is sent from it: the webhooks the fuzzing registers point anywhere, and resolving
    # their host names is not this test's business
    with served_portal(
        os.environ["DATABASE_URL"],
        demo_data=True,
        NOTIFICATION_INTERVAL_SECONDS="0",
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES="1",
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def role_sessions(portal) -> Iterator[dict[str, requests.Session]]:
    sessions: dict[str, requests.Session] = {}
    for role, email in ROLES.items():
        session = requests.Session()
        token = session.get(f"{portal}/api/v1/auth/csrf", timeout=10).json()["token"]
        session.headers["x-csrftoken"] = token
        if email:
            answer = session.post(
                f"{portal}/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["user"]["role"] == role
            # signing in rotated the CSRF token: the session's own from now on
            session.headers["x-csrftoken"] = session.get(f"{portal}/api/v1/auth/csrf", timeout=10).json()[
                "token"
            ]
        sessions[role] = session
    yield sessions
    # every role was still itself at the end, so no case ran signed out by accident
    for role, session in sessions.items():
        if role != "anonymous":
            me = session.get(f"{portal}/api/v1/me", timeout=10)
            assert me.status_code == 200 and me.json()["user"]["role"] == role, (role, me.status_code)


@pytest.fixture(scope="module")
def role_tokens(portal, role_sessions) -> dict[str, requests.Session]:
    """A read-write API token per role, sent as a bearer with no cookie and no CSRF token."""
    from datetime import date, timedelta

    tokens: dict[str, requests.Session] = {}
    for role in ("customer_manager", "staff_admin"):
        made = role_sessions[role].post(
            f"{portal}/api/v1/me/tokens",
            json={
                "name": "fuzz",
                "scope": "read_write",
                "expires_on": str(date.today() + timedelta(days=300)),
            },
            timeout=10,
        )
        assert made.status_code == 201, made.text
        bearer = requests.Session()
        bearer.headers["authorization"] = f"Bearer {made.json()['token']}"
        tokens[role] = bearer
    return tokens


# Signed-in roles skip the sign-in endpoints (a lucky registration would swap their session for
# a new company's) and the call that ends their other sessions; anonymous callers try them all.
# Each role is fuzzed on the operations meant for it; that every other role is refused them is
# the access matrix's job (test_access_matrix.py).
# A manager deactivating a colleague would sign the member out half-way; that is the matrix's job.
signed_in = schema.exclude(path_regex=r"^/api/v1/auth/|^/api/v1/me/sessions/end-others$|/deactivate$")
customer_schema = signed_in.exclude(path_regex=r"^/api/v1/staff/")
staff_schema = signed_in.include(path_regex=r"^/api/v1/(staff/|me|services|plans)")
FUZZ_SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_documented_to_anonymous_callers(case, portal, role_sessions) -> None:
    anonymous = role_sessions["anonymous"]
    anonymous.cookies.pop("portal_session", None)  # a lucky registration must not sign it in for good
    case.call_and_validate(base_url=portal, session=anonymous, checks=CHECKS)


@pytest.mark.parametrize("role", ["customer_member", "customer_manager"])
@customer_schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_documented_to_customers(case, role, portal, role_sessions) -> None:
    case.call_and_validate(base_url=portal, session=role_sessions[role], checks=CHECKS)


@pytest.mark.parametrize("role", ["staff", "staff_admin"])
@staff_schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_documented_to_staff(case, role, portal, role_sessions) -> None:
    case.call_and_validate(base_url=portal, session=role_sessions[role], checks=CHECKS)


def _as_token(case, portal, bearer: requests.Session) -> None:
    response = case.call(base_url=portal, session=bearer)
    assert "set-cookie" not in response.headers
    case.validate_response(response, checks=CHECKS)


@customer_schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_documented_to_a_customer_s_api_token(case, portal, role_tokens) -> None:
    _as_token(case, portal, role_tokens["customer_manager"])


@staff_schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_documented_to_a_staff_admin_s_api_token(case, portal, role_tokens) -> None:
    _as_token(case, portal, role_tokens["staff_admin"])
