"""The `portal` command line for operators: serve, migrate, demo-data, create-staff."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from datetime import date

from backend.settings import SettingsError, get_settings

SERVERS = ("granian", "uvicorn")
# over two full benchmark runs uvicorn served the portal's pages slightly faster than granian
# (docs/performance.md; granian wins on the trivial hello route); PORTAL_SERVER picks the other
DEFAULT_SERVER = os.environ.get("PORTAL_SERVER", "uvicorn")


def serve(args: argparse.Namespace, app_factory: str = "backend.app:create_app") -> int:
    """Serve ``app_factory`` (a "module:function" building the app) as ``portal serve`` does."""
    settings = get_settings()
    host, port = args.host or settings.host, args.port or settings.port
    if args.server == "granian":
        from granian.constants import Interfaces
        from granian.server import Server

        Server(
            app_factory,
            factory=True,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            workers=args.workers,
            log_access=settings.debug,
        ).serve()
        return 0
    import uvicorn

    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        access_log=settings.debug,
        proxy_headers=True,
        server_header=False,  # answers do not name the server
        log_level="info",
    )
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from backend.migrate import migrate

    asyncio.run(migrate())
    return 0


def _demo_data(_args: argparse.Namespace) -> int:
    from backend.demo import load_demo_data

    created = asyncio.run(load_demo_data())
    print(f"demo data: {created} new record(s)" if created else "demo data: already present, nothing changed")
    return 0


def _expire_credit(_args: argparse.Namespace) -> int:
    from backend.credit.services import expire_credit

    booked = asyncio.run(expire_credit())
    print(f"expire-credit: {booked} expiry entr{'y' if booked == 1 else 'ies'} booked")
    return 0


def _issue_invoices(args: argparse.Namespace) -> int:
    from backend.invoices.services import run_schedule

    fees, reminders = asyncio.run(run_schedule(args.on))
    print(f"issue-invoices: {fees} SLA fee invoice(s) issued, {reminders} overdue reminder(s) written")
    return 0


def _send_notifications(_args: argparse.Namespace) -> int:
    from backend.notifications.sender import send_all_due

    sent = asyncio.run(send_all_due())
    print(f"send-notifications: {sent} sent")
    return 0


def _fetch_mail(_args: argparse.Namespace) -> int:
    from backend.mailin.poller import fetch_mail

    if not get_settings().imap_url:
        print("fetch-mail: IMAP_URL is not set, so there is no mailbox to read", file=sys.stderr)
        return 2
    from imapclient.exceptions import IMAPClientError

    try:
        done = asyncio.run(fetch_mail())
    except (OSError, IMAPClientError) as error:  # the mailbox is down, or refuses the sign-in
        print(f"fetch-mail: cannot read the mailbox: {error}", file=sys.stderr)
        return 1
    if done.busy:
        print("fetch-mail: another poller is reading the mailbox now; nothing done")
        return 0
    print(f"fetch-mail: {done.filed} filed, {done.not_filed} not filed, {done.already} recorded before")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise SystemExit("The passwords do not match.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _create_staff(args: argparse.Namespace) -> int:
    from backend.accounts.services import create_staff
    from backend.errors import InvalidInput

    password = _read_password()
    try:
        user_id = asyncio.run(create_staff(args.email, args.name or args.email, password, admin=args.admin))
    except InvalidInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    role = "staff admin" if args.admin else "staff"
    print(f"created {role} account {args.email} (id {user_id})")
    return 0


def add_serve_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--host", help="address to bind (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--server", choices=SERVERS, default=DEFAULT_SERVER, help=f"HTTP server (default: {DEFAULT_SERVER})"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="Support portal operations")
    commands = parser.add_subparsers(dest="command", required=True)

    add_serve_arguments(commands.add_parser("serve", help="serve the portal over HTTP")).set_defaults(
        handler=serve
    )

    commands.add_parser("migrate", help="apply the committed database migrations").set_defaults(
        handler=_migrate
    )
    commands.add_parser("demo-data", help="load demo data (idempotent)").set_defaults(handler=_demo_data)
    commands.add_parser(
        "expire-credit", help="book the expiry of unused credit past its date (idempotent)"
    ).set_defaults(handler=_expire_credit)
    invoices = commands.add_parser(
        "issue-invoices",
        help="issue the month's SLA fee invoices, remind overdue ones (idempotent; the app does it too)",
    )
    invoices.add_argument(
        "--on", type=date.fromisoformat, help="act as on this day (YYYY-MM-DD), e.g. to catch up a missed run"
    )
    invoices.set_defaults(handler=_issue_invoices)
    commands.add_parser(
        "send-notifications",
        help="deliver the due e-mail notifications now (the app also does it on its own)",
    ).set_defaults(handler=_send_notifications)

    commands.add_parser(
        "fetch-mail",
        help="read the support mailbox (IMAP_URL) now and file the replies (the app also does it on its own)",
    ).set_defaults(handler=_fetch_mail)

    staff = commands.add_parser(
        "create-staff", help="create a staff account; the password is read from stdin"
    )
    staff.add_argument("--email", required=True)
    staff.add_argument("--name", help="full name (default: the e-mail)")
    staff.add_argument("--admin", action="store_true", help="staff admin (head of the technical department)")
    staff.set_defaults(handler=_create_staff)
    return parser


def dispatch(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Run the command ``argv`` names; a settings mistake is a message and exit code 2, not a trace."""
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
