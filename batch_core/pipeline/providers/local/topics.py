"""Topics from the meeting's own words: keyphrases ranked against a background of everyday English.

A phrase of one to three words is a candidate when it starts and ends with a content word and
recurs. Its weight is how often it is said, times how unusual its words are in English at large
(wordfreq's Zipf scale: "the" 7.7, "remote" 4.4, "cancellation" 3.8), so "remote control" and
"echo cancellation" outrank "think" and "going". Overlapping phrases are merged under the
better one; the topic is named by the phrase as people said it. Nothing is looked up on a
network: wordfreq ships its word lists.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache

from batch_core.models import KeyTopic, Turn
from batch_core.pipeline.pii.lexicon import given_name_ratings
from batch_core.pipeline.providers.local.text import STOPWORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CHUNK = re.compile(r"[.!?,;:()\[\]\"]+|\s[-–—]\s")
_PLACEHOLDER = re.compile(r"<[A-Z_]+(?:_\d+)?>|\bSPEAKER_\d+\b")
# Words that recur in any meeting without being what it is about.
GENERIC = frozenset("""
thing things stuff lot lots kind sort bit way ways time times people person idea ideas point points
question questions yeah okay ok gonna wanna gotta um uh mm hmm like really actually basically just
maybe probably meeting meetings today week minute minutes moment example sense part number numbers
something anything everything nothing someone anyone everyone guess mean means course fact case
right sure well good great nice fine cool pretty quite very much many little few different same
able whole sorts kinds guys guy yes mhm okay alright anyway sorry start end problem problems issue
issues work working talk talking look looking need needs want wants go going get getting make
making think thinking know knowing say said saying see seeing come coming take taking thank thanks
first second third last next other another own new old big small long short high low years year
cuz cause gonna kinda sorta chair chairman member members hon honourable gentleman lady colleague colleagues question
""".split())
_MIDDLE_WORDS = frozenset({"of", "and", "for", "to"})
MAX_WORDS = 3
MIN_COUNT = {1: 4, 2: 2, 3: 2}  # a one-hour meeting; shorter ones need fewer mentions


@lru_cache(maxsize=50_000)
def rarity(word: str) -> float:
    """How unusual a word is in everyday English: 0 for the commonest, ~4 for rare words."""
    from wordfreq import zipf_frequency  # loads its list on first use (~0.3 s)
    return max(0.0, 7.0 - zipf_frequency(word, "en"))


NUMBERS = frozenset("""one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
eighty ninety hundred thousand million billion percent half quarter""".split())


@lru_cache(maxsize=50_000)
def _content(word: str) -> bool:
    return (len(word) >= 3 and "'" not in word and word not in STOPWORDS and word not in GENERIC
            and word not in NUMBERS and rarity(word) >= 1.2)


def _topic_word(word: str) -> bool:
    """A word alone names a topic unless it is a verb or adverb form ("doing", "really")."""
    return not word.endswith(("ing", "ly"))


def _phrases(text: str) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for chunk in _CHUNK.split(_PLACEHOLDER.sub(" , ", text)):
        words = _WORD.findall(chunk.lower())
        content = [_content(w) for w in words]
        for start, word in enumerate(words):
            if not content[start]:
                continue
            found.append((word,))
            end = min(len(words), start + MAX_WORDS)
            for last in range(start + 1, end):
                middle = words[start + 1:last]
                if any(w in STOPWORDS and w not in _MIDDLE_WORDS for w in middle):
                    break
                if content[last] and words[last] != word:
                    found.append(tuple(words[start:last + 1]))
    return found


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    sa, sb = {_stem(w) for w in a}, {_stem(w) for w in b}
    return sa <= sb or sb <= sa or len(sa & sb) >= 2


def _surface(gram: tuple[str, ...], forms: Counter[str]) -> str:
    """The phrase as people wrote it: acronyms stay upper case ("LCD"), the rest lower."""
    words = []
    for word in gram:
        upper = forms.get(word.upper(), 0)
        words.append(word.upper() if upper > forms.get(word, 0) else word)
    return " ".join(words)


def keyphrase_topics(turns: list[Turn], limit: int = 10) -> list[KeyTopic]:
    given = given_name_ratings()  # the name list alone: no dictionary or places needed
    counts: Counter[tuple[str, ...]] = Counter()
    speakers: dict[tuple[str, ...], list[str]] = defaultdict(list)
    spread: dict[tuple[str, ...], set[int]] = defaultdict(set)
    forms: Counter[str] = Counter()   # how words are written: "LCD" stays upper case
    named: Counter[str] = Counter()   # capitalised uses: given names said so ("Jane") are people
    index = 0  # sentences: a phrase must come back in more than one
    for turn in turns:
        words = _WORD.findall(turn.text)
        forms.update(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
        named.update(w.lower() for w in words if w[:1].isupper())
        for sentence in _SENTENCE.split(turn.text):
            index += 1
            for gram in _phrases(sentence):
                counts[gram] += 1
                spread[gram].add(index)
                if turn.speaker and turn.speaker not in speakers[gram]:
                    speakers[gram].append(turn.speaker)
    # forms[w] counts every non-acronym use, capitalised ones included
    names = {w for w, capitalised in named.items() if w in given and 2 * capitalised > forms[w]}
    total_words = sum(len(turn.text.split()) for turn in turns)
    least = {size: max(2, round(n * min(1.0, total_words / 3000))) for size, n in MIN_COUNT.items()}
    scored = []
    for gram, count in counts.items():
        if count < least[len(gram)] or len(spread[gram]) < 2 or names & set(gram):
            continue
        if len(gram) == 1 and not _topic_word(gram[0]):
            continue
        weight = sum(rarity(w) for w in gram if w not in _MIDDLE_WORDS)
        # A phrase of two or three words names a topic better than either word alone.
        bonus = 1.0 if len(gram) == 1 else 1.3
        scored.append((count * weight * bonus * math.log1p(len(spread[gram])), gram))
    scored.sort(reverse=True)
    chosen: list[tuple[float, tuple[str, ...]]] = []
    for score, gram in scored:
        if any(_overlaps(gram, kept) for _, kept in chosen):
            continue
        chosen.append((score, gram))
        if len(chosen) == limit:
            break
    if not chosen:
        return []
    top = chosen[0][0]
    return [KeyTopic(name=_surface(gram, forms), importance=round(score / top, 2),
                     related_speakers=speakers[gram][:8]) for score, gram in chosen]
