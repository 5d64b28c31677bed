"""Accounts (hosted mode) and profile settings: register, log in with rate limits, zone, targets.

Passwords are hashed with argon2id. Failed logins are stored in `login_attempts` (hashed
keys), so every worker behind the proxy enforces the same limits: `MAX_PER_EMAIL_IP` failures
per email and address, and `MAX_PER_IP` per address, within `WINDOW`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select

from runback.errors import AuthError, RateLimitedError, ValidationError
from runback.services.store import LOCAL_USER_ID, Store, get_user
from runback.storage.models import LoginAttemptRow, UserRow

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

__all__ = [
    "HASH_PARAMS",
    "MAX_PER_EMAIL_IP",
    "MAX_PER_IP",
    "MIN_PASSWORD",
    "TARGETS_KEY",
    "WINDOW",
    "Account",
    "Targets",
    "authenticate",
    "calendar_token",
    "check_password",
    "get_account",
    "get_targets",
    "hasher",
    "new_calendar_token",
    "normalize_email",
    "register",
    "revoke_calendar_token",
    "set_targets",
    "set_zone",
    "user_for_calendar_token",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_PER_EMAIL_IP = 5
MAX_PER_IP = 50
WINDOW = timedelta(minutes=15)
TARGETS_KEY = "targets"
# argon2id cost; tests lower it (see tests/web/conftest.py).
HASH_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}


@dataclass(frozen=True)
class Account:
    """Who a user is: id, email (None for the local user), zone, and password hash."""

    id: int
    email: str | None
    zone: str
    password_hash: str | None


class Targets(BaseModel):
    """Weekly and daily goals for back-up work (users.prefs["targets"])."""

    model_config = ConfigDict(extra="forbid")

    days_per_week: int = Field(default=6, ge=1, le=7, description="days of back-up work a week")
    minutes_per_day: int = Field(default=10, ge=1, le=180, description="minutes of work a day")


@functools.cache
def hasher() -> PasswordHasher:
    """Return the argon2id password hasher."""
    from argon2 import PasswordHasher

    p = HASH_PARAMS
    return PasswordHasher(
        time_cost=p["time_cost"], memory_cost=p["memory_cost"], parallelism=p["parallelism"]
    )


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this when the email is unknown keeps the timing the same.
    return hasher().hash(secrets.token_urlsafe(16))


def normalize_email(email: str) -> str:
    """Return the email trimmed and lower-cased, or raise ValidationError saying what is wrong."""
    value = email.strip().lower()
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value):
        raise ValidationError("email", [f"{email!r} is not an email address like you@example.org"])
    if len(value) > 320:
        raise ValidationError("email", ["an email address has at most 320 characters"])
    return value


def check_password(password: str) -> None:
    """Raise ValidationError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", [f"use at least {MIN_PASSWORD} characters"])
    if len(password) > MAX_PASSWORD:
        raise ValidationError("password", [f"use at most {MAX_PASSWORD} characters"])


def _account(row: UserRow) -> Account:
    return Account(row.id, row.email, row.zone, row.password_hash)


def register(store: Store, email: str, password: str, zone: str = "UTC") -> Account:
    """Create an account; raise AuthError if the email is taken."""
    from sqlalchemy.exc import IntegrityError

    from runback.core.timezones import to_zone

    address = normalize_email(email)
    check_password(password)
    try:
        to_zone(zone)
    except Exception as exc:
        raise ValidationError("zone", [str(exc)]) from None
    digest = hasher().hash(password)
    try:
        with store.tx() as session:
            if session.scalar(select(UserRow.id).where(UserRow.email == address)) is not None:
                raise AuthError("an account with this email exists already: log in instead")
            row = UserRow(
                email=address,
                password_hash=digest,
                zone=zone,
                prefs={},
                created_at=store.clock.now(),
            )
            session.add(row)
            session.flush()
            return _account(row)
    except IntegrityError:
        # Two sign-ups for one email at once: the unique index let only one through.
        raise AuthError("an account with this email exists already: log in instead") from None


def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _failures(session: Session, key: str, since: Any) -> tuple[int, Any]:
    count, oldest = session.execute(
        select(func.count(), func.min(LoginAttemptRow.at)).where(
            LoginAttemptRow.key == key, LoginAttemptRow.at >= since
        )
    ).one()
    return int(count), oldest


def authenticate(store: Store, email: str, password: str, ip: str) -> Account:
    """Return the account for these credentials; AuthError if wrong, RateLimitedError if limited."""
    from argon2.exceptions import InvalidHashError, VerificationError

    address = email.strip().lower()
    now = store.clock.now()
    since = now - WINDOW
    pair, addr = _key("email+ip", address, ip), _key("ip", ip)
    with store.factory() as session:
        for key, limit in ((pair, MAX_PER_EMAIL_IP), (addr, MAX_PER_IP)):
            count, oldest = _failures(session, key, since)
            if count >= limit:
                retry = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
                raise RateLimitedError(
                    f"too many failed logins: try again in {(retry + 59) // 60} minute(s)", retry
                )
        row = session.scalar(select(UserRow).where(UserRow.email == address))
    ok = False
    try:
        ok = hasher().verify(
            row.password_hash if row and row.password_hash else _dummy_hash(), password
        )
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or not row.password_hash:
        with store.tx() as session:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - 2 * WINDOW))
            session.add_all([LoginAttemptRow(key=pair, at=now), LoginAttemptRow(key=addr, at=now)])
        raise AuthError("wrong email or password")
    with store.tx() as session:
        session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key == pair))
        if hasher().check_needs_rehash(row.password_hash):
            fresh = session.get(UserRow, row.id)
            if fresh is not None:
                fresh.password_hash = hasher().hash(password)
                row = fresh
    return _account(row)


def get_account(store: Store, user_id: int = LOCAL_USER_ID) -> Account:
    """Return the user's account, or NotFoundError."""
    with store.factory() as session:
        row = get_user(session, user_id)
        return _account(row)


def set_zone(store: Store, zone: str, user_id: int = LOCAL_USER_ID) -> str:
    """Change the user's IANA zone (new records use it; old ones keep theirs)."""
    from runback.core.timezones import to_zone

    try:
        to_zone(zone)
    except Exception as exc:
        raise ValidationError("zone", [str(exc)]) from None
    with store.tx() as session:
        row = get_user(session, user_id)
        row.zone = zone
    return zone


def get_targets(store: Store, user_id: int = LOCAL_USER_ID) -> Targets:
    """Return the user's targets (defaults for anything not set)."""
    with store.factory() as session:
        row = get_user(session, user_id)
        raw = (row.prefs or {}).get(TARGETS_KEY) or {}
    return Targets.model_validate(raw)


def set_targets(store: Store, targets: Targets, user_id: int = LOCAL_USER_ID) -> Targets:
    """Store the user's targets, keeping every other preference."""
    with store.tx() as session:
        row = get_user(session, user_id)
        # Reassign the dict so SQLAlchemy sees the JSON change.
        row.prefs = {**(row.prefs or {}), TARGETS_KEY: targets.model_dump(mode="json")}
    return targets


def calendar_token(store: Store, user_id: int = LOCAL_USER_ID) -> str | None:
    """Return the user's calendar feed token, or None when the feed is off."""
    with store.factory() as session:
        return session.scalar(select(UserRow.calendar_token).where(UserRow.id == user_id))


def new_calendar_token(store: Store, user_id: int = LOCAL_USER_ID) -> str:
    """Make a new secret feed token (the old URL stops working) and return it."""
    token = secrets.token_urlsafe(32)
    with store.tx() as session:
        row = get_user(session, user_id)
        row.calendar_token = token
    return token


def revoke_calendar_token(store: Store, user_id: int = LOCAL_USER_ID) -> None:
    """Turn the calendar feed off."""
    with store.tx() as session:
        row = session.get(UserRow, user_id)
        if row is not None:
            row.calendar_token = None


def user_for_calendar_token(store: Store, token: str) -> int | None:
    """Return the user whose feed token this is, or None."""
    if not token or len(token) > 64:
        return None
    with store.factory() as session:
        return session.scalar(select(UserRow.id).where(UserRow.calendar_token == token))
