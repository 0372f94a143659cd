"""Public API of the batch engine (see docs/architecture.md). UI, CLI and HTTP API call only this.

Re-exports only: the functions live in service.py, the exceptions in errors.py.
"""
from batch_core.errors import BatchError, StorageUnavailable
from batch_core.privacy import describe_found, sensitive_tier_info
from batch_core.service import (cancel, count_meetings, delete_meeting, engine_info, estimate,
                                find_duplicates, fleet_info, get, get_meeting, health, language_name,
                                list_batches, list_meetings, normalise_title, read_files,
                                reset_for_tests, retry_failed, submit, wait)

__all__ = [
    "submit", "get", "list_batches", "cancel", "retry_failed", "get_meeting", "list_meetings",
    "delete_meeting", "find_duplicates", "engine_info", "health", "wait", "normalise_title",
    "BatchError", "StorageUnavailable", "reset_for_tests", "fleet_info",
    "sensitive_tier_info", "describe_found", "count_meetings", "read_files", "estimate", "language_name",
]
