"""The offline provider: deterministic rules and a keyphrase library, no model download."""
from __future__ import annotations

from typing import Sequence

from batch_core.pipeline.leaving import leaving
from batch_core.models import Insights
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest, SummaryAnswer
from batch_core.pipeline.providers.local.actions import extract_action_items
from batch_core.pipeline.providers.local.decisions import extract_decisions
from batch_core.pipeline.providers.local.questions import extract_open_questions
from batch_core.pipeline.providers.local.summary import summarise
from batch_core.pipeline.providers.local.text import split_sentences
from batch_core.pipeline.providers.local.topics import keyphrase_topics
from batch_core.pipeline.speech import clean_turns, is_backchannel


class LocalProvider:
    """Reads English: its rules and word lists are English ones (pipeline/run reports this)."""
    name = "local"
    chunked = False  # no context window: the whole transcript in one pass, no tokens spent

    def __init__(self, model: str = "local-rules-v1") -> None:
        self.model = model

    def extract(self, request: ExtractionRequest, meter: object = None) -> Extraction:
        leaving()  # no request leaves, but this is the long step: others compute meanwhile
        # Fillers, stutters and tags out; "Yeah." replies stay, rules read them as agreement.
        turns = clean_turns(request.turns, drop_backchannels=False)
        sentences = split_sentences(turns)
        topics = keyphrase_topics(turns)
        decisions = extract_decisions(sentences, turns)
        insights = Insights(
            summary="",
            decisions=decisions,
            action_items=extract_action_items(sentences, turns, request.speakers),
            key_topics=topics,
            open_questions=extract_open_questions(sentences, turns),
        )
        content = split_sentences([t for t in turns if not is_backchannel(t.text)])
        insights.summary = summarise(content, topics, decisions, len(request.speakers))
        return Extraction(insights=insights, attempts=1)

    def summarise(self, title: str, summaries: Sequence[str], language: str | None,
                  meter: object = None) -> SummaryAnswer:
        return SummaryAnswer(summary=" ".join(summaries), attempts=0)
