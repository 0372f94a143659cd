"""Per-speaker sentiment: VADER scores each utterance, then scores are averaged per speaker.

Scoring a speaker's concatenated text saturates at ±0.999, so the mean of utterance scores is used.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from batch_core.models import SpeakerSentiment, Turn

# VADER's own recommended thresholds for the compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
UNKNOWN_SPEAKER = "Unknown"


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def label_for(score: float) -> str:
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def speaker_sentiment(turns: list[Turn]) -> list[SpeakerSentiment]:
    """One entry per speaker, in order of first appearance."""
    analyzer = _analyzer()
    scores: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        text = turn.text.strip()
        if not text:
            continue
        compound = analyzer.polarity_scores(text)["compound"]
        scores[turn.speaker or UNKNOWN_SPEAKER].append(compound)
    result = []
    for speaker, values in scores.items():
        mean = sum(values) / len(values)
        result.append(SpeakerSentiment(speaker=speaker, label=label_for(mean),
                                       mean_score=round(mean, 4), utterances=len(values)))
    return result
