"""Logged-in browsers (hosted mode): open one, end one, end all others, change the password.

Each login is a row in `logins` whose random key the signed session cookie carries, so logging
out ends that cookie for good (not just in that browser), and a password change ends every
other login of the account. Every worker sees the same rows: nothing is shared but the database.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from runback.services.store import Store, get_user
from runback.storage.web_models import LoginRow

__all__ = ["LOGIN_MAX_AGE", "change_password", "end_login", "end_other_logins", "open_login"]

LOGIN_MAX_AGE = timedelta(days=30)
"""How long a login lasts (the session cookie's max age too)."""


def open_login(store: Store, *, user_id: int) -> str:
    """Record a new login for the user and return its key (for the session cookie)."""
    key = secrets.token_urlsafe(32)
    now = store.clock.now()
    with store.tx() as session:
        get_user(session, user_id=user_id)
        # Logins past their age can no longer be used (the cookie expired): drop them here.
        session.execute(
            delete(LoginRow).where(
                LoginRow.user_id == user_id, LoginRow.created_at < now - LOGIN_MAX_AGE
            )
        )
        session.add(LoginRow(key=key, user_id=user_id, created_at=now))
    return key


def end_login(store: Store, key: str) -> None:
    """End one login (log out); an unknown or ended key is no error."""
    with store.tx() as session:
        session.execute(delete(LoginRow).where(LoginRow.key == key))


def end_other_logins(store: Store, keep: str | None, *, user_id: int) -> int:
    """End every login of the user but `keep`; return how many ended."""
    with store.tx() as session:
        return _end_others(session, user_id, keep)


def _end_others(session: Session, user_id: int, keep: str | None) -> int:
    query = delete(LoginRow).where(LoginRow.user_id == user_id)
    if keep is not None:
        query = query.where(LoginRow.key != keep)
    return int(session.execute(query).rowcount)  # type: ignore[attr-defined]


def change_password(
    store: Store, current: str, new: str, keep: str | None = None, *, user_id: int, ip: str
) -> int:
    """Set a new password after checking the current one; end the other logins; return how many.

    Raises AuthError when `current` is wrong, RateLimitedError after too many wrong ones from
    `ip` (the login limits), ValidationError when `new` is too short or long.
    """
    from runback.services.accounts import verify_current_password
    from runback.services.passwords import check_password, hash_password

    check_password(new)
    verify_current_password(store, current, ip, user_id=user_id)
    fresh = hash_password(new)
    with store.tx() as session:
        get_user(session, user_id=user_id).password_hash = fresh
        return _end_others(session, user_id, keep)
