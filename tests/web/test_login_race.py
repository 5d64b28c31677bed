"""The login limit holds under concurrency: 40 wrong passwords at once, exactly 5 checked.

A real uvicorn server (in a thread, so the test can count argon2 checks in its process) on
SQLite and on a real PostgreSQL, driven by 40 real client threads released together.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from runback.core.clock import FakeClock
from runback.services import accounts
from runback.services.store import open_store
from runback.settings import Settings
from runback.web.app import create_app
from tests.web.conftest import PASSWORD, SECRET
from tests.web.live import in_thread

CONCURRENT = 40


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count argon2 verifications from here on (in this process)."""
    seen = [0]
    lock = threading.Lock()
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, digest: Any, password: Any) -> bool:
        with lock:
            seen[0] += 1
        return original(self, digest, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def _burst(base: str, path: str, bodies: list[dict[str, str]]) -> Counter[int]:
    """Send one POST per body at the same moment, from a thread each; count the statuses."""
    with httpx.Client(base_url=base) as first:
        token = first.get("/api/v1/csrf").json()["csrf_token"]
        cookies = dict(first.cookies)
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    lock = threading.Lock()

    def one(body: dict[str, str]) -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
            barrier.wait()
            r = c.post(path, json=body, headers={"X-CSRF-Token": token})
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=one, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(statuses)


def test_40_concurrent_wrong_logins_check_exactly_5_passwords(
    any_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=any_db_url, mode="hosted", secret_key=SECRET, zone="UTC")
    store = open_store(settings, clock)
    try:
        accounts.register(store, "runner@example.org", PASSWORD)
        checks = _count_checks(monkeypatch)
        with in_thread(create_app(settings, store)) as base:
            wrong = {"email": "runner@example.org", "password": "not the password at all"}
            statuses = _burst(base, "/api/v1/login", [wrong] * CONCURRENT)
            assert checks[0] == accounts.MAX_PER_EMAIL_IP, statuses
            assert statuses == {401: 5, 429: CONCURRENT - 5}
            # The right password from that address is limited too until the window ends...
            right = {"email": "runner@example.org", "password": PASSWORD}
            assert _burst(base, "/api/v1/login", [right]) == {429: 1}
            clock.advance(accounts.WINDOW.total_seconds() + 1)
            # ...and works after it, with one more check.
            assert _burst(base, "/api/v1/login", [right]) == {200: 1}
            assert checks[0] == accounts.MAX_PER_EMAIL_IP + 1
    finally:
        store.close()


def test_concurrent_wrong_current_passwords_are_limited_the_same_way(
    any_db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=any_db_url, mode="hosted", secret_key=SECRET, zone="UTC")
    store = open_store(settings, clock)
    try:
        with in_thread(create_app(settings, store)) as base:
            # The cookies are Secure: carry them by hand over this plain-http server.
            with httpx.Client(base_url=base) as c:
                token = c.get("/api/v1/csrf").json()["csrf_token"]
                cookies = dict(c.cookies)
            with httpx.Client(base_url=base, cookies=cookies) as c:
                body = {"email": "pw@example.org", "password": PASSWORD}
                r = c.post("/api/v1/register", json=body, headers={"X-CSRF-Token": token})
                assert r.status_code == 201
                cookies = dict(r.cookies)
            with httpx.Client(base_url=base, cookies=cookies) as c:
                token = c.get("/api/v1/csrf").json()["csrf_token"]
            checks = _count_checks(monkeypatch)
            barrier = threading.Barrier(20)
            statuses: list[int] = []

            def one() -> None:
                with httpx.Client(base_url=base, cookies=cookies, timeout=60) as cl:
                    barrier.wait()
                    change = {"current_password": "wrong wrong wrong", "new_password": "x" * 12}
                    r = cl.post("/api/v1/password", json=change, headers={"X-CSRF-Token": token})
                statuses.append(r.status_code)

            threads = [threading.Thread(target=one) for _ in range(20)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert checks[0] == accounts.MAX_PER_EMAIL_IP
            assert Counter(statuses) == {403: 5, 429: 15}
    finally:
        store.close()
