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
 └── AuthError              hosted mode: bad credentials, rate-limited, CSRF
      └── RateLimitedError  too many failed logins: try again later
"""

from __future__ import annotations

__all__ = [
    "ActivityFileError",
    "AuthError",
    "ConfigError",
    "DamagedFileError",
    "InUseError",
    "LimitError",
    "NotAnActivityError",
    "NotFoundError",
    "PlanError",
    "RateLimitedError",
    "RunbackError",
    "SchemaVersionError",
    "UnsafeFileError",
    "ValidationError",
]


class RunbackError(Exception):
    """Base of every error runback raises on purpose; its message is meant for the user."""


class ConfigError(RunbackError):
    """Settings or environment are wrong."""


class ValidationError(RunbackError):
    """A user-provided file is invalid; the message names the file, line or field and the fix."""

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


class InUseError(RunbackError):
    """Something still uses the thing to delete; the message names what and what to do first."""


class PlanError(RunbackError):
    """No routine fits the request: too little time, or nothing left after the constraints."""


class SchemaVersionError(RunbackError):
    """The database or export comes from a newer runback than this one."""


class AuthError(RunbackError):
    """Hosted mode: wrong credentials, too many attempts, or a missing CSRF token."""


class RateLimitedError(AuthError):
    """Too many failed logins for this email and address; `retry_after_s` says when to retry."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)
