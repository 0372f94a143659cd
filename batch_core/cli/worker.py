"""`python -m batch_core worker [--workers N] [--burst]`: run RQ workers for BATCH_EXECUTOR=rq.

Start it on any machine whose REDIS_URL points at the same Redis as the dashboard, CLI and API.
"""
from __future__ import annotations

import argparse
import sys

import redis

from batch_core.config import settings
from batch_core.errors import StorageUnavailable
from batch_core.store.embedded import describe_url


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="worker processes on this machine (default: BATCH_MAX_WORKERS)")
    parser.add_argument("--burst", action="store_true",
                        help="exit once the queue is empty instead of waiting for more work")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="worker log level")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the workers; returns the process exit code (2 for bad input or no Redis)."""
    from batch_core.executors.rq_worker import run_workers  # RQ only for this command

    count = args.workers if args.workers is not None else settings().max_workers
    if count < 1:
        print(f"--workers must be at least 1, got {count}", file=sys.stderr)
        return 2
    if settings().executor != "rq":
        print("Note: BATCH_EXECUTOR is not 'rq', so the dashboard, CLI and API run meetings in "
              "their own thread pool and send nothing to these workers.", file=sys.stderr)
    try:
        return run_workers(count, burst=args.burst, log_level=args.log_level)
    except StorageUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        where = describe_url(settings().redis_url or "the embedded Redis")
        print(f"Redis is not reachable at {where}: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = add_arguments(argparse.ArgumentParser(prog="python -m batch_core worker",
                                                   description=__doc__.splitlines()[0]))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
