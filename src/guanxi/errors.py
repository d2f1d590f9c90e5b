"""Domain errors. They name what went wrong; the web edge maps them to HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid_input"


class NotFound(DomainError):
    """Missing, or not the caller's to see: the two are never told apart."""

    code = "not_found"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller can see the thing but may not do this to it."""

    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class TryLater(DomainError):
    """Not now: try again after `retry_after` seconds (sent as `Retry-After`)."""

    def __init__(self, message: str, code: str | None = None, retry_after: int = 1) -> None:
        super().__init__(message, code)
        self.retry_after = max(1, retry_after)


class RateLimited(TryLater):
    """Too much, too fast."""

    code = "rate_limited"


class TooLarge(DomainError):
    code = "too_large"


class Unavailable(TryLater):
    """The server cannot do it now: its database is out of reach (down, restarting). A write
    cut off this way is retried safely where it is idempotent (a send's `client_id`)."""

    code = "unavailable"
