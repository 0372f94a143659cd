"""The offline extractor's rules on small, targeted conversations."""
from __future__ import annotations

from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import render_text, speakers_of
from batch_core.models import Insights
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.providers.local import LocalProvider


def extract(text: str) -> Insights:
    turns = parse_text(text)
    request = ExtractionRequest(title="t", turns=turns, transcript=render_text(turns),
                                speakers=speakers_of(turns))
    return LocalProvider().extract(request).insights


def test_first_person_commitment_with_deadline():
    items = extract("Ana Silva: I'll send it by Friday.\nLee Park: Thanks.").action_items
    assert [(i.owner, i.deadline) for i in items] == [("Ana Silva", "by Friday")]


def test_request_by_name_owner_is_the_person_asked_and_reply_adds_the_deadline():
    items = extract("Ana Silva: Maria, can you update the vendor list?\n"
                    "Maria Costa: Sure, I'll do it by Tuesday.").action_items
    assert len(items) == 1
    assert items[0].owner == "Maria Costa" and items[0].deadline == "by Tuesday"
    assert items[0].task.startswith("Update the vendor list")


def test_urgent_words_raise_priority_and_talk_is_not_a_task():
    items = extract("Ana Silva: I'll be honest, this is hard. I'll fix the login bug today, it's urgent.\n"
                    "Lee Park: Let me share my screen.").action_items
    assert [(i.owner, i.priority) for i in items] == [("Ana Silva", "high")]


def test_conditional_threats_are_not_commitments():
    assert extract("Ana Silva: If it is not fixed by Monday I'll escalate to your CEO.\n"
                   "Lee Park: Understood.").action_items == []


def test_decision_cues_and_who_agreed():
    decisions = extract("Ana Silva: We agreed to move the launch to October 28th.\n"
                        "Lee Park: Agreed.\n"
                        "Ana Silva: Let's go with the smaller venue for the offsite.\n").decisions
    assert [d.decision for d in decisions] == ["We agreed to move the launch to October 28th",
                                               "Let's go with the smaller venue for the offsite"]
    assert decisions[0].deciders == ["Ana Silva", "Lee Park"]
    assert decisions[0].confidence > decisions[1].confidence


def test_undecided_talk_is_an_open_question_not_a_decision():
    insights = extract("Ana Silva: We haven't decided who owns the release sign-off.\nLee Park: Right.")
    assert insights.decisions == []
    assert insights.open_questions[0].question == "We haven't decided who owns the release sign-off"


def test_unanswered_and_answered_questions():
    insights = extract("Ana Silva: Do we know if the budget covers a second contractor?\n"
                       "Lee Park: No idea, honestly.\n"
                       "Ana Silva: When does the current contract end for the cleaning company?\n"
                       "Lee Park: It ends in March, the renewal notice is due in January.\n")
    questions = [q.question for q in insights.open_questions]
    assert questions == ["Do we know if the budget covers a second contractor?"]
    assert insights.open_questions[0].stakeholders == ["Ana Silva", "Lee Park"]


def test_key_topics_come_from_the_meetings_own_words():
    topics = extract("Ana Silva: The budget is tight and the invoice came in late.\n"
                     "Lee Park: The cost of the new server migration is in the budget too.\n"
                     "Ana Silva: Then the server migration waits for the next budget.\n").key_topics
    names = [t.name for t in topics]
    assert names[:2] == ["server migration", "budget"], names  # said by both, in their words
    assert topics[0].importance == 1.0
    assert topics[1].related_speakers == ["Ana Silva", "Lee Park"]


def test_summary_names_the_topics_and_quotes_the_meeting():
    summary = extract("Ana Silva: We agreed to cut the budget for the launch campaign by ten percent.\n"
                      "Lee Park: The launch date stays, the budget cut only affects paid ads.\n").summary
    assert summary.startswith("The meeting was mainly about launch and budget.")
    assert "We agreed to cut the budget" in summary


def test_plain_prose_without_speakers_still_gets_useful_insights():
    insights = extract("We reviewed the budget for the office move and the cost of the new lease. "
                       "We agreed to sign the lease for the smaller office. "
                       "I'll send the signed contract to the landlord by Friday. "
                       "Nobody knows yet whether the parking spaces are included.")
    assert insights.summary.startswith("The meeting was mainly about")
    assert "lease" in insights.summary.split(".")[0]
    assert [d.decision for d in insights.decisions] == ["We agreed to sign the lease for the smaller office"]
    assert [(a.owner, a.deadline) for a in insights.action_items] == [(None, "by Friday")]
    assert insights.open_questions[0].question.startswith("Nobody knows yet whether the parking")
