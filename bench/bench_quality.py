"""Insight quality on real speech: the QMSum dev meetings through the real pipeline.

Converts each meeting of the corpus folder into a format users upload (Teams VTT, SRT or plain
text, in turn), reads it back through `ingest.load_files`, runs `run_pipeline` with the
configured provider (default: local) and prints:
- summary ROUGE-1/2/L F (rouge-score, stemmed) against the human whole-meeting summary, beside
  two baselines of the same length: the first words of the meeting, and a plain TextRank;
- topic recall against the human topic list (a human topic is found when one extracted topic
  shares at least half of its content words, stemmed) and topic grounding (share of extracted
  topic names whose every content word occurs in the meeting);
- action-item and decision precision/recall on the hand-labelled excerpts in
  tests/fixtures/real_meeting_labels.json (shipped with the project);
- the distribution of speaker sentiment labels, and the pipeline time per meeting.
Asserts nothing.

    .venv/bin/python bench/bench_quality.py --corpus ../shared/corpora/qmsum-dev [--limit N]
"""
from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rouge_score import rouge_scorer  # noqa: E402
from rouge_score.tokenizers import DefaultTokenizer  # noqa: E402

from batch_core.ingest import load_files  # noqa: E402
from batch_core.ingest.turns import render_text, speakers_of  # noqa: E402
from batch_core.models import MeetingIn, Tier, Turn  # noqa: E402
from batch_core.pipeline import run_pipeline  # noqa: E402
from batch_core.pipeline.providers.base import ExtractionRequest  # noqa: E402
from batch_core.pipeline.providers.local import LocalProvider  # noqa: E402
from tests.pipeline.label_eval import Score, score_items  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "real_meeting_labels.json"
_TAG = re.compile(r"\{\w+\}")
_STOP = frozenset("a an the and or of to in on for with at by from is are be this that it its as "
                  "about their his her our new".split())
_TOKENIZER = DefaultTokenizer(use_stemmer=True)


def _clock(seconds: float, comma: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    text = f"{int(h):02d}:{int(m):02d}:{s:06.3f}"
    return text.replace(".", ",") if comma else text


def to_upload(name: str, turns: list[dict], kind: str) -> tuple[str, bytes]:
    """A meeting as a Teams VTT, an SRT or a plain text file (speech as spoken, tags dropped)."""
    cues, at = [], 0.0
    for turn in turns:
        text = " ".join(_TAG.sub(" ", turn["content"]).split())
        if not text:
            continue
        length = max(1.0, len(text.split()) / 2.5)
        cues.append((at, at + length, turn["speaker"], text))
        at += length + 0.3
    if kind == "vtt":
        lines = ["WEBVTT", ""]
        for n, (start, end, speaker, text) in enumerate(cues, start=1):
            lines += [f"00000000-0000-0000-0000-{n:012d}/{n}-0",
                      f"{_clock(start, False)} --> {_clock(end, False)}", f"<v {speaker}>{text}</v>", ""]
        return f"{name}.vtt", "\n".join(lines).encode("utf-8")
    if kind == "srt":
        lines = []
        for n, (start, end, speaker, text) in enumerate(cues, start=1):
            lines += [str(n), f"{_clock(start, True)} --> {_clock(end, True)}", f"{speaker}: {text}", ""]
        return f"{name}.srt", "\n".join(lines).encode("utf-8")
    return f"{name}.txt", "\n".join(f"{speaker}: {text}" for _, _, speaker, text in cues).encode("utf-8")


def textrank(turns: list[Turn], words: int) -> str:
    """Plain TextRank (Mihalcea & Tarau 2004): sentences ranked by PageRank over word overlap."""
    sentences = [s for t in turns for s in re.split(r"(?<=[.!?])\s+", t.text) if len(s.split()) >= 5]
    bags = [set(_TOKENIZER.tokenize(s)) for s in sentences]
    n = len(sentences)
    if n == 0:
        return ""
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            common = len(bags[i] & bags[j])
            if common and len(bags[i]) > 1 and len(bags[j]) > 1:
                w = common / (math.log(len(bags[i])) + math.log(len(bags[j])))
                weights[i][j] = weights[j][i] = w
    totals = [sum(row) or 1.0 for row in weights]
    rank = [1.0] * n
    for _ in range(30):
        rank = [0.15 + 0.85 * sum(weights[j][i] / totals[j] * rank[j] for j in range(n) if weights[j][i])
                for i in range(n)]
    chosen, count = [], 0
    for i in sorted(range(n), key=lambda k: -rank[k]):
        chosen.append(i)
        count += len(sentences[i].split())
        if count >= words:
            break
    return " ".join(sentences[i] for i in sorted(chosen))


def _content(text: str) -> set[str]:
    return {w for w in _TOKENIZER.tokenize(text) if w not in _STOP}


def topic_scores(predicted: list[str], human: list[str], transcript: str) -> tuple[float, float, float]:
    """(recall, strict recall, grounding). A human topic ("The conceived touch screen within the
    limited budget") is found when an extracted name's content words all occur in it ("touch
    screen"); strictly found when they also cover half of its content words."""
    found = strict = 0
    names = [_content(p) for p in predicted]
    for topic in human:
        words = _content(topic)
        if words and any(n and n <= words for n in names):
            found += 1
        if words and any(len(words & n) >= max(1, len(words) / 2) for n in names):
            strict += 1
    meeting = set(_TOKENIZER.tokenize(transcript))
    grounded = sum(1 for n in names if n and n <= meeting)
    total = max(len(human), 1)
    return found / total, strict / total, (grounded / len(predicted) if predicted else 1.0)


def label_scores() -> dict[str, Score]:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    totals = {"action_items": Score(), "decisions": Score()}
    provider = LocalProvider()
    for excerpt in data["excerpts"]:
        turns = [Turn(speaker=t["speaker"], text=" ".join(_TAG.sub(" ", t["content"]).split()))
                 for t in excerpt["turns"]]
        turns = [t for t in turns if t.text]
        request = ExtractionRequest(title=excerpt["meeting"], turns=turns, transcript=render_text(turns),
                                    speakers=speakers_of(turns))
        insights = provider.extract(request).insights
        for kind in totals:
            score, _ = score_items(kind, getattr(insights, kind), excerpt[kind])
            for name in ("matched_predictions", "predictions", "matched_labels", "labels"):
                setattr(totals[kind], name, getattr(totals[kind], name) + getattr(score, name))
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path, help="folder of QMSum-style *.json")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.json"))[: args.limit or None]
    if not files:
        sys.exit(f"No *.json meetings in {args.corpus}")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows: dict[str, list[dict]] = {"pipeline": [], "first words": [], "TextRank": []}
    recall, strict, grounding, sentiment, seconds, lengths = [], [], [], Counter(), [], []
    for number, path in enumerate(files):
        data = json.loads(path.read_text(encoding="utf-8"))
        upload = to_upload(path.stem, data["meeting_transcripts"], ("vtt", "srt", "txt")[number % 3])
        parsed = load_files([upload]).parsed[0]
        meeting = MeetingIn(title=parsed.title, tier=Tier.ORDINARY, transcript=parsed.text)
        started = time.perf_counter()
        record = run_pipeline(meeting, f"meeting_{number:012d}", None)
        seconds.append(time.perf_counter() - started)
        reference = data["general_query_list"][0]["answer"]
        summary = record.insights.summary
        n_words = len(summary.split())
        lengths.append(n_words)
        first = " ".join(" ".join(t.text for t in parsed.turns).split()[:n_words])
        for name, text in (("pipeline", summary), ("first words", first),
                           ("TextRank", textrank(parsed.turns, n_words))):
            scores = scorer.score(reference, text)
            rows[name].append({k: v.fmeasure * 100 for k, v in scores.items()})
        r, s, g = topic_scores([t.name for t in record.insights.key_topics],
                               [t["topic"] for t in data["topic_list"]], parsed.text)
        recall.append(r)
        strict.append(s)
        grounding.append(g)
        sentiment.update(s.label for s in record.sentiment)
    print(f"{len(files)} real meetings from {args.corpus} (formats vtt/srt/txt in turn); "
          f"summary length median {statistics.median(lengths):.0f} words")
    print(f"{'summary':14s} {'ROUGE-1':>8s} {'ROUGE-2':>8s} {'ROUGE-L':>8s}")
    for name, values in rows.items():
        print(f"{name:14s} " + " ".join(f"{statistics.mean(v[k] for v in values):8.1f}"
                                        for k in ("rouge1", "rouge2", "rougeL")))
    print(f"topic recall {statistics.mean(recall):.2f} (strict: half the human topic's words "
          f"{statistics.mean(strict):.2f})   topic grounding {statistics.mean(grounding):.2f}")
    for kind, score in label_scores().items():
        print(f"{kind:14s} precision {score.precision:.2f} ({score.matched_predictions}/{score.predictions})"
              f"  recall {score.recall:.2f} ({score.matched_labels}/{score.labels})  [hand labels, 6 excerpts]")
    total = sum(sentiment.values()) or 1
    print("speaker sentiment: " + ", ".join(f"{label} {count} ({count / total:.0%})"
                                            for label, count in sentiment.most_common()))
    print(f"pipeline per meeting: median {statistics.median(seconds) * 1000:.0f} ms, "
          f"max {max(seconds) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
