"""The share link on the web: the physio's page, PDF and upload answer only a live token, show
nothing else of the user's, are logged, limited, and the upload is validated like the import."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from runback.core.clock import FakeClock
from runback.services import share
from tests.web.conftest import HostedClient, signup

Make = Callable[..., HostedClient]
EMAIL = "alpha-runner@example.org"
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"
).read_bytes()


def _owner_with_link(hosted_client: Make, db_url: str) -> tuple[HostedClient, str]:
    owner = hosted_client(db_url)
    signup(owner, EMAIL)
    r = owner.unsafe(
        "POST",
        "/api/v1/pain",
        json={"region": "lower-back", "intensity": 4, "red_flags": [], "notes": "ALPHA notes"},
    )
    assert r.status_code == 201, r.text
    made = owner.unsafe("POST", "/api/v1/share-links", json={"days": 3})
    assert made.status_code == 201, made.text
    url: str = made.json()["url"]
    assert url.startswith("https://testserver/share/")
    return owner, url.removeprefix("https://testserver")


def test_the_page_shows_the_report_and_nothing_else_of_the_user(
    hosted_client: Make, db_url: str
) -> None:
    owner, path = _owner_with_link(hosted_client, db_url)
    physio = hosted_client(db_url)  # not logged in: the token is the credential
    r = physio.get(path)
    assert r.status_code == 200, r.text
    page = r.text
    assert "Back care report" in page and "Lower back" in page
    assert r.headers["x-robots-tag"] == "noindex, nofollow"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["cache-control"] == "no-store"
    for secret in (EMAIL, "ALPHA", "Log out", "/settings", "/pain", "/runs", "/api/"):
        assert secret not in page, secret
    token = path.removeprefix("/share/")
    links = re.findall(r'(?:href|action|src)="([^"]+)"', page)
    assert links and all(link.startswith((f"/share/{token}", "/static/")) for link in links), links
    # No record numbers: the only digits in links are inside the token.
    assert not re.search(r"/\d+(/|\"|$)", " ".join(links))
    pdf = physio.get(f"{path}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    views = owner.get("/api/v1/share-links").json()[0]["views"]
    assert [v["part"] for v in views] == ["pdf", "page"]


def test_wrong_expired_and_revoked_tokens_get_404_everywhere(
    hosted_client: Make, db_url: str, clock: FakeClock
) -> None:
    owner, path = _owner_with_link(hosted_client, db_url)
    physio = hosted_client(db_url)
    token = path.removeprefix("/share/")

    def all_404(t: str) -> None:
        for method, url in [
            ("GET", f"/share/{t}"),
            ("GET", f"/share/{t}/report.pdf"),
            ("POST", f"/share/{t}/programme"),
        ]:
            kw = {"files": {"file": ("p.toml", EXAMPLE)}} if method == "POST" else {}
            r = physio.unsafe(method, url, **kw)
            assert r.status_code == 404, (t, url, r.status_code)
            assert EMAIL not in r.text and "Back care report" not in r.text

    all_404(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    all_404("x")
    # Another user's session does not open it either, and cannot revoke it.
    other = hosted_client(db_url)
    signup(other, "bravo@example.org")
    link_id = owner.get("/api/v1/share-links").json()[0]["id"]
    assert other.unsafe("POST", f"/api/v1/share-links/{link_id}/revoke").status_code == 404
    assert other.get("/api/v1/share-links").json() == []
    assert physio.get(path).status_code == 200  # still open
    clock.advance(3 * 86400)
    all_404(token)  # expired
    second = owner.unsafe("POST", "/api/v1/share-links", json={"days": 14}).json()["url"]
    t2 = second.rsplit("/", 1)[1]
    assert physio.get(f"/share/{t2}").status_code == 200
    newest = owner.get("/api/v1/share-links").json()[0]["id"]
    r = owner.unsafe("POST", f"/settings/share/{newest}/revoke", follow_redirects=False)
    assert r.status_code == 303
    all_404(t2)  # revoked


def test_upload_is_validated_like_the_import_and_waits_for_the_user(
    hosted_client: Make, db_url: str
) -> None:
    owner, path = _owner_with_link(hosted_client, db_url)
    physio = hosted_client(db_url)
    bad = b"name = 'x'\nformat = 1\n[[prescription]]\nexercise = 'no-such-exercise'\n"
    r = physio.unsafe("POST", f"{path}/programme", files={"file": ("rx.toml", bad)})
    assert r.status_code == 422
    assert "The file was not sent" in r.text and "rx.toml line 4" in r.text
    big = b"#" * (300 * 1024)
    r = physio.unsafe("POST", f"{path}/programme", files={"file": ("big.toml", big)})
    assert r.status_code in (413, 422) and "Traceback" not in r.text
    assert owner.get("/api/v1/share-uploads").json() == []  # nothing stored
    assert owner.get("/api/v1/programme").status_code == 404
    r = physio.unsafe(
        "POST", f"{path}/programme", files={"file": ("rx.toml", EXAMPLE)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "was sent" in physio.get(r.headers["location"]).text
    assert owner.get("/api/v1/programme").status_code == 404  # not before the user accepts
    uploads = owner.get("/api/v1/share-uploads").json()
    assert [u["status"] for u in uploads] == ["pending"]
    page = owner.get("/settings/share").text
    assert "Programmes sent to you" in page and "Accept" in page
    r = owner.unsafe(
        "POST", f"/settings/share/uploads/{uploads[0]['id']}/accept", follow_redirects=False
    )
    assert r.status_code == 303
    assert owner.get("/api/v1/programme").status_code == 200
    assert "Programme accepted" in owner.get("/settings/share?done=accepted").text
    parts = [v["part"] for v in owner.get("/api/v1/share-links").json()[0]["views"]]
    assert parts.count("upload") == 3


def test_views_and_uploads_are_rate_limited(
    hosted_client: Make, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(share, "VIEWS_PER_HOUR", 2)
    monkeypatch.setattr(share, "UPLOADS_PER_DAY", 1)
    _, path = _owner_with_link(hosted_client, db_url)
    physio = hosted_client(db_url)
    assert physio.get(path).status_code == 200
    assert physio.get(f"{path}/report.pdf").status_code == 200
    r = physio.get(path)
    assert r.status_code == 429 and "try again later" in r.text
    r = physio.unsafe("POST", f"{path}/programme", files={"file": ("a.toml", b"x")})
    assert r.status_code == 422  # refused as a bad file, and the page shows it
    r = physio.unsafe("POST", f"{path}/programme", files={"file": ("a.toml", EXAMPLE)})
    assert r.status_code == 429 and "uploads today" in r.text


def test_the_owner_makes_lists_and_revokes_links_in_settings(
    hosted_client: Make, db_url: str
) -> None:
    owner = hosted_client(db_url)
    signup(owner, EMAIL)
    assert 'href="/settings/share"' in owner.get("/settings").text
    assert 'href="/settings/share"' in owner.get("/more").text
    r = owner.unsafe("POST", "/settings/share", data={"days": "0"})
    assert r.status_code == 422 and "days: give a whole number from 1 to 90" in r.text
    r = owner.unsafe("POST", "/settings/share", data={"days": "7"})
    assert r.status_code == 201 and 'id="share-url"' in r.text
    assert "Not opened yet." in r.text
    url = re.search(r'id="share-url">([^<]+)<', r.text)
    assert url is not None
    owner.get(url.group(1).removeprefix("https://testserver"))
    page = owner.get("/settings/share").text
    assert "Opened 1 time" in page and "the page" in page
    assert url.group(1) not in page  # the address is shown once only
