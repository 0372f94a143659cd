"""Every public exception of batch_core, each with a message a user can read (no stack traces)."""
from __future__ import annotations


class BatchError(ValueError):
    """The submitted batch is invalid; the message names the field or limit in plain words."""


class StorageUnavailable(RuntimeError):
    """Redis cannot be reached; the message says where and why in plain words."""


class AccessDenied(PermissionError):
    """The signed-in principal lacks the role for this action; the message names the role."""


class SealError(RuntimeError):
    """A sealed value cannot be opened (another key, or damaged data); says so in plain words."""


class MeetingFailed(Exception):
    """The meeting cannot be processed; `str(exc)` is shown to the user as is."""

    def __init__(self, message: str, *, attempts: int = 0, retries: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Provider calls made before giving up, so the engine can record exact retry counts.
        self.attempts = attempts
        self.retries = retries or []  # one entry per wait between attempts (reason, seconds)

    def __str__(self) -> str:
        return self.message


class ProviderAuthError(MeetingFailed):
    """The provider rejected the API key: every other meeting of the batch would fail the same way."""
