"""Answers as real models write them: fenced, wrapped in prose, loosely typed; and what is still refused."""
from __future__ import annotations

import json

import pytest

from batch_core.pipeline import MeetingFailed
from batch_core.pipeline.answers import read_insights
from batch_core.pipeline.faults import ProviderFault
from tests.fakes.llm_server import VALID_INSIGHTS, FakeResponse
from tests.pipeline.helpers import extract_entry, meeting, run

LOOSE = {
    "summary": "The team reviewed the plan.",
    "decisions": [{"topic": "plan", "decision": "Go with the smaller scope", "deciders": "Ann Lee, Bob Stone",
                   "confidence": "0.8"}],
    "action_items": [{"task": "Send the updated plan", "owner": "Bob Stone", "deadline": "Friday", "priority": "High"},
                     "Book the review room"],
    "key_topics": [{"name": "plan", "importance": "high", "related_speakers": ["Ann Lee"]},
                   {"name": "budget", "importance": "75%"}],
}


def test_fenced_json_with_prose_around_is_accepted_and_noted(provider_server):
    provider_server.enqueue(FakeResponse.text("Here are the insights:\n```json\n" + json.dumps(VALID_INSIGHTS)
                                              + "\n```\nLet me know if you need more."))
    record = run(meeting())
    assert provider_server.request_count == 1
    assert record.insights.action_items[0].task == "Send the updated plan"
    assert extract_entry(record).detail["coerced"] == ["JSON taken out of a code fence"]


def test_loose_types_are_coerced_and_each_coercion_is_recorded(provider_server):
    provider_server.enqueue(FakeResponse.ok(LOOSE))
    record = run(meeting())
    insights = record.insights
    assert insights.decisions[0].confidence == pytest.approx(0.8)
    assert insights.decisions[0].deciders == ["Ann Lee", "Bob Stone"]
    assert insights.action_items[0].priority == "high"
    assert insights.action_items[1].task == "Book the review room"
    assert [t.importance for t in insights.key_topics] == [0.9, 0.75]
    assert insights.open_questions == []
    coerced = " | ".join(extract_entry(record).detail["coerced"])
    for expected in ("confidence '0.8' read as 0.8", "priority 'High' read as 'high'",
                     "importance 'high' read as 0.9", "importance '75%' read as 0.75",
                     "open_questions missing", "action_items[1] given as text"):
        assert expected in coerced


def test_prose_without_json_still_fails_after_one_more_attempt(provider_server):
    provider_server.enqueue(FakeResponse.text("I could not find any insights."),
                            FakeResponse.text("Sorry, still nothing."))
    with pytest.raises(MeetingFailed) as failure:
        run(meeting())
    assert provider_server.request_count == 2
    assert "not valid JSON" in str(failure.value)


@pytest.mark.parametrize("answer, problem", [
    ({"summary": "x", "decisions": [{"decision": "y", "confidence": "sure"}]}, "confidence"),
    ({"decisions": []}, "summary"),
    ('["not", "an", "object"]', "not a JSON object"),
])
def test_what_cannot_be_read_is_still_refused(answer, problem):
    with pytest.raises(ProviderFault) as fault:
        read_insights(answer)
    assert problem in fault.value.detail


def test_a_strict_answer_needs_no_coercion():
    insights, coerced = read_insights(json.dumps(VALID_INSIGHTS))
    assert coerced == [] and insights.summary == VALID_INSIGHTS["summary"]
