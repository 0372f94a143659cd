"""Context-budget benchmark: calls and tokens per one- and two-hour meeting at 8k and 128k windows.

Runs the real pipeline against the fake OpenAI-compatible server on 127.0.0.1 (which enforces the
window with the provider's own 400 wording and reports usage with its own token count), and
compares the pre-submit estimate with what the server reported. Optionally splits the real QMSum
meetings too (`--corpus ../shared/corpora/qmsum-dev`): parts per meeting at 8k. Asserts nothing.

    .venv/bin/python bench/bench_llm_budget.py [--corpus DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from batch_core.config import reload_settings, settings  # noqa: E402
from batch_core.models import MeetingIn  # noqa: E402
from batch_core.pipeline import run_pipeline  # noqa: E402
from batch_core.pipeline.estimate import estimate_batch  # noqa: E402
from batch_core.pipeline.extract import forget_learned_windows  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer  # noqa: E402
from tests.pipeline.long_meeting import long_transcript, tasks_answer  # noqa: E402


def run_one(server: FakeLLMServer, minutes: int, window: int) -> dict:
    server.clear()
    server.context_limit = window
    os.environ["LLM_CONTEXT_TOKENS"] = str(window)
    reload_settings()
    forget_learned_windows()
    meeting = MeetingIn(title=f"{minutes} min meeting", tier="ordinary", transcript=long_transcript(minutes))
    estimate = estimate_batch([meeting], settings())
    started = time.perf_counter()
    record = run_pipeline(meeting, "meeting_bench", None)
    elapsed = time.perf_counter() - started
    parts = next(e.detail for e in record.audit if e.step == "extract")["parts"]
    return {"minutes": minutes, "window": window, "parts": parts, "calls": record.usage["calls"],
            "in": record.usage["input_tokens"], "out": record.usage["output_tokens"],
            "est_in": estimate["input_tokens"], "est_calls": estimate["calls"], "seconds": elapsed,
            "tasks": sum("TASK-" in a.task for a in record.insights.action_items)}


def corpus_parts(folder: Path) -> None:
    from batch_core.ingest.text import parse_text
    from batch_core.pipeline.budget import budget_for, estimate_tokens
    from batch_core.pipeline.extract import plan_parts
    from batch_core.pipeline.providers.base import ExtractionRequest
    os.environ["LLM_CONTEXT_TOKENS"] = "8192"
    reload_settings()
    budget = budget_for(settings(), "bench")
    counts, tokens = [], []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(f"{t['speaker']}: {t['content']}" for t in data["meeting_transcripts"])
        turns = parse_text(text)
        request = ExtractionRequest(title=path.stem, turns=turns, transcript="", speakers=[])
        counts.append(len(plan_parts(turns, request, budget)))
        tokens.append(estimate_tokens(text))
    print(f"\nQMSum ({len(counts)} real meetings) at an 8k window: tokens median {sorted(tokens)[len(tokens) // 2]:,} "
          f"(max {max(tokens):,}); parts median {sorted(counts)[len(counts) // 2]}, max {max(counts)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    with FakeLLMServer(plan=tasks_answer) as server:
        os.environ.update(server.env("openai"))
        reload_settings()
        print(f"{'meeting':>8} {'window':>7} {'parts':>5} {'calls':>5} {'input tok':>10} {'output tok':>10} "
              f"{'estimate in':>11} {'est/used':>8} {'tasks':>5} {'seconds':>7}")
        for minutes in (60, 120):
            for window in (8192, 128000):
                r = run_one(server, minutes, window)
                print(f"{r['minutes']:>6} m {r['window']:>7} {r['parts']:>5} {r['calls']:>5} {r['in']:>10,} "
                      f"{r['out']:>10,} {r['est_in']:>11,} {r['est_in'] / r['in']:>8.2f} {r['tasks']:>2}/12 "
                      f"{r['seconds']:>7.2f}")
    if args.corpus:
        corpus_parts(args.corpus)


if __name__ == "__main__":
    main()
