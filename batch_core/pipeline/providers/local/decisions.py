"""Offline decision rules: "we agreed", "let's go with", "decided", with who agreed."""
from __future__ import annotations

import re

from batch_core.models import Decision, Turn
from batch_core.pipeline.providers.local.text import STOPWORDS, Sentence, clean_clause, strip_filler
from batch_core.pipeline.providers.local.topics import GENERIC, rarity

_STRONG = re.compile(
    r"\b(?:we(?:'ve| have)?\s+(?:all\s+)?(?:agreed|decided)|it's (?:agreed|decided)|(?:that's|so it's|it is) "
    r"(?:agreed|decided|settled|final)|decision (?:is|was)|(?:final|the) decision|we(?:'re| are) "
    r"(?:locking in|committing to)|settled on|signed off on|"
    # "agreed to"/"decided to" only for the group: "the government decided to…" is news.
    r"(?:we|we've|we have|all|everyone|so|it was|it's|it is|i|then)\s+(?:\w+\s+)?(?:agreed|decided)"
    r"\s+(?:then|that|to|on|we)|^(?:agreed|decided)\s+(?:then|that|to|on)\b|that's decided|that's settled|(?:the|my|our) call is|"
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
# Consensus without a decision word: "So we use a normal battery." with others agreeing after it.
_CONSENSUS = re.compile(
    r"^(?:so|okay|then|right)?[,\s]*(?:we(?:'ll| will| are going to|'re going to|'re gonna)?\s+"
    r"(?:use|go for|take|have|choose|pick|keep|drop|make|put|stick with)|it(?:'s| is|'ll| will)\s+"
    r"(?:gonna |going to )?(?:be|have|look|use|get))\b", re.IGNORECASE)
_HEDGED = re.compile(r"\b(?:maybe|perhaps|probably|might|could|i think|i guess|i suppose|if it's "
                     r"possible|not sure|kind of|sort of|joke|kidding)\b", re.IGNORECASE)
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


def _agreeing(sentence: Sentence, turns: list[Turn]) -> list[str]:
    """Other speakers who agree in the next turns ("Yeah.", "Okay.", "Yes.")."""
    return [d for d in _deciders(sentence, turns) if d != sentence.speaker]


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
        medium = not strong and _MEDIUM.search(text)
        consensus = not strong and not medium and _CONSENSUS.search(text) \
            and not _HEDGED.search(text) and len(_agreeing(sentence, turns)) >= 2
        if not (strong or medium or consensus):
            continue
        if medium and _HEDGED.search(text):
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
        confidence = 0.85 if strong else 0.7 if medium else 0.6
        if len(deciders) > 1:
            confidence += 0.1
        decisions.append(Decision(topic=decision_topic(decision_text),
                                  decision=decision_text, deciders=deciders,
                                  confidence=round(min(confidence, 0.95), 2)))
    return decisions


def decision_topic(text: str) -> str:
    """The decision's own noun phrase: its longest run of content words ("normal battery")."""
    runs, current = [], []
    for word in re.findall(r"[A-Za-z][A-Za-z'-]*", text):
        if _is_content(word.lower()):
            current.append(word if word.isupper() else word.lower())
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    best = max(runs, key=lambda r: (len(r), sum(rarity(w.lower()) for w in r)), default=[])
    return " ".join(best[-3:]) or "general"


def _is_content(word: str) -> bool:
    return (len(word) > 2 and word not in STOPWORDS and word not in GENERIC and word not in _VERBS
            and "'" not in word and rarity(word) >= 1.5)


_VERBS = frozenset("use go going take have choose pick keep drop make put stick agreed decided "
                   "decide agree let lets plan move switch postpone push cancel schedule hold run "
                   "split replace add adopt try approved carried settled final ship launch".split())
