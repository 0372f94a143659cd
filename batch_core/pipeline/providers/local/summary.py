"""The offline summary: what the meeting was about, then its most central sentences.

Extractive, with redundancy control: each sentence is a bag of words weighted by how unusual
they are in English (local_topics.rarity); a sentence scores by its similarity to the whole
meeting (the centroid) and the topics it names; sentences are picked by maximal marginal
relevance (Carbonell & Goldstein 1998), so a second sentence saying the same is passed over.
Only fluent sentences qualify: 8-40 words, no question, no housekeeping, no placeholder soup.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from batch_core.models import Decision, KeyTopic
from batch_core.pipeline.providers.local.text import STOPWORDS, Sentence
from batch_core.pipeline.providers.local.topics import GENERIC, rarity

TARGET_WORDS = 90
MMR_LAMBDA = 0.7
POOL = 60
MIN_WORDS, MAX_WORDS = 8, 40
_WORD = re.compile(r"[a-z][a-z'-]*")
_HOUSEKEEPING = re.compile(
    r"\b(?:present are|welcome|thanks for (?:joining|coming|making time)|good (?:morning|afternoon|evening)|"
    r"let's (?:start|get going|begin)|hard stop|recording|apologies from|see you|can you hear|"
    r"my screen|next slide|the agenda|unplug|plug in|microphone|mike|laptop)\b", re.IGNORECASE)
_REDACTED = re.compile(r"<[A-Z_]+(?:_\d+)?>.*<[A-Z_]+(?:_\d+)?>|SPEAKER_\d+.*SPEAKER_\d+")
_HEDGE_START = re.compile(r"^(?:and|but|so|or|because|like|i mean|you know|i guess)\b", re.I)


def _bag(text: str) -> Counter[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and w not in GENERIC
             and len(w) > 2]
    return Counter({w: n * rarity(w) for w, n in Counter(words).items()})


def _norm(bag: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in bag.values()))


def _cosine(a: Counter[str], b: Counter[str], norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items()) / (norm_a * norm_b)


def _fluent(text: str) -> bool:
    words = len(text.split())
    return (MIN_WORDS <= words <= MAX_WORDS and not text.rstrip().endswith("?")
            and not _HOUSEKEEPING.search(text) and not _REDACTED.search(text))


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _topic_lines(topics: list[KeyTopic], speakers: int) -> list[str]:
    """Two lines naming the main topics, then the others ("They also talked about C, D and E.")."""
    names = [t.name for t in topics[:6]]
    if not names:
        return []
    lines = [f"The meeting was mainly about {_listing(names[:2])}."]
    if len(names) > 2:
        group = "The group" if speakers > 1 else "It"
        lines.append(f"{group} also discussed {_listing(names[2:])}.")
    return lines


def summarise(sentences: list[Sentence], topics: list[KeyTopic], decisions: list[Decision],
              speakers: int) -> str:
    candidates = [s for s in sentences if _fluent(s.text)]
    bags = [_bag(s.text) for s in candidates]
    norms = [_norm(bag) for bag in bags]
    centroid: Counter[str] = Counter()
    for bag in bags:
        centroid.update(bag)
    centroid_norm = _norm(centroid)
    topic_words = {w for t in topics[:5] for w in t.name.lower().split()}
    relevance = []
    for sentence, bag, norm in zip(candidates, bags, norms):
        score = _cosine(bag, centroid, norm, centroid_norm) + 0.05 * len(topic_words & set(bag))
        if _HEDGE_START.search(sentence.text):
            score *= 0.8
        relevance.append(score)
    # MMR over the best candidates only: the rest would never be picked, and pairs cost O(n²).
    pool = sorted(range(len(candidates)), key=lambda i: -relevance[i])[:POOL]
    chosen: list[int] = []
    words = 0
    while words < TARGET_WORDS and len(chosen) < len(pool):
        best, best_value = None, -1.0
        for i in pool:
            if i in chosen or relevance[i] <= 0:
                continue
            redundancy = max((_cosine(bags[i], bags[j], norms[i], norms[j]) for j in chosen),
                             default=0.0)
            value = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(best)
        words += len(candidates[best].text.split())
    parts = _topic_lines(topics, speakers)
    for i in sorted(chosen):
        sentence = candidates[i]
        text = sentence.text.rstrip(" ,;")
        text = text if text[-1:] in ".!" else text + "."
        parts.append(f"{sentence.speaker}: {text}" if sentence.speaker else text)
    if decisions:
        parts.append("Decided: " + "; ".join(d.decision.rstrip(".") for d in decisions[:3]) + ".")
    return " ".join(p for p in parts if p)
