"""Account limits: addresses by network, sign-ups per address and in all, the argon2 gate."""

from __future__ import annotations

import threading

import pytest

from runback.core.clock import FakeClock
from runback.errors import AuthError, RateLimitedError
from runback.services import accounts, logins, passwords
from runback.services.accounts import address_block
from runback.services.passwords import HashGate
from runback.services.store import Store

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASH_PARAMS", {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    )
    passwords.hasher.cache_clear()


@pytest.mark.parametrize(
    ("ip", "block"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:DB8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::/64"),
        ("testclient", "testclient"),
    ],
)
def test_an_address_is_an_ipv4_address_or_an_ipv6_64(ip: str, block: str) -> None:
    assert address_block(ip) == block


def test_wrong_passwords_from_one_64_share_one_limit(store: Store) -> None:
    accounts.register(store, "six@example.org", PASSWORD)
    for i in range(accounts.MAX_PER_EMAIL_IP):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "six@example.org", "wrong wrong", f"2001:db8::{i:x}")
    with pytest.raises(RateLimitedError):
        accounts.authenticate(store, "six@example.org", PASSWORD, "2001:db8::ffff")
    assert accounts.authenticate(store, "six@example.org", PASSWORD, "2001:db8:0:1::1").id


def test_sign_ups_are_limited_per_address_and_in_all(store: Store, clock: FakeClock) -> None:
    store.settings = store.settings.model_copy(
        update={"register_limit_per_address": 2, "register_limit_global": 3}
    )
    accounts.register(store, "a@example.org", PASSWORD, ip="198.51.100.1")
    accounts.register(store, "b@example.org", PASSWORD, ip="198.51.100.1")
    with pytest.raises(RateLimitedError, match="from your network"):
        accounts.register(store, "c@example.org", PASSWORD, ip="198.51.100.1")
    accounts.register(store, "c@example.org", PASSWORD, ip="198.51.100.2")
    with pytest.raises(RateLimitedError, match="right now") as limited:
        accounts.register(store, "d@example.org", PASSWORD, ip="198.51.100.3")
    assert 0 < limited.value.retry_after_s <= accounts.WINDOW.total_seconds()
    clock.advance(accounts.WINDOW.total_seconds() + 1)
    accounts.register(store, "d@example.org", PASSWORD, ip="198.51.100.1")


def test_the_current_password_check_is_limited(store: Store) -> None:
    user = accounts.register(store, "pw@example.org", PASSWORD)
    for _ in range(accounts.MAX_PER_EMAIL_IP):
        with pytest.raises(AuthError, match="current password is wrong"):
            logins.change_password(
                store, "wrong wrong", "new password!", ip="192.0.2.9", user_id=user.id
            )
    with pytest.raises(RateLimitedError):
        logins.change_password(store, PASSWORD, "new password!", ip="192.0.2.9", user_id=user.id)
    # From another address the right one still works (and its own failures stay its own).
    assert (
        logins.change_password(store, PASSWORD, "new password!", ip="192.0.2.10", user_id=user.id)
        == 0
    )


def test_the_gate_runs_2_and_turns_away_more_than_its_queue() -> None:
    gate = HashGate(slots=2, queue=3)
    release = threading.Event()
    inside = threading.Semaphore(0)
    running = [0, 0]  # now, most
    lock = threading.Lock()
    outcomes: list[str] = []

    def work() -> None:
        with lock:
            running[0] += 1
            running[1] = max(running)
        inside.release()
        release.wait(30)
        with lock:
            running[0] -= 1

    def one() -> None:
        try:
            gate.run(work)
            outcomes.append("ran")
        except RateLimitedError:
            outcomes.append("busy")
            inside.release()

    threads = [threading.Thread(target=one) for _ in range(9)]
    for t in threads[:2]:
        t.start()
    inside.acquire(timeout=30)
    inside.acquire(timeout=30)
    for t in threads[2:]:
        t.start()
    for _ in range(4):  # the 4 over slots + queue are turned away while the 2 run
        inside.acquire(timeout=30)
    assert outcomes.count("busy") == 4
    release.set()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("ran") == 5 and running[1] == 2


def test_argon2_runs_at_a_lower_cpu_priority() -> None:
    import os
    import sys
    import threading

    if sys.platform != "linux":
        pytest.skip("per-thread priority is Linux's")
    gate = HashGate(slots=1, queue=0)
    nice = gate.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert nice >= passwords.HASH_NICE
