"""Public API of the batch engine (see docs/architecture.md). UI, CLI and HTTP API call only this.

Re-exports only: batch functions live in service.py, stored meetings in library.py, the action-item board in board.py, principals
and roles in access/, the exceptions in errors.py.
"""
from batch_core.access import ROLE_NAMES, Principal, Role, local_operator
from batch_core.board import action_items, action_items_csv, action_items_markdown, decision_log, set_action_done
from batch_core.errors import AccessDenied, BatchError, StorageUnavailable
from batch_core.library import (audit_log, content_duplicates, count_meetings, delete_meeting, find_duplicates,
                                get_meeting, list_meetings, meeting_minutes, record_download, rename_speakers)
from batch_core.privacy import describe_found, sensitive_tier_info
from batch_core.search import search_meetings
from batch_core.service import (batch_minutes_zip, cancel, engine_info, estimate, fleet_info, get, health, language_name,
                                list_batches, normalise_title, read_files, reprocess_meetings, requeue_canceled,
                                reset_for_tests, retry_failed, submit, wait)

__all__ = [
    "submit", "get", "list_batches", "cancel", "retry_failed", "get_meeting", "list_meetings",
    "delete_meeting", "find_duplicates", "engine_info", "health", "wait", "normalise_title",
    "BatchError", "StorageUnavailable", "AccessDenied", "reset_for_tests", "fleet_info",
    "sensitive_tier_info", "describe_found", "count_meetings", "read_files", "estimate", "language_name",
    "Principal", "Role", "ROLE_NAMES", "local_operator", "audit_log", "record_download",
    "meeting_minutes", "batch_minutes_zip", "content_duplicates",
    "requeue_canceled", "reprocess_meetings", "rename_speakers", "search_meetings",
    "action_items", "set_action_done", "decision_log", "action_items_markdown", "action_items_csv",
]
