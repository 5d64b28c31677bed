"""Passwords: argon2id hashing behind a gate, and what a new password must be.

Every argon2 hash and check goes through `hash_gate`: `HASH_SLOTS` at a time per process (on
threads of its own, at a lower CPU priority), at most `HASH_QUEUE` more waiting (the rest get
RateLimitedError at once), so a burst of sign-ups cannot take the memory (64 MiB each), the CPU
or every thread of the server.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from runback.errors import RateLimitedError, ValidationError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "HASH_NICE",
    "HASH_PARAMS",
    "HASH_QUEUE",
    "HASH_SLOTS",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "HashGate",
    "check_password",
    "hash_gate",
    "hash_password",
    "hasher",
    "verify_password",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# argon2id cost; tests lower it (see tests/web/conftest.py).
HASH_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
HASH_SLOTS = 2
HASH_NICE = 10  # argon2 threads run at this nice value (see _background_priority)
# Admitted requests each hold a server thread and, at times, a pooled connection: kept well
# under the pool's 15 so the health check and everyone else still get theirs.
HASH_QUEUE = 8


T = TypeVar("T")


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
        # Imported here: the read commands import this module's neighbours and never hash.
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


def check_password(password: str) -> None:
    """Raise ValidationError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", [f"use at least {MIN_PASSWORD} characters"])
    if len(password) > MAX_PASSWORD:
        raise ValidationError("password", [f"use at most {MAX_PASSWORD} characters"])
    if "\x00" in password:
        raise ValidationError("password", ["a password cannot contain a NUL character"])
