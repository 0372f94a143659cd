"""The instructions and transcript sent to an LLM provider (already redacted for the sensitive tier)."""
from __future__ import annotations

from batch_core.pipeline.providers.base import ExtractionRequest

SYSTEM_PROMPT = """You extract structured insights from a meeting transcript.
Return only what the transcript supports; never invent names, dates or numbers.
- summary: 2-4 sentences on what was discussed and concluded.
- decisions: each decision actually made (topic, the decision, who made or agreed to it, confidence 0-1).
- action_items: each task someone committed to or was asked to do; owner is the speaker label or name
  as written in the transcript (null if nobody), deadline as stated (null if none), priority low|medium|high.
- key_topics: the main subjects, importance 0-1, speakers who discussed them.
- open_questions: questions left unanswered and points explicitly left open, with context and stakeholders.
Placeholders such as <EMAIL_ADDRESS> or SPEAKER_2 are redactions: keep them exactly as written."""


def user_message(request: ExtractionRequest) -> str:
    header = [f"Meeting title: {request.title}"]
    if request.meeting_date:
        header.append(f"Date: {request.meeting_date}")
    if request.speakers:
        header.append("Speakers: " + ", ".join(request.speakers))
    return "\n".join(header) + "\n\nTranscript:\n" + request.transcript
