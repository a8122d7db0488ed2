"""Company details from ARES, the Czech business register, through its public REST API
(``GET {ARES_BASE_URL}/ekonomicke-subjekty/{ico}``).

ARES only helps: whatever it answers, the person can type the details themselves. An IČO it does
not know is NotFound; no answer in time, a refused connection, a 5xx or a body that is not the
documented JSON is Unavailable. Look-ups are counted per client address (registration) or per
user, so the portal cannot be used to scrape the register."""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import msgspec

from backend.accounts import domain, services, throttle
from backend.accounts.domain import Actor
from backend.accounts.schemas import AresCompanyOut
from backend.errors import N_, InvalidInput, MalformedInput, NotFound, Unavailable
from backend.settings import get_settings

logger = logging.getLogger("portal.ares")

NOT_FOUND = N_("ARES does not know the company ID (IČO) %(ico)s; fill in the details yourself.")
UNAVAILABLE = N_("ARES is not answering right now; fill in the details yourself, or try again in a while.")
FILLED = N_("We filled in the details from ARES; check them.")
MAX_BODY_BYTES = 256 * 1024  # one subject is a few kilobytes
# the form fields a look-up fills in, in the order the forms show them
FILLED_FIELDS = ("name", "dic", "street", "city", "postal_code")


class UnreadableAnswer(ValueError):
    """ARES answered something other than its documented JSON."""


class _Seat(msgspec.Struct, rename="camel"):
    """``sidlo``: the registered address (numbers are JSON numbers; text where ARES sends it so)."""

    nazev_ulice: str | None = None
    cislo_domovni: int | str | None = None
    cislo_orientacni: int | str | None = None
    cislo_orientacni_pismeno: str | None = None
    nazev_obce: str | None = None
    nazev_casti_obce: str | None = None
    psc: int | str | None = None
    kod_statu: str | None = None
    textova_adresa: str | None = None


class _Subject(msgspec.Struct, rename="camel"):
    ico: str
    obchodni_jmeno: str
    dic: str | None = None
    sidlo: _Seat | None = None


class _Error(msgspec.Struct):
    kod: str | None = None  # "NENALEZENO" for an IČO the register does not know


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def street_line(seat: _Seat) -> str:
    """The street the Czech way: ``Technická 2896/2`` (street, house number / orientation number
    and its letter); a village without streets names its part: ``Lhota 12``."""
    number = _text(seat.cislo_domovni)
    if seat.cislo_orientacni is not None:
        oriented = _text(seat.cislo_orientacni) + _text(seat.cislo_orientacni_pismeno)
        number = f"{number}/{oriented}" if number else oriented
    place = _text(seat.nazev_ulice) or _text(seat.nazev_casti_obce) or _text(seat.nazev_obce)
    if number:
        return f"{place} {number}".strip()
    if seat.nazev_ulice:
        return place
    # nothing structured (an address abroad, say): the register's one-line address up to the first comma
    return _text(seat.textova_adresa).split(",")[0].strip()


def postal_code(psc: int | str | None) -> str:
    """``61200`` (a number in ARES) → ``612 00``; anything that is not five digits stays as sent."""
    digits = re.sub(r"\s+", "", _text(psc))
    if digits.isdigit() and len(digits) <= 5:
        digits = digits.zfill(5)
        return f"{digits[:3]} {digits[3:]}"
    return _text(psc)


def company_from_register(body: bytes, ico: str) -> AresCompanyOut:
    """The details from a body in ARES's documented JSON shape (UnreadableAnswer if it is not)."""
    try:
        subject = msgspec.json.decode(body, type=_Subject)
    except msgspec.DecodeError as error:
        raise UnreadableAnswer(str(error)) from error
    if subject.ico.strip().zfill(8) != ico or not _text(subject.obchodni_jmeno):
        raise UnreadableAnswer(f"the answer is about {subject.ico!r}, named {subject.obchodni_jmeno!r}")
    seat = subject.sidlo or _Seat()
    return AresCompanyOut(
        ico=ico,
        name=_text(subject.obchodni_jmeno),
        dic=_text(subject.dic).replace(" ", "").upper() or None,
        street=street_line(seat),
        city=_text(seat.nazev_obce),
        postal_code=postal_code(seat.psc),
        country_code=_text(seat.kod_statu) or "CZ",
        address=_text(seat.textova_adresa),
    )


def _is_not_found(status: int, body: bytes) -> bool:
    if status == 404:
        return True
    try:
        return msgspec.json.decode(body, type=_Error).kod == "NENALEZENO"
    except msgspec.DecodeError:
        return False


async def _get(url: str) -> tuple[int, bytes]:
    async with httpx.AsyncClient(follow_redirects=False) as client:
        async with client.stream("GET", url, headers={"accept": "application/json"}) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise UnreadableAnswer(f"more than {MAX_BODY_BYTES} bytes")
            return response.status_code, bytes(body)


async def fetch_company(ico: str) -> AresCompanyOut:
    """Ask ARES about a valid 8-digit IČO: NotFound or Unavailable when it cannot tell."""
    settings = get_settings()
    url = f"{settings.ares_base_url}/ekonomicke-subjekty/{ico}"
    try:
        # one deadline for the whole exchange: a register that trickles its answer is not answering
        async with asyncio.timeout(settings.ares_timeout_seconds):
            status, body = await _get(url)
        if _is_not_found(status, body):
            raise NotFound(NOT_FOUND, field="ico", ico=ico)
        if status != 200:
            raise UnreadableAnswer(f"HTTP {status}")
        return company_from_register(body, ico)
    except (TimeoutError, httpx.HTTPError, UnreadableAnswer) as error:
        logger.warning("ARES did not answer for %s: %r", ico, error)
        raise Unavailable(UNAVAILABLE, field="ico") from error


def checked_ico(raw: str) -> str:
    """The 8-digit IČO to look up; a malformed one (400) is never sent to ARES."""
    try:
        return domain.normalize_ico(raw)
    except InvalidInput as error:
        raise MalformedInput(error.message, field="ico", **error.params) from error


async def look_up(actor: Actor, raw_ico: str) -> AresCompanyOut:
    """A signed-in user's look-up (the API), counted per user."""
    ico = checked_ico(raw_ico)
    await throttle.spend_ares_lookup(f"user:{actor.id}")
    return await fetch_company(ico)


async def look_up_for_registration(raw_ico: str, client_address: str) -> AresCompanyOut:
    """A visitor registering: only an IČO that could be registered is looked up (InvalidInput
    otherwise, as the form's field says), counted per client address."""
    if problem := await services.ico_problem(raw_ico):
        raise problem
    ico = domain.normalize_ico(raw_ico)
    await throttle.spend_ares_lookup(f"address:{client_address}")
    return await fetch_company(ico)


async def look_up_own_company(actor: Actor) -> AresCompanyOut:
    """The company manager refreshes the company's details from its own (fixed) IČO."""
    services.require_manager(actor)
    company = await services.get_company(actor)
    await throttle.spend_ares_lookup(f"user:{actor.id}")
    return await fetch_company(company.ico)


def filled_in(typed: dict[str, str], found: AresCompanyOut) -> tuple[dict[str, str], dict[str, str]]:
    """The form's values with what ARES knows written over them, and what the person had typed
    that ARES replaced (field → the typed value), for the page to show. A field ARES leaves
    empty keeps what was typed."""
    values = dict(typed)
    replaced: dict[str, str] = {}
    for field in FILLED_FIELDS:
        new = getattr(found, field) or ""
        if not new:
            continue
        old = " ".join((typed.get(field) or "").split())
        if old and old != new:
            replaced[field] = old
        values[field] = new
    return values, replaced
