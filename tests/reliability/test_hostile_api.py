"""Hostile input to the web API: schemathesis generates requests from create_app's OpenAPI document.

No request may cause a 500, and every response must match the schema the document declares.
`make test` runs a bounded number of examples per operation; `make check-all` many more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from runback.core.clock import FakeClock
from runback.services.store import open_store
from runback.settings import Settings
from runback.web.app import create_app
from runback.web.security import CSRF_COOKIE, CSRF_HEADER
from tests.storage.make_fixture_db import populate

BOUNDED_EXAMPLES = 10
FULL_EXAMPLES = 150
CHECKS = [
    schemathesis.checks.not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
]
SETTINGS = dict(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run: a failure here is reproducible
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: report the first failure fast
)
MB = 1024 * 1024


@pytest.fixture(scope="module")
def app_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Build the app on a database with a week of data; return it with CSRF credentials."""
    folder: Path = tmp_path_factory.mktemp("hostile")
    cfg = Settings(
        database_url=f"sqlite:///{folder / 'api.db'}",
        zone="Europe/Berlin",
        max_upload_bytes=2 * MB,
        max_file_bytes=2 * MB,
    )
    clock = FakeClock()
    store = open_store(cfg, clock)
    populate(store, clock)
    app = create_app(cfg, store)
    with TestClient(app) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        nonce = client.cookies[CSRF_COOKIE]
        yield {"app": app, "headers": {CSRF_HEADER: token, "Cookie": f"{CSRF_COOKIE}={nonce}"}}
    store.close()


def _fuzz(app_state: dict[str, Any], examples: int) -> None:
    """Run every operation of the OpenAPI document with generated requests; collect failures."""
    app = app_state["app"]
    # JSON Schema's "time" format demands a UTC offset that pydantic's naive times never carry
    # ("06:00:00"): drop that format from the (cached) document rather than flag every slot.
    _drop_time_format(app.openapi())
    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    known: list[str] = []
    operations = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        # The JSON API must match its schema; HTML pages and form posts only must not fail.
        checks = CHECKS if operation.path.startswith("/api/") else CHECKS[:1]

        try:
            _runner(operation, examples, app_state["headers"], checks)()
        except (Exception, BaseExceptionGroup) as exc:
            text = f"{operation.label}: {str(exc)[:2000]}"
            reason = _known_issue(operation.label, text)
            (known if reason else failures).append(f"[{reason}] {text}" if reason else text)
    assert operations > 20
    assert failures == [], "\n\n".join(failures)
    print(f"\nschemathesis: {operations} operations × {examples} examples")
    if known:
        pytest.xfail("known web/ issues:\n" + "\n".join(k[:300] for k in known))


def _runner(operation: Any, examples: int, headers: dict[str, str], checks: list[Any]) -> Any:
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, **SETTINGS)  # type: ignore[arg-type]
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    return run


def _drop_time_format(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
        for value in node.values():
            _drop_time_format(value)
    elif isinstance(node, list):
        for value in node:
            _drop_time_format(value)


def _known_issue(label: str, text: str) -> str | None:
    """Name a known, reported issue of web/ that this failure is; None for a new failure."""
    if "status code 422" in text and 'is not of type "array"' in text:
        return "422 from a RunbackError has detail as text, the document says a list"
    if "int too large to convert to SQLite INTEGER" in text:
        return "an id path parameter past 2**63 reaches SQLite unchecked (a 500)"
    if label == "GET /plan" and "invalid literal for int()" in text:
        return "GET /plan: int() of a non-ASCII digit such as '¹' raises (a 500)"
    return None


def test_api_bounded(app_state: dict[str, Any]) -> None:
    _fuzz(app_state, BOUNDED_EXAMPLES)


@pytest.mark.slow
def test_api_full(app_state: dict[str, Any]) -> None:
    _fuzz(app_state, FULL_EXAMPLES)


# --- oversized requests --------------------------------------------------------------------


def _client(app_state: dict[str, Any]) -> TestClient:
    client = TestClient(app_state["app"])
    client.headers.update(app_state["headers"])
    return client


def test_oversized_upload_file_is_not_stored(app_state: dict[str, Any]) -> None:
    big = b"\0" * (3 * MB)
    response = _client(app_state).post(
        "/api/v1/runs/import", files={"files": ("huge.fit", big, "application/octet-stream")}
    )
    assert response.status_code in (200, 413)
    if response.status_code == 200:
        result = response.json()["files"][0]
        assert result["status"] == "skipped" and "over the limit" in result["reason"]


@pytest.mark.xfail(reason="the web app sets no request size limit yet (web/: 413)", strict=False)
@pytest.mark.parametrize("path", ["/api/v1/runs/import", "/api/v1/pain", "/runs"])
def test_oversized_request_is_refused_with_413(app_state: dict[str, Any], path: str) -> None:
    # Far over the upload limit, declared up front: refuse before reading the body.
    body = b"x" * (5 * MB)
    headers = {"Content-Type": "application/octet-stream"}
    response = _client(app_state).post(path, content=body, headers=headers)
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b"\xff\xfe",
        b'{"region": "lower-back", "intensity": "9" }',
        pytest.param(
            b'{"region": "lower-back", "intensity": 1e309}',
            marks=pytest.mark.xfail(
                reason="the 422 echoes the input inf, which JSON cannot encode: a 500 (web/)",
                strict=False,
            ),
        ),
    ],
)
def test_malformed_json_is_a_clear_4xx(app_state: dict[str, Any], body: bytes) -> None:
    response = _client(app_state).post(
        "/api/v1/pain", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500 or response.status_code == 201, response.text
