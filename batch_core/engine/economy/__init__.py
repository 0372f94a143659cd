"""Economy batches: one provider batch (Anthropic Message Batches, OpenAI Batch API) per app batch,
at half the list price, results within 24 hours.

    driver.py     one thread per economy batch in the process that holds its lease
    sending.py    claim, parse and redact locally, then the intent, then the provider batch
    collecting.py poll with backoff, cancel at the provider, map each answer to its meeting
    rows.py       the row moves and stage writes both of them share

Nothing unredacted leaves the machine: sensitive meetings are redacted (and their redacted input
stored) before any request is built. A provider batch is never sent twice: its intent is in the
ledger (store/economy.py) before the call, its id right after, and a process that finds an
intent without an id looks for that provider batch first.
"""
from batch_core.engine.economy.driver import drive, is_driving, stop_all

__all__ = ["drive", "is_driving", "stop_all"]
