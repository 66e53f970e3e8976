"""A bounded schemathesis run over every operation of the published OpenAPI document, as two roles.

Schemathesis generates requests from the document itself (valid and invalid ones), so it finds what the
hand-made walk in test_no_server_errors.py does not think of. Bounded and derandomized: the same examples on
every run, a few per operation, so it fits in `make test`; `QLVB_SCHEMATHESIS_EXAMPLES` raises the bound for a
longer hunt. Checks: no 5xx, and every error answers in the documented envelope.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401  (fixtures)
from tests.workflow.conftest import office  # noqa: F401  (fixture)

# No 5xx; and each answer is one the document describes: its status code, its content type, its body's schema.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("QLVB_SCHEMATHESIS_EXAMPLES", "6"))


def envelope(response, where: str) -> None:
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert set(body) == {"code", "message", "details"}, f"{where}: {body}"
        assert isinstance(body["details"], dict), f"{where}: {body}"


@pytest.mark.parametrize("role", ["admin", "clerk"])
def test_schemathesis_finds_no_server_error(app, incoming_office, api_token, role):  # noqa: F811
    headers = api_token(getattr(incoming_office, role))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the run covers the whole document
    calls = 0
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal calls
            response = case.call(headers=headers)
            calls += 1
            case.validate_response(
                response,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )
            envelope(response, f"{case.method} {case.formatted_path}")

        run()
    assert calls >= len(operations)
