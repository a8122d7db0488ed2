"""The one settings object, read from the environment with safe development defaults."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-secret-do-not-use-in-production"  # noqa: S105 - the known dev value
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'portal.sqlite3'}"
# Hotline reaction times for customers with ALC only, in business minutes (Mon–Fri 8:00–16:30)
DEFAULT_ALC_TARGETS = (
    '{"critical": {"first_response": 240, "resolution": 1530},'
    ' "high": {"first_response": 510, "resolution": 2550},'
    ' "normal": {"first_response": 1020, "resolution": 5100},'
    ' "low": {"first_response": 2550, "resolution": 10200}}'
)


class SettingsError(RuntimeError):
    """The environment describes a configuration the portal refuses to run with."""


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str
    debug: bool
    secret_key: str
    database_url: str
    smtp_url: str
    host: str
    port: int
    public_base_url: str
    allowed_hosts: tuple[str, ...]
    vat_rate_percent: int
    contact_name: str
    contact_email: str
    contact_phone: str
    reseller_name: str  # who runs the portal, in the header beside the logo
    reseller_logo: str  # a same-site address (the CSP allows images from 'self' only)
    default_language: str
    invitation_valid_days: int
    session_idle_minutes: int
    session_absolute_hours: int
    credit_expiry_interval_seconds: int
    alc_targets: str  # JSON: {priority: {first_response, resolution}} in business minutes
    mail_from: str
    notification_interval_seconds: int
    login_failures_per_account: int
    login_failures_per_address: int
    login_throttle_minutes: int
    password_reset_valid_minutes: int
    catalogue_cache_seconds: int = 5  # how long an app process keeps the catalogue list
    # failures per (account, client address) refuse that pair; the account as a whole is refused
    # only past this higher ceiling, so a stranger cannot keep the owner locked out
    login_failures_account_ceiling: int = 50
    two_factor_required_for_staff: bool = False  # on by default in production
    email_max_attempts: int = 10  # then the message is given up and the staff told
    webhook_allow_private_addresses: bool = False  # tests (a receiver on loopback) and intranets
    webhook_timeout_seconds: int = 10
    webhook_disable_after_failures: int = 15  # failed attempts in a row
    email_checks_per_address: int = 10  # inline "already registered" hints per client address
    # the reseller as its documents name it (the printed quote's supplier)
    supplier_name: str = "PLM Podpora s.r.o."
    supplier_street: str = "Technická 12"
    supplier_city: str = "Brno"
    supplier_postal_code: str = "612 00"
    supplier_ico: str = "27485919"
    supplier_dic: str = "CZ27485919"
    supplier_bank_account: str = "2001234567/2010"
    supplier_iban: str = "CZ4720100000002001234567"  # the same account, for ISDOC and the QR payment
    supplier_bic: str = "FIOBCZPPXXX"
    # invoices
    invoice_due_days: int = 14
    invoice_interval_seconds: int = 3600  # SLA monthly fees and overdue reminders, every so often
    invoice_reminder_every_days: int = 7  # overdue: reminded once, then weekly ...
    invoice_reminder_cap: int = 4  # ... at most this many times
    # ARES, the Czech business register (its public REST API)
    ares_base_url: str = "https://ares.gov.cz/ekonomicke-subjekty-v-be/rest"
    ares_timeout_seconds: int = 5
    # look-ups in ARES per window (LOGIN_THROTTLE_MINUTES) per client address at registration,
    # per user when signed in: the portal must not become a way to scrape the register
    ares_lookups_per_window: int = 20
    # Hotline attachments
    attachment_max_file_bytes: int = 25 * 1024 * 1024
    attachment_max_ticket_bytes: int = 100 * 1024 * 1024
    attachment_store: str = "database"  # or "filesystem" (files under attachment_dir)
    attachment_dir: str = str(PROJECT_ROOT / "var" / "attachments")
    # e-mail in: the mailbox the replies reach (off when unset), and how often it is read
    imap_url: str = ""
    mail_fetch_interval_seconds: int = 60
    # the support mailbox the replies go to, plus-addressed per ticket (default: MAIL_FROM's address)
    mail_reply_address: str = ""

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        """Path of the embedded database file (``sqlite:///relative`` or ``sqlite:////absolute``)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def cookies_secure(self) -> bool:
        return self.public_base_url.startswith("https://")

    def check(self) -> None:
        """Refuse configurations that must never serve real users."""
        if self.is_production and self.secret_key == DEVELOPMENT_SECRET:
            raise SettingsError(
                "Refusing to start in production with the development SECRET_KEY: "
                "set SECRET_KEY to a long random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        if self.is_production and len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters in production.")
        if not (self.database_url.startswith("sqlite:///") or self.database_url.startswith("postgres")):
            raise SettingsError(
                "DATABASE_URL must start with sqlite:/// (embedded) or postgresql:// (production), "
                f"got {self.database_url!r}"
            )
        from backend.errors import InvalidInput
        from backend.sla.domain import parse_targets

        try:
            parse_targets(json.loads(self.alc_targets))
        except (ValueError, InvalidInput) as exc:
            raise SettingsError(
                "ALC_TARGETS must be JSON like the default in settings.py: first-response and resolution "
                "business minutes for critical, high, normal and low."
            ) from exc
        if self.default_language not in ("cs", "en"):
            raise SettingsError("DEFAULT_LANGUAGE must be cs or en.")
        if min(self.login_failures_per_account, self.login_failures_per_address) < 1:
            raise SettingsError("LOGIN_FAILURES_PER_ACCOUNT and LOGIN_FAILURES_PER_ADDRESS must be positive.")
        if min(self.login_throttle_minutes, self.password_reset_valid_minutes) < 1:
            raise SettingsError("LOGIN_THROTTLE_MINUTES and PASSWORD_RESET_VALID_MINUTES must be positive.")
        if self.is_production and "*" in self.allowed_hosts:
            raise SettingsError(
                "Refusing to start in production with ALLOWED_HOSTS=*: list the host names the portal "
                "answers to (e.g. ALLOWED_HOSTS=portal.example.cz)."
            )
        if (
            min(self.email_max_attempts, self.webhook_timeout_seconds, self.webhook_disable_after_failures)
            < 1
        ):
            raise SettingsError(
                "EMAIL_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_SECONDS and WEBHOOK_DISABLE_AFTER_FAILURES "
                "must be positive."
            )
        if not (len(self.supplier_ico) == 8 and self.supplier_ico.isdigit()):
            raise SettingsError("SUPPLIER_ICO must be the supplier's 8-digit company ID (IČO).")
        if not 0 <= self.vat_rate_percent <= 100:
            raise SettingsError("VAT_RATE_PERCENT must be between 0 and 100.")
        from stdnum import iban

        if not iban.is_valid(self.supplier_iban):
            raise SettingsError("SUPPLIER_IBAN must be a valid IBAN (CZ and 22 digits for a Czech account).")
        if self.invoice_due_days < 0 or min(self.invoice_reminder_every_days, self.ares_timeout_seconds) < 1:
            raise SettingsError(
                "INVOICE_DUE_DAYS must not be negative; INVOICE_REMINDER_EVERY_DAYS and "
                "ARES_TIMEOUT_SECONDS must be positive."
            )
        if self.ares_lookups_per_window < 1:
            raise SettingsError("ARES_LOOKUPS_PER_WINDOW must be positive.")
        if min(self.attachment_max_file_bytes, self.attachment_max_ticket_bytes) < 1:
            raise SettingsError("ATTACHMENT_MAX_FILE_BYTES and ATTACHMENT_MAX_TICKET_BYTES must be positive.")
        if self.attachment_store not in ("database", "filesystem"):
            raise SettingsError("ATTACHMENT_STORE must be database or filesystem.")
        if self.imap_url:
            from backend.mailin.imap import parse_imap_url

            try:
                parse_imap_url(self.imap_url)
            except ValueError as exc:
                raise SettingsError(f"{exc} (percent-encode @ : / in the user and password).") from exc


def load_settings() -> Settings:
    environment = os.environ.get("PORTAL_ENV", "development").strip().lower()
    port = _env_int("PORT", 8000)
    host = os.environ.get("HOST", "127.0.0.1")
    base_url = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/")
    allowed = os.environ.get("ALLOWED_HOSTS", "")
    # the default: the public host name, and the loopback names a local browser or healthcheck uses
    default_hosts = tuple(
        dict.fromkeys((urlsplit(base_url).hostname or "127.0.0.1", "localhost", "127.0.0.1"))
    )
    return Settings(
        environment=environment,
        debug=_env_bool("DEBUG", environment == "development"),
        secret_key=os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET),
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        smtp_url=os.environ.get("SMTP_URL", "smtp://127.0.0.1:1025"),
        host=host,
        port=port,
        public_base_url=base_url,
        allowed_hosts=tuple(h.strip().lower() for h in allowed.split(",") if h.strip()) or default_hosts,
        vat_rate_percent=_env_int("VAT_RATE_PERCENT", 21),
        contact_name=os.environ.get("CONTACT_NAME", "Michal Kopecký"),
        contact_email=os.environ.get("CONTACT_EMAIL", "michal.kopecky@dytron.cz"),
        contact_phone=os.environ.get("CONTACT_PHONE", "+420 737 200 530"),
        reseller_name=os.environ.get("RESELLER_NAME", "Dytron"),
        reseller_logo=os.environ.get("RESELLER_LOGO", "/static/logo.svg"),
        default_language=os.environ.get("DEFAULT_LANGUAGE", "cs"),
        invitation_valid_days=_env_int("INVITATION_VALID_DAYS", 7),
        session_idle_minutes=_env_int("SESSION_IDLE_MINUTES", 120),
        session_absolute_hours=_env_int("SESSION_ABSOLUTE_HOURS", 12),
        credit_expiry_interval_seconds=_env_int("CREDIT_EXPIRY_INTERVAL_SECONDS", 3600),
        alc_targets=os.environ.get("ALC_TARGETS", DEFAULT_ALC_TARGETS),
        mail_from=os.environ.get("MAIL_FROM", "Technická podpora <podpora@example.cz>"),
        notification_interval_seconds=_env_int("NOTIFICATION_INTERVAL_SECONDS", 15),
        login_failures_per_account=_env_int("LOGIN_FAILURES_PER_ACCOUNT", 5),
        login_failures_per_address=_env_int("LOGIN_FAILURES_PER_ADDRESS", 20),
        login_throttle_minutes=_env_int("LOGIN_THROTTLE_MINUTES", 15),
        password_reset_valid_minutes=_env_int("PASSWORD_RESET_VALID_MINUTES", 60),
        catalogue_cache_seconds=_env_int("CATALOGUE_CACHE_SECONDS", 5),
        login_failures_account_ceiling=_env_int("LOGIN_FAILURES_ACCOUNT_CEILING", 50),
        two_factor_required_for_staff=_env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", environment == "production"),
        email_max_attempts=_env_int("EMAIL_MAX_ATTEMPTS", 10),
        webhook_allow_private_addresses=_env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False),
        webhook_timeout_seconds=_env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        webhook_disable_after_failures=_env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 15),
        email_checks_per_address=_env_int("EMAIL_CHECKS_PER_ADDRESS", 10),
        supplier_name=os.environ.get("SUPPLIER_NAME", "PLM Podpora s.r.o."),
        supplier_street=os.environ.get("SUPPLIER_STREET", "Technická 12"),
        supplier_city=os.environ.get("SUPPLIER_CITY", "Brno"),
        supplier_postal_code=os.environ.get("SUPPLIER_POSTAL_CODE", "612 00"),
        supplier_ico=os.environ.get("SUPPLIER_ICO", "27485919"),
        supplier_dic=os.environ.get("SUPPLIER_DIC", "CZ27485919"),
        supplier_bank_account=os.environ.get("SUPPLIER_BANK_ACCOUNT", "2001234567/2010"),
        supplier_iban=os.environ.get("SUPPLIER_IBAN", "CZ4720100000002001234567").replace(" ", ""),
        supplier_bic=os.environ.get("SUPPLIER_BIC", "FIOBCZPPXXX"),
        invoice_due_days=_env_int("INVOICE_DUE_DAYS", 14),
        invoice_interval_seconds=_env_int("INVOICE_INTERVAL_SECONDS", 3600),
        invoice_reminder_every_days=_env_int("INVOICE_REMINDER_EVERY_DAYS", 7),
        invoice_reminder_cap=_env_int("INVOICE_REMINDER_CAP", 4),
        ares_base_url=os.environ.get(
            "ARES_BASE_URL", "https://ares.gov.cz/ekonomicke-subjekty-v-be/rest"
        ).rstrip("/"),
        ares_timeout_seconds=_env_int("ARES_TIMEOUT_SECONDS", 5),
        ares_lookups_per_window=_env_int("ARES_LOOKUPS_PER_WINDOW", 20),
        attachment_max_file_bytes=_env_int("ATTACHMENT_MAX_FILE_BYTES", 25 * 1024 * 1024),
        attachment_max_ticket_bytes=_env_int("ATTACHMENT_MAX_TICKET_BYTES", 100 * 1024 * 1024),
        attachment_store=os.environ.get("ATTACHMENT_STORE", "database").strip().lower(),
        attachment_dir=os.environ.get("ATTACHMENT_DIR", str(PROJECT_ROOT / "var" / "attachments")),
        imap_url=os.environ.get("IMAP_URL", ""),
        mail_fetch_interval_seconds=_env_int("MAIL_FETCH_INTERVAL_SECONDS", 60),
        mail_reply_address=os.environ.get("MAIL_REPLY_ADDRESS", "").strip(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = load_settings()
    settings.check()
    return settings
