"""JSON API of the catalogue: public list, staff admin edits."""

from __future__ import annotations

from litestar import Controller, get, patch
from litestar.params import FromPath, JSONBody

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff_admin
from backend.catalog import services
from backend.catalog.schemas import ServiceAdminOut, ServiceChange, ServiceOut


class CatalogController(Controller):
    path = "/api/v1/services"
    tags = ["catalogue"]

    @get()
    async def services(self) -> list[ServiceOut]:
        """The active services with net rates (haléře) and the VAT and gross that go with them."""
        return await services.list_services()


class CatalogAdminController(Controller):
    path = "/api/v1/staff/services"
    tags = ["catalogue"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get()
    async def all_services(self, actor: CurrentActor) -> list[ServiceAdminOut]:
        """Every service, inactive too, with texts in both languages (staff admin)."""
        return await services.list_services_for_admin(actor)

    @patch("/{code:str}")
    async def change(
        self, actor: CurrentActor, code: FromPath[str], data: JSONBody[ServiceChange]
    ) -> ServiceAdminOut:
        """Change a service's texts, rates or active flag. Orders already submitted keep their prices."""
        return await services.change_service(actor, code, data)
