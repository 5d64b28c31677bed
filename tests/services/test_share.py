"""Share links: only a hash stored; wrong, expired or revoked is one 404; views logged; uploads
validated like an import and kept until accepted or rejected; limits on views and uploads."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from runback.core.clock import FakeClock
from runback.errors import LimitError, NotFoundError, ValidationError
from runback.services import share
from runback.services.accounts import register
from runback.services.pain import log_pain
from runback.services.programmes import active_programme
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import ProgrammeRow
from runback.storage.web_models import ShareLinkRow, ShareUploadRow

U = LOCAL_USER_ID
EXAMPLE = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"
).read_bytes()


def test_a_new_link_shows_the_report_and_stores_only_the_token_hash(store: Store) -> None:
    log_pain(store, user_id=U, region="lower-back", intensity=3, red_flags=[])
    made = share.create_link(store, user_id=U)
    assert len(made.token) >= 43 and made.link.status == "active"
    assert (made.link.expires_at - made.link.created_at).days == share.DEFAULT_DAYS
    with store.factory() as s:
        stored = s.scalar(select(ShareLinkRow.token_hash))
    assert stored == share.hash_token(made.token) and made.token not in stored
    report = share.shared_report(store, made.token)
    assert [m.intensity for m in report.pain] == [3]
    assert share.shared_report(store, made.token, part="pdf").pain == report.pain
    views = share.list_links(store, user_id=U)[0].views
    assert [v.part for v in views] == ["pdf", "page"]  # newest first


def test_wrong_expired_and_revoked_tokens_are_the_same_not_found(
    store: Store, clock: FakeClock
) -> None:
    short = share.create_link(store, user_id=U, days=1)
    revoked = share.create_link(store, user_id=U)
    share.revoke_link(store, revoked.link.id, user_id=U)
    clock.advance(86400)  # exactly a day: the one-day link has expired
    for token in ("", "x", "nope" * 30, short.token, revoked.token, short.token[:-1] + "A"):
        with pytest.raises(NotFoundError) as info:
            share.shared_report(store, token)
        assert "wrong, expired or revoked" in str(info.value)
    statuses = {link.id: link.status for link in share.list_links(store, user_id=U)}
    assert statuses == {short.link.id: "expired", revoked.link.id: "revoked"}
    assert all(link.views == [] for link in share.list_links(store, user_id=U))


def test_one_user_cannot_revoke_or_see_another_users_links(store: Store) -> None:
    other = register(store, "b@example.org", "a long enough password 1").id
    made = share.create_link(store, user_id=U)
    with pytest.raises(NotFoundError):
        share.revoke_link(store, made.link.id, user_id=other)
    assert share.list_links(store, user_id=other) == []
    assert share.list_links(store, user_id=U)[0].status == "active"


def test_days_out_of_range_is_one_clear_problem(store: Store) -> None:
    for days in (0, share.MAX_DAYS + 1):
        with pytest.raises(ValidationError, match="days: give a whole number from 1 to 90"):
            share.create_link(store, user_id=U, days=days)
    assert share.list_links(store, user_id=U) == []


def test_too_many_open_links_and_too_many_views_are_limited(store: Store, clock: FakeClock) -> None:
    links = [share.create_link(store, user_id=U) for _ in range(share.MAX_LINKS)]
    with pytest.raises(LimitError, match="revoke one"):
        share.create_link(store, user_id=U)
    token = links[0].token
    for _ in range(share.VIEWS_PER_HOUR):
        share._open(store, token, "page")
    with pytest.raises(LimitError, match="views this hour"):
        share.shared_report(store, token)
    clock.advance(3601)
    share.shared_report(store, token)  # the hour has passed


def test_an_uploaded_programme_waits_until_the_user_accepts_it(store: Store) -> None:
    made = share.create_link(store, user_id=U)
    up = share.upload_programme(store, made.token, EXAMPLE, "../../revised.toml")
    assert (up.status, up.file_name) == ("pending", "revised.toml")
    assert active_programme(store, user_id=U) is None  # nothing changes before the user says
    stored = share.accept_upload(store, up.id, user_id=U)
    assert active_programme(store, user_id=U) is not None
    assert stored.programme.name == up.programme_name
    assert share.list_uploads(store, user_id=U)[0].status == "accepted"
    with pytest.raises(ValidationError, match="already accepted"):
        share.reject_upload(store, up.id, user_id=U)
    second = share.upload_programme(store, made.token, EXAMPLE, "again.toml")
    assert share.reject_upload(store, second.id, user_id=U).status == "rejected"
    assert [v.part for v in share.list_links(store, user_id=U)[0].views] == ["upload", "upload"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xff\xfe not text", "not UTF-8"),
        (b"name = 'x'\nformat = 1\n[[prescription]]\nexercise = 'no-such-exercise'\n", "line"),
        (b"x" * (256 * 1024 + 1), "larger than 256 KiB"),
        (b"name = [unclosed", "TOML syntax error"),
    ],
)
def test_a_bad_upload_is_refused_like_the_cli_import_and_nothing_is_kept(
    store: Store, data: bytes, says: str
) -> None:
    made = share.create_link(store, user_id=U)
    with pytest.raises(ValidationError) as info:
        share.upload_programme(store, made.token, data, "bad.toml")
    assert says in " ".join(info.value.problems)
    with store.factory() as s:
        assert s.scalar(select(func.count()).select_from(ShareUploadRow)) == 0
        assert s.scalar(select(func.count()).select_from(ProgrammeRow)) == 0


def test_uploads_per_day_are_limited(store: Store, clock: FakeClock) -> None:
    made = share.create_link(store, user_id=U)
    for _ in range(share.UPLOADS_PER_DAY):
        with pytest.raises(ValidationError):
            share.upload_programme(store, made.token, b"nope", "bad.toml")
    with pytest.raises(LimitError, match="uploads today"):
        share.upload_programme(store, made.token, EXAMPLE, "good.toml")
    clock.advance(86401)
    assert share.upload_programme(store, made.token, EXAMPLE, "good.toml").status == "pending"
