"""What the catalogue prices by: the unit of a service and whether its rate is per time or flat."""

from __future__ import annotations

import enum


class Unit(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    PIECE = "piece"


class RateType(enum.StrEnum):
    HOURLY = "hourly"
    FLAT = "flat"
