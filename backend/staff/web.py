"""The staff home: the support team's landing page after signing in."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.pages import render


@get("/staff", include_in_schema=False, guards=[guards.staff])
async def staff_home(request: Request[Any, Any, Any]) -> Template:
    actor = request.scope["user"]
    return render(
        request,
        "staff/home.html",
        companies=await accounts.recent_companies(actor),
        company_total=await accounts.company_count(),
    )


ROUTES = [staff_home]
