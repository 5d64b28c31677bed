"""Every error runback raises on purpose, in one place.

RunbackError
 ├── ConfigError            bad settings or environment
 ├── ValidationError        a user file (routine, programme) is invalid: names file, line, field
 ├── ActivityFileError           an activity file cannot become a run: names the file and why
 │    ├── DamagedFileError  bad CRC, truncated, unparsable
 │    ├── NotAnActivityError  a route, course, settings or monitoring file
 │    └── UnsafeFileError   entity bombs, zip bombs, path traversal, too large
 ├── PlanError              no routine fits the request (time, place, pain)
 ├── NotFoundError          a routine, run or session that does not exist (for this user)
 ├── InUseError             a routine that a slot or the programme still uses cannot go
 ├── SchemaVersionError     the database (or an export) is from a newer runback
 ├── LimitError             an upload over a per-user limit (files per upload, waiting uploads)
 ├── DatabaseError          the database cannot be used: unreachable, full, damaged, bad URL
 ├── OutputError            an output file (report, export, calendar) cannot be written
 ├── DaemonRunningError     another `runback remind` already reminds this user
 ├── CalendarError          one of the user's calendars cannot be read: one plain line saying why
 └── AuthError              hosted mode: bad credentials, rate-limited, CSRF
      └── RateLimitedError  too many failed logins: try again later

Each class carries `http_status`: what it means to the web (the app answers with it).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pydantic

__all__ = [
    "ActivityFileError",
    "AuthError",
    "CalendarError",
    "ConfigError",
    "DaemonRunningError",
    "DamagedFileError",
    "DatabaseError",
    "InUseError",
    "LimitError",
    "NotAnActivityError",
    "NotFoundError",
    "OutputError",
    "PlanError",
    "RateLimitedError",
    "RunbackError",
    "SchemaVersionError",
    "UnsafeFileError",
    "ValidationError",
    "from_pydantic",
    "os_error_line",
    "pydantic_problems",
]


class RunbackError(Exception):
    """Base of every error runback raises on purpose; its message is meant for the user."""

    http_status = 400


class ConfigError(RunbackError):
    """Settings or environment are wrong."""

    http_status = 422


class ValidationError(RunbackError):
    """A user-provided file is invalid; the message names the file, line or field and the fix."""

    http_status = 422

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s):\n{lines}")


class ActivityFileError(RunbackError):
    """An activity file cannot become a run."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class DamagedFileError(ActivityFileError):
    """The file is damaged: bad checksum, truncated, or not parsable."""


class NotAnActivityError(ActivityFileError):
    """The file is valid but holds no recorded activity (a route, course, settings...)."""


class UnsafeFileError(ActivityFileError):
    """The file was refused for safety: too large, an XML or zip bomb, a traversal path."""


class LimitError(RunbackError):
    """A request over a per-user limit; the message says which limit and what to do."""

    def __init__(self, message: str, http_status: int = 429) -> None:
        self.http_status = http_status  # what the web answers
        super().__init__(message)


class NotFoundError(RunbackError):
    """The requested thing does not exist, or belongs to someone else."""

    http_status = 404


class InUseError(RunbackError):
    """Something still uses the thing to delete; the message names what and what to do first."""

    http_status = 409


class PlanError(RunbackError):
    """No routine fits the request: too little time, or nothing left after the constraints."""


class SchemaVersionError(RunbackError):
    """The database or export comes from a newer runback than this one."""


class AuthError(RunbackError):
    """Hosted mode: wrong credentials, too many attempts, or a missing CSRF token."""

    http_status = 403


class RateLimitedError(AuthError):
    """Too many failed logins for this email and address; `retry_after_s` says when to retry."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class DatabaseError(RunbackError):
    """The database cannot be used now: unreachable, disk full, damaged, or a bad URL."""

    http_status = 503


class OutputError(RunbackError):
    """An output file cannot be written; the message names the path and what to do."""


class CalendarError(RunbackError):
    """A calendar cannot be read (address, server, data); the message is one plain line."""

    http_status = 422


class DaemonRunningError(RunbackError):
    """Another reminder daemon holds this user's lock; the message says which (pid, since)."""


_OS_ADVICE = {
    errno.ENOENT: "no such file or folder; create the folder or choose another path",
    errno.ENOTDIR: "a part of this path is not a folder; choose another path",
    errno.EISDIR: "is a folder; give a file name instead",
    errno.EACCES: "permission denied; choose a place you can write to, or fix its permissions",
    errno.EPERM: "not permitted; choose a place you can write to, or fix its permissions",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EROFS: "the file system is read-only; choose another place",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter one",
    errno.EEXIST: "already exists; choose another name",
}


def os_error_line(exc: OSError, path: object = None) -> str:
    """Return one line for an OS error: the path, what went wrong, and what to do."""
    where = path if path is not None else (exc.filename2 or exc.filename)
    advice = _OS_ADVICE.get(exc.errno or 0)
    if advice is None:
        advice = f"{exc.strerror or exc}; check the path and try again"
    return f"{where}: {advice}" if where is not None else advice


def pydantic_problems(
    exc: pydantic.ValidationError, prefix: str = "", empty: str = ""
) -> list[str]:
    """Turn pydantic errors into "field: what is wrong" lines, fields under `prefix`."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        where = ".".join(p for p in (prefix, loc) if p) or empty
        out.append(f"{where}: " + str(err["msg"]).removeprefix("Value error, "))
    return out


def from_pydantic(
    exc: pydantic.ValidationError, source: str, prefix: str = "", empty: str = ""
) -> ValidationError:
    """Return the runback ValidationError for a pydantic one, naming each field."""
    return ValidationError(source, pydantic_problems(exc, prefix, empty))
