"""The single-meeting pipeline: parse -> (sensitive) redact -> extract -> sentiment.

Pure compute plus provider calls; the runner stores the record (and reports the STORE stage).
"""
from __future__ import annotations

from typing import Callable

from batch_core.config import settings
from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import duration_of, render_text, speakers_of, word_count
from batch_core.models import AuditEntry, MeetingIn, MeetingRecord, Stage, Tier, Turn
from batch_core.pipeline.audit import audited, utc_now_iso
from batch_core.pipeline.errors import MeetingFailed, ProviderAuthError
from batch_core.pipeline.providers import ExtractionRequest, get_provider
from batch_core.pipeline.sentiment import speaker_sentiment

__all__ = ["run_pipeline", "MeetingFailed", "ProviderAuthError"]


def _parse(transcript: str) -> list[Turn]:
    try:
        turns = parse_text(transcript)
    except ValueError as exc:
        raise MeetingFailed(f"could not read the transcript: {exc}") from None
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise MeetingFailed("the transcript has no text to process")
    return turns


def run_pipeline(meeting: MeetingIn, meeting_id: str, batch_id: str | None,
                 on_stage: Callable[[Stage], None] = lambda stage: None) -> MeetingRecord:
    """Process one meeting. Raises MeetingFailed (readable message) or ProviderAuthError."""
    config = settings()
    audit: list[AuditEntry] = []
    sensitive = meeting.tier is Tier.SENSITIVE

    on_stage(Stage.PARSE)
    with audited(audit, Stage.PARSE.value) as detail:
        turns = _parse(meeting.transcript)
        detail.update(turns=len(turns), speakers=len(speakers_of(turns)), words=word_count(turns))

    counts: dict[str, int] = {}
    prompt_title = meeting.title  # what the provider sees; the record keeps the title as submitted
    if sensitive:
        on_stage(Stage.REDACT)
        with audited(audit, Stage.REDACT.value) as detail:
            from batch_core.pipeline.redact import redact_turns  # Presidio is slow to import
            redaction = redact_turns(turns, title=meeting.title)
            turns, counts, prompt_title = redaction.turns, redaction.counts, redaction.title
            detail.update(engine="presidio", counts=counts, total=sum(counts.values()),
                          speakers_labelled=len(redaction.speaker_labels))

    speakers = speakers_of(turns)
    transcript = render_text(turns)
    on_stage(Stage.EXTRACT)  # may block (fleet limits) or raise ProviderAuthError (key gate)
    with audited(audit, Stage.EXTRACT.value) as detail:
        provider = get_provider(config)
        detail.update(provider=provider.name, model=provider.model)
        try:
            extraction = provider.extract(ExtractionRequest(
                title=prompt_title, turns=turns, transcript=transcript, speakers=speakers,
                meeting_date=meeting.meeting_date))
        except MeetingFailed as exc:
            detail.update(attempts=exc.attempts, retries=exc.retries, error=str(exc))
            raise
        detail.update(attempts=extraction.attempts, retries=extraction.retries)

    on_stage(Stage.SENTIMENT)
    with audited(audit, Stage.SENTIMENT.value) as detail:
        sentiment = speaker_sentiment(turns)
        detail.update(engine="vader", speakers=len(sentiment), utterances=sum(s.utterances for s in sentiment))

    return MeetingRecord(
        meeting_id=meeting_id, batch_id=batch_id, title=meeting.title, tier=meeting.tier,
        meeting_date=meeting.meeting_date, source_name=meeting.source_name, processed_at=utc_now_iso(),
        provider=provider.name, model=provider.model, speakers=speakers, word_count=word_count(turns),
        duration_seconds=duration_of(turns), redacted=sensitive, redaction_counts=counts,
        transcript=transcript, insights=extraction.insights, sentiment=sentiment, audit=audit)
