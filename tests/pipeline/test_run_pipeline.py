"""run_pipeline end to end with the default local provider: stages, audit, record fields, failures."""
from __future__ import annotations

import pytest

from batch_core.models import Stage, Tier
from batch_core.pipeline import MeetingFailed
from tests.pipeline.helpers import SHORT_MEETING, meeting, run, sample


def test_ordinary_meeting_goes_through_every_stage_in_order():
    stages: list[Stage] = []
    record = run(meeting(), stages)
    assert stages == [Stage.PARSE, Stage.EXTRACT, Stage.SENTIMENT]
    assert [entry.step for entry in record.audit] == ["parse", "extract", "sentiment"]
    assert record.meeting_id == "meeting_test0000" and record.batch_id == "batch_test"
    assert record.provider == "local" and record.model == "local-rules-v1"
    assert record.speakers == ["Ann Lee", "Bob Stone"]
    assert record.word_count == sum(len(line.split(": ", 1)[1].split()) for line in SHORT_MEETING.splitlines())
    assert record.duration_seconds == 30
    assert record.transcript.splitlines()[1] == (
        "[00:00:09] Bob Stone: I'll send the updated budget by Friday, it needs one more pass.")


def test_sensitive_meeting_adds_the_redact_stage_before_extraction():
    stages: list[Stage] = []
    record = run(meeting(tier="sensitive"), stages)
    assert stages == [Stage.PARSE, Stage.REDACT, Stage.EXTRACT, Stage.SENTIMENT]
    assert record.tier is Tier.SENSITIVE and record.redacted
    assert "Ann" not in record.transcript and "Bob" not in record.transcript
    assert record.insights.action_items[0].owner == "SPEAKER_2"


def test_audit_entries_carry_timing_and_what_each_step_did():
    record = run(meeting())
    by_step = {entry.step: entry for entry in record.audit}
    assert by_step["parse"].detail == {"turns": 4, "speakers": 2, "words": record.word_count, "language": "en"}
    assert by_step["extract"].detail["provider"] == "local"
    assert by_step["extract"].detail["attempts"] == 1
    assert by_step["sentiment"].detail["speakers"] == 2
    assert all(entry.duration_ms >= 0 and entry.at.endswith("Z") for entry in record.audit)


def test_sentiment_is_per_speaker_from_utterance_scores():
    transcript = ("Ann: This is wonderful news, I love it, great work everyone!\n"
                  "Bob: This is terrible, the outage was awful and customers are angry.\n"
                  "Ann: Fantastic progress, thank you.\n"
                  "Bob: The report is on page four.\n")
    sentiment = {s.speaker: s for s in run(meeting(transcript)).sentiment}
    assert sentiment["Ann"].label == "positive" and sentiment["Ann"].utterances == 2
    assert sentiment["Bob"].label == "negative" and sentiment["Bob"].utterances == 2
    assert -1 < sentiment["Bob"].mean_score < 0 < sentiment["Ann"].mean_score < 1


def test_local_extraction_on_a_real_sample_is_useful():
    insights = run(meeting(sample("02_incident_review_database_outage.txt"))).insights
    owners = {item.owner for item in insights.action_items}
    assert {"Ahmed Khan", "Lucas Moreau", "Sofia Lindqvist", "Hannah Weber"} <= owners
    assert any("replica" in d.decision for d in insights.decisions)
    assert any("voucher" in q.question.lower() or "voucher" in q.context.lower() for q in insights.open_questions)
    assert insights.key_topics and insights.summary.startswith("The meeting was mainly about")


def test_empty_transcript_fails_with_a_readable_message():
    with pytest.raises(MeetingFailed, match="no text to process"):
        run(meeting(transcript="   \n\n  "))


def test_the_local_provider_is_deterministic():
    first = run(meeting(sample("03_marketing_budget_q3.txt"))).insights
    second = run(meeting(sample("03_marketing_budget_q3.txt"))).insights
    assert first == second


def test_a_very_long_unpunctuated_utterance_is_scored_in_pieces():
    from batch_core.pipeline.sentiment import PIECE_WORDS, speaker_sentiment, utterance_score
    from batch_core.models import Turn
    happy = "this is a great and wonderful plan and I love how helpful everyone was " * 400
    assert len(happy.split()) > 50 * PIECE_WORDS
    assert utterance_score(happy) > 0.5
    [result] = speaker_sentiment([Turn(speaker="Ann", text=happy), Turn(speaker="Ann", text="Terrible, awful.")])
    assert result.utterances == 2
    # Each utterance counts once, however long: the short negative one pulls the mean well down.
    assert result.mean_score < utterance_score(happy) - 0.3
