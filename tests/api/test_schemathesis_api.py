"""Property-based run over the generated OpenAPI schema, with the bearer token configured.

Required: no generated input causes a 5xx. Also checked because they held: answers match their
documented status codes, content types and schemas, and a made-up token is refused.
Examples per operation are bounded so the whole run stays well under a minute.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance, ignored_auth, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)

from batch_core import config
from batch_core.access import tokens
from batch_core.api import create_app

TOKEN = "schemathesis-token"

app = create_app()  # with nothing configured yet, this writes the first-start token
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", app,
    headers={"Authorization": f"Bearer {tokens.generated_token_path().read_text().strip()}"})


@pytest.fixture(autouse=True)
def _token(monkeypatch):
    monkeypatch.setenv("BATCH_API_TOKEN", TOKEN)
    config.reload_settings()


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_cause_server_errors(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance, ignored_auth],
    )
