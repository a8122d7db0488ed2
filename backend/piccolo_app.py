"""The Piccolo app: every table of the portal and the folder of committed migrations."""

from __future__ import annotations

from piccolo.conf.apps import AppConfig

from backend.accounts.tables import (
    ApiToken,
    Company,
    Invitation,
    LoginFailure,
    PasswordReset,
    PortalUser,
    RateHit,
    RecoveryCode,
    SignInChallenge,
    UserSession,
)
from backend.alc.tables import AlcContract
from backend.attachments.tables import Attachment, AttachmentChunk
from backend.audit.tables import AuditEvent
from backend.canned.tables import CannedReply
from backend.catalog.tables import Service
from backend.credit.tables import CreditAccount, CreditAllocation, CreditEntry, CreditLot
from backend.invoices.tables import (
    CreditNoteNumberCounter,
    Invoice,
    InvoiceFile,
    InvoiceNumberCounter,
    InvoicePayment,
)
from backend.mailin.tables import InboundMail, MailAnswer, MailPollerLease
from backend.notifications.tables import OutboxMessage
from backend.orders.tables import OrderEvent, OrderNumberCounter, ServiceOrder, WorkLog
from backend.plans.tables import Plan, Subscription
from backend.settings import PROJECT_ROOT
from backend.sla.tables import SlaContract
from backend.tickets.tables import Ticket, TicketMessage, TicketNumberCounter, TicketRating, TicketTime
from backend.webhooks.tables import WebhookDelivery, WebhookEndpoint

# parents before children: tests empty them in reverse order
TABLES = [
    Company,
    PortalUser,
    Invitation,
    UserSession,
    LoginFailure,
    PasswordReset,
    ApiToken,
    RecoveryCode,
    RateHit,
    SignInChallenge,
    Service,
    ServiceOrder,
    OrderEvent,
    WorkLog,
    OrderNumberCounter,
    Plan,
    Subscription,
    CreditAccount,
    CreditEntry,
    CreditLot,
    CreditAllocation,
    OutboxMessage,
    AlcContract,
    SlaContract,
    Ticket,
    TicketMessage,
    Attachment,
    AttachmentChunk,
    TicketNumberCounter,
    TicketTime,
    TicketRating,
    CannedReply,
    AuditEvent,
    WebhookEndpoint,
    WebhookDelivery,
    Invoice,
    InvoicePayment,
    InvoiceFile,
    InvoiceNumberCounter,
    CreditNoteNumberCounter,
    InboundMail,
    MailAnswer,
    MailPollerLease,
]

APP_CONFIG = AppConfig(
    app_name="portal",
    migrations_folder_path=str(PROJECT_ROOT / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
