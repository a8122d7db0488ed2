"""A real HTTP receiver of webhooks on loopback, in a thread: it records what arrives and answers
as each path says (``/ok``, ``/flaky`` 500 three times, ``/fail``, ``/slow``, ``/redirect``)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, slow_seconds: float = 4.0) -> None:
        self.received: list[dict] = []
        self.slow_seconds = slow_seconds
        self._flaky = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "at": time.monotonic()}
                )
                status = 200
                if self.path == "/flaky":
                    receiver._flaky += 1
                    status = 500 if receiver._flaky <= 3 else 200
                elif self.path == "/fail":
                    status = 500
                elif self.path == "/slow":
                    time.sleep(receiver.slow_seconds)
                elif self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("location", "/ok")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def at(self, path: str) -> list[dict]:
        return [hit for hit in self.received if hit["path"] == path]
