"""The one Settings object, read from RUNBACK_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Settings", "default_database_url"]


def default_database_url() -> str:
    """Return the SQLite URL in the platform's user data dir."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("runback", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'runback.db'}"


_PREFIX = "runback_"


class Settings(BaseModel):
    """runback configuration; every field can be set as RUNBACK_<FIELD>."""

    # A plain model reading the environment itself: pydantic-settings would import asyncio,
    # argparse, dotenv and its cloud sources (~50 ms of every command) for a handful of scalars.
    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        """Read RUNBACK_<FIELD> variables (the name in any case); values given here win."""
        fields = type(self).model_fields
        found = {
            key[len(_PREFIX) :]: value
            for key, value in ((k.lower(), v) for k, v in os.environ.items())
            if key.startswith(_PREFIX) and key[len(_PREFIX) :] in fields
        }
        super().__init__(**{**found, **values})

    database_url: str = Field(default_factory=default_database_url)
    mode: Literal["local", "hosted"] = "local"
    zone: str | None = None  # IANA zone; None means the system zone
    host: str = "127.0.0.1"
    port: int = 8765
    workers: int = 1
    secret_key: str | None = None  # hosted mode: signs session cookies
    max_upload_bytes: int = 50 * 1024 * 1024
    max_file_bytes: int = 50 * 1024 * 1024
    # Per web worker: finished Today responses kept while the user's data is unchanged (0: off).
    view_cache_entries: int = Field(default=4096, ge=0)
    # Uploads are imported as jobs: at most this many files in one, this many waiting per user.
    max_job_files: int = Field(default=200, ge=1)
    max_queued_jobs: int = Field(default=3, ge=1)
    # Import jobs in a thread of each web process (None: in local mode only; hosted mode
    # leaves them to `runback worker`).
    job_thread: bool | None = None
    # Local mode: `Host` names answered besides 127.0.0.1, localhost and [::1] (comma-separated).
    allowed_hosts: str = ""
    # Hosted mode: the proxies whose X-Forwarded-For/-Proto are believed (comma-separated
    # addresses or networks, "*" for any); from anyone else those headers are ignored.
    forwarded_allow_ips: str = "127.0.0.1"
    # Hosted mode: sign-ups per address (an IPv6 /64) and in all, per 15 minutes.
    register_limit_per_address: int = Field(default=10, ge=0)
    register_limit_global: int = Field(default=300, ge=0)
    # Your calendars (busy times): how long one read may take, how big a calendar may be, how
    # often the reminder daemon (and hosted mode's worker) reads them again.
    calendar_timeout_s: float = Field(default=10.0, gt=0, le=120)
    calendar_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    calendar_sync_min: int = Field(default=15, ge=1)
    # Hosted mode: let calendar addresses point at loopback or private networks (off: a user's
    # address must not make the server read its own network).
    calendar_private_addresses: bool = False
    # Local mode: where CalDAV passwords are kept (None: beside the SQLite file, 0600).
    calendar_secrets_file: Path | None = None

    def allowed_host_names(self) -> frozenset[str]:
        """Return every `Host` name local mode answers (the loopback ones and allowed_hosts)."""
        extra = {name.strip() for name in self.allowed_hosts.split(",") if name.strip()}
        return frozenset({"127.0.0.1", "localhost", "[::1]", *extra})
