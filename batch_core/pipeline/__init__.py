"""The single-meeting pipeline: parse -> (sensitive) redact -> extract -> sentiment.

Pure compute plus provider calls; engine/processing.py stores the record (and reports the STORE stage).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from batch_core.config import settings
from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import duration_of, render_text, speakers_of, word_count
from batch_core.models import AuditEntry, MeetingIn, MeetingRecord, RedactionNote, Stage, Tier, Turn
from batch_core.pipeline.audit import audited, utc_now_iso
from batch_core.errors import MeetingFailed, ProviderAuthError
from batch_core.pipeline.extract import ExtractResult, describe, extract_insights
from batch_core.pipeline.language import detect_language, language_name
from batch_core.pipeline.providers import ExtractionRequest, Provider, get_provider
from batch_core.pipeline.sentiment import SENTIMENT_LANGUAGES, speaker_sentiment
from batch_core.pipeline.usage import UsageMeter

__all__ = ["run_pipeline", "prepare", "extract_live", "finish", "Prepared", "MeetingFailed", "ProviderAuthError"]


def _parse(transcript: str) -> list[Turn]:
    try:
        turns = parse_text(transcript)
    except ValueError as exc:
        raise MeetingFailed(f"could not read the transcript: {exc}") from None
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise MeetingFailed("the transcript has no text to process")
    return turns


def _redact(meeting: MeetingIn, turns: list[Turn], detail: dict,
            on_redacted: Callable[[MeetingIn, RedactionNote], None] | None
            ) -> tuple[MeetingIn, list[Turn], RedactionNote]:
    from batch_core.pipeline.redact import redact_turns  # Presidio is slow to import
    redaction = redact_turns(turns, title=meeting.title, source_name=meeting.source_name)
    note = RedactionNote(counts=redaction.counts, distinct=redaction.distinct,
                         speakers=len(redaction.speaker_labels))
    redacted = meeting.model_copy(update={
        "title": redaction.title or "Sensitive meeting", "source_name": redaction.source_name,
        "transcript": render_text(redaction.turns)})
    detail.update(engine="presidio+rules", counts=note.counts, distinct=note.distinct,
                  total=sum(note.counts.values()), speakers_labelled=note.speakers)
    if on_redacted is not None:  # from here on only the redacted input is kept
        on_redacted(redacted, note)
    return redacted, redaction.turns, note


@dataclass
class Prepared:
    """A meeting read (and for the sensitive tier redacted) and ready for the extract step."""
    meeting: MeetingIn          # redacted for the sensitive tier
    turns: list[Turn]
    language: str | None
    note: RedactionNote
    audit: list[AuditEntry]
    warnings: list[str] = field(default_factory=list)

    def request(self) -> ExtractionRequest:
        return ExtractionRequest(title=self.meeting.title, turns=self.turns, transcript=render_text(self.turns),
                                 speakers=speakers_of(self.turns), meeting_date=self.meeting.meeting_date,
                                 language=self.language)


def prepare(meeting: MeetingIn, on_stage: Callable[[Stage], None] = lambda stage: None,
            redaction: RedactionNote | None = None,
            on_redacted: Callable[[MeetingIn, RedactionNote], None] | None = None) -> Prepared:
    """Parse and (sensitive tier) redact: everything before the provider sees the meeting."""
    audit: list[AuditEntry] = []
    on_stage(Stage.PARSE)
    with audited(audit, Stage.PARSE.value) as detail:
        turns = _parse(meeting.transcript)
        language = detect_language(turns)
        detail.update(turns=len(turns), speakers=len(speakers_of(turns)), words=word_count(turns),
                      language=language)

    note = RedactionNote()
    if meeting.tier is Tier.SENSITIVE:
        on_stage(Stage.REDACT)
        with audited(audit, Stage.REDACT.value) as detail:
            if redaction is None:
                meeting, turns, note = _redact(meeting, turns, detail, on_redacted)
            else:
                note = redaction
                detail.update(engine="presidio+rules", counts=note.counts, distinct=note.distinct,
                              total=sum(note.counts.values()), reused=True)
    return Prepared(meeting=meeting, turns=turns, language=language, note=note, audit=audit)


def run_pipeline(meeting: MeetingIn, meeting_id: str, batch_id: str | None,
                 on_stage: Callable[[Stage], None] = lambda stage: None,
                 redaction: RedactionNote | None = None,
                 on_redacted: Callable[[MeetingIn, RedactionNote], None] | None = None,
                 meter: UsageMeter | None = None,
                 on_part: Callable[[int, int], None] = lambda part, total: None,
                 ) -> MeetingRecord:
    """Process one meeting. Raises MeetingFailed (readable message) or ProviderAuthError.

    A sensitive meeting whose `redaction` is given was redacted by an earlier attempt: its
    input is already the redacted text, and the redact step only reports what was found then.
    `on_redacted` receives the redacted input as soon as it exists (engine/processing.py stores it in
    place of the sealed raw input). `meter` collects the tokens of every provider call (the
    caller keeps it, so a failed meeting's usage is known too); `on_part(n, total)` reports which
    part of a long transcript is being extracted."""
    ready = prepare(meeting, on_stage, redaction, on_redacted)
    meter = meter or UsageMeter()
    on_stage(Stage.EXTRACT)  # may block (fleet limits) or raise ProviderAuthError (key gate)
    provider, extraction = extract_live(ready, meter, on_part)
    return finish(ready, meeting_id, batch_id, provider, extraction, meter, on_stage)


def extract_live(ready: Prepared, meter: UsageMeter,
                 on_part: Callable[[int, int], None] = lambda part, total: None,
                 step: str = Stage.EXTRACT.value) -> tuple[Provider, ExtractResult]:
    """The extract step with live provider calls (economy batches use it for an unreadable answer)."""
    config = settings()
    with audited(ready.audit, step) as detail:
        provider = get_provider(config)
        detail.update(provider=provider.name, model=provider.model)
        if provider.name == "local" and ready.language not in (None, "en"):
            ready.warnings.append(f"The local provider reads English only; this meeting is in "
                                  f"{language_name(ready.language)}, so its insights are likely poor. "
                                  "Use an LLM provider.")
        try:
            extraction = extract_insights(provider, ready.request(), config, meter, on_part)
        except MeetingFailed as exc:
            detail.update(attempts=exc.attempts, retries=exc.retries, error=str(exc), usage=meter.as_dict())
            raise
        detail.update(attempts=extraction.attempts, retries=extraction.retries, usage=meter.as_dict(),
                      **describe(extraction))
    return provider, extraction


def finish(ready: Prepared, meeting_id: str, batch_id: str | None, provider: Provider,
           extraction: ExtractResult, meter: UsageMeter,
           on_stage: Callable[[Stage], None] = lambda stage: None) -> MeetingRecord:
    """Sentiment, then the record (engine/processing.py stores it)."""
    turns, language, meeting = ready.turns, ready.language, ready.meeting
    on_stage(Stage.SENTIMENT)
    with audited(ready.audit, Stage.SENTIMENT.value) as detail:
        sentiment_note = None
        if language in (None, *SENTIMENT_LANGUAGES):
            sentiment = speaker_sentiment(turns)
            detail.update(engine="vader", speakers=len(sentiment), utterances=sum(s.utterances for s in sentiment))
        else:
            sentiment = []
            sentiment_note = (f"Sentiment unavailable: VADER reads English only and this meeting is in "
                              f"{language_name(language)}.")
            detail.update(engine="vader", skipped=sentiment_note)

    sensitive = meeting.tier is Tier.SENSITIVE
    return MeetingRecord(
        meeting_id=meeting_id, batch_id=batch_id, title=meeting.title, tier=meeting.tier,
        meeting_date=meeting.meeting_date, source_name=meeting.source_name, processed_at=utc_now_iso(),
        provider=provider.name, model=provider.model, speakers=speakers_of(turns), word_count=word_count(turns),
        duration_seconds=duration_of(turns), redacted=sensitive, redaction_counts=ready.note.counts,
        redaction_distinct=ready.note.distinct,
        language=language, usage=meter.as_dict(), warnings=ready.warnings, sentiment_note=sentiment_note,
        transcript=render_text(turns), insights=extraction.insights, sentiment=sentiment, audit=ready.audit)
