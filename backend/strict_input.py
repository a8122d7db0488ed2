"""Numbers in the JSON API are what JSON says they are, never guessed.

Litestar decodes a request body and then converts it into the handler's Struct with
``msgspec.convert(strict=False)``, which reads `"1e2"`, `"100.0"` and `100.0` as the integer 100,
and query parameters the same way. A money API must not guess: this hook, run before every
handler of ``/api/``, decodes the body once more with ``strict=True`` into the same type the
handler takes (so the OpenAPI schema and the handlers stay as they are) and checks each integer
or decimal in the query string and the path as it is written. A refusal is the same 400 problem,
naming the field, that Litestar gives for any other invalid value. Decimals (quantities) are
sent as JSON numbers or as strings of ASCII digits with an optional decimal point; an exponent,
`NaN` or the digits of another script are refused. Forms do not pass here: they keep their Czech
reading through ``backend.forms``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.params import ParameterKwarg

from backend.protection import reject_nul_characters
from backend.validation import FieldType, field_type, struct_fields

API_PREFIX = "/api/"
WHOLE = re.compile(r"-?[0-9]+", re.ASCII)
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")


def _refused(key: str, message: str, source: str) -> ValidationException:
    return ValidationException(
        detail="Validation failed", extra=[{"message": message, "key": key, "source": source}]
    )


def _written_as(kind: FieldType, text: str) -> bool:
    """Whether a query or path value is written as its type takes it (other types: not ours)."""
    if kind.base is int:
        return WHOLE.fullmatch(text) is not None
    if kind.base is Decimal:
        return PLAIN_DECIMAL.fullmatch(text) is not None
    return True


def _check_parameters(request: Request[Any, Any, Any], parameters: dict[str, Any]) -> None:
    segments = request.url.path.split("/")
    for name, parameter in parameters.items():
        definition = parameter.kwarg_definition
        if not isinstance(definition, ParameterKwarg) or name == "data":
            continue
        kind = field_type(parameter.annotation)
        if definition.query is not None or (definition.header is None and definition.cookie is None):
            key = definition.query or name
            for text in request.query_params.getall(key, []):
                if not _written_as(kind, text):
                    raise _refused(key, f"Expected `{kind.base.__name__}` written in digits", "query")
        if name in request.path_params and kind.base is int:
            # the router read the segment with int(), which also takes "٣" or "1_0"
            if str(request.path_params[name]) not in segments:
                raise _refused(name, "Expected `int` written in digits", "path")


def _check_decimals(struct: Any, raw: Any, path: str = "") -> None:
    """Decimal fields sent as strings hold plain ASCII decimals (a JSON number is fine as it is)."""
    if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct) and isinstance(raw, dict)):
        return
    for name, (_info, kind) in struct_fields(struct).items():
        value = raw.get(name)
        if kind.is_struct:
            _check_decimals(kind.base, value, f"{path}{name}.")
        elif kind.base is Decimal and isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
            raise _refused(f"{path}{name}", "Expected a decimal number written in digits", "body")


async def require_strict_numbers(request: Request[Any, Any, Any]) -> None:
    """before_request hook for the API: refuse numbers that are not written as numbers."""
    if not request.url.path.startswith(API_PREFIX):
        return
    try:
        parameters = request.route_handler.parsed_fn_signature.parameters
    except AttributeError:
        return
    _check_parameters(request, parameters)
    data = parameters.get("data")
    if data is None or request.content_type[0] in FORM_TYPES:
        return  # whatever else the body is labelled, Litestar reads it as JSON, and so do we
    body = await request.body()  # cached: the handler reads the same bytes
    if not body.strip():
        return  # no body: the handler's own default (or Litestar's missing-body error)
    try:
        msgspec.json.decode(body, type=data.annotation, strict=True)
        raw = msgspec.json.decode(body)
    except msgspec.ValidationError as error:
        text = str(error)
        match = _PATH.search(text)
        key = match.group("path") if match else ""
        raise _refused(key, text[: match.start()] if match else text, "body") from None
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar answers that the same way as always
    _check_decimals(field_type(data.annotation).base, raw)


async def check_request(request: Request[Any, Any, Any]) -> None:
    """The app's before_request: no NUL characters anywhere, strict numbers in the API."""
    await reject_nul_characters(request)
    await require_strict_numbers(request)
