"""Per-speaker sentiment: VADER scores each utterance, then scores are averaged per speaker.

Scoring a speaker's concatenated text saturates at ±0.999, so the mean of utterance scores is used.
Calibrated for speech: VADER reads "yeah", "okay", "right", "like", "well" as praise, so fillers
and backchannels are removed first (pipeline/speech.py) and backchannel-only turns are not
scored; the neutral band (±0.15 on the speaker's mean) is wider than VADER's ±0.05 for written
reviews, so polite meeting talk is neutral unless someone is clearly pleased or upset.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from batch_core.models import SpeakerSentiment, Turn
from batch_core.pipeline.speech import BACKCHANNEL, clean_text, is_backchannel

POSITIVE_THRESHOLD = 0.15
NEGATIVE_THRESHOLD = -0.15
UNKNOWN_SPEAKER = "Unknown"
SENTIMENT_LANGUAGES = ("en",)  # VADER's lexicon is English; other languages are not scored
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
    pieces: list[str] = []
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


_LEADING_BACKCHANNEL = re.compile(
    r"^(?:(?:" + "|".join(sorted((re.escape(w) for w in BACKCHANNEL), key=len, reverse=True))
    + r"|like)\b[\s,.!]*)+", re.IGNORECASE)


def spoken_content(text: str) -> str:
    """The words of an utterance that carry its tone: no fillers, no leading 'yeah, okay, right'."""
    text = clean_text(text)
    if is_backchannel(text):
        return ""
    return _LEADING_BACKCHANNEL.sub("", text).strip()


def speaker_sentiment(turns: list[Turn]) -> list[SpeakerSentiment]:
    """One entry per speaker, in order of first appearance."""
    scores: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        text = spoken_content(turn.text)
        if text:
            scores[turn.speaker or UNKNOWN_SPEAKER].append(utterance_score(text))
    result = []
    for speaker, values in scores.items():
        mean = sum(values) / len(values)
        result.append(SpeakerSentiment(speaker=speaker, label=label_for(mean),
                                       mean_score=round(mean, 4), utterances=len(values)))
    return result
