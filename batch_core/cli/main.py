"""`python -m batch_core ...`: submit transcripts and follow batches from a terminal.

Exit codes: 0 every meeting completed or skipped, 1 some failed (or the batch did not complete),
2 invalid input (bad path, nothing readable, over the limit, unknown batch), 3 Redis unreachable.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import batch_core
from batch_core.cli import access as access_cli
from batch_core.cli import worker as worker_cli
from batch_core.config import settings
from batch_core.engine import pool as runner
from batch_core.engine.warming import start_warm_up, wait_for_provider
from batch_core.store import client as redis_server
from batch_core.store.retry import call_with_retry
from batch_core.models import DuplicatePolicy, Tier

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_STORAGE = 0, 1, 2, 3


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _report_to_meetings(report: Any, tier: str) -> tuple[list[dict[str, Any]], list[str]]:
    meetings = [p.as_meeting(tier) for p in report.parsed]
    errors = [f"{e.name}: {e.reason}" for e in report.errors]
    for member in getattr(report, "ignored", []) or []:
        _err(f"note: ignored {getattr(member, 'name', member)}: {getattr(member, 'reason', '')}")
    return meetings, errors


def paths_to_meetings(paths: list[str], tier: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Meetings from files, folders and zips (via the ingest package), plus per-file errors."""
    from batch_core.ingest import load_paths  # format parsers load on first use
    return _report_to_meetings(load_paths(paths), tier)


def _progress_line(batch: dict[str, Any]) -> str:
    total = batch["total"] or 1
    done = total - batch["queued"] - batch["processing"]
    width = 30
    filled = int(width * done / total)
    return (f"[{'#' * filled}{'-' * (width - filled)}] {done}/{batch['total']} done"
            f" · {batch['completed']} completed · {batch['failed']} failed"
            f" · {batch['skipped']} skipped · {batch['processing']} processing")


def _all_at_provider(batch: dict[str, Any]) -> bool:
    """An economy batch whose every unfinished meeting waits in a provider batch."""
    rows = [r for r in batch.get("results", []) if r["status"] in ("queued", "processing")]
    return all(r["status"] == "processing" and r.get("stage") == "at_provider" for r in rows)


def follow(batch_id: str, quiet: bool = False, poll: float = 0.1, until_sent: bool = False) -> dict[str, Any]:
    """Wait for a terminal state (or, `until_sent`, for an economy batch to be at the provider),
    drawing a progress bar on stderr unless quiet. Polls the counts only (the rows are read
    once at the end), so a short poll costs the workers of this process next to nothing."""
    last = ""
    tty = sys.stderr.isatty()
    started = time.monotonic()
    while True:
        # a Redis blip must not end --wait
        batch = call_with_retry(batch_core.get, batch_id, results=until_sent)
        if batch is None:
            raise batch_core.BatchError(f"Batch {batch_id} disappeared (expired?).")
        line = _progress_line(batch)
        if not quiet and line != last:
            print(("\r" + line) if tty else line, end="" if tty else "\n", file=sys.stderr,
                  flush=True)
            last = line
        if batch["status"] != "processing" or (until_sent and _all_at_provider(batch)):
            if not quiet and tty:
                print(file=sys.stderr)
            whole = batch if until_sent else call_with_retry(batch_core.get, batch_id)
            if whole is None:
                raise batch_core.BatchError(f"Batch {batch_id} disappeared (expired?).")
            return whole
        time.sleep(poll if time.monotonic() - started < 60 else max(poll, 0.5))  # long batches: calmer


def exit_code(batch: dict[str, Any]) -> int:
    if batch["status"] == "processing":
        return EXIT_OK
    if batch["failed"] or batch["status"] in ("partial", "canceled"):
        return EXIT_FAILED
    return EXIT_OK


def describe_estimate(estimate: dict[str, Any]) -> str:
    """Plain words for `submit --estimate` (nothing is sent)."""
    head = f"Estimate for {estimate['meetings']} meeting(s) with {estimate['provider']} / {estimate['model']}"
    if estimate["provider"] == "local":
        return head + ": the local provider sends nothing and costs nothing."
    cost = (f"about ${estimate['cost_usd']:.4f} at list prices of {estimate['prices_as_of']}"
            if estimate["cost_usd"] is not None else "no known price for this model (set LLM_PRICES)")
    return (f"{head} (context window {estimate['context_tokens']:,} tokens):\n"
            f"  {estimate['calls']} provider calls over {estimate['parts']} transcript part(s)\n"
            f"  ~{estimate['input_tokens']:,} input tokens, ~{estimate['output_tokens']:,} output tokens\n"
            f"  {cost}. Nothing was sent.")


def _usage_words(usage: dict[str, Any] | None) -> str:
    if not usage or not usage.get("calls"):
        return ""
    return (f"  usage: {usage['input_tokens']:,} in + {usage['output_tokens']:,} out tokens"
            + (f", {usage['calls']} calls" if "calls" in usage else "") + f", ${usage.get('cost_usd', 0):.4f}")


def print_batch(batch: dict[str, Any]) -> None:
    if batch.get("name"):
        print(batch["name"])
    print(f"{batch['batch_id']}  {batch.get('outcome_text') or batch['status']}  total {batch['total']}: "
          f"{batch['completed']} completed, {batch['failed']} failed, {batch['skipped']} skipped, "
          f"{batch['canceled']} canceled, {batch['queued']} queued, "
          f"{batch['processing']} processing")
    economy = batch.get("economy")
    if economy:
        saved = f"; saved ${economy['saving_usd']:.4f} against live prices" if economy.get("saving_usd") else ""
        print(f"economy mode: {economy['text']}{saved}")
    usage = _usage_words(batch.get("usage"))
    if usage:
        print(usage)
    for row in batch.get("results", []):
        detail = row.get("meeting_id") or ""
        if row.get("error"):
            detail = row["error"]
        elif row["status"] == "processing" and row.get("stage"):
            detail = f"stage: {row['stage']}" + (f" {row['progress']}" if row.get("progress") else "")
        print(f"  {row['index'] + 1:>3}. {row['status']:<10} {row['title'][:48]:<48} {detail}")


def finish_adopted(quiet: bool) -> None:
    """Batches this process resumed for a dead owner: see them through before exiting."""
    current = runner.current_runner()
    for batch_id in current.stop_adopting() if current else []:
        if not quiet:
            _err(f"note: also finishing {batch_id}, resumed from a process that stopped")
        batch_core.wait(batch_id, poll=0.5)


def cmd_submit(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        _err(f"error: {path}: no such file or folder")
    if missing and not args.skip_missing:
        return EXIT_INVALID
    present = [p for p in args.paths if p not in missing]
    meetings, errors = paths_to_meetings(present, args.tier) if present else ([], [])
    for error in errors:
        _err(f"skipped file: {error}")
    if not meetings:
        _err("error: no readable transcripts to submit")
        return EXIT_INVALID
    if args.estimate:
        estimate = batch_core.estimate(meetings)
        print(json.dumps(estimate, indent=2) if args.json else describe_estimate(estimate))
        return EXIT_OK
    if settings().executor == "thread":  # this process runs the meetings
        wait_for_provider()  # their first requests need the SDK: the batch starts when they can go
    result = batch_core.submit(meetings, on_duplicate=args.on_duplicate, mode=args.mode, name=args.name)
    if not args.json:
        print(f"Submitted {result['batch_id']}: {result['total']} meetings ({result['mode']} mode)")
    if result["mode"] == "economy" and not args.wait:
        # Up to 24 h at the provider: stay until it has the requests, then leave it to whichever
        # app process runs next (dashboard, API, `resume`), which polls the same provider batch.
        batch = follow(result["batch_id"], quiet=True, poll=0.5, until_sent=True)
        print(json.dumps(batch, indent=2)) if args.json else print_batch(batch)
        if batch["status"] == "processing":
            _err("note: the requests are at the provider (results within 24 h). The dashboard, the API or "
                 "`python -m batch_core resume --wait` collects them.")
        return exit_code(batch)
    if not args.wait and settings().executor != "thread":
        if args.json:
            print(json.dumps(result, indent=2))
        return EXIT_OK
    # The meetings run in this process's pool: stay until they are done, or they would wait
    # for another app process to resume them.
    batch = follow(result["batch_id"], quiet=not args.wait)
    finish_adopted(quiet=args.json)
    if args.json:
        print(json.dumps(batch if args.wait else result, indent=2))
    else:
        print_batch(batch)
    return exit_code(batch)


def cmd_status(args: argparse.Namespace) -> int:
    batch = batch_core.get(args.batch_id)
    if batch is None:
        _err(f"error: no batch {args.batch_id!r} (unknown or expired)")
        return EXIT_INVALID
    print(json.dumps(batch, indent=2)) if args.json else print_batch(batch)
    return exit_code(batch)


def cmd_list(args: argparse.Namespace) -> int:
    batches = batch_core.list_batches(limit=args.limit)
    if args.json:
        print(json.dumps(batches, indent=2))
    elif not batches:
        print("No batches.")
    for batch in [] if args.json else batches:
        print(f"{batch['batch_id']}  {batch['submitted_at']}  {batch['status']:<10} "
              f"{batch['completed']}/{batch['total']} completed, {batch['failed']} failed, "
              f"{batch['skipped']} skipped  ({batch.get('outcome_text') or batch['status']})")
    return EXIT_OK


def cmd_cancel(args: argparse.Namespace) -> int:
    batch = batch_core.cancel(args.batch_id)
    print(f"Canceled {batch['canceled_now']} queued meetings of {args.batch_id}; "
          f"{batch['processing']} in flight will finish.")
    return EXIT_OK


def cmd_retry(args: argparse.Namespace) -> int:
    batch = batch_core.retry_failed(args.batch_id, mode=args.mode)
    print(f"Re-queued {batch['requeued']} failed meetings of {args.batch_id}.")
    batch = follow(args.batch_id, quiet=not args.wait)
    finish_adopted(quiet=False)
    print_batch(batch)
    return exit_code(batch)


def cmd_requeue(args: argparse.Namespace) -> int:
    batch = batch_core.requeue_canceled(args.batch_id)
    print(f"Queued {batch['requeued']} canceled meetings of {args.batch_id} again "
          f"({settings().llm_provider} / {settings().model_name}).")
    batch = follow(args.batch_id, quiet=not args.wait)
    finish_adopted(quiet=False)
    print_batch(batch)
    return exit_code(batch)


def cmd_reprocess(args: argparse.Namespace) -> int:
    result = batch_core.reprocess_meetings(args.meeting_ids, mode=args.mode)
    print(f"Reprocessing {result['total']} meeting(s) as {result['batch_id']} "
          f"({settings().llm_provider} / {settings().model_name}).")
    batch = follow(result["batch_id"], quiet=not args.wait)
    finish_adopted(quiet=False)
    print_batch(batch)
    return exit_code(batch)


def cmd_resume(args: argparse.Namespace) -> int:
    """Adopt now every batch whose owner stopped renewing its lease, and run what is left."""
    current = runner.get_runner()
    current.resume_orphans()
    adopted = current.stop_adopting()  # with the heartbeat's adoptions; none after this
    if not adopted:
        print("No batch needs resuming (every running batch has a live owner).")
        return EXIT_OK
    worst = EXIT_OK
    for batch_id in sorted(adopted):
        print(f"Resuming {batch_id}")
        batch = follow(batch_id, quiet=not args.wait)
        print_batch(batch)
        worst = max(worst, exit_code(batch))
    return worst


def cmd_redis(args: argparse.Namespace) -> int:
    print(redis_server.stop())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m batch_core",
                                     description="Batch ingestion of meeting transcripts.")
    sub = parser.add_subparsers(dest="command", required=True)

    submit = sub.add_parser("submit", help="submit transcript files, folders or zips as a batch")
    submit.add_argument("paths", nargs="+", metavar="PATH")
    submit.add_argument("--tier", choices=[t.value for t in Tier], default=Tier.ORDINARY.value)
    submit.add_argument("--on-duplicate", choices=[p.value for p in DuplicatePolicy],
                        default=DuplicatePolicy.SKIP.value)
    submit.add_argument("--wait", action="store_true", help="show progress until the batch ends")
    submit.add_argument("--name", help="a name shown with the batch everywhere")
    submit.add_argument("--mode", choices=["live", "economy"], default="live",
                        help="economy: one provider batch at half the price, results within 24 h "
                             "(openai or anthropic)")
    submit.add_argument("--estimate", action="store_true",
                        help="print the calls, tokens and cost the batch would take; send nothing")
    submit.add_argument("--json", action="store_true", help="print the batch as JSON")
    submit.add_argument("--skip-missing", action="store_true",
                        help="submit what can be read even if some paths do not exist")
    submit.set_defaults(func=cmd_submit)

    status = sub.add_parser("status", help="show one batch")
    status.add_argument("batch_id")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    listing = sub.add_parser("list", help="recent batches, newest first")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    cancel = sub.add_parser("cancel", help="cancel the queued meetings of a batch")
    cancel.add_argument("batch_id")
    cancel.set_defaults(func=cmd_cancel)

    retry = sub.add_parser("retry", help="re-run the failed meetings of a batch")
    retry.add_argument("batch_id")
    retry.add_argument("--wait", action="store_true")
    retry.add_argument("--mode", choices=["live", "economy"], default=None,
                       help="send the failed meetings this way this time (e.g. live after an expiry)")
    retry.set_defaults(func=cmd_retry)

    requeue = sub.add_parser("requeue", help="queue the canceled meetings of a batch again")
    requeue.add_argument("batch_id")
    requeue.add_argument("--wait", action="store_true")
    requeue.set_defaults(func=cmd_requeue)

    reprocess = sub.add_parser("reprocess", help="run stored meetings again (each new result replaces the old)")
    reprocess.add_argument("meeting_ids", nargs="+", metavar="MEETING_ID")
    reprocess.add_argument("--mode", choices=["live", "economy"], default="live")
    reprocess.add_argument("--wait", action="store_true")
    reprocess.set_defaults(func=cmd_reprocess)

    resume = sub.add_parser("resume", help="finish batches left behind by a process that died")
    resume.add_argument("--wait", action="store_true", help="show progress until they end")
    resume.set_defaults(func=cmd_resume)

    redis_cmd = sub.add_parser("redis", help="manage the embedded Redis server")
    redis_cmd.add_argument("action", choices=["stop"])
    redis_cmd.set_defaults(func=cmd_redis)

    access_cli.add_commands(sub)

    worker = sub.add_parser("worker", help="run RQ workers (BATCH_EXECUTOR=rq)")
    worker_cli.add_arguments(worker)
    worker.set_defaults(func=worker_cli.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Only commands that stay around to run meetings take over batches of dead processes.
    runner.auto_resume = args.command in ("submit", "retry", "resume", "requeue", "reprocess")
    if runner.auto_resume and not getattr(args, "estimate", False):
        # SDK, language model and lexicons load while the files are read, not after the submit.
        start_warm_up()
    try:
        return args.func(args)
    except batch_core.BatchError as exc:
        _err(f"error: {exc}")
        return EXIT_INVALID
    except batch_core.StorageUnavailable as exc:
        _err(f"error: {exc}")
        return EXIT_STORAGE
    except BrokenPipeError:
        # `status … | head` closed the pipe: stop quietly like other Unix tools, and keep the
        # interpreter's final flush from printing a traceback of its own.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted: meetings not yet started stay queued and resume in the next app process")
        return 130
