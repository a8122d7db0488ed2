"""The e-mail sender's last error as a sentence for the head of the technical department: what
went wrong and what to check, instead of the SMTP library's raw text (kept for the technician)."""

from __future__ import annotations

import re

from backend.errors import N_

# (pattern in the raw error, what it means); the first that matches says it
MEANINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), meaning)
    for pattern, meaning in (
        (r"connection refused|errno 111|error connecting",
         N_("The mail server refused the connection: it is not running, "
            "or not reachable at the address in SMTP_URL.")),
        (r"name or service not known|getaddrinfo|nodename|temporary failure in name resolution",
         N_("The mail server's name in SMTP_URL could not be found.")),
        (r"timed? ?out",
         N_("The mail server did not answer in time; the messages will be tried again.")),
        (r"\b53[45]\b|authentication|auth",
         N_("The mail server refused the user name or password in SMTP_URL.")),
        (r"certificate|ssl|tls",
         N_("The secure connection to the mail server failed: check its certificate, "
            "and whether SMTP_URL should use smtps or starttls.")),
        (r"\b55[0-4]\b|recipient|mailbox",
         N_("The mail server refused a recipient's address.")),
        (r"\b4\d\d\b",
         N_("The mail server is refusing messages for now; they will be tried again.")),
    )
)  # fmt: skip
UNKNOWN = N_("The mail server reported an error; the messages will be tried again.")


def explain_smtp_error(raw: str) -> str:
    """The msgid of the sentence that says what ``raw`` (a failed delivery's error) means."""
    for pattern, meaning in MEANINGS:
        if pattern.search(raw):
            return meaning
    return UNKNOWN
