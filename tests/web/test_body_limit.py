"""Request bodies over RUNBACK_MAX_UPLOAD_BYTES are refused with 413, declared or streamed.

Real activity files are uploaded: one fits and is imported; two together are over the limit and
refused whole, with a message that says the limit and what to do, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from runback.settings import Settings
from runback.web.app import MULTIPART_ALLOWANCE
from tests.conftest import SHARED_FIXTURES
from tests.web.conftest import finished_job, upload

LIMIT = 130_000
ONE = SHARED_FIXTURES / "fit/activity-small-fenix2-run.fit"  # 121,839 bytes: fits
TWO = SHARED_FIXTURES / "fit/sample-activity.fit"  # with ONE: 226,600 bytes, over the limit
SAYS = "over the upload limit of 0.1 MB (RUNBACK_MAX_UPLOAD_BYTES); send fewer or smaller files"


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Return the per-test settings with a small upload limit."""
    return Settings(database_url=db_url, zone="Europe/Berlin", max_upload_bytes=LIMIT)


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]


def _runs(client: TestClient) -> int:
    return len(client.get("/api/v1/runs").json())


def test_limits_are_what_the_test_assumes() -> None:
    one, two = ONE.stat().st_size, TWO.stat().st_size
    assert one <= LIMIT < one + two - MULTIPART_ALLOWANCE


def test_a_real_file_within_the_limit_is_imported(client: TestClient) -> None:
    out = upload(client, _files(ONE))
    assert out["files"][0]["status"] == "imported"
    assert _runs(client) == 1


def test_real_files_over_the_limit_are_refused_up_front(client: TestClient) -> None:
    r = client.post("/api/v1/runs/import", files=_files(ONE, TWO))
    assert r.status_code == 413
    detail = r.json()["detail"]
    assert detail.startswith("refused: the request is 0.2 MB, over") and SAYS in detail
    assert r.headers["x-content-type-options"] == "nosniff"  # security headers still set
    assert _runs(client) == 0


def test_the_upload_page_shows_the_refusal_as_a_page(client: TestClient) -> None:
    r = client.post("/runs", files=_files(ONE, TWO))
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert SAYS in " ".join(r.text.split())
    assert _runs(client) == 0


def _streamed(body: bytes) -> Iterator[bytes]:
    # A generator body goes out chunked, without Content-Length: only counting can stop it.
    for start in range(0, len(body), 16_384):
        yield body[start : start + 16_384]


def test_a_streamed_upload_without_length_is_counted_and_refused(client: TestClient) -> None:
    encoded = httpx.Request("POST", "http://x/", files=_files(ONE, TWO))
    body = encoded.read()
    headers = {"content-type": encoded.headers["content-type"]}
    r = client.post("/api/v1/runs/import", content=_streamed(body), headers=headers)
    assert r.status_code == 413
    assert r.json()["detail"].startswith("refused: the request is over") and SAYS in r.text
    assert _runs(client) == 0
    # The same stream within the limit goes through.
    encoded = httpx.Request("POST", "http://x/", files=_files(ONE))
    headers = {"content-type": encoded.headers["content-type"]}
    r = client.post("/api/v1/runs/import", content=_streamed(encoded.read()), headers=headers)
    assert finished_job(client, r)["result"]["imported"] == 1
    assert _runs(client) == 1


def test_an_oversized_json_body_is_refused(client: TestClient) -> None:
    body = b'{"region": "lower-back", "intensity": 3, "notes": "' + b"x" * LIMIT * 2 + b'"}'
    r = client.post("/api/v1/pain", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and SAYS in r.json()["detail"]
    assert client.get("/api/v1/pain").json() == []
