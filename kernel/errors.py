"""Named domain errors, mapped once to HTTP status codes in opencheck.app."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation a user can cause."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The data breaks a rule (HTTP 422)."""

    status_code = 422


class NotFound(DomainError):
    """The thing asked for does not exist (HTTP 404)."""

    status_code = 404


class Conflict(DomainError):
    """The request contradicts the current state (HTTP 409)."""

    status_code = 409


class Forbidden(DomainError):
    """The caller may not do this (HTTP 403)."""

    status_code = 403


class TooManyAttempts(DomainError):
    """Too many failed attempts; try again after `retry_after` seconds (HTTP 429)."""

    status_code = 429

    def __init__(self, message: str, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field)
        self.retry_after = max(1, int(retry_after))
