"""The physio report as a PDF download, from the Progress page and under /api/v1/."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import HostedClient, signup


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Return the PDF's text as poppler's pdftotext reads it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (.ci/system-deps.sh installs poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_progress_page_offers_the_report(client: TestClient) -> None:
    page = client.get("/progress").text
    assert 'action="/progress/report.pdf"' in page
    assert '<option value="4" selected>4 weeks</option>' in page


def test_report_pdf_is_a_real_pdf_covering_the_weeks_asked(
    client: TestClient, tmp_path: Path
) -> None:
    client.post("/api/v1/pain", json={"region": "lower-back", "intensity": 4, "red_flags": []})
    r = client.get("/progress/report.pdf", params={"weeks": 6})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == (
        'attachment; filename="runback-report-2026-01-05-6w.pdf"'
    )
    assert r.content.startswith(b"%PDF-") and r.content.rstrip().endswith(b"%%EOF")
    text = pdf_text(r.content, tmp_path)
    assert "Period: 25 Nov 2025 to 05 Jan 2026, 6 weeks." in text
    assert "Pain entries: 1" in text
    # The default is four weeks, and the API route gives the same report.
    api = client.get("/api/v1/report.pdf")
    assert api.status_code == 200 and api.headers["content-type"] == "application/pdf"
    assert "4w.pdf" in api.headers["content-disposition"]
    assert "4 weeks." in pdf_text(api.content, tmp_path)


@pytest.mark.parametrize("weeks", ["0", "53", "four"])
def test_report_refuses_weeks_out_of_range(client: TestClient, weeks: str) -> None:
    for url in ("/progress/report.pdf", "/api/v1/report.pdf"):
        r = client.get(url, params={"weeks": weeks})
        assert r.status_code == 422
        assert "weeks" in r.text


def test_hosted_report_needs_a_login_and_shows_only_your_own(
    db_url: str, hosted_client: Callable[..., HostedClient], tmp_path: Path
) -> None:
    anonymous = hosted_client(db_url)
    assert anonymous.get("/api/v1/report.pdf").status_code == 401
    r = anonymous.get("/progress/report.pdf?weeks=2", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    alice, bob = hosted_client(db_url), hosted_client(db_url)
    signup(alice, "alice@example.org")
    signup(bob, "bob@example.org")
    for _ in range(3):
        alice.unsafe(
            "POST", "/api/v1/pain", json={"region": "hips", "intensity": 5, "red_flags": []}
        )
    assert "Pain entries: 3" in pdf_text(alice.get("/api/v1/report.pdf").content, tmp_path)
    assert "Pain entries: 0" in pdf_text(bob.get("/api/v1/report.pdf").content, tmp_path)
