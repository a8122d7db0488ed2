"""The rule the OpenAPI contract test applies: additions pass, removals and changes fail."""

from __future__ import annotations

import copy

from tests.openapi_contract import contract_breaks

SCHEMA = {
    "paths": {
        "/api/v1/orders": {
            "get": {
                "summary": "List orders",
                "parameters": [
                    {"in": "query", "name": "page", "required": False, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/c/OrderOut"}}}}},
            }
        }
    },
    "components": {
        "schemas": {
            "OrderOut": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {"id": {"type": "integer"}, "status": {"enum": ["new", "quoted"]}},
            }
        }
    },
}


def changed(edit) -> dict:
    schema = copy.deepcopy(SCHEMA)
    edit(schema)
    return schema


def order_out(schema: dict) -> dict:
    return schema["components"]["schemas"]["OrderOut"]


def test_the_same_schema_passes() -> None:
    assert contract_breaks(SCHEMA, copy.deepcopy(SCHEMA)) == []


def test_additions_pass() -> None:
    def add(schema: dict) -> None:
        order_out(schema)["properties"]["note"] = {"type": "string"}
        schema["paths"]["/api/v1/orders"]["post"] = {"responses": {"201": {}}}
        schema["paths"]["/api/v1/health"] = {"get": {"responses": {"200": {}}}}
        schema["paths"]["/api/v1/orders"]["get"]["parameters"].append({"in": "query", "name": "q"})
        schema["paths"]["/api/v1/orders"]["get"]["responses"]["404"] = {}
        schema["components"]["schemas"]["Extra"] = {"type": "object"}
        schema["paths"]["/api/v1/orders"]["get"]["summary"] = "Orders, newest first"

    assert contract_breaks(SCHEMA, changed(add)) == []


def test_a_removed_field_fails_and_is_named() -> None:
    def remove(schema: dict) -> None:
        del order_out(schema)["properties"]["status"]

    assert contract_breaks(SCHEMA, changed(remove)) == [
        "removed: /components/schemas/OrderOut/properties/status"
    ]


def test_changes_fail() -> None:
    cases = {
        "type": lambda s: order_out(s)["properties"]["id"].update(type="string"),
        "enum": lambda s: order_out(s)["properties"]["status"]["enum"].append("done"),
        "required": lambda s: order_out(s)["required"].append("note"),
        "status code": lambda s: s["paths"]["/api/v1/orders"]["get"]["responses"].pop("200"),
        "method": lambda s: s["paths"]["/api/v1/orders"].pop("get"),
        "parameter": lambda s: s["paths"]["/api/v1/orders"]["get"]["parameters"].clear(),
        "required parameter": lambda s: s["paths"]["/api/v1/orders"]["get"]["parameters"].append(
            {"in": "query", "name": "q", "required": True}
        ),
    }
    for name, edit in cases.items():
        assert contract_breaks(SCHEMA, changed(edit)), name
