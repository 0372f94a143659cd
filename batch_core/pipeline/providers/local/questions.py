"""Offline open-question rules: explicit open points, and questions nobody answered."""
from __future__ import annotations

import re

from batch_core.models import OpenQuestion, Turn
from batch_core.pipeline.providers.local.text import Sentence, clean_clause, strip_filler

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
    r"it depends|depends on|let me find out|we'll see|hard to say|can't say|no clue|not certain|nobody knows|"
    r"i'll find out|i'll check|need to ask|tbd|haven't decided|open question|haven't checked|"
    r"pick (?:it|that|this) up|come back to|not go down that path|park (?:it|that|this)|"
    r"take (?:it|that|this) offline|next time|think about it|question for|not (?:our|my) call|"
    r"let's not|not decide|decide later|leave it open|ask (?:the|someone))\b", re.IGNORECASE)
# "What if we…?", "How about…?" propose rather than ask.
_PROPOSAL = re.compile(r"^(?:what if|how about|why don't we|shall we|should we just|could we maybe|maybe)\b",
                       re.IGNORECASE)
# A question answered by its own asker ("Why? Because…") is rhetorical.
_SELF_ANSWER = re.compile(r"^(?:because|yes|no|well|the answer|simple|easy|obviously)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:it|this|that|they|them|those|these)\b", re.IGNORECASE)
MERGE_WITHIN_TURNS = 3  # "…so that one is still open" restates the question raised just before


def _reply_to(sentence: Sentence, turns: list[Turn]) -> Turn | None:
    for turn in turns[sentence.turn_index + 1: sentence.turn_index + 3]:
        if turn.speaker != sentence.speaker or sentence.speaker is None:
            return turn
    return None


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]


def _is_unanswered(sentence: Sentence, turns: list[Turn]) -> tuple[bool, str]:
    """A question counts as answered when the next other speaker opens with a substantive reply."""
    turn_text = turns[sentence.turn_index].text.strip()
    after = turn_text[turn_text.rfind(sentence.text) + len(sentence.text):].strip()
    if after and _SELF_ANSWER.search(strip_filler(after)):
        return False, ""
    reply = _reply_to(sentence, turns)
    if reply is None:
        return True, "no one answered before the meeting ended"
    opening = _first_sentence(strip_filler(reply.text)) or reply.text
    if _UNSURE.search(opening) or (_UNSURE.search(reply.text) and len(opening.split()) <= 2):
        return True, f"{reply.speaker or 'the reply'}: {clean_clause(strip_filler(reply.text), 160)}"
    if opening.endswith("?"):
        following_index = turns.index(reply) + 1
        following = _first_sentence(strip_filler(turns[following_index].text)) if following_index < len(turns) else ""
        if not following or following.endswith("?") or _UNSURE.search(following):
            return True, "answered with another question"
    return False, ""


def _with_antecedent(position: int, sentences: list[Sentence], question: str) -> str:
    """'Does the sick leave reduce it?' means little alone: prepend the statement it refers to."""
    if position == 0 or len(question.split()) >= 14 or not _PRONOUN.search(question):
        return question
    previous = sentences[position - 1]
    context = clean_clause(strip_filler(previous.text), 200)
    if previous.turn_index != sentences[position].turn_index or previous.text.endswith("?") or not context:
        return question
    return f"{context}: {question}"


def extract_open_questions(sentences: list[Sentence], turns: list[Turn]) -> list[OpenQuestion]:
    questions: list[OpenQuestion] = []
    last_turn = -MERGE_WITHIN_TURNS - 1
    seen: set[str] = set()
    for position, sentence in enumerate(sentences):
        text = strip_filler(sentence.text)
        stakeholders = [sentence.speaker] if sentence.speaker else []
        if _OPEN_POINT.search(text) and not text.lower().startswith(("we agreed", "we decided")):
            if questions and 0 <= sentence.turn_index - last_turn <= MERGE_WITHIN_TURNS:
                earlier = questions[-1]
                for person in stakeholders:
                    if person not in earlier.stakeholders:
                        earlier.stakeholders.append(person)
                earlier.context = f"left open: {clean_clause(text, 160)}"
                last_turn = sentence.turn_index
                continue
            question, context = clean_clause(text, 240), "raised as an open point"
        elif text.endswith("?") and len(text.split()) >= 5 and not _FILLER_QUESTION.search(text) \
                and not _REQUEST.search(text) and not _PROPOSAL.search(text):
            unanswered, context = _is_unanswered(sentence, turns)
            if not unanswered:
                continue
            if questions and sentence.turn_index == last_turn:
                continue  # a follow-up question in the same breath as the open point before it
            question = _with_antecedent(position, sentences, clean_clause(text.rstrip("?"), 240) + "?")
            reply = _reply_to(sentence, turns)
            if reply and reply.speaker and reply.speaker not in stakeholders:
                stakeholders.append(reply.speaker)
        else:
            continue
        key = question.lower()
        if key in seen:
            continue
        seen.add(key)
        last_turn = sentence.turn_index
        questions.append(OpenQuestion(question=question, context=context, stakeholders=stakeholders))
    return questions
