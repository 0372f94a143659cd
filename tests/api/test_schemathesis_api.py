"""Property-based run over the generated OpenAPI schema: no input may cause a 5xx.

Examples per operation are bounded so the whole run stays well under a minute.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from batch_core.api import create_app

app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_on_generated_input(case):
    case.call_and_validate(checks=[not_a_server_error])
