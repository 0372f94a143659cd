"""The instructions and transcript sent to an LLM provider (already redacted for the sensitive tier).

The system prompt is fixed (so Anthropic can cache it); everything that varies per meeting or per
part (title, language, which part of how many) goes into the user message.
"""
from __future__ import annotations

from typing import Sequence

from batch_core.pipeline.language import language_name
from batch_core.pipeline.providers.base import ExtractionRequest

SYSTEM_PROMPT = """You extract structured insights from a meeting transcript.
Return only what the transcript supports; never invent names, dates or numbers.
- summary: 2-4 sentences on what was discussed and concluded.
- decisions: each decision actually made (topic, the decision, who made or agreed to it, confidence 0-1).
- action_items: each task someone committed to or was asked to do; owner is the speaker label or name
  as written in the transcript (null if nobody), deadline as stated (null if none), priority low|medium|high.
- key_topics: the main subjects, importance 0-1, speakers who discussed them.
- open_questions: questions left unanswered and points explicitly left open, with context and stakeholders.
Placeholders such as <EMAIL_ADDRESS> or SPEAKER_2 are redactions: keep them exactly as written.
When the transcript is one part of a longer meeting, extract only what this part contains.

How to read a transcript:
- A decision is something the meeting settled ("we'll go with", "agreed", "let's do X"), not a proposal
  that nobody took up. Confidence: 0.9 when stated outright and agreed, 0.6 when implied, 0.3 when tentative.
- An action item needs someone who will do something: "I'll send it", "can you check X?" answered with yes,
  "SPEAKER_2 takes the budget". A wish ("it would be nice to") is not an action item. Keep the owner as written;
  when the speaker commits for themselves, the owner is that speaker. Keep deadlines in the words used
  ("by Friday", "end of Q3"); never turn them into dates.
- Priority: high when the meeting says urgent, blocking, today or asap; low when it says "when you have time"
  or "nice to have"; medium when it says something in between; null when it says nothing.
- Key topics are the subjects the meeting spent time on, named in a few words as the speakers name them,
  not generic labels such as "discussion" or "update". Importance reflects how much of the meeting they took.
- Open questions are questions asked and not answered, and points explicitly deferred ("let's come back to").
- Speakers' small talk, greetings and filler ("yeah", "mm-hmm") carry no insights.

Example (speakers are labels here; keep whatever labels or names the real transcript uses). Transcript:
[00:00:05] SPEAKER_A: The vendor missed the March deadline again. I think we switch to the backup supplier.
[00:00:14] SPEAKER_B: Agreed. I'll call them tomorrow and ask for a quote by Friday. It's urgent.
[00:00:22] SPEAKER_A: Good. Who tells finance? We can decide that next week.
Answer:
{"summary": "The team discussed the vendor's missed March deadline and decided to switch to the backup supplier. SPEAKER_B will ask the backup supplier for a quote; who informs finance is still open.",
 "decisions": [{"topic": "supplier", "decision": "Switch to the backup supplier", "deciders": ["SPEAKER_A", "SPEAKER_B"], "confidence": 0.9}],
 "action_items": [{"task": "Call the backup supplier and ask for a quote", "owner": "SPEAKER_B", "deadline": "by Friday", "priority": "high"}],
 "key_topics": [{"name": "vendor missed deadline", "importance": 0.8, "related_speakers": ["SPEAKER_A", "SPEAKER_B"]}],
 "open_questions": [{"question": "Who tells finance?", "context": "deferred to next week", "stakeholders": ["SPEAKER_A"]}]}"""

SUMMARY_SYSTEM_PROMPT = """You write the summary of a meeting from the summaries of its consecutive parts.
Write 2-4 sentences on what was discussed and concluded across the whole meeting; never invent
anything the parts do not say. Keep placeholders such as <PERSON> or SPEAKER_2 exactly as written.
Answer with JSON: {"summary": "..."}"""


ALL_FIELDS = "every text field (summary, decisions, tasks, topics, questions)"


def language_line(language: str | None, fields: str = ALL_FIELDS) -> str | None:
    if not language or language == "en":
        return None
    name = language_name(language)
    return (f"Language: the meeting is held in {name}. Write {fields} in {name}; "
            "keep names and placeholders as written.")


def header_lines(request: ExtractionRequest) -> list[str]:
    header = [f"Meeting title: {request.title}"]
    if request.meeting_date:
        header.append(f"Date: {request.meeting_date}")
    if request.speakers:
        header.append("Speakers: " + ", ".join(request.speakers))
    line = language_line(request.language)
    if line:
        header.append(line)
    if request.part_count > 1:
        header.append(f"Part {request.part} of {request.part_count} of the transcript"
                      + (" (its first lines repeat the end of the part before, for context)" if request.part > 1 else ""))
    return header


def user_message(request: ExtractionRequest) -> str:
    return "\n".join(header_lines(request)) + "\n\nTranscript:\n" + request.transcript


def summary_message(title: str, summaries: Sequence[str], language: str | None) -> str:
    lines = [f"Meeting title: {title}"]
    line = language_line(language, fields="the summary")
    if line:
        lines.append(line)
    lines.append("")
    lines.extend(f"Part {number} of {len(summaries)}: {text}" for number, text in enumerate(summaries, 1))
    return "\n".join(lines)
