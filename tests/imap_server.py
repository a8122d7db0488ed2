"""A throwaway Dovecot IMAP server for the mail-in tests, started like tests/pg_server.py starts
PostgreSQL: a config in a temp dir, one passwd-file user, maildir storage, plain IMAP on a free
loopback port; stopped and removed at the end. Without Dovecot the tests fail (never skip)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from imapclient import IMAPClient

from tests.processes import free_port

DOVECOT = "/usr/sbin/dovecot"
HOW_TO_GET_IT = (
    "The mail-in tests need Dovecot, the IMAP server they start on loopback: "
    "`apt-get install dovecot-imapd` (.ci/run installs it in CI)."
)
USER = "podpora"
PASSWORD = "tajne heslo/1@x%"  # spaces, / @ %: IMAP_URL must percent-encode them


class NoDovecot(RuntimeError):
    pass


class ImapServer:
    """``tls=True``: also IMAP over TLS on ``tls_port`` and STARTTLS on ``port``, with a
    self-signed certificate for 127.0.0.1 made for the run (``certificate`` is its file)."""

    def __init__(self, *, tls: bool = False) -> None:
        self.directory: Path | None = None
        self.process: subprocess.Popen | None = None
        self.port = self.tls_port = 0
        self.tls = tls
        self.certificate: Path | None = None

    def _url(self, scheme: str, port: int) -> str:
        return f"{scheme}://{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}/INBOX"

    @property
    def url(self) -> str:
        return self._url("imap", self.port)

    @property
    def tls_url(self) -> str:
        return self._url("imaps", self.tls_port)

    @property
    def starttls_url(self) -> str:
        return self._url("imap+starttls", self.port)

    def _make_certificate(self, directory: Path) -> str:
        self.certificate, key = directory / "cert.pem", directory / "key.pem"
        request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        for_loopback = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        files = ["-keyout", str(key), "-out", str(self.certificate)]
        subprocess.run([*request, *for_loopback, *files], check=True, capture_output=True)
        return f"ssl = yes\nssl_cert = <{self.certificate}\nssl_key = <{key}\n"

    def start(self) -> None:
        binary = shutil.which("dovecot") or (DOVECOT if os.path.exists(DOVECOT) else None)
        if binary is None:
            raise NoDovecot(HOW_TO_GET_IT)
        self.directory = Path(tempfile.mkdtemp(prefix="portal-imap-"))
        self.port = free_port()
        self.tls_port = free_port() if self.tls else 0
        for name in ("run", "state", "mail", "home"):
            (self.directory / name).mkdir()
        me = pwd.getpwuid(os.getuid()).pw_name
        if os.geteuid() == 0:
            # Dovecot refuses to run its login and mail processes as root: its own system users
            internal, login, mail = "dovecot", "dovenull", "dovecot"
            account = pwd.getpwnam(mail)
            os.chmod(self.directory, 0o755)
            for name in ("mail", "home"):
                os.chown(self.directory / name, account.pw_uid, account.pw_gid)
            mail_user = f"mail_uid = {mail}\nmail_gid = {mail}\nfirst_valid_uid = 1\n"
        else:
            internal = login = me
            mail_user = ""
        d = self.directory
        ssl_settings = self._make_certificate(d) if self.tls else "ssl = no\n"
        (d / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::{d / 'home'}\n")
        (d / "dovecot.conf").write_text(
            f"""base_dir = {d / "run"}
state_dir = {d / "state"}
log_path = {d / "log"}
info_log_path = {d / "log"}
protocols = imap
listen = 127.0.0.1
{ssl_settings}disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
{mail_user}mail_location = maildir:{d / "mail"}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d / "passwd"}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d / "passwd"}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(d / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NoDovecot(f"dovecot stopped: {self.process.stderr.read().decode()} {self._log()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise NoDovecot("dovecot did not start listening: " + self._log())

    def _log(self) -> str:
        log = self.directory / "log" if self.directory else None
        return log.read_text() if log and log.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        client.select_folder("INBOX")
        return client

    def deliver(self, raw: bytes) -> None:
        """Put a message into INBOX (IMAP APPEND, as a mail delivery agent would)."""
        client = self.client()
        try:
            client.append("INBOX", raw)
        finally:
            client.logout()

    def flags(self) -> list[tuple[bytes, ...]]:
        client = self.client()
        try:
            found = client.fetch(client.search(["ALL"]), ["FLAGS"])
            return [found[uid][b"FLAGS"] for uid in sorted(found)]
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
