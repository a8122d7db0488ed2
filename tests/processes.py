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

ROOT = Path(__file__).resolve().parents[1]
PORTAL = [sys.executable, "-m", "backend.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_portal(
    database_url: str,
    *,
    migrate: bool = False,
    demo_data: bool = False,
    started: list[subprocess.Popen] | None = None,
    **env: str,
) -> Iterator[str]:
    """Serve the portal on a free loopback port (after migrating and loading the demo data when
    asked); yields its base URL once /ready answers, and stops it with SIGTERM afterwards.
    ``started`` receives the process, for a test that kills it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PUBLIC_BASE_URL": base,
        **env,
    }
    steps = [step for step, wanted in (("migrate", migrate), ("demo-data", demo_data)) if wanted]
    for step in steps:
        done = subprocess.run([*PORTAL, step], env=environment, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, f"portal {step} failed:\n{done.stdout}\n{done.stderr}"
    log = tempfile.NamedTemporaryFile(prefix="portal-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [*PORTAL, "serve"], env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log
    )
    if started is not None:
        started.append(process)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise AssertionError("portal serve stopped:\n" + Path(log.name).read_text())
            time.sleep(0.1)
        else:
            raise AssertionError("portal serve did not get ready:\n" + Path(log.name).read_text())
        yield base
    finally:
        stop(process, log)


def stop(process: subprocess.Popen, log) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 15 s; its log file goes too."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the server did not stop on SIGTERM:\n" + Path(log.name).read_text()) from None
    finally:
        log.close()
        Path(log.name).unlink()
