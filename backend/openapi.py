"""The OpenAPI document outside clients (and the schemathesis run in the tests) read.

Litestar documents each route's success answer itself. Every refusal of the JSON API, whatever
raised it (a guard, CSRF, a use case, the database being away), is an
``application/problem+json`` body from ``problems.py``; this adds that shape, once, to every
operation under ``/api/``, in place of Litestar's own 400 shape, which the API never sends.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    RequestBody,
    Schema,
)

from backend.problems import PROBLEM_JSON

PROBLEM = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "detail"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING, description="The kind of problem (caller's language)."),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING, description="What to do about it (caller's language)."),
        "errors": Schema(
            type=OpenAPIType.OBJECT,
            additional_properties=Schema(type=OpenAPIType.STRING),
            description="Field name to message, for each invalid field.",
        ),
        "invalid_params": Schema(type=OpenAPIType.ARRAY, items=Schema()),
    },
    description="RFC 9457 problem details.",
)

ERROR_RESPONSES = {
    "400": "The request cannot be read: malformed JSON, a wrong type, a NUL character.",
    "401": "Not signed in, or the session has ended.",
    "403": "The caller's role may not do this, or the CSRF token is missing or wrong.",
    "404": "No such object, or it belongs to another company.",
    "409": "The object's state no longer allows this, or someone has just changed it.",
    "413": "The request body is too large.",
    "422": "The input breaks a business rule; nothing was changed.",
    "429": "Too many failed attempts; the Retry-After header says when to try again.",
    "503": "The database cannot be reached right now.",
}
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def document_problems(app: Litestar) -> None:
    openapi = app.openapi_schema
    openapi.components = openapi.components or Components()
    openapi.components.schemas = {**(openapi.components.schemas or {}), "Problem": PROBLEM}
    reference = Reference(ref="#/components/schemas/Problem")
    for path, item in (openapi.paths or {}).items():
        if not path.startswith("/api/"):
            continue
        for method in HTTP_METHODS:
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses or {}
            for answer in responses.values():
                if isinstance(answer, OpenAPIResponse) and _is_empty(answer):
                    answer.content = None  # a 204 or 202 carries no body (Litestar says JSON null)
            for status, description in ERROR_RESPONSES.items():
                responses[status] = OpenAPIResponse(
                    description=description, content={PROBLEM_JSON: OpenAPIMediaType(schema=reference)}
                )
            operation.responses = responses
            if operation.request_body is not None and _accepts_null(operation.request_body):
                operation.request_body.required = False  # `data: X | None = None`: the body is optional


def _is_empty(answer: OpenAPIResponse) -> bool:
    media = (answer.content or {}).get("application/json")
    return media is not None and isinstance(media.schema, Schema) and media.schema.type == OpenAPIType.NULL


def _accepts_null(body: RequestBody) -> bool:
    media = (body.content or {}).get("application/json")
    if media is None or not isinstance(media.schema, Schema):
        return False
    return any(
        isinstance(option, Schema) and option.type == OpenAPIType.NULL for option in media.schema.one_of or ()
    )
