"""Offline decision rules: "we agreed", "let's go with", "decided", with who agreed."""
from __future__ import annotations

import re

from batch_core.models import Decision, Turn
from batch_core.pipeline.providers.keyphrases import topic_of
from batch_core.pipeline.providers.local_text import Sentence, clean_clause, strip_filler

_STRONG = re.compile(
    r"\b(?:we(?:'ve| have)?\s+(?:all\s+)?(?:agreed|decided)|it's (?:agreed|decided)|(?:that's|so it's|it is) "
    r"(?:agreed|decided|settled|final)|decision (?:is|was)|(?:final|the) decision|we(?:'re| are) "
    r"(?:locking in|committing to)|settled on|signed off on|agreed (?:then|that|to|on)|"
    r"decided (?:to|that|on|we)|that's decided|that's settled|(?:the|my|our) call is|"
    r"(?:is|are) (?:hereby )?approved|approved as|(?:that's|motion|it's) carried|carried unanimously|"
    r"^agreed,\s+(?:\w+\s+){1,6}(?:should|will|won't|must|shouldn't|stays|keep)\b)",
    re.IGNORECASE)
_MEDIUM = re.compile(
    r"\b(?:let's go (?:with|ahead)|let's (?:stick|keep) with|we(?:'ll| will) go with|we(?:'re| are) going "
    r"(?:to go )?with|go with option|we(?:'ll| will) (?:stick|keep) with|let's do (?:that|it|option)|"
    r"we(?:'re| are) (?:going|moving) (?:ahead|forward) with|going forward,? we|"
    r"let's (?:plan|use|keep|move|switch|postpone|push|drop|cancel|schedule|make|hold|run|bring|split|"
    r"replace|add|do both|stick|adopt|try)\b(?! on)|we keep\b|the plan is\b)",
    re.IGNORECASE)
_NOT_DECIDED = re.compile(
    r"\b(?:not|n't|never|yet to|before we|if we|once we|until we|need to|have to|whether)\s+"
    r"(?:\w+\s+){0,2}(?:decide|decided|agree|agreed|settle|go with)", re.IGNORECASE)
_STILL_OPEN = re.compile(r"\b(?:open|pending|unclear|undecided|depends on|until we)\b", re.IGNORECASE)
# "That's decided." confirms the sentence before it, which carries the content.
_BARE_CONFIRMATION = re.compile(
    r"^(?:so\s+)?(?:that's|that is|it's|it is|motion)\s+(?:decided|settled|agreed|final|carried)$"
    r"|^(?:decided|settled|agreed|carried)$", re.IGNORECASE)
_AGREEMENT = re.compile(
    r"^(?:agreed|sounds good|sounds great|yes|yep|yeah|\+1|works for me|fine by me|makes sense|"
    r"i agree|same|perfect|sure|ok|okay|good|great|deal|let's do it|absolutely|fair enough)\b",
    re.IGNORECASE)


def _deciders(sentence: Sentence, turns: list[Turn]) -> list[str]:
    deciders = [sentence.speaker] if sentence.speaker else []
    for turn in turns[sentence.turn_index + 1: sentence.turn_index + 4]:
        text = strip_filler(turn.text) if not _AGREEMENT.search(turn.text.strip()) else turn.text.strip()
        if turn.speaker and turn.speaker not in deciders and _AGREEMENT.search(text):
            deciders.append(turn.speaker)
    return deciders


def _confirmed_statement(sentences: list[Sentence], position: int) -> str:
    """The closest earlier statement of the same turn ("…All in favour? That's carried.")."""
    turn = sentences[position].turn_index
    for earlier in reversed(sentences[max(0, position - 4):position]):
        text = strip_filler(earlier.text)
        if earlier.turn_index == turn and not text.endswith("?") and len(text.split()) >= 6:
            return text
    return ""


def extract_decisions(sentences: list[Sentence], turns: list[Turn]) -> list[Decision]:
    decisions: list[Decision] = []
    seen: set[str] = set()
    for position, sentence in enumerate(sentences):
        text = strip_filler(sentence.text)
        if text.endswith("?") or _NOT_DECIDED.search(text) or _STILL_OPEN.search(text):
            continue
        strong = _STRONG.search(text)
        if not strong and not _MEDIUM.search(text):
            continue
        if _BARE_CONFIRMATION.match(text.rstrip(".!")):
            text = _confirmed_statement(sentences, position)
            if not text:
                continue
        decision_text = clean_clause(text, limit=240)
        if len(decision_text.split()) < 4 or decision_text.lower() in seen:
            continue
        seen.add(decision_text.lower())
        deciders = _deciders(sentence, turns)
        confidence = 0.85 if strong else 0.7
        if len(deciders) > 1:
            confidence += 0.1
        context = turns[max(0, sentence.turn_index - 1)].text + " " + text
        decisions.append(Decision(topic=topic_of(text) or topic_of(context) or _fallback_topic(text),
                                  decision=decision_text, deciders=deciders,
                                  confidence=round(min(confidence, 0.95), 2)))
    return decisions


_STOP = set("a an the we i you they it to of for and or with on in at by let's lets go going will ll "
            "agreed decided decision so that this is are be our all then just call plan bring move keep use "
            "make ahead forward stick switch postpone drop cancel schedule hold run split replace add adopt "
            "try approved carried okay ok fine".split())


def _fallback_topic(text: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w.lower() not in _STOP]
    return " ".join(words[:3]).lower() or "general"
