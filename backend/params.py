"""Path parameter types shared by the API and the pages."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

# Database ids are 32-bit serials: a larger number can name no row, and must not reach the
# database driver (PostgreSQL would refuse it with an error, not an empty result).
RowId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
# The same bound for an id given in the query string (a filter), which may be left out.
RowIdFilter = Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)]
