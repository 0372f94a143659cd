"""Ways to run meetings outside the calling process.

`BATCH_EXECUTOR=thread` (default) keeps the embedded thread pool of engine/pool.py. `BATCH_EXECUTOR=rq`
hands every meeting to RQ: `rq_queue` enqueues one job per meeting (an RQ group per batch),
`rq_jobs` is what a worker runs, `rq_worker` is the worker class, `fleet_status` reports the fleet.
"""
