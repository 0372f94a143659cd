"""Pipeline benchmark: cost of each stage on a one-hour transcript, and the provider round trip.

Builds a ~1 h meeting by chaining the sample transcripts (timestamps shifted), then times parse,
redaction (first call = analyzer build), local extraction, sentiment and whole run_pipeline for
both tiers, plus one OpenAI/Anthropic SDK round trip to the fake server on 127.0.0.1 (no latency).
Prints medians; asserts nothing. The machine is a shared 2-core box: figures are noisy.

    .venv/bin/python bench/bench_pipeline.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from batch_core.config import reload_settings  # noqa: E402
from batch_core.ingest.text import parse_text  # noqa: E402
from batch_core.ingest.turns import duration_of, render_text, speakers_of  # noqa: E402
from batch_core.models import MeetingIn, Turn  # noqa: E402
from batch_core.pipeline import run_pipeline  # noqa: E402
from batch_core.pipeline.providers.base import ExtractionRequest  # noqa: E402
from batch_core.pipeline.providers.local import LocalProvider  # noqa: E402
from batch_core.pipeline.sentiment import speaker_sentiment  # noqa: E402
from batch_core.pipeline.speech import clean_text  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer  # noqa: E402


def one_hour_transcript() -> str:
    turns: list[Turn] = []
    offset = 0.0
    for path in sorted((ROOT / "samples").glob("*.txt")):
        part = parse_text(path.read_text(encoding="utf-8"))
        for number, turn in enumerate(part):
            start = turn.start if turn.start is not None else number * 20.0
            turns.append(turn.model_copy(update={"start": offset + start, "end": None}))
        offset = turns[-1].start + 10
    # The samples include pauses; squeeze the clock so the chain spans one hour of talk.
    scale = 3600 / offset
    return render_text([t.model_copy(update={"start": round(t.start * scale, 1)}) for t in turns])


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clean_text.cache_clear()  # every run reads the speech as new: no warm cache
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    os.environ["LLM_PROVIDER"] = "local"
    reload_settings()

    text = one_hour_transcript()
    turns = parse_text(text)
    words = sum(len(t.text.split()) for t in turns)
    print(f"transcript: {words} words, {len(turns)} turns, {duration_of(turns) / 60:.0f} min, "
          f"{len(speakers_of(turns))} speakers")

    started = time.perf_counter()
    from batch_core.pipeline.redact import redact_turns  # Presidio's import is part of the first-use cost
    redact_turns(turns[:2])
    print(f"redaction first use (import + analyzer build, once per process): "
          f"{(time.perf_counter() - started) * 1000:8.1f} ms")

    request = ExtractionRequest(title="bench", turns=turns, transcript=text, speakers=speakers_of(turns))
    rows = [
        ("parse_text", lambda: parse_text(text)),
        ("redact (Presidio + names)", lambda: redact_turns(turns)),
        ("local extraction", lambda: LocalProvider().extract(request)),
        ("sentiment (VADER)", lambda: speaker_sentiment(turns)),
        ("run_pipeline ordinary", lambda: run_pipeline(MeetingIn(title="b", tier="ordinary", transcript=text),
                                                       "meeting_bench", None)),
        ("run_pipeline sensitive", lambda: run_pipeline(MeetingIn(title="b", tier="sensitive", transcript=text),
                                                        "meeting_bench", None)),
    ]
    print(f"median of {repeat} runs per 1 h transcript:")
    for name, fn in rows:
        print(f"  {name:28s} {median_ms(fn, repeat):8.1f} ms")

    with FakeLLMServer() as server:
        for provider in ("openai", "anthropic"):
            os.environ.update(server.env(provider))
            reload_settings()
            run = lambda: run_pipeline(MeetingIn(title="b", tier="ordinary", transcript=text),  # noqa: E731
                                       "meeting_bench", None)
            run()  # client construction and connection set-up
            total = median_ms(run, repeat)
            print(f"  run_pipeline via {provider:9s} (fake server, 0 ms latency) {total:8.1f} ms")
    os.environ["LLM_PROVIDER"] = "local"
    reload_settings()


if __name__ == "__main__":
    main()
