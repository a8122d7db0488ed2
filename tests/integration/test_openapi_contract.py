"""The JSON API's contract: the live OpenAPI schema may only grow beyond tests/openapi-schema.json.

After an intended addition, write the copy again with
``PORTAL_WRITE_OPENAPI=1 python -m pytest tests/integration/test_openapi_contract.py``.
"""

from __future__ import annotations

import json
import os

import msgspec

from tests.openapi_contract import SNAPSHOT, contract_breaks, schema_text


def live_schema(app) -> dict:
    # the session's app is built from the default test settings (tests/conftest.py)
    return json.loads(msgspec.json.encode(app.openapi_schema.to_schema()))


def test_the_api_schema_only_grows_beyond_the_committed_copy(app) -> None:
    live = live_schema(app)
    if os.environ.get("PORTAL_WRITE_OPENAPI") == "1":
        SNAPSHOT.write_text(schema_text(live))
    committed = json.loads(SNAPSHOT.read_text())
    breaks = contract_breaks(committed, live)
    assert not breaks, "the API contract changed (tests/openapi-schema.json):\n" + "\n".join(breaks)
