"""Offline action-item rules: commitments ("I'll send it by Friday"), requests ("Maria, can you…"),
assignments ("Tom to update the plan", "action item for Ana: …")."""
from __future__ import annotations

import re

from batch_core.models import ActionItem, Turn
from batch_core.pipeline.providers.local.text import (
    Sentence, clean_clause, find_deadline, priority_of, strip_filler, word_set,
)

# Verbs that make a clause a piece of work rather than talk ("I'll be honest", "I'll say").
ACTION_VERBS = (
    "add ask assign audit book build call cancel check chase circulate clean close collect compile "
    "confirm contact coordinate create dig document double-check draft email escalate estimate "
    "file finalise finalize find fix follow forward gather get handle implement investigate "
    "invite look loop message migrate move notify order organise organize own pick ping plan "
    "prepare prototype publish pull push put reach rebook reconcile record remove renew reply "
    "request research reserve review revise rewrite run schedule send set share ship sign sort "
    "speak start submit summarise summarize sync take talk test update upload verify write "
    "double arrange deliver release merge deploy refund report train onboard hire interview raise open "
    "present explain mark cover do chase tell inform propose block hold pay transfer approve remove "
    "draw reach change walk export brief make restack pull lead join work complete finish email "
    "mail circulate design evaluate compare price quote"
).split()
_VERB = r"(?:" + "|".join(ACTION_VERBS) + r")\b"
_ADVERBS = (r"(?:(?:also|just|then|quickly|personally|definitely|first|now|still|go ahead and|try to|"
            r"have to|need to|make sure to)\s+)*")
# Asking someone to talk now is part of the meeting, not work to track.
_NOT_WORK = re.compile(r"\b(?:share my screen|share the screen|share your screen|take notes|"
                       r"get started|start the recording|take a look at the agenda|walk us through|"
                       r"take us through|summari[sz]e what|tell us|give us an update|go first|start with)\b",
                       re.IGNORECASE)
# After "I'll …" most verbs are work; these are talk ("I'll be honest", "I'll say this").
_TALK_VERBS = (r"(?:be|say|admit|bet|guess|think|see|wait|stop|leave|keep|pass|go|start|begin|let|repeat|"
               r"mention|note|never|not|believe|assume|remember|hope|need|want|try|tell you|give you|"
               r"probably|just say|also say|come back|shut up|get going|hand over to)\b")

# "I'll …" / "I'm going to …": firm. "I can …" / "let me …": only with a work verb ("I can see that").
_COMMITMENT = re.compile(
    r"\b(?:I'll|I will|I'm going to|I am going to|I'm gonna)\s+" + _ADVERBS
    + r"(?!" + _TALK_VERBS + r")(?P<task>" + _VERB + r".*)"
    r"|\b(?:I can|I could|I'm happy to|I'd be happy to|let me)\s+" + _ADVERBS + r"(?P<soft>" + _VERB + r".*)",
    re.IGNORECASE)
_NAME = r"(?P<name>SPEAKER_\d+|[A-Z][a-zà-ÿ]+(?:\s[A-Z][a-zà-ÿ]+)?)"
_ASK = (r"(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:be (?:willing|able) to\s+|mind\s+)?"
        r"|are you (?:able|willing) to\s+")
_REQUEST_NAME_FIRST = re.compile(
    _NAME + r",?\s+(?:" + _ASK + r")" + _ADVERBS
    + r"(?P<task>" + _VERB + r".*)")
_REQUEST_NAME_LAST = re.compile(
    r"\b(?:can|could|would)\s+you\s+(?:please\s+)?" + _ADVERBS + r"(?P<task>" + _VERB + r".*?),\s*"
    + _NAME + r"\s*\?")
_PLEASE = re.compile(_NAME + r",\s+(?:please|you|you'll|you will)\s+" + _ADVERBS + r"(?P<task>" + _VERB + r".*)")
_YOU_NEED_TO = re.compile(r"(?<!if )\byou(?:'ll| will)?\s+(?:need to|have to|should|must)\s+" + _ADVERBS
                          + r"(?P<task>" + _VERB + r".*)", re.IGNORECASE)
# "If they don't confirm, I'll release it": a contingency, not a commitment.
_CONDITIONAL = re.compile(r"\b(?:if|unless|otherwise)\b[^.]*\b(?:I'll|I will)\b", re.IGNORECASE)
# "I'll send it by Friday" right after a request: the same item, now with a deadline.
_REFERS_BACK = re.compile(r"^\w+(?:\s+\w+)?\s+(?:it|that|this|them|those|these|one)\b", re.IGNORECASE)
_NAME_WILL = re.compile(
    r"(?:^|\b(?:and|so|then)\s+)" + _NAME
    + r"\s+(?:will|is going to|'s going to|to|is taking|takes|owns|can)\s+" + _ADVERBS
    + r"(?P<task>" + _VERB + r".*)")
# "the Industrial Designer is gonna work on the look and feel design" (a role or a name).
_ROLE_WILL = re.compile(
    r"\b(?:the\s+)?(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})(?:\s+over here)?\s+"
    r"(?:is gonna|is going to|will|'s going to|'s gonna)\s+" + _ADVERBS + r"(?P<task>" + _VERB + r".*)")
# "you're going to look at the components concept", "you'll be looking at X", "for you it's X".
_YOU_ASSIGNED = re.compile(
    r"\b(?:you're going to|you are going to|you're gonna|you'll be|you will be|your task is to|"
    r"you'll|you will)\s+" + _ADVERBS + r"(?P<task>(?:looking at|working on|look at|work on|"
    + _VERB + r").*)", re.IGNORECASE)
_ACK = re.compile(r"^(?:yes|yeah|yep|sure|okay|ok|alright|right|fine|i guess|i'll|i will|uh|mm|"
                  r"will do|no problem)\b", re.IGNORECASE)
_EXPLICIT = re.compile(
    r"\baction(?:\s+item)?s?\s*(?:for\s+" + _NAME + r")?\s*[:\-–]\s*(?P<task>.+)", re.IGNORECASE)
_ANONYMOUS_REQUEST = re.compile(
    r"^(?:can|could|would)\s+(?:you|someone|somebody)\s+(?:please\s+)?" + _ADVERBS
    + r"(?P<task>" + _VERB + r".*)", re.IGNORECASE)
_AFFIRMATIVE = re.compile(
    r"^(?:yes|yeah|yep|sure|of course|will do|ok|okay|no problem|absolutely|on it|can do|"
    r"i can|i'll|i will|happy to|definitely|certainly)\b", re.IGNORECASE)
_NOT_NAMES = {"I", "We", "You", "They", "He", "She", "It", "This", "That", "So", "And", "Then", "Also",
              "Okay", "Ok", "Yes", "Yeah", "Sure", "Great", "Good", "Someone", "Somebody", "Everyone",
              "Anyone", "Nobody", "Who", "What", "Why", "How", "When", "Where", "Which", "Maybe",
              "Please", "Right", "Well", "Fine", "Thanks", "Thank", "Alright", "Cool", "Perfect",
              "Next", "Let", "The", "Our", "My", "Your", "Their", "Now", "Because"}


class OwnerResolver:
    """Maps 'Maria' or 'maria lopez' to the speaker name used elsewhere in the record."""

    def __init__(self, speakers: list[str]) -> None:
        self._by_key: dict[str, str] = {}
        for speaker in speakers:
            self._by_key.setdefault(speaker.lower(), speaker)
            for part in speaker.split():
                self._by_key.setdefault(part.lower(), speaker)

    def resolve(self, name: str | None) -> str | None:
        if not name:
            return None
        name = name.strip()
        if name.split()[0] in _NOT_NAMES:
            return None
        return self._by_key.get(name.lower()) or self._by_key.get(name.split()[0].lower()) or name

    def known(self, name: str | None) -> str | None:
        """Only a speaker of this meeting (or a redaction label) — for patterns where any capitalised
        word could stand before "will" ("Marketing will…")."""
        if not name:
            return None
        if re.fullmatch(r"SPEAKER_\d+", name):
            return name
        return self._by_key.get(name.lower()) or self._by_key.get(name.split()[0].lower())


_VAGUE = frozenset("it that this them those these there here something anything everything "
                   "stuff things thing out up in on down back around over a an the some what".split())


def _item(task: str, owner: str | None, sentence: str) -> ActionItem | None:
    task = clean_clause(strip_filler(task))
    words = task.split()
    # "Get it out", "Put that", "Make something up": a verb with no object says nothing to do.
    concrete = [w for w in re.findall(r"[a-z']+", task.lower())[1:] if w not in _VAGUE]
    if len(words) < 2 or not concrete or _NOT_WORK.search(task):
        return None
    return ActionItem(task=task, owner=owner, deadline=find_deadline(sentence),
                      priority=priority_of(sentence))


def _acknowledges(text: str) -> bool:
    """A short reply that takes the work on: "Okay.", "I guess I'll find out", "Something
    conceptual, yeah."."""
    return bool(_ACK.search(strip_filler(text) or text)) or (
        len(text.split()) <= 8 and re.search(r"\b(?:yeah|yes|okay|ok|sure|alright)\b", text, re.I)
        is not None)


def _gerund_to_verb(task: str) -> str:
    """"looking at the components" -> "look at the components"."""
    first, _, rest = task.partition(" ")
    if first.lower().endswith("ing") and len(first) > 5:
        stem = first[:-3]
        if stem.lower() in ("look", "work", "try", "check", "draft", "review", "test"):
            first = stem
    return f"{first} {rest}".strip()


def _next_reply(sentence: Sentence, turns: list[Turn]) -> Turn | None:
    for turn in turns[sentence.turn_index + 1: sentence.turn_index + 3]:
        if turn.speaker != sentence.speaker:
            return turn
    return None


def _named_owner(text: str, owners: OwnerResolver) -> ActionItem | None:
    """Work given to someone by name or role: "action for Ana: …", "Maria, can you …",
    "the Industrial Designer is gonna work on …"."""
    match = _EXPLICIT.search(text)
    if match:
        return _item(match.group("task"), owners.resolve(match.group("name")), text)
    for pattern in (_REQUEST_NAME_FIRST, _REQUEST_NAME_LAST):
        match = pattern.search(text)
        if match and owners.resolve(match.group("name")):
            return _item(match.group("task"), owners.resolve(match.group("name")), text)
    for pattern in (_PLEASE, _NAME_WILL, _ROLE_WILL):
        match = pattern.search(text)
        if match and owners.known(match.group("name")):
            return _item(match.group("task"), owners.known(match.group("name")), text)
    return None


def _match_sentence(s: Sentence, turns: list[Turn], owners: OwnerResolver) -> ActionItem | None:
    text = strip_filler(s.text)
    named = _named_owner(text, owners)
    if named is not None:
        return named
    match = _YOU_ASSIGNED.search(text)
    if match and not text.endswith("?"):
        reply = _next_reply(s, turns)
        owner = owners.resolve(reply.speaker) if reply and _acknowledges(reply.text) else None
        return _item(_gerund_to_verb(match.group("task")), owner, text)
    match = _ANONYMOUS_REQUEST.search(text)
    if match:
        reply = _next_reply(s, turns)
        if reply and _AFFIRMATIVE.search(strip_filler(reply.text)):
            return _item(match.group("task"), owners.resolve(reply.speaker), text)
        return None
    if text.endswith("?"):
        return None
    match = _YOU_NEED_TO.search(text)
    if match:
        previous = turns[s.turn_index - 1] if s.turn_index > 0 else None
        if previous and previous.speaker and previous.speaker != s.speaker:
            return _item(match.group("task"), owners.resolve(previous.speaker), text)
    if _CONDITIONAL.search(text):
        return None
    match = _COMMITMENT.search(text)
    if match:
        return _item(match.group("task") or match.group("soft"), owners.resolve(s.speaker), text)
    return None


def _same_item(a: ActionItem, b: ActionItem) -> bool:
    if a.owner != b.owner:
        return False
    wa, wb = word_set(a.task), word_set(b.task)
    return len(wa & wb) / max(1, min(len(wa), len(wb))) >= 0.8


_PRIORITY_RANK = {None: -1, "low": 0, "medium": 1, "high": 2}
FOLLOW_UP_TURNS = 3


def _follow_up_of(item: ActionItem, sentence: Sentence, found: list[tuple[Sentence, ActionItem]]) -> int | None:
    """Index of the earlier item this one repeats: the owner's "Yes, I'll ask Karim today" right after
    being asked, or "I'll send them by Friday" / "I'll do it tomorrow" a few turns later."""
    refers_back = _REFERS_BACK.search(item.task)
    committing = sentence.speaker is not None and sentence.speaker == item.owner
    for position in range(len(found) - 1, -1, -1):
        earlier_sentence, earlier = found[position]
        distance = sentence.turn_index - earlier_sentence.turn_index
        if earlier.owner != item.owner or distance > FOLLOW_UP_TURNS:
            continue
        if refers_back or (distance == 1 and committing and earlier_sentence.speaker != earlier.owner):
            return position
    return None


def _merge(original: ActionItem, follow_up: ActionItem) -> ActionItem:
    task = original.task
    if _REFERS_BACK.search(task) and not _REFERS_BACK.search(follow_up.task):
        task = follow_up.task
    return original.model_copy(update={
        "task": task, "deadline": original.deadline or follow_up.deadline,
        "priority": max(original.priority, follow_up.priority, key=lambda p: _PRIORITY_RANK[p])})


# "…take minutes, and then I'll send them" / "…design and the Marketing Expert is going to…":
# two pieces of work in one sentence.
_CLAUSE_BREAK = re.compile(
    r",?\s+(?:and|but|so)\s+(?:then\s+|also\s+|as well as that,?\s+)?"
    r"(?=I'll\b|I will\b|we'll\b|the\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\s+(?:is|will|'s)\b|"
    r"[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s+(?:is going to|is gonna|will)\b)")


def _clauses(sentence: Sentence) -> list[Sentence]:
    parts = [p for p in _CLAUSE_BREAK.split(sentence.text) if p.strip()]
    if len(parts) == 1:
        return [sentence]
    return [Sentence(sentence.turn_index, sentence.speaker, part) for part in parts]


def extract_action_items(sentences: list[Sentence], turns: list[Turn],
                         speakers: list[str]) -> list[ActionItem]:
    owners = OwnerResolver(speakers)
    found: list[tuple[Sentence, ActionItem]] = []
    sentences = [clause for sentence in sentences for clause in _clauses(sentence)]
    for position, sentence in enumerate(sentences):
        item = _match_sentence(sentence, turns, owners)
        if item is None or any(_same_item(item, kept) for _, kept in found):
            continue
        earlier = _follow_up_of(item, sentence, found)
        if earlier is None:
            found.append((sentence, _with_context(item, sentences, position)))
        else:
            found[earlier] = (found[earlier][0], _merge(found[earlier][1], item))
    return [item for _, item in found]


CONTEXT_LIMIT = 120


def _with_context(item: ActionItem, sentences: list[Sentence], position: int) -> ActionItem:
    """'Call him this week' alone is useless later: add what the sentence before was about."""
    if not _REFERS_BACK.search(item.task) or position == 0:
        return item
    context = clean_clause(strip_filler(sentences[position - 1].text), CONTEXT_LIMIT)
    if len(context.split()) < 4:
        return item
    return item.model_copy(update={"task": f"{item.task} (re: {context})"})
