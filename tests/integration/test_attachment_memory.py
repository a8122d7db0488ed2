"""A 25 MB file up and down through a real `portal serve` process, through the API and through the
page's form, byte for byte, while the server's resident memory (VmRSS in /proc) is sampled: the
upload is read as a stream and the download sent a chunk at a time, so it must grow by less than
64 MB (a whole file held once would be 25 MB, a body parsed the usual way several times that)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from backend.attachments.tables import Attachment
from tests.helpers import PASSWORD
from tests.integration.test_attachments import PRODUCT, alc_customer
from tests.processes import served_portal

pytestmark = pytest.mark.db

SIZE = 25 * 1024 * 1024  # the default limit of a file, exactly
GROWTH_LIMIT = 64 * 1024 * 1024


@pytest.fixture
async def hotline(db) -> None:
    from backend.demo import _load_demo_contracts
    from tests.helpers import load_catalogue

    await load_catalogue()
    await _load_demo_contracts()


def resident(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024


class Sampler(threading.Thread):
    """The process's largest resident size while it runs, sampled every few milliseconds."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, resident(pid), True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, resident(self.pid))
            time.sleep(0.005)

    def stop(self) -> int:
        self.running = False
        self.join()
        return max(self.peak, resident(self.pid))


def digest_of(response: httpx.Response) -> str:
    digest = hashlib.sha256()
    for chunk in response.iter_bytes():
        digest.update(chunk)
    return digest.hexdigest()


def round_trips(base: str, pid: int, email: str, big: Path, expected: str) -> tuple[int, int, dict, dict]:
    """The two uploads and downloads against the served portal; the baseline and peak VmRSS."""
    fields = {
        "subject": "Velká sestava",
        "description": "Model v příloze.",
        "priority": "normal",
        "product": PRODUCT,
    }
    with httpx.Client(base_url=base, timeout=300) as client:
        client.headers["x-csrftoken"] = client.get("/api/v1/auth/csrf").json()["token"]
        assert (
            client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
        )
        token = client.cookies["csrftoken"]
        client.headers["x-csrftoken"] = token
        # warm up every code path once with a small file, so the baseline holds what is loaded
        warm = client.post(
            "/api/v1/tickets", data=fields, files=[("files", ("a.log", b"log\n", "text/plain"))]
        )
        assert warm.status_code == 201, warm.text
        assert client.get(warm.json()["messages"][0]["attachments"][0]["url"]).content == b"log\n"
        baseline = resident(pid)
        sampler = Sampler(pid)
        sampler.start()
        try:
            with big.open("rb") as upload:
                api = client.post(
                    "/api/v1/tickets",
                    data=fields,
                    files=[("files", (big.name, upload, "application/x-catia"))],
                )
            assert api.status_code == 201, api.text
            (through_api,) = api.json()["messages"][0]["attachments"]
            with client.stream("GET", through_api["url"]) as download:
                assert download.status_code == 200
                assert digest_of(download) == expected
            # the page's form: the CSRF token as a form field, read from the same stream
            del client.headers["x-csrftoken"]
            with big.open("rb") as upload:
                page = client.post(
                    "/tickets",
                    data={**fields, "_csrf_token": token},
                    files=[("files", (big.name, upload, "application/octet-stream"))],
                )
            assert page.status_code == 303, page.text[:500]
            ticket_id = int(re.search(r"/tickets/(\d+)", page.headers["location"]).group(1))
            client.headers["x-csrftoken"] = token
            (through_page,) = client.get(f"/api/v1/tickets/{ticket_id}/attachments").json()
            with client.stream("GET", f"/attachments/{through_page['id']}") as download:
                assert download.status_code == 200
                assert download.headers["content-disposition"].startswith("attachment;")
                assert digest_of(download) == expected
        finally:
            peak = sampler.stop()
    return baseline, peak, through_api, through_page


async def test_a_25_mb_file_round_trips_with_bounded_server_memory(anonymous, app, hotline, tmp_path) -> None:
    me = await alc_customer(anonymous, app)
    big = tmp_path / "Sestava.CATProduct"
    with big.open("wb") as out:
        for _ in range(SIZE // (1024 * 1024)):
            out.write(os.urandom(1024 * 1024))
    expected = hashlib.sha256(big.read_bytes()).hexdigest()
    started: list = []
    with served_portal(os.environ["DATABASE_URL"], started=started) as base:
        baseline, peak, through_api, through_page = await asyncio.to_thread(
            round_trips, base, started[0].pid, me["user"]["email"], big, expected
        )
    assert through_api["size"] == through_page["size"] == SIZE
    assert through_api["content_type"] == "application/octet-stream"
    assert await Attachment.count() == 3
    growth = peak - baseline
    assert growth < GROWTH_LIMIT, f"the server grew by {growth / 2**20:.1f} MB"
