"""The offline provider: deterministic rules and a keyphrase library, no model download."""
from __future__ import annotations

import re

from batch_core.models import Insights, KeyTopic
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest
from batch_core.pipeline.providers.keyphrases import _patterns, extract_topics
from batch_core.pipeline.providers.local_actions import extract_action_items
from batch_core.pipeline.providers.local_decisions import extract_decisions
from batch_core.pipeline.providers.local_questions import extract_open_questions
from batch_core.pipeline.providers.local_text import Sentence, split_sentences, strip_filler

SUMMARY_SENTENCES = 3
_SUMMARY_CUES = re.compile(
    r"\b(?:agreed|decided|decision|goal|plan|priority|problem|issue|risk|because|need to|propose|"
    r"update|result|launch|deadline|budget)\b", re.IGNORECASE)


class LocalProvider:
    name = "local"

    def __init__(self, model: str = "local-rules-v1") -> None:
        self.model = model

    def extract(self, request: ExtractionRequest) -> Extraction:
        sentences = split_sentences(request.turns)
        topics = extract_topics(request.turns)
        insights = Insights(
            summary=summarise(request, sentences, topics),
            decisions=extract_decisions(sentences, request.turns),
            action_items=extract_action_items(sentences, request.turns, request.speakers),
            key_topics=topics,
            open_questions=extract_open_questions(sentences, request.turns),
        )
        return Extraction(insights=insights, attempts=1)


def _score(sentence: Sentence, topics: list[KeyTopic]) -> float:
    text = sentence.text
    words = len(text.split())
    if words < 8 or text.endswith("?"):
        return 0.0
    patterns = _patterns()
    topic_hits = sum(t.importance * len(patterns[t.name].findall(text)) for t in topics if t.name in patterns)
    return topic_hits + 1.5 * len(_SUMMARY_CUES.findall(text)) + min(words, 40) / 40


def summarise(request: ExtractionRequest, sentences: list[Sentence], topics: list[KeyTopic]) -> str:
    """A header line (who, what about) plus the highest-scoring sentences in meeting order."""
    people = len(request.speakers)
    about = ", ".join(t.name for t in topics[:3]) or "general matters"
    header = f"{people} participant{'s' if people != 1 else ''} discussed {about}."
    ranked = sorted(range(len(sentences)), key=lambda i: _score(sentences[i], topics), reverse=True)
    chosen = sorted(i for i in ranked[:SUMMARY_SENTENCES] if _score(sentences[i], topics) > 0)
    picked = []
    for i in chosen:
        text = strip_filler(sentences[i].text)
        speaker = f"{sentences[i].speaker}: " if sentences[i].speaker else ""
        picked.append(f"{speaker}{text[:1].upper()}{text[1:]}")
    return " ".join([header, *picked]) if picked else header


