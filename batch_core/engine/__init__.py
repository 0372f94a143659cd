"""Who runs each meeting, and what happens when something dies. Dependency order, top first:

    state.py       the process-wide state, listed, with one reset()
    dispatch.py    BATCH_EXECUTOR: this process's pool, or RQ workers (executors/)
    pool.py        the thread pool shared by all batches, lease heartbeats, adoption of orphans
    recovery.py    the heartbeat's scan: settle batches after a storage loss, repair our rows
    tracking.py    tasks queued or running here; batches whose writes were lost
    processing.py  one meeting: claim, run the pipeline, store, mark the row
    planning.py    a new batch's rows: queued, or skipped with the reason
    key_probe.py   one provider call proves an API key; a rejected key fails the batch at once
    limits.py      fleet-wide LLM_MAX_CONCURRENCY and LLM_RPM around each provider attempt
    identity.py    this process's owner id and lease deadline
"""
