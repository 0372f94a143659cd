"""PII redaction for the sensitive tier: every name and identifier out, placeholders consistent.

What is detected (all offline, no model download):
- Presidio's pattern recognizers: e-mail, phone (phonenumbers, NO/SE/DK/GB/US), card (Luhn),
  IBAN (checksum), IP, URL (tldextract on its bundled suffix list);
- pii/identifiers.py: national ids with their checksums (NO, SE, DK, FI, US SSN, UK NINO),
  every phone-shaped number, street addresses (Nordic, UK, US);
- pii/names.py: speakers, given names from a list plus surnames, names after titles and cues,
  and every later mention of a name found once.
Overlaps are settled by pii/spans.py; each value gets one placeholder for the whole meeting
(`<PERSON_1>`, `<PHONE_NUMBER_2>`; speakers `SPEAKER_n`), title included.

The Presidio analyzer is built once per process because building it is slow.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer, PhoneRecognizer, UrlRecognizer,
)

from batch_core.ingest.turns import speakers_of
from batch_core.models import Turn
from batch_core.pipeline.pii.redactor import MeetingRedactor, redact_source_name
from batch_core.pipeline.pii.spans import Span, value_key

LANGUAGE = "en"
PHONE_REGIONS = ("NO", "SE", "DK", "GB", "US")
PRESIDIO_ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "URL"]
# Kinds a record can report, in the words the UI uses.
KINDS = {
    "PERSON": "names", "EMAIL_ADDRESS": "e-mail addresses", "PHONE_NUMBER": "phone numbers",
    "NATIONAL_ID": "national ids", "CREDIT_CARD": "card numbers", "IBAN_CODE": "bank accounts (IBAN)",
    "IP_ADDRESS": "IP addresses", "URL": "web addresses", "STREET_ADDRESS": "street addresses",
}

_ISO_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_PLAIN_DIGITS = re.compile(r"^\d{1,8}$")
_DOTTED_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)
_PHONE_CONTEXT = re.compile(r"\b(?:phone|mobile|cell|call|tel|number|reach|text|whatsapp|sms)\b", re.I)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email check asks tldextract, whose default instance downloads the suffix list."""

    def __init__(self) -> None:
        import tldextract  # imported by Presidio's recognizers anyway; here for its snapshot
        super().__init__()
        self._tld = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)

    def validate_result(self, pattern_text: str) -> bool:
        # Over-redact rather than leak: a dotted domain counts even if its suffix is not on the list
        # (company-internal or reserved domains such as .example, .local, .corp).
        domain = pattern_text.rsplit("@", 1)[-1]
        return self._tld(pattern_text).fqdn != "" or bool(_DOTTED_DOMAIN.fullmatch(domain))


def full_url_recognizer() -> PatternRecognizer:
    """Presidio's URL patterns need a known TLD, so "https://portal.acme.example/x" would be cut at
    "portal.ac"; any http(s) URL is redacted whole, up to whitespace or closing punctuation."""
    return PatternRecognizer(supported_entity="URL", name="full_http_url",
                             patterns=[Pattern("http url", r"\bhttps?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]", 0.9)])


class FilteredPhoneRecognizer(PhoneRecognizer):
    """Nordic regions make phonenumbers read ISO dates and bare 8-digit ids as phone numbers."""

    def __init__(self) -> None:
        super().__init__(supported_regions=PHONE_REGIONS)

    def analyze(self, text, entities, nlp_artifacts=None):  # noqa: D102
        kept = []
        seen = set()
        for result in super().analyze(text, entities, nlp_artifacts):
            span = text[result.start:result.end].strip()
            if (result.start, result.end) in seen or _ISO_DATE.match(span):
                continue
            if _PLAIN_DIGITS.match(span) and not _PHONE_CONTEXT.search(text[max(0, result.start - 40):result.start]):
                continue
            seen.add((result.start, result.end))
            kept.append(result)
        return kept


_build_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None


def analyzer() -> AnalyzerEngine:
    """The shared Presidio analyzer, built on first use (thread-safe)."""
    global _analyzer
    if _analyzer is None:
        with _build_lock:
            if _analyzer is None:
                nlp = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
                nlp.load()
                registry = RecognizerRegistry(supported_languages=[LANGUAGE])
                for recognizer in (OfflineEmailRecognizer(), FilteredPhoneRecognizer(), CreditCardRecognizer(),
                                   IbanRecognizer(), IpRecognizer(), UrlRecognizer(), full_url_recognizer()):
                    registry.add_recognizer(recognizer)
                _analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=[LANGUAGE])
    return _analyzer


_BARE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+(?P<tld>[a-z]{2,})(?:[/:?#].*)?$")
_SPOKEN_TLDS = frozenset("com net org io no se dk fi is uk eu de fr nl gov edu info biz app dev ai co "
                         "me tv us ca ch at be es it pl".split())


def _real_url(found: str) -> bool:
    """Presidio reads "Mr.Ch" and "..It" as URLs (.ch and .it are TLDs): without a scheme or
    www., only an all-lower-case host with a common suffix counts."""
    if "://" in found or found.lower().startswith("www."):
        return True
    match = _BARE_HOST.match(found)
    return match is not None and match.group("tld") in _SPOKEN_TLDS


# Every Presidio recognizer we use needs one of these: "@" (e-mail), a scheme, "www." or a dotted
# name (URL), digits around a dot (IP), or seven digits (phone, card, IBAN). Most utterances have
# none, and skipping the analyzer for them keeps redaction of a one-hour meeting fast.
_MAYBE_PATTERN = re.compile(r"@|://|www\.|\w\.[A-Za-z]{2}|\d\.\d|(?:\d\D{0,3}){7}")


def _presidio_spans(text: str) -> list[Span]:
    if not _MAYBE_PATTERN.search(text):
        return []
    results = analyzer().analyze(text=text, language=LANGUAGE, entities=PRESIDIO_ENTITIES)
    return [Span(r.start, r.end, r.entity_type, value_key(text[r.start:r.end])) for r in results
            if r.entity_type != "URL" or _real_url(text[r.start:r.end])]


@dataclass
class Redaction:
    turns: list[Turn]
    speaker_labels: dict[str, str]  # original name -> SPEAKER_n (stays in process memory only)
    counts: dict[str, int] = field(default_factory=dict)    # replacements per kind (utterances)
    distinct: dict[str, int] = field(default_factory=dict)  # different values per kind
    title: str | None = None  # the meeting title, redacted the same way
    source_name: str | None = None


def redact_turns(turns: list[Turn], title: str | None = None,
                 source_name: str | None = None) -> Redaction:
    """Replace PII in every utterance, the title and the file name; speakers become SPEAKER_n,
    numbered in order of first appearance. Counts cover the utterances only."""
    speakers = speakers_of(turns)
    texts = [turn.text for turn in turns]
    redactor = MeetingRedactor(speakers, texts, _presidio_spans)
    if title is not None:
        redactor.label(-1, title)  # names in the title count in the transcript too
    for position, text in enumerate(texts):
        redactor.learn(position, text)
    redacted = [turn.model_copy(update={
        "text": redactor.text(position, turn.text),
        "speaker": redactor.placeholders.speaker_labels.get(turn.speaker) if turn.speaker else None})
        for position, turn in enumerate(turns)]
    counts = dict(sorted(redactor.counts.items()))
    new_title = redactor.label(-1, title) if title is not None else None  # with every name known
    new_source = redact_source_name(source_name, redactor, -2)
    distinct = redactor.placeholders.distinct()
    return Redaction(turns=redacted, speaker_labels=redactor.placeholders.speaker_labels,
                     counts=counts, distinct=distinct, title=new_title, source_name=new_source)


