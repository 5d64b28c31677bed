"""The one Settings object, read from RUNBACK_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_database_url"]


def default_database_url() -> str:
    """Return the SQLite URL in the platform's user data dir."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("runback", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'runback.db'}"


class Settings(BaseSettings):
    """runback configuration; every field can be set as RUNBACK_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="RUNBACK_", extra="ignore")

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
