"""create_app(): plugins, middleware, lifespan and every controller in one place."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend import formatting, i18n
from backend.accounts import account_web, company_web, security_web
from backend.accounts import api as accounts_api
from backend.accounts import web as accounts_web
from backend.accounts.csrf import CsrfMiddleware
from backend.accounts.middleware import SessionMiddleware
from backend.alc import api as alc_api
from backend.alc import web as alc_web
from backend.attachments import api as attachments_api
from backend.attachments import web as attachments_web
from backend.audit import api as audit_api
from backend.audit import web as audit_web
from backend.canned import api as canned_api
from backend.canned import web as canned_web
from backend.catalog import api as catalog_api
from backend.catalog import web as catalog_web
from backend.companies import web as companies_web
from backend.credit import api as credit_api
from backend.credit import web as credit_web
from backend.credit.scheduler import expiry_schedule
from backend.db import database_lifespan
from backend.entitlements import api as entitlements_api
from backend.entitlements import web as entitlements_web
from backend.invoices import api as invoices_api
from backend.invoices import staff_web as invoices_staff_web
from backend.invoices import web as invoices_web
from backend.invoices.scheduler import invoice_schedule
from backend.mailin import web as mailin_web
from backend.mailin.poller import mail_poller
from backend.notifications.sender import notification_sender
from backend.openapi import document_problems
from backend.ops.api import health, ready
from backend.orders import api as orders_api
from backend.orders import quote_document
from backend.orders import staff_web as orders_staff_web
from backend.orders import web as orders_web
from backend.plans import api as plans_api
from backend.plans import web as plans_web
from backend.problems import EXCEPTION_HANDLERS
from backend.protection import check_host, security_headers
from backend.public import web as public_web
from backend.reports import web as reports_web
from backend.settings import PROJECT_ROOT, Settings, get_settings
from backend.sla import api as sla_api
from backend.sla import web as sla_web
from backend.staff import web as staff_web
from backend.strict_input import check_request
from backend.tickets import api as tickets_api
from backend.tickets import web as tickets_web
from backend.webhooks import api as webhooks_api
from backend.webhooks import web as webhooks_web

TEMPLATES_DIR = PROJECT_ROOT / "frontend" / "templates"
STATIC_DIR = PROJECT_ROOT / "frontend" / "static"
VENDOR_DIR = PROJECT_ROOT / "frontend" / "node_modules"


def jinja_environment(settings: Settings) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        # trim_blocks only: stripping the indentation before block tags would glue attributes
        # written on their own line onto the previous one (requiredaria-invalid=…)
        trim_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, pgettext=i18n.pgettext, newstyle=True
    )
    # the same newstyle gettext, without a round through the template context per call
    environment.globals.update(gettext=i18n.template_gettext, _=i18n.template_gettext)
    environment.globals.update(
        settings=settings,
        current_language=i18n.current_language,
        languages=i18n.LANGUAGES,
        per_unit=formatting.PER_UNIT,
        rate_labels=formatting.RATE_LABELS,
    )
    environment.filters.update(
        datetime=formatting.format_datetime,
        date=formatting.format_date,
        month=formatting.format_month,
        czk=formatting.format_money,
        amount_input=formatting.amount_input,
        quantity=formatting.format_quantity,
        age=formatting.format_age,
        duration=formatting.format_duration,
        due=formatting.format_due,
        file_size=formatting.format_file_size,
    )
    return environment


def answer_head_like_get(app: ASGIApp) -> ASGIApp:
    """HEAD gets the headers GET would (RFC 9110 9.3.2) and no body. Litestar routes HEAD only to
    handlers declared for it and refuses a body-returning handler for HEAD, so every page would
    answer 405 to monitors and link checkers; the request is handled as a GET and the body dropped."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await app({**scope, "method": "GET"}, receive, send_headers_only)  # type: ignore[arg-type]

    return handle


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    app = _litestar(settings)
    app.asgi_handler = check_host(answer_head_like_get(app.asgi_handler))
    return app


def _litestar(settings: Settings) -> Litestar:
    vendor_dirs: list[Path] = [VENDOR_DIR / "htmx.org" / "dist", VENDOR_DIR / "@picocss" / "pico" / "css"]
    app = Litestar(
        route_handlers=[
            health,
            ready,
            accounts_api.AuthController,
            accounts_api.MeController,
            accounts_api.CompanyController,
            accounts_api.StaffUserController,
            accounts_api.AresController,
            catalog_api.CatalogController,
            catalog_api.CatalogAdminController,
            orders_api.OrderController,
            orders_api.StaffOrderController,
            credit_api.CreditController,
            credit_api.StaffCreditController,
            plans_api.PlanController,
            plans_api.SubscriptionController,
            plans_api.StaffPlanController,
            plans_api.StaffSubscriptionController,
            tickets_api.TicketController,
            tickets_api.StaffTicketController,
            attachments_api.AttachmentController,
            canned_api.CannedReplyController,
            entitlements_api.EntitlementsController,
            entitlements_api.StaffEntitlementsController,
            alc_api.StaffAlcController,
            sla_api.StaffCompanySlaController,
            sla_api.StaffSlaController,
            audit_api.AuditController,
            webhooks_api.StaffWebhookController,
            invoices_api.InvoiceController,
            reports_web.ReportsController,
            accounts_web.router,
            company_web.router,
            account_web.router,
            security_web.router,
            public_web.router,
            staff_web.router,
            catalog_web.router,
            orders_web.router,
            orders_staff_web.router,
            quote_document.customer_router,
            quote_document.staff_router,
            credit_web.router,
            plans_web.router,
            entitlements_web.router,
            tickets_web.router,
            attachments_web.router,
            canned_web.router,
            companies_web.router,
            alc_web.router,
            sla_web.router,
            audit_web.router,
            reports_web.router,
            webhooks_web.router,
            invoices_web.router,
            invoices_staff_web.router,
            mailin_web.router,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
            create_static_files_router(
                path="/static/vendor", directories=vendor_dirs, include_in_schema=False, name="vendor"
            ),
        ],
        middleware=[SessionMiddleware(), i18n.LanguageMiddleware, CsrfMiddleware()],
        before_request=check_request,
        before_send=[security_headers],
        lifespan=[database_lifespan, expiry_schedule, notification_sender, invoice_schedule, mail_poller],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        template_config=TemplateConfig(
            engine=JinjaTemplateEngine.from_environment(jinja_environment(settings))
        ),
        openapi_config=OpenAPIConfig(
            title="Support portal API",
            version="1",
            path="/api/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(
                security_schemes={
                    "session": SecurityScheme(
                        type="apiKey",
                        name="portal_session",
                        security_scheme_in="cookie",
                        description="The session cookie; unsafe requests also send the x-csrftoken header.",
                    ),
                    "bearer": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="A personal API token from My account (no CSRF token needed).",
                    ),
                }
            ),
            security=[{"session": []}, {"bearer": []}],
        ),
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            log_exceptions="debug" if settings.debug else "never",
        ),
        debug=False,
    )
    document_problems(app)
    attachments_api.document_uploads(app)
    return app
