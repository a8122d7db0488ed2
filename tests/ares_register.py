"""A stand-in for ARES on loopback, in a thread: ``GET /ekonomicke-subjekty/{ico}`` answers in the
register's documented JSON shape for the subjects it holds, 404 with ARES's error body for any
other IČO, and as told for the IČOs of the failure cases (a slow answer, malformed JSON, a 500).
Point ``ARES_BASE_URL`` at ``url`` (the ``ares`` fixture in tests/conftest.py does)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Brno University of Technology's street address, as ARES writes an address with both numbers
KNOWN_ICO = "00216305"
KNOWN: dict[str, Any] = {
    "ico": KNOWN_ICO,
    "obchodniJmeno": "Vysoké učení technické v Brně",
    "dic": "CZ00216305",
    "pravniForma": "601",
    "sidlo": {
        "kodStatu": "CZ",
        "nazevStatu": "Česká republika",
        "kodObce": 582786,
        "nazevObce": "Brno",
        "nazevCastiObce": "Veveří",
        "kodUlice": 196517,
        "nazevUlice": "Antonínská",
        "cisloDomovni": 548,
        "cisloOrientacni": 1,
        "psc": 60190,
        "textovaAdresa": "Antonínská 548/1, Veveří, 60190 Brno",
    },
}
# a village without streets, and an orientation number with a letter
VILLAGE_ICO = "25596641"
VILLAGE: dict[str, Any] = {
    "ico": VILLAGE_ICO,
    "obchodniJmeno": "Strojírna Lhota s.r.o.",
    "sidlo": {
        "kodStatu": "CZ",
        "nazevObce": "Lhota",
        "nazevCastiObce": "Lhota",
        "cisloDomovni": 12,
        "psc": 27714,
        "textovaAdresa": "Lhota 12, 27714 Lhota",
    },
}
LETTER_ICO = "27074358"
LETTER: dict[str, Any] = {
    "ico": LETTER_ICO,
    "obchodniJmeno": "OSIT s.r.o.",
    "dic": "CZ27074358",
    "sidlo": {
        "kodStatu": "CZ",
        "nazevObce": "Liberec",
        "nazevCastiObce": "Liberec III-Jeřáb",
        "nazevUlice": "Mrštíkova",
        "cisloDomovni": 399,
        "cisloOrientacni": 2,
        "cisloOrientacniPismeno": "a",
        "psc": 46007,
        "textovaAdresa": "Mrštíkova 399/2a, Liberec III-Jeřáb, 460 07 Liberec",
    },
}
# valid IČOs (their check digits match) that make the register misbehave
SLOW_ICO = "00000019"
MALFORMED_ICO = "00000027"
BROKEN_ICO = "00000035"  # a 500 with an HTML page, as a failing gateway sends
UNKNOWN_ICO = "00000043"
NOT_FOUND_BODY = {
    "kod": "NENALEZENO",
    "popis": "Ekonomický subjekt nenalezen.",
    "subKod": "VYSTUP_SUBJEKT_NENALEZEN",
}


class AresRegister:
    def __init__(self, slow_seconds: float = 3.0) -> None:
        self.subjects: dict[str, dict[str, Any]] = {
            KNOWN_ICO: KNOWN,
            VILLAGE_ICO: VILLAGE,
            LETTER_ICO: LETTER,
        }
        self.slow_seconds = slow_seconds
        self.asked: list[str] = []
        register = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                prefix = "/ekonomicke-subjekty/"
                ico = self.path.removeprefix(prefix) if self.path.startswith(prefix) else ""
                register.asked.append(ico)
                if ico == SLOW_ICO:
                    time.sleep(register.slow_seconds)
                if ico == MALFORMED_ICO:
                    self._answer(200, b'{"ico": "00000027", "obchodniJmeno": ', "application/json")
                elif ico == BROKEN_ICO:
                    self._answer(500, b"<html><body>Bad gateway</body></html>", "text/html")
                elif ico in register.subjects:
                    self._answer(200, json.dumps(register.subjects[ico]).encode(), "application/json")
                else:
                    self._answer(404, json.dumps(NOT_FOUND_BODY).encode(), "application/json")

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the portal gave up waiting (the slow case)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> AresRegister:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
