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


# The most of a unit one order may ask for (in hundredths). A rate is capped so that this much of
# it stays within the one ceiling on money amounts (money.MAX_AMOUNT).
UNIT_MAXIMUM_HUNDREDTHS = {Unit.HOUR: 2000 * 100, Unit.DAY: 250 * 100, Unit.PIECE: 1000 * 100}


def max_unit_price(unit: Unit | str, ceiling: int) -> int:
    """The highest rate at which the largest allowed quantity still costs at most ``ceiling``."""
    return ceiling * 100 // UNIT_MAXIMUM_HUNDREDTHS[Unit(unit)]
