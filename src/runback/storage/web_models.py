"""ORM tables of the web side: logins, upload jobs, share links (on `models.Base`).

Apart from `storage/models.py` so that the everyday commands, which never read them, do not
build their classes at start-up; Alembic's `env.py` imports both for the whole schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runback.storage.models import Base
from runback.storage.types import UTCDateTime

__all__ = [
    "JobFileRow",
    "JobRow",
    "LoginAttemptRow",
    "LoginRow",
    "ShareLinkRow",
    "ShareUploadRow",
    "ShareViewRow",
]


class LoginRow(Base):
    """One logged-in browser (hosted mode): its cookie names `key`; logging out deletes the row."""

    __tablename__ = "logins"
    # Not the user's data: no view shows it, so writing it leaves users.data_version alone.
    __table_args__ = (Index("ix_logins_user_id", "user_id"), {"info": {"views_ignore": True}})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # 256 random bits, URL-safe: what the signed session cookie carries.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttemptRow(Base):
    """A failed login, kept briefly so every worker rate-limits from the same place."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of what is limited (email+IP, or IP): no addresses or emails stored in clear.
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRow(Base):
    """Slow work for a worker: an upload of activity files to import, with its progress."""

    __tablename__ = "jobs"
    # Not the user's data (the runs it imports are): no view shows it, so writing it leaves
    # users.data_version alone.
    __table_args__ = (
        Index("ix_jobs_user_id", "user_id"),
        Index("ix_jobs_status_id", "status", "id"),
        {"info": {"views_ignore": True}},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "runs": an upload of activity files
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    files_total: Mapped[int] = mapped_column(Integer)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[str | None] = mapped_column(String(500))  # the file being imported now
    # FileResult.to_json() of every file done so far, and the names that were not activities.
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ignored: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)  # why the job as a whole stopped
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid that took it last
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobFileRow(Base):
    """One uploaded file of a job, kept until the worker has imported it."""

    __tablename__ = "job_files"
    __table_args__ = (
        Index("ix_job_files_job_id_position", "job_id", "position"),
        {"info": {"views_ignore": True}},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    refused: Mapped[str | None] = mapped_column(Text)  # refused at upload: the reason, no data


class ShareLinkRow(Base):
    """A read-only, expiring link to the user's report for a physio (only its token's hash)."""

    __tablename__ = "share_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # sha256 of the token: a copy of the database opens no link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ShareViewRow(Base):
    """One look through a share link: when, and which part (page, pdf, upload)."""

    __tablename__ = "share_views"
    # A physio's look changes nothing the user's cached views show.
    __table_args__ = (
        Index("ix_share_views_link_at", "link_id", "at"),
        Index("ix_share_views_user_id", "user_id"),
        {"info": {"views_ignore": True}},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    part: Mapped[str] = mapped_column(String(16))


class ShareUploadRow(Base):
    """A revised programme a physio uploaded through a share link, until the user decides."""

    __tablename__ = "share_uploads"
    __table_args__ = (
        Index("ix_share_uploads_user_id", "user_id"),
        Index("ix_share_uploads_link_id", "link_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    file_name: Mapped[str] = mapped_column(String(200))
    programme_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # the validated programme file, as uploaded
    status: Mapped[str] = mapped_column(String(16))  # pending | accepted | rejected
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
