"""Offline open-question rules: explicit open points, and questions nobody answered."""
from __future__ import annotations

import re

from batch_core.models import OpenQuestion, Turn
from batch_core.pipeline.providers.local_text import Sentence, clean_clause, strip_filler

_OPEN_POINT = re.compile(
    r"\b(?:open question|still open|remains? open|(?:is|are) open|tbd|to be (?:determined|decided|confirmed)|"
    r"(?:haven't|have not|didn't|did not|don't|do not)\s+(?:yet\s+)?(?:decided|agreed|figured out|settled|"
    r"know yet|have an answer)|not (?:yet )?(?:decided|settled|clear)|still (?:need|have) to "
    r"(?:decide|figure out|work out|confirm|find out)|(?:is|remains|still) unclear|unresolved|parking lot|"
    r"park (?:that|this|it)|take (?:that|this|it) offline|no answer yet|open (?:point|issue|item)|"
    r"nobody knows|no one knows|we need to figure out|need to decide|yet to (?:decide|be decided))\b",
    re.IGNORECASE)
_FILLER_QUESTION = re.compile(
    r"\b(?:hear me|see my screen|see the screen|make sense|any questions|anything else|everyone here|"
    r"shall we (?:start|begin|get started)|how are you|how's it going|how was your|right\?$|ok\?$|okay\?$|"
    r"sound good|sounds good|agreed\?|all good|are we good|who's next|can we start|ready\?|"
    r"still there|am i muted|on mute|is that (?:ok|okay|fine|right)|does that work|"
    r"anything to add|any other business|any objections|any thoughts|should we wrap up)\b",
    re.IGNORECASE)
_REQUEST = re.compile(r"^(?:\w+,\s+)?(?:can|could|would|will)\s+(?:you|someone|somebody)\b", re.IGNORECASE)
_UNSURE = re.compile(
    r"\b(?:not sure|no idea|don't know|do not know|good question|unclear|need to check|have to check|"
    r"it depends|let me find out|we'll see|hard to say|can't say|no clue|not certain|nobody knows|"
    r"i'll find out|i'll check|need to ask|tbd|haven't decided|open question)\b", re.IGNORECASE)


def _reply_to(sentence: Sentence, turns: list[Turn]) -> Turn | None:
    for turn in turns[sentence.turn_index + 1: sentence.turn_index + 3]:
        if turn.speaker != sentence.speaker or sentence.speaker is None:
            return turn
    return None


def _is_unanswered(sentence: Sentence, turns: list[Turn]) -> tuple[bool, str]:
    """A question counts as answered when the next other speaker replies substantively."""
    turn_text = turns[sentence.turn_index].text.strip()
    if not turn_text.endswith("?") or turn_text.rfind(sentence.text) + len(sentence.text) < len(turn_text) - 1:
        # The speaker kept talking after asking: usually a rhetorical question they answer themselves.
        return False, ""
    reply = _reply_to(sentence, turns)
    if reply is None:
        return True, "no one answered before the meeting ended"
    reply_text = strip_filler(reply.text)
    if _UNSURE.search(reply_text):
        return True, f"{reply.speaker or 'the reply'}: {clean_clause(reply_text, 160)}"
    if reply_text.endswith("?") and len(reply_text.split()) <= 25:
        return True, "answered with another question"
    return False, ""


def extract_open_questions(sentences: list[Sentence], turns: list[Turn]) -> list[OpenQuestion]:
    questions: list[OpenQuestion] = []
    seen: set[str] = set()
    for sentence in sentences:
        text = strip_filler(sentence.text)
        stakeholders = [sentence.speaker] if sentence.speaker else []
        if _OPEN_POINT.search(text) and not text.lower().startswith(("we agreed", "we decided")):
            question, context = clean_clause(text, 240), "raised as an open point"
        elif text.endswith("?") and len(text.split()) >= 5 and not _FILLER_QUESTION.search(text) \
                and not _REQUEST.search(text):
            unanswered, context = _is_unanswered(sentence, turns)
            if not unanswered:
                continue
            question = clean_clause(text.rstrip("?"), 240) + "?"
            reply = _reply_to(sentence, turns)
            if reply and reply.speaker and reply.speaker not in stakeholders:
                stakeholders.append(reply.speaker)
        else:
            continue
        key = question.lower()
        if key in seen:
            continue
        seen.add(key)
        questions.append(OpenQuestion(question=question, context=context, stakeholders=stakeholders))
    return questions
