"""Runs the invoice schedule inside the app, so no cron is needed: each round issues the month's
SLA fees (from its first working day on) and reminds overdue invoices. Safe with several app
processes: a fee is issued under the year's counter lock and found by its unique source key,
and a reminder is decided on the locked invoice row."""

from __future__ import annotations

from backend.background import every
from backend.invoices.services import run_schedule
from backend.settings import get_settings

invoice_schedule = every("invoice schedule", lambda: get_settings().invoice_interval_seconds, run_schedule)
