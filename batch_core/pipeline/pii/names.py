"""Names of people in a meeting, speakers or not, found without a language model.

Three kinds of evidence, then propagation:
1. Speakers: their full names and parts (and ASCII spellings) become SPEAKER_n wherever they
   occur (speaker_names.py).
2. A capitalised given name from the lexicon, with the capitalised words right after it as the
   surname ("Ingrid Solberg", "Liam O'Connor", "Anne-Marie van der Berg"). A given name that is
   also an ordinary word ("Will", "Mark", "May") needs more: it must stand mid-sentence (not
   after "the"), or carry a surname, or have a cue.
3. Cues for names no list has: a title ("Dr Okonkwo", "Hon. Bill Blair"), a verb that takes a
   person ("ask Okonkwo", "loop in Tanaka", "cc Mbeki"), "X from legal", "X said".
Once a name is found, every later mention of its parts in the same meeting is a name too
("Ingrid Solberg ... later Ingrid alone"), in the title as in the transcript.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from batch_core.pipeline.pii.lexicon import (CAPITALISED_WORDS, NEVER_NAMES, dictionary_words, lexicon,
                                          place_names)
from batch_core.pipeline.pii.spans import Span
from batch_core.pipeline.speaker_names import (ascii_fold, build_name_map, is_common_word_part,
                                               name_terms, spelling_variants)

PERSON = "PERSON"
SPEAKER = "SPEAKER"

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = set('.!?:;"“”«»([{–—…')
_PARENTHESIS = re.compile(r"\([^)]*\)?")
_CONTRACTIONS = frozenset("s ve ll re d m t".split())
_PARTICLES = frozenset("van von de der den da di du la le af al bin ibn ben dos das del della ter "
                       "ten mac st".split())
_TITLES = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Hon|Sir|Dame|Lord|Lady|Herr|Fru|"
                     r"Frk|Rev|Judge|Justice|Cllr|Councillor|Senator|Rep)\.?\s+$")
_CUE_BEFORE = re.compile(
    r"\b(?:ask|asked|asking|tell|told|telling|call|called|calling|email|emailed|e-mail|mail|"
    r"ping|pinged|cc|cc'd|contact|contacted|thank|thanks|thanked|invite|invited|remind|"
    r"reminded|loop in|looped in|copy in|check with|checked with|talk to|talked to|speak to|"
    r"speak with|spoke to|spoke with|according to|meet with|met with|hi|hello|dear|hei|takk)"
    r",?\s+$", re.IGNORECASE)
_CUE_AFTER = re.compile(
    r"^(?:\s+from\s+(?:legal|hr|finance|it|security|compliance|procurement|sales|"
    r"payroll|accounting|accounts|audit|the|our|their|[A-ZÆØÅ])"
    r"|\s+(?:said|says|mentioned|told|wrote|asked|suggested|confirmed|reported|noted|explained|"
    r"emailed|called|thinks|thought|agreed|proposed|promised|replied|sa|sier))\b")
_CALENDAR_BEFORE = re.compile(r"\b(?:in|on|by|since|until|till|from|of|next|last|early|late|mid|"
                              r"before|after|during)\s+$", re.IGNORECASE)
_DETERMINER = re.compile(r"\b(?:the|a|an|this|that|our|your|their|every|each|no)\s+$",
                         re.IGNORECASE)


@dataclass
class _Token:
    start: int
    end: int
    word: str

    @property
    def low(self) -> str:
        return self.word.casefold()

    @property
    def capitalised(self) -> bool:
        """Capitalised like a name: not an acronym ("HR", "ASNs") nor a contraction ("I've")."""
        word = self.word
        if not word[:1].isupper() or (word[1:2].isalpha() and word[:2].isupper()):
            return False
        head, _, tail = word.replace("’", "'").partition("'")
        return not tail or tail.lower() not in _CONTRACTIONS


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        tokens.append(_Token(match.start(), match.start() + len(word), word))
    return tokens


def _demonym(low: str) -> bool:
    return low.endswith("s") and low[:-1] in CAPITALISED_WORDS


def _cut_off(text: str, token: _Token) -> bool:
    """A word the speaker broke off ("Ye- yeah", "Ma- Maarika") is no name by itself."""
    return text[token.end:token.end + 1] == "-" and not text[token.end + 1:token.end + 2].isalpha()


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_END


_UPPER_START = re.compile(r"(?<![\w'’])(?!I\b)[^\W\d_a-zß-ÿ]")
_LOWER_START = re.compile(r"(?<![\w'’])[a-zß-ÿ]")


def mostly_lower_case(texts: list[str]) -> bool:
    """ASR output without capitals: given names are then looked for in lower case too."""
    joined = "\n".join(texts)
    upper, lower = len(_UPPER_START.findall(joined)), len(_LOWER_START.findall(joined))
    if upper + lower < 40:
        return False
    return upper / (upper + lower) < 0.02


@dataclass
class NameFinder:
    """Finds people in the texts of one meeting; `spans()` after `learn()` on every text."""
    speakers: list[str]
    lower_case: bool = False
    persons: dict[str, str] = field(default_factory=dict)  # name or part (casefold) -> person key

    def __post_init__(self) -> None:
        words = lexicon()
        self.given, self.ambiguous, self.popular, self.places = (
            words.given, words.ambiguous, words.popular, words.places)
        self.words = dictionary_words()
        self.all_places = place_names()
        self._speaker_map = build_name_map(self.speakers)
        self._speaker_patterns = self._speaker_regexes()
        self._found: dict[int, list[tuple[int, int, str]]] = {}
        self._propagation: re.Pattern[str] | None = None
        self._propagation_exact: re.Pattern[str] | None = None

    # ----------------------------------------------------------- speakers
    def _speaker_regexes(self) -> list[re.Pattern[str]]:
        """Full labels in any case; parts too ("maria"), except parts that are everyday words
        (speaker_names.COMMON_WORD_NAMES: "Will", "Bill" only as written); titles and roles
        never."""
        any_case, as_written = set(), set()
        for speaker in self.speakers:
            for term in name_terms(_PARENTHESIS.sub(" ", speaker)) + [speaker.strip()]:
                low = term.casefold()
                if " " in term:
                    any_case.add(term)
                elif (low in NEVER_NAMES or low in CAPITALISED_WORDS) and low not in self.given:
                    continue  # "The Chair", "Hon.", "Minister of": label words, not the name
                elif is_common_word_part(term):
                    as_written.add(term[:1].upper() + term[1:])
                else:
                    any_case.add(term)
        patterns = []
        for terms, flags in ((any_case, re.IGNORECASE), (as_written, 0)):
            if terms:
                alternation = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
                patterns.append(re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", flags))
        return patterns

    def _speaker_spans(self, text: str) -> list[Span]:
        spans = []
        for pattern in self._speaker_patterns:
            for match in pattern.finditer(text):
                speaker = self._speaker_map.get(" ".join(match.group().split()).lower(), "")
                if speaker:
                    spans.append(Span(match.start(), match.end(), SPEAKER, speaker))
                else:  # a part two speakers share: a name, but whose is not known
                    spans.append(Span(match.start(), match.end(), PERSON, match.group().casefold()))
        return spans

    # ----------------------------------------------------------- candidates
    def _surname_like(self, token: _Token) -> bool:
        return (token.capitalised and token.low not in NEVER_NAMES
                and token.low not in CAPITALISED_WORDS and len(token.word) >= 2)

    def _extend(self, text: str, tokens: list[_Token], index: int, heading: bool = False) -> int:
        """Index of the last token of the name starting at `index` (surname words after it).
        In a heading every word is capitalised: after the first, only words that are no
        ordinary word count ("Ingrid Berg Review" -> "Ingrid Berg")."""
        last, taken = index, 0
        while last + 1 < len(tokens) and taken < 3:
            nxt = tokens[last + 1]
            gap = text[tokens[last].end:nxt.start]
            if gap not in (" ", "\u00a0"):
                break
            if nxt.low in _PARTICLES:  # "van der Berg", "de la Cruz", "af Klint"
                j = last + 1
                while j < len(tokens) and tokens[j].low in _PARTICLES and \
                        text[tokens[j - 1].end:tokens[j].start] == " ":
                    j += 1
                if j < len(tokens) and text[tokens[j - 1].end:tokens[j].start] == " " and \
                        self._surname_like(tokens[j]):
                    last, taken = j, taken + 1
                    continue
                break
            if not self._surname_like(nxt) or (heading and taken and self._ordinary(nxt.low)):
                break
            last, taken = last + 1, taken + 1
        return last

    def _ordinary(self, low: str) -> bool:
        """A dictionary word, or an inflection of one ("sales", "purchasing", "emailed")."""
        words = self.words
        if low in words:
            return True
        stems = [low[:-1]] if low.endswith("s") else []
        if low.endswith("es") or low.endswith("ed"):
            stems.append(low[:-2])
        if low.endswith("ies"):
            stems.append(low[:-3] + "y")
        if low.endswith("ing"):
            stems += [low[:-3], low[:-3] + "e"]
        if low.endswith("ed"):
            stems.append(low[:-1])
        return any(stem in words for stem in stems if len(stem) >= 3)

    def _cue(self, text: str, token: _Token) -> bool:
        return bool(_CUE_BEFORE.search(text[:token.start]) or _CUE_AFTER.match(text[token.end:]))

    def _given_name_accepted(self, text: str, tokens: list[_Token], i: int, title_case: bool) -> bool:
        token = tokens[i]
        if token.low not in self.ambiguous:
            return True
        last = self._extend(text, tokens, i)
        if _CUE_BEFORE.search(text[:token.start]) or _CUE_AFTER.match(text[tokens[last].end:]):
            return True
        if last > i and not title_case:
            surname = tokens[i + 1].low
            # "Mark Jensen", "Grace Baker": a name; "Young People", "Take Care": not proof.
            if not self._ordinary(surname) or (token.low in self.popular and
                                               not _sentence_initial(text, token.start)):
                return True
        if token.low in CAPITALISED_WORDS or token.low in self.places or _demonym(token.low):
            return False
        if title_case:  # a rare or short given name that is no word: "Kwame Mensah Notes"
            return not self._ordinary(token.low)
        if _sentence_initial(text, token.start):
            return False
        return not _DETERMINER.search(text[:token.start])

    def _candidates(self, text: str, title_case: bool) -> list[tuple[int, int]]:
        tokens = _tokens(text)
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            low, accepted = token.low, False
            if low in NEVER_NAMES or len(token.word) < 2 or _cut_off(text, token):
                i += 1
                continue
            if token.capitalised and self._is_given(low):
                accepted = self._given_name_accepted(text, tokens, i, title_case)
            elif token.capitalised and _TITLES.search(text[:token.start]):
                accepted = True
            elif token.capitalised and not self._ordinary(low) and low not in CAPITALISED_WORDS \
                    and low not in self.all_places and (
                        self._cue(text, token) or
                        _CUE_AFTER.match(text[tokens[self._extend(text, tokens, i)].end:])):
                accepted = True
            elif self.lower_case and token.word.islower() and low in self.given and \
                    low not in self.ambiguous and len(low) >= 3:
                accepted = True
            if not accepted:
                i += 1
                continue
            last = self._extend(text, tokens, i, heading=title_case)
            first = self._extend_back(text, tokens, i, found)
            found.append((tokens[first].start, tokens[last].end))
            i = last + 1
        return found

    def _extend_back(self, text: str, tokens: list[_Token], i: int,
                     found: list[tuple[int, int]]) -> int:
        """Given names no list has, right before a found surname: "Ngozi Okonkwo"."""
        first = i
        while first > 0 and i - first < 2:
            prev = tokens[first - 1]
            if text[prev.end:tokens[first].start] != " " or not self._surname_like(prev) or \
                    self._ordinary(prev.low) or (found and found[-1][1] > prev.start):
                break
            first -= 1
        return first

    def _is_given(self, low: str) -> bool:
        """"anne-marie" counts when each part does; "siobhán" also as "siobhan"."""
        if low in self.given:
            return True
        folded = ascii_fold(low)
        if folded != low and folded in self.given and folded not in self.ambiguous:
            return True
        parts = low.split("-")
        return len(parts) > 1 and all(p in self.given for p in parts)

    # ----------------------------------------------------------- the meeting
    def learn(self, position: int, text: str, title_case: bool = False) -> None:
        """First pass over one text: remember the names it holds."""
        found = self._candidates(text, title_case)
        self._found[position] = [(s, e, text[s:e]) for s, e in found]
        for _, _, name in self._found[position]:
            self._register(name)
        self._propagation = None

    def _register(self, name: str) -> None:
        full = " ".join(name.split()).casefold()
        if full in self._speaker_map and self._speaker_map[full]:
            return  # a speaker: the speaker rules label it
        parts = [p.casefold() for p in _TOKEN.findall(name) if p.casefold() not in _PARTICLES]
        key = next((self.persons[p] for p in [full, *parts] if p in self.persons), full)
        for variant in {full, *parts}:
            self.persons.setdefault(variant, key)

    def _propagation_patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """Every known part: any case when it is no ordinary word, else only as capitalised."""
        if self._propagation is None:
            free, exact = set(), set()
            for part in self.persons:
                if len(part) < 2 or part in NEVER_NAMES:
                    continue
                for variant in spelling_variants(part):
                    words = variant.split()
                    if all(len(w) >= 4 and w not in self.ambiguous and not self._ordinary(w)
                           for w in words):
                        free.add(variant)
                    else:
                        exact.add(" ".join(w[:1].upper() + w[1:] for w in words))
            self._propagation = _alternation(free, re.IGNORECASE)
            self._propagation_exact = _alternation(exact, 0)
        return self._propagation, self._propagation_exact

    def spans(self, position: int, text: str) -> list[Span]:
        """Second pass: speakers, this text's finds, and every mention of a known name."""
        spans = self._speaker_spans(text)
        for start, end, name in self._found.get(position, []):
            spans.append(Span(start, end, PERSON, self._person_key(name)))
        for pattern in self._propagation_patterns():
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                if self._common_use(text, match):
                    continue
                spans.append(Span(match.start(), match.end(), PERSON,
                                  self._person_key(match.group())))
        return spans

    def _common_use(self, text: str, match: re.Match[str]) -> bool:
        """'the Bill' and 'in May' after 'Bill Blair' and 'May Olsen' are the ordinary words."""
        low = match.group().casefold()
        if low not in self.ambiguous:
            return False
        before = text[:match.start()]
        return bool(_DETERMINER.search(before)) or (
            low in CAPITALISED_WORDS and _CALENDAR_BEFORE.search(before) is not None)

    def _person_key(self, name: str) -> str:
        full = " ".join(_POSSESSIVE.sub("", name).split()).casefold()
        if full in self.persons:
            return self.persons[full]
        for variant in spelling_variants(full):
            if variant in self.persons:
                return self.persons[variant]
        return full


def _alternation(terms: set[str], flags: int) -> re.Pattern[str] | None:
    if not terms:
        return None
    body = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", flags)
