"""Hostile input to the web API: schemathesis generates requests from create_app's OpenAPI document.

No request may cause a 500, and every response must match the schema the document declares.
`make test` runs a bounded number of examples per operation; `make check-all` many more.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.result import Err
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
        if isinstance(result, Err):
            raise result.err()
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


# Failures already reported to web/'s owner: (operation label or "", text in the failure) mapped
# to the reason. Empty: every issue this suite found is fixed (the tests below and
# tests/web/test_body_limit.py hold the regressions).
KNOWN_ISSUES: dict[tuple[str, str], str] = {}


def _known_issue(label: str, text: str) -> str | None:
    """Name a known, reported issue of web/ that this failure is; None for a new failure."""
    for (operation, needle), reason in KNOWN_ISSUES.items():
        if operation in ("", label) and needle in text:
            return reason
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


def test_oversized_upload_file_is_refused_and_not_stored(app_state: dict[str, Any]) -> None:
    client = _client(app_state)
    before = client.get("/api/v1/runs").json()
    big = b"\0" * (3 * MB)
    response = client.post(
        "/api/v1/runs/import", files={"files": ("huge.fit", big, "application/octet-stream")}
    )
    assert response.status_code == 413
    assert "over the upload limit of 2.0 MB" in response.json()["detail"]
    assert client.get("/api/v1/runs").json() == before


@pytest.mark.parametrize("path", ["/api/v1/runs/import", "/api/v1/pain", "/runs"])
def test_oversized_request_is_refused_with_413(app_state: dict[str, Any], path: str) -> None:
    # Far over the upload limit, declared up front: refuse before reading the body.
    body = b"x" * (5 * MB)
    headers = {"Content-Type": "application/octet-stream"}
    response = _client(app_state).post(path, content=body, headers=headers)
    assert response.status_code == 413
    assert "RUNBACK_MAX_UPLOAD_BYTES" in response.text


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b"\xff\xfe",
        b'{"region": "lower-back", "intensity": "9" }',
        b'{"region": "lower-back", "intensity": 1e309}',
        b'{"region": "lower-back", "intensity": -1e309}',
        b'{"region": "lower-back", "intensity": NaN}',
        b'{"region": "lower-back", "intensity": 3, "run_id": 18446744073709551616}',
    ],
)
def test_malformed_json_is_a_clear_4xx(app_state: dict[str, Any], body: bytes) -> None:
    response = _client(app_state).post(
        "/api/v1/pain", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500 or response.status_code == 201, response.text
    response.json()  # whatever was sent, the answer is valid JSON


@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity"])
def test_a_number_json_cannot_hold_is_named_in_a_422(
    app_state: dict[str, Any], number: str
) -> None:
    body = f'{{"region": "lower-back", "intensity": {number}}}'.encode()
    response = _client(app_state).post(
        "/api/v1/pain", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["loc"] == ["body", "intensity"] and "finite number" in problem["msg"]
    assert problem["input"] in ("inf", "-inf", "nan")


@pytest.mark.parametrize("suffix", ["", "/progress", "/finish", "/enjoyment"])
@pytest.mark.parametrize("session_id", [2**31, 2**63, 2**64, 10**30, 0, -1])
def test_a_session_id_no_database_holds_is_a_422(
    app_state: dict[str, Any], suffix: str, session_id: int
) -> None:
    client = _client(app_state)
    url = f"/api/v1/sessions/{session_id}{suffix}"
    response = client.get(url) if not suffix else client.post(url, json={"enjoyment": 3})
    assert response.status_code == 422, response.text
    assert ["path", "session_id"] in [p["loc"] for p in response.json()["problems"]]


def test_the_largest_session_id_is_just_not_found(app_state: dict[str, Any]) -> None:
    response = _client(app_state).get(f"/api/v1/sessions/{2**31 - 1}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"no session {2**31 - 1}"}


@pytest.mark.parametrize("seed", ["¹", "²³", "①", "٣x", "9" * 5000, "-"])
@pytest.mark.parametrize("minutes", ["", "5"])
def test_plan_page_with_a_seed_that_is_not_a_number(
    app_state: dict[str, Any], seed: str, minutes: str
) -> None:
    response = _client(app_state).get("/plan", params={"minutes": minutes, "seed": seed})
    if minutes:
        # The planner is asked: it names the field and says what to do.
        assert response.status_code == 422
        assert "is not a whole number; leave it empty" in response.text
    else:
        assert response.status_code == 200  # only the form is shown; the seed is not used


def test_a_422_from_a_service_matches_the_documented_schema(app_state: dict[str, Any]) -> None:
    # A ValidationError from the planner is a message; the document says detail is text or a list.
    response = _client(app_state).post("/api/v1/plan", json={"minutes": 500})
    assert response.status_code == 422
    assert "minutes" in response.json()["detail"]
    document = app_state["app"].openapi()
    documented = document["paths"]["/api/v1/plan"]["post"]["responses"]["422"]
    schema = documented["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    detail = document["components"]["schemas"]["ErrorOut"]["properties"]["detail"]
    assert {"type": "string"} in detail["anyOf"]


def test_real_server_refuses_an_oversized_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over real HTTP (uvicorn): the client gets the 413 whole, declared or chunked, and the
    # server goes on serving.
    from tests.conftest import SHARED_FIXTURES
    from tests.reliability.conftest import serve, stop

    monkeypatch.setenv("RUNBACK_MAX_UPLOAD_BYTES", "130000")
    one = SHARED_FIXTURES / "fit/activity-small-fenix2-run.fit"
    two = SHARED_FIXTURES / "fit/sample-activity.fit"
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in (one, two)]
    server, base = serve(f"sqlite:///{tmp_path / 'web.db'}", tmp_path / "serve.log", workers=1)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            r = client.post("/api/v1/runs/import", files=files)
            assert r.status_code == 413 and "RUNBACK_MAX_UPLOAD_BYTES" in r.json()["detail"]
            encoded = httpx.Request("POST", base, files=files)
            body = encoded.read()
            chunks = (body[i : i + 65_536] for i in range(0, len(body), 65_536))
            r = client.post(
                "/api/v1/runs/import",
                content=chunks,
                headers={"content-type": encoded.headers["content-type"]},
            )
            assert r.status_code == 413 and "RUNBACK_MAX_UPLOAD_BYTES" in r.json()["detail"]
            assert client.get("/api/v1/runs").json() == []
            r = client.post("/api/v1/runs/import", files=files[:1])
            assert r.status_code == 202, r.text
            deadline = time.monotonic() + 60
            while (job := client.get(r.headers["location"]).json())["status"] in (
                "queued",
                "running",
            ):
                assert time.monotonic() < deadline, job
                time.sleep(0.05)  # a real server imports it: real time, no app clock
            assert job["result"]["files"][0]["status"] == "imported"
    finally:
        stop(server)
