"""Human numbers (OBJ-2026-00042, HD-2026-00007): unique and gapless per year."""

from __future__ import annotations

from typing import Any


async def next_in_year(counter: Any, year: int) -> int:
    """Increment the year's row of a counter table (columns ``year`` and ``last_number``) inside
    the caller's transaction. The row stays locked until commit, so concurrent callers queue for
    it, and a rolled-back insert gives its number back: no gaps, no duplicates."""
    for _attempt in range(2):
        rows = await (
            counter.update({counter.last_number: counter.last_number + 1})
            .where(counter.year == year)
            .returning(counter.last_number)
        )
        if rows:
            return rows[0]["last_number"]
        await counter.insert(counter(year=year, last_number=0)).on_conflict(
            target=counter.year, action="DO NOTHING"
        )
    raise RuntimeError(f"{counter._meta.tablename} could not be created for {year}")
