"""The offline provider: deterministic rules and a keyphrase library, no model download."""
from __future__ import annotations

import re

from batch_core.models import Insights, KeyTopic
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest
from batch_core.pipeline.providers.keyphrases import extract_topics, topic_hits
from batch_core.pipeline.providers.local_actions import extract_action_items
from batch_core.pipeline.providers.local_decisions import extract_decisions
from batch_core.pipeline.providers.local_questions import extract_open_questions
from batch_core.pipeline.providers.local_text import Sentence, clean_clause, split_sentences, strip_filler

SUMMARY_SENTENCES = 2
SUMMARY_DECISIONS = 2
_SUMMARY_CUES = re.compile(
    r"\b(?:agreed|decided|decision|goal|plan|priority|problem|issue|risk|because|need to|propose|"
    r"update|result|launch|deadline|budget)\b", re.IGNORECASE)
# Housekeeping says nothing about the meeting's content.
_HOUSEKEEPING = re.compile(
    r"\b(?:present are|welcome|thanks for (?:joining|coming|making time)|good (?:morning|afternoon|evening)|"
    r"let's (?:start|get going|begin)|hard stop|recording|apologies from|see you)\b", re.IGNORECASE)
_REDACTED = re.compile(r"<[A-Z_]+(?:_\d+)?>|SPEAKER_\d+.*SPEAKER_\d+")


class LocalProvider:
    name = "local"

    def __init__(self, model: str = "local-rules-v1") -> None:
        self.model = model

    def extract(self, request: ExtractionRequest) -> Extraction:
        sentences = split_sentences(request.turns)
        topics = extract_topics(request.turns)
        insights = Insights(
            summary="",
            decisions=extract_decisions(sentences, request.turns),
            action_items=extract_action_items(sentences, request.turns, request.speakers),
            key_topics=topics,
            open_questions=extract_open_questions(sentences, request.turns),
        )
        insights.summary = summarise(request, sentences, insights)
        return Extraction(insights=insights, attempts=1)


def _score(sentence: Sentence, topics: list[KeyTopic]) -> float:
    text = sentence.text
    words = len(text.split())
    if words < 8 or text.endswith("?") or _HOUSEKEEPING.search(text) or _REDACTED.search(text):
        return 0.0
    hits = topic_hits(text)
    weight = sum(t.importance * hits[t.name] for t in topics)
    return weight + 1.5 * len(_SUMMARY_CUES.findall(text)) + min(words, 40) / 40


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def summarise(request: ExtractionRequest, sentences: list[Sentence], insights: Insights) -> str:
    """Who and what about, the two most telling sentences, the first decisions, and the tally."""
    topics = insights.key_topics
    about = ", ".join(t.name for t in topics[:3]) or "general matters"
    if request.speakers:
        parts = [f"{_plural(len(request.speakers), 'participant')} discussed {about}."]
    else:  # plain prose without speaker names
        parts = [f"The meeting covered {about}."]
    decided = [d.decision for d in insights.decisions[:SUMMARY_DECISIONS]]
    scores = [0.0 if clean_clause(strip_filler(s.text), 240) in decided else _score(s, topics) for s in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: scores[i], reverse=True)
    for i in sorted(i for i in ranked[:SUMMARY_SENTENCES] if scores[i] > 0):
        text = clean_clause(strip_filler(sentences[i].text), limit=220)
        speaker = f"{sentences[i].speaker}: " if sentences[i].speaker else ""
        parts.append(f"{speaker}{text}.")
    if decided:
        parts.append("Decided: " + "; ".join(decided) + ".")
    parts.append(f"{_plural(len(insights.action_items), 'action item')}, "
                 f"{_plural(len(insights.open_questions), 'open question')}.")
    return " ".join(parts)
