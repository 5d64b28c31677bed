"""Accounts (hosted mode) and profile settings: register, log in with rate limits, zone, targets.

Passwords are hashed with argon2id. Failed logins are stored in `login_attempts` (hashed
keys), so every worker behind the proxy enforces the same limits: `MAX_PER_EMAIL_IP` failures
per email and address, and `MAX_PER_IP` per address, within `WINDOW`. An "address" is an IPv4
address or an IPv6 /64 (one customer's network, so one attacker).

Each attempt is counted *before* its password is checked, in one transaction holding a lock on
the address (a PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE write lock): of 40 concurrent
wrong passwords exactly `MAX_PER_EMAIL_IP` are checked. A login that succeeds takes its attempt
back. Sign-ups are counted the same way, per address and in all.

Every argon2 hash and check goes through `hash_gate`: `HASH_SLOTS` at a time per process (on
threads of its own, at a lower CPU priority), at most `HASH_QUEUE` more waiting (the rest get
RateLimitedError at once), so a burst of sign-ups cannot take the memory (64 MiB each), the CPU
or every thread of the server.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import math
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ConfigDict, Field
from sqlalchemy import delete, func, select, text

from runback.core.model import Model
from runback.errors import AuthError, RateLimitedError, ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import UserRow

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.orm import Session

__all__ = [
    "HASH_PARAMS",
    "HASH_QUEUE",
    "HASH_SLOTS",
    "MAX_PER_EMAIL_IP",
    "MAX_PER_IP",
    "MIN_PASSWORD",
    "TARGETS_KEY",
    "WINDOW",
    "Account",
    "HashGate",
    "Targets",
    "address_block",
    "authenticate",
    "calendar_token",
    "check_password",
    "get_account",
    "get_targets",
    "hash_gate",
    "hash_password",
    "hasher",
    "new_calendar_token",
    "normalize_email",
    "register",
    "revoke_calendar_token",
    "set_targets",
    "set_zone",
    "user_for_calendar_token",
    "verify_current_password",
    "verify_password",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_PER_EMAIL_IP = 5
MAX_PER_IP = 50
WINDOW = timedelta(minutes=15)
TARGETS_KEY = "targets"
# argon2id cost; tests lower it (see tests/web/conftest.py).
HASH_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
HASH_SLOTS = 2
HASH_NICE = 10  # argon2 threads run at this nice value (see _background_priority)
# Admitted requests each hold a server thread and, at times, a pooled connection: kept well
# under the pool's 15 so the health check and everyone else still get theirs.
HASH_QUEUE = 8


T = TypeVar("T")


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


class HashGate:
    """Let `slots` argon2 runs at a time through, with at most `queue` more requests waiting.

    A request is admitted (`admit`) before any of its database work, so one turned away costs
    nothing but this check, and the admitted few never hold more pooled connections or server
    threads than the gate lets through.
    """

    def __init__(self, slots: int, queue: int) -> None:
        # Imported here: Today and the progress read targets from this module, and never hash.
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(slots, "argon2", initializer=_background_priority)
        self._lock = threading.Lock()
        self._admitted = 0
        self._mine = threading.local()
        self.most = slots + queue

    @contextmanager
    def admit(self) -> Iterator[None]:
        """Count this thread in (once, however deeply nested); RateLimitedError when full."""
        depth: int = getattr(self._mine, "depth", 0)
        if depth == 0:
            with self._lock:
                if self._admitted >= self.most:
                    raise RateLimitedError(
                        "the server is busy checking passwords: try again in a few seconds", 2
                    )
                self._admitted += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if depth == 0:
                with self._lock:
                    self._admitted -= 1

    def run(self, work: Callable[[], T]) -> T:
        """Run one argon2 call on the gate's own threads (admitting this thread if not yet)."""
        with self.admit():
            return self._pool.submit(work).result()


def _background_priority() -> None:
    # argon2's lane threads inherit this thread's nice value: hashing yields the CPU to every
    # other request (the health check stays quick while sign-ups pour in). Linux only: there a
    # thread id names one thread; elsewhere it would name the whole process.
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)


@functools.cache
def hash_gate() -> HashGate:
    """Return this process's gate in front of argon2."""
    return HashGate(HASH_SLOTS, HASH_QUEUE)


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password (through the gate)."""
    return hash_gate().run(lambda: hasher().hash(password))


def verify_password(digest: str | None, password: str) -> bool:
    """Tell whether a password matches a hash (against a dummy hash when there is none)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    def check() -> bool:
        try:
            return hasher().verify(digest or _dummy_hash(), password) and digest is not None
        except (VerificationError, InvalidHashError):
            return False

    return hash_gate().run(check)


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


def check_password(password: str) -> None:
    """Raise ValidationError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", [f"use at least {MIN_PASSWORD} characters"])
    if len(password) > MAX_PASSWORD:
        raise ValidationError("password", [f"use at most {MAX_PASSWORD} characters"])
    if "\x00" in password:
        raise ValidationError("password", ["a password cannot contain a NUL character"])


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
