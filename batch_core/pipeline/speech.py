"""Spoken text made readable for rules and scores: what speech-to-text and verbatim transcripts
keep that no summary, action item or sentiment score should see.

- `{vocalsound}`-style tags and `[laughter]`-style noise marks, timestamps inside the text;
- fillers (uh, um, mm-hmm, er) and stutters ("I I", "of of", "th the", "ri- right");
- tokenised punctuation ("it 's", "do n't", "word ." ), spelled acronyms ("L_C_D_" -> "LCD");
- backchannels: a turn that is only "yeah", "okay", "mm-hmm" says nothing about the content.
"""
from __future__ import annotations

import functools
import re

from batch_core.models import Turn

_TAGS = re.compile(r"\{[a-z_]+\}|\[(?:laugh\w*|noise|inaudible|crosstalk|music|silence|pause|"
                   r"unintelligible|vocalsound|applause|cough\w*)\]|<(?:laugh|noise)[^>]*>", re.I)
_TIMESTAMP = re.compile(r"[\[(]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b")
_FILLERS = re.compile(r"(?<![\w'-])(?:u+h+m*|u+m+|e+r+m*|h+m+|m+h?m+|mm-hmm|mm-hm|uh-huh|uh-uh|"
                      r"hm-hmm|ah+|eh+|@@)(?![\w'-])[,.]?", re.I)
_ACRONYM = re.compile(r"\b(?:[A-Za-z]_){2,}")
_CONTRACTION = re.compile(r"(\w) (n't|'s|'re|'ve|'ll|'d|'m)\b", re.I)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,!?;:%])")
_REPEATED_PUNCT = re.compile(r"([.,!?;:])(?:\s*[.,;:])+")
_BROKEN_WORD = re.compile(r"(?<![\w'])(\w{1,4})\s?-\s+(?=\1)", re.I)  # "ri- right", "ri - ri right"
_PARTIAL_PREFIX = re.compile(r"(?<![\w'])(\w{1,3})\s+(?=(\1\w+))", re.I)  # "th the", "Ma Maarika"
_REPEAT = re.compile(r"\b(\w+(?:'\w+)?)(?:[\s,]+\1\b)+", re.I)          # "I I", "of of of"
_SPACES = re.compile(r"\s+")
_SENTENCE_START = re.compile(r"([.!?]\s+)([a-z])")
# A turn of only these words is a backchannel.
BACKCHANNEL = frozenset("""
yeah yes yep yup no nope okay ok right sure alright all uh um mm hmm mhm mm-hmm uh-huh hm-hmm
oh ah well so and but good great cool fine nice true exactly absolutely definitely indeed
thanks thank you really wow huh i see agreed correct totally
""".split())
_WORDS = re.compile(r"[a-z'-]+")
_KEEP_SHORT = frozenset("a i an as at be by do go he if in is it me my no of oh on or so to up us "
                        "we the and but for".split())


@functools.lru_cache(maxsize=16384)  # extraction and sentiment read the same utterances
def clean_text(text: str) -> str:
    """One utterance as readable text (see the module docstring); may return ''."""
    # Each rule runs only where its marker character occurs: most utterances need few of them.
    if "{" in text or "[" in text or "<" in text:
        text = _TAGS.sub(" ", text)
    if ":" in text:
        text = _TIMESTAMP.sub(" ", text)
    if "_" in text:
        text = _ACRONYM.sub(lambda m: m.group().replace("_", "").upper(), text)
    if "'" in text:
        text = _CONTRACTION.sub(r"\1\2", text)
    text = _FILLERS.sub(" ", text)
    if "-" in text:
        text = _BROKEN_WORD.sub("", text)
    text = _PARTIAL_PREFIX.sub(lambda m: "" if m.group(1).lower() not in _KEEP_SHORT else m.group(0), text)
    text = _REPEAT.sub(r"\1", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip(" ,;:-")
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


def is_backchannel(text: str) -> bool:
    words = _WORDS.findall(text.lower())
    return not words or all(word in BACKCHANNEL for word in words)


def clean_turns(turns: list[Turn], drop_backchannels: bool = True) -> list[Turn]:
    """Turns with readable text; empty turns (and, by default, backchannel-only ones) dropped."""
    cleaned = []
    for turn in turns:
        text = clean_text(turn.text)
        if not text or (drop_backchannels and is_backchannel(text)):
            continue
        cleaned.append(turn.model_copy(update={"text": text}) if text != turn.text else turn)
    return cleaned
