"""Settings come from the environment with safe defaults; production refuses the dev secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import DEVELOPMENT_SECRET, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_development_defaults_use_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PORTAL_ENV", "SECRET_KEY", "PORT", "PUBLIC_BASE_URL", "VAT_RATE_PERCENT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    settings.check()
    assert settings.uses_sqlite
    assert settings.sqlite_path.parts[-2:] == ("var", "portal.sqlite3")
    assert settings.port == 8000
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert settings.vat_rate_percent == 21
    assert not settings.cookies_secure


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", DEVELOPMENT_SECRET)
    with pytest.raises(SettingsError, match="development SECRET_KEY"):
        load_settings().check()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="32 characters"):
        load_settings().check()


def test_production_with_a_real_secret_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://podpora.example.cz/")
    settings = load_settings()
    settings.check()
    assert settings.cookies_secure
    assert settings.public_base_url == "https://podpora.example.cz"


def test_an_unknown_database_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://localhost/portal")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load_settings().check()


def test_a_non_numeric_port_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SettingsError, match="PORT"):
        load_settings()


def test_allowed_hosts_default_to_the_public_host_and_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://podpora.example.cz")
    assert load_settings().allowed_hosts == ("podpora.example.cz", "localhost", "127.0.0.1")


def test_production_refuses_any_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    with pytest.raises(SettingsError, match="ALLOWED_HOSTS"):
        load_settings().check()
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.cz")
    load_settings().check()


def test_two_factor_is_required_for_staff_in_production_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWO_FACTOR_REQUIRED_FOR_STAFF", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    assert load_settings().two_factor_required_for_staff is True
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert load_settings().two_factor_required_for_staff is False


def test_portal_serve_refuses_to_start_in_production_with_any_host() -> None:
    import os
    import subprocess
    import sys

    from tests.processes import ROOT

    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "ALLOWED_HOSTS": "*",
        "PORT": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ALLOWED_HOSTS=*" in done.stderr + done.stdout


def test_the_reseller_has_a_name_and_a_logo_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESELLER_NAME", raising=False)
    monkeypatch.delenv("RESELLER_LOGO", raising=False)
    settings = load_settings()
    assert settings.reseller_name == "Dytron"
    logo = settings.reseller_logo
    assert logo.startswith("/static/") and (ROOT / "frontend" / logo.lstrip("/")).is_file()
    monkeypatch.setenv("RESELLER_NAME", "CAD Partner s.r.o.")
    monkeypatch.setenv("RESELLER_LOGO", "/static/favicon.svg")
    changed = load_settings()
    assert (changed.reseller_name, changed.reseller_logo) == ("CAD Partner s.r.o.", "/static/favicon.svg")
