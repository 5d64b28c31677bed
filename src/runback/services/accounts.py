"""Accounts (hosted mode) and profile settings: register, log in with rate limits, zone, targets.

Passwords are hashed with argon2id. Failed logins are stored in `login_attempts` (hashed
keys), so every worker behind the proxy enforces the same limits: `MAX_PER_EMAIL_IP` failures
per email and address, and `MAX_PER_IP` per address, within `WINDOW`. An "address" is an IPv4
address or an IPv6 /64 (one customer's network, so one attacker).

Each attempt is counted *before* its password is checked, in one transaction holding a lock on
the address (a PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE write lock): of 40 concurrent
wrong passwords exactly `MAX_PER_EMAIL_IP` are checked. A login that succeeds takes its attempt
back. Sign-ups are counted the same way, per address and in all.

Hashing and checking passwords (argon2id, behind a gate) is services/passwords.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field
from sqlalchemy import delete, func, select, text

from runback.core.model import Model
from runback.errors import AuthError, RateLimitedError, ValidationError
from runback.services.passwords import (
    check_password,
    hash_gate,
    hash_password,
    hasher,
    verify_password,
)
from runback.services.store import Store, get_user
from runback.storage.models import UserRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "MAX_PER_EMAIL_IP",
    "MAX_PER_IP",
    "TARGETS_KEY",
    "WINDOW",
    "Account",
    "Targets",
    "address_block",
    "authenticate",
    "calendar_token",
    "get_account",
    "get_targets",
    "new_calendar_token",
    "normalize_email",
    "register",
    "revoke_calendar_token",
    "set_targets",
    "set_zone",
    "user_for_calendar_token",
    "verify_current_password",
]

MAX_PER_EMAIL_IP = 5
MAX_PER_IP = 50
WINDOW = timedelta(minutes=15)
TARGETS_KEY = "targets"


@dataclass(frozen=True)
class Account:
    """Who a user is: id, email (None for the local user), zone, and password hash."""

    id: int
    email: str | None
    zone: str
    password_hash: str | None


class Targets(Model):
    """Weekly and daily goals for back-up work (users.prefs["targets"])."""

    model_config = ConfigDict(extra="forbid")

    days_per_week: int = Field(default=6, ge=1, le=7, description="days of back-up work a week")
    minutes_per_day: int = Field(default=10, ge=1, le=180, description="minutes of work a day")


def address_block(ip: str) -> str:
    """Return what a client address is limited as: an IPv4 address, or its IPv6 /64."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return ip[:64]  # not an address (a test client, a unix socket): itself
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def normalize_email(email: str) -> str:
    """Return the email trimmed and lower-cased, or raise ValidationError saying what is wrong."""
    value = email.strip().lower()
    if "\x00" in value:
        raise ValidationError("email", ["an email address cannot contain a NUL character"])
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value):
        raise ValidationError("email", [f"{email!r} is not an email address like you@example.org"])
    if len(value) > 320:
        raise ValidationError("email", ["an email address has at most 320 characters"])
    return value


def _account(row: UserRow) -> Account:
    return Account(row.id, row.email, row.zone, row.password_hash)


def register(
    store: Store, email: str, password: str, zone: str = "UTC", *, ip: str | None = None
) -> Account:
    """Create an account; AuthError if the email is taken, RateLimitedError after too many.

    `ip` is the client's address (the web passes it): sign-ups are limited per address and in
    all (Settings.register_limit_per_address / register_limit_global per WINDOW).
    """
    from sqlalchemy.exc import IntegrityError

    from runback.core.timezones import to_zone

    address = normalize_email(email)
    check_password(password)
    try:
        to_zone(zone)
    except Exception as exc:
        raise ValidationError("zone", [str(exc)]) from None
    with hash_gate().admit():
        if ip is not None:
            _count_signup(store, ip)
        digest = hash_password(password)
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
    # The web tables are imported where used (here and below): Today and the progress import
    # this module for the targets, and never build them.
    from runback.storage.web_models import LoginAttemptRow

    count, oldest = session.execute(
        select(func.count(), func.min(LoginAttemptRow.at)).where(
            LoginAttemptRow.key == key, LoginAttemptRow.at >= since
        )
    ).one()
    return int(count), oldest


def _lock(session: Session, key: str) -> None:
    # Serialises count-then-insert for one key until the transaction ends. SQLite needs
    # nothing: every transaction there starts with BEGIN IMMEDIATE, the database's write lock.
    if session.get_bind().dialect.name == "postgresql":
        number = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


_LOGIN_LIMITED = "too many failed logins: try again in {minutes} minute(s)"


def _reserve(store: Store, limits: list[tuple[str, int, str]], lock: str) -> list[int]:
    """Count one attempt against each (key, limit, message) at once; return the rows' ids.

    Raises RateLimitedError with that limit's message (and nothing counted) if one is reached.
    """
    from runback.storage.web_models import LoginAttemptRow

    now = store.clock.now()
    with store.tx() as session:
        _lock(session, lock)
        for key, limit, message in limits:
            count, oldest = _failures(session, key, now - WINDOW)
            if count >= limit:
                retry = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
                raise RateLimitedError(message.format(minutes=(retry + 59) // 60), retry)
        rows = [LoginAttemptRow(key=key, at=now) for key, _, _ in limits]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _count_signup(store: Store, ip: str) -> None:
    block = address_block(ip)
    limits = store.settings
    every = _key("signup")
    _reserve(
        store,
        [
            (
                _key("signup+ip", block),
                limits.register_limit_per_address,
                "too many new accounts from your network: try again in {minutes} minute(s)",
            ),
            (
                every,
                limits.register_limit_global,
                "too many new accounts right now: try again in {minutes} minute(s)",
            ),
        ],
        every,
    )


def _limited_check(store: Store, pair: str, addr: str, digest: str | None, password: str) -> bool:
    """Check a password under the failure limits of `pair` and `addr`; True if it matches."""
    from runback.storage.web_models import LoginAttemptRow

    limits = [(pair, MAX_PER_EMAIL_IP, _LOGIN_LIMITED), (addr, MAX_PER_IP, _LOGIN_LIMITED)]
    # Admitted first: a request turned away as too busy was no attempt, and costs no query.
    with hash_gate().admit():
        ids = _reserve(store, limits, addr)
        ok = verify_password(digest, password)
    now = store.clock.now()
    with store.tx() as session:
        if ok:
            # A right password clears the failures for this pair; its own attempt goes too.
            session.execute(
                delete(LoginAttemptRow).where(
                    (LoginAttemptRow.key == pair) | LoginAttemptRow.id.in_(ids)
                )
            )
        else:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - 2 * WINDOW))
    return ok


def authenticate(store: Store, email: str, password: str, ip: str) -> Account:
    """Return the account for these credentials; AuthError if wrong, RateLimitedError if limited."""
    address = email.strip().lower()
    if "\x00" in address or "\x00" in password:
        raise ValidationError("login", ["an email or password cannot contain a NUL character"])
    block = address_block(ip)
    pair, addr = _key("email+ip", address, block), _key("ip", block)
    with store.factory() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == address))
    digest = row.password_hash if row is not None else None
    # An unknown email is checked too (against a dummy hash): same timing, same limit.
    ok = _limited_check(store, pair, addr, digest, password)
    if row is None or not ok:
        raise AuthError("wrong email or password")
    assert digest is not None
    if hasher().check_needs_rehash(digest):
        fresh_hash = hash_password(password)
        with store.tx() as session:
            fresh = session.get(UserRow, row.id)
            if fresh is not None:
                fresh.password_hash = fresh_hash
                row = fresh
    return _account(row)


def verify_current_password(store: Store, password: str, ip: str, *, user_id: int) -> None:
    """Raise AuthError unless `password` is the user's; limited like logins (RateLimitedError)."""
    if "\x00" in password:
        raise AuthError("the current password is wrong")
    block = address_block(ip)
    pair, addr = _key("password", str(user_id), block), _key("ip", block)
    with store.factory() as session:
        digest = get_user(session, user_id=user_id).password_hash
    if digest is None or not _limited_check(store, pair, addr, digest, password):
        raise AuthError("the current password is wrong")


def get_account(store: Store, *, user_id: int) -> Account:
    """Return the user's account, or NotFoundError."""
    with store.factory() as session:
        row = get_user(session, user_id=user_id)
        return _account(row)


def set_zone(store: Store, zone: str, *, user_id: int) -> str:
    """Change the user's IANA zone (new records use it; old ones keep theirs)."""
    from runback.core.timezones import to_zone

    try:
        to_zone(zone)
    except Exception as exc:
        raise ValidationError("zone", [str(exc)]) from None
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        row.zone = zone
    return zone


def get_targets(store: Store, *, user_id: int) -> Targets:
    """Return the user's targets (defaults for anything not set)."""
    with store.factory() as session:
        row = get_user(session, user_id=user_id)
        raw = (row.prefs or {}).get(TARGETS_KEY) or {}
    return Targets.model_validate(raw)


def set_targets(store: Store, targets: Targets, *, user_id: int) -> Targets:
    """Store the user's targets, keeping every other preference."""
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        # Reassign the dict so SQLAlchemy sees the JSON change.
        row.prefs = {**(row.prefs or {}), TARGETS_KEY: targets.model_dump(mode="json")}
    return targets


def calendar_token(store: Store, *, user_id: int) -> str | None:
    """Return the user's calendar feed token, or None when the feed is off."""
    with store.factory() as session:
        return session.scalar(select(UserRow.calendar_token).where(UserRow.id == user_id))


def new_calendar_token(store: Store, *, user_id: int) -> str:
    """Make a new secret feed token (the old URL stops working) and return it."""
    token = secrets.token_urlsafe(32)
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        row.calendar_token = token
    return token


def revoke_calendar_token(store: Store, *, user_id: int) -> None:
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
