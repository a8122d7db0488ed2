"""Piccolo's configuration (PICCOLO_CONF): the engine backend.db chose, and the portal's tables."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from backend.db.engine import DB

__all__ = ["APP_REGISTRY", "DB"]

APP_REGISTRY = AppRegistry(apps=["backend.piccolo_app"])
