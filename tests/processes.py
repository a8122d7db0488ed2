"""The portal as operators run it: `portal serve` in its own process, for tests that talk HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_portal(
    database_url: str, *, demo_data: bool = False, started: list[subprocess.Popen] | None = None, **env: str
) -> Iterator[str]:
    """Serve the portal on a free loopback port (after loading the demo data when asked); yields
    its base URL and stops it with SIGTERM afterwards. ``started`` receives the process, for a
    test that kills it."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "HOST": "127.0.0.1", **env}
    command = [sys.executable, "-m", "backend.cli"]
    if demo_data:
        subprocess.run([*command, "demo-data"], env=environment, check=True, capture_output=True)
    log = tempfile.NamedTemporaryFile(prefix="portal-serve-", suffix=".log", delete=False)
    process = subprocess.Popen([*command, "serve"], env=environment, stdout=subprocess.DEVNULL, stderr=log)
    if started is not None:
        started.append(process)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise AssertionError(Path(log.name).read_text())
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        Path(log.name).unlink()
