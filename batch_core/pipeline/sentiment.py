"""Per-speaker sentiment: VADER scores each utterance, then scores are averaged per speaker.

Scoring a speaker's concatenated text saturates at ±0.999, so the mean of utterance scores is used.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from batch_core.models import SpeakerSentiment, Turn

# VADER's own recommended thresholds for the compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
UNKNOWN_SPEAKER = "Unknown"
# VADER's cost grows faster than linearly with text length (minutes for one 80k-word utterance),
# so long utterances are scored in sentence-sized pieces and averaged by word count.
PIECE_WORDS = 60
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def label_for(score: float) -> str:
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def _pieces(text: str) -> list[str]:
    pieces = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        pieces.extend(" ".join(words[i:i + PIECE_WORDS]) for i in range(0, len(words), PIECE_WORDS))
    return [p for p in pieces if p]


def utterance_score(text: str) -> float:
    """VADER compound score of one utterance (word-weighted mean of its pieces when long)."""
    analyzer = _analyzer()
    if len(text.split()) <= PIECE_WORDS:
        return analyzer.polarity_scores(text)["compound"]
    pieces = _pieces(text)
    weights = [len(p.split()) for p in pieces]
    scores = [analyzer.polarity_scores(p)["compound"] for p in pieces]
    return sum(w * s for w, s in zip(weights, scores)) / sum(weights)


def speaker_sentiment(turns: list[Turn]) -> list[SpeakerSentiment]:
    """One entry per speaker, in order of first appearance."""
    scores: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        text = turn.text.strip()
        if text:
            scores[turn.speaker or UNKNOWN_SPEAKER].append(utterance_score(text))
    result = []
    for speaker, values in scores.items():
        mean = sum(values) / len(values)
        result.append(SpeakerSentiment(speaker=speaker, label=label_for(mean),
                                       mean_score=round(mean, 4), utterances=len(values)))
    return result
