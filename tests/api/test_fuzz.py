"""Schemathesis against the app's own OpenAPI schema, in-process, on SQLite and PostgreSQL:
no 5xx, every 4xx a JSON `{"detail": ...}`, and answers that match their declared schema.

Bounded (25 examples per operation) so that the suite stays short.
"""

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.accounts.service import Role, create_token
from directory.database import session_scope
from directory.hsds.files import read_records
from directory.hsds.importer import import_records
from tests.conftest import FIXTURES

EXAMPLES = 25


def fuzzed_app(database_url: str) -> FastAPI:
    return create_app(
        Settings(
            database_url=database_url,
            secret_key="fuzz-" + "k" * 40,
            rate_match="100000/minute",
            rate_forms="100000/minute",
            rate_login="100000/minute",
        )
    )


schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app("sqlite://"))
"""The operations to fuzz; each example is sent to `seeded_app`, on each backend."""


@pytest.fixture
def seeded_app(database_url: str, engine: Engine) -> FastAPI:
    """The sample directory, and bearer tokens (a partner's, a curator's) in `app.state`."""
    records = read_records(FIXTURES / "passerelle-sample.json")
    with session_scope(engine) as session:
        connection = session.connection()
        import_records(connection, records)
        organization = records[0]["organization_id"]
        _, partner = create_token(connection, role=Role.partner, organization_id=organization)
        _, curator = create_token(connection, role=Role.curator, organization_id=None)
    app = fuzzed_app(database_url)
    app.state.fuzz_tokens = {"/v1/partner": partner, "/v1/curator": curator}
    return app


def _auth(case: Any, app: FastAPI) -> dict[str, str]:
    """Authenticated calls on the partner and curator APIs, so that more than 401 is fuzzed."""
    for prefix, token in app.state.fuzz_tokens.items():
        if case.path.startswith(prefix):
            return {"Authorization": f"Bearer {token}", "If-Match": "*"}
    return {}


def json_error_body(response: Any) -> None:
    if 400 <= response.status_code < 500:
        assert response.headers.get("content-type", [""])[0].startswith("application/json")
        body = response.json()
        assert isinstance(body, dict) and "detail" in body, body


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: Any, seeded_app: FastAPI) -> None:
    response = case.call(app=seeded_app, headers=_auth(case, seeded_app))
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
    json_error_body(response)


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("/hsds/services?search=a%00b", ["query", "search"]),
        ("/hsds/organizations?search=%00", ["query", "search"]),
        ("/hsds/services?organization_id=x%00", ["query", "organization_id"]),
        ("/hsds/services/a%00b", ["path"]),
        ("/hsds/taxonomy_terms/%00", ["path"]),
    ],
)
def test_nul_characters_answer_422_naming_the_field(
    seeded_app: FastAPI, path: str, loc: list[str]
) -> None:
    """Found by hand after fuzzing: PostgreSQL refuses NUL in text, which was a 500."""
    with TestClient(seeded_app) as client:
        answer = client.get(path)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == loc
    assert answer.headers["cache-control"] == "no-store"
