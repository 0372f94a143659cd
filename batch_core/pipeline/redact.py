"""PII redaction for the sensitive tier: Presidio pattern recognizers plus a speaker-name deny-list.

Runs fully offline (NoOpNlpEngine, no spaCy model; tldextract uses its bundled suffix list).
The analyzer is built once per process because building it is slow; analysis itself is stateless.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer, PhoneRecognizer, UrlRecognizer,
)
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from batch_core.ingest.turns import speakers_of
from batch_core.models import Turn
from batch_core.pipeline.speaker_names import build_name_map, is_common_word_part, name_terms

LANGUAGE = "en"
PHONE_REGIONS = ("NO", "SE", "DK", "GB", "US")
PERSON = "PERSON"
ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "URL"]

_ISO_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_PLAIN_DIGITS = re.compile(r"^\d{1,8}$")
_DOTTED_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)
_PHONE_CONTEXT = re.compile(r"\b(?:phone|mobile|cell|call|tel|number|reach|text|whatsapp|sms)\b", re.I)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email check asks tldextract, whose default instance downloads the suffix list."""

    def __init__(self) -> None:
        import tldextract
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
_engines: tuple[AnalyzerEngine, AnonymizerEngine] | None = None


def engines() -> tuple[AnalyzerEngine, AnonymizerEngine]:
    """The shared analyzer and anonymizer, built on first use (thread-safe)."""
    global _engines
    if _engines is None:
        with _build_lock:
            if _engines is None:
                nlp = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
                nlp.load()
                registry = RecognizerRegistry(supported_languages=[LANGUAGE])
                for recognizer in (OfflineEmailRecognizer(), FilteredPhoneRecognizer(), CreditCardRecognizer(),
                                   IbanRecognizer(), IpRecognizer(), UrlRecognizer(), full_url_recognizer()):
                    registry.add_recognizer(recognizer)
                analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=[LANGUAGE])
                _engines = (analyzer, AnonymizerEngine())
    return _engines


@dataclass
class Redaction:
    turns: list[Turn]
    speaker_labels: dict[str, str]  # original name -> SPEAKER_n (stays in process memory only)
    counts: dict[str, int] = field(default_factory=dict)
    title: str | None = None  # the meeting title, redacted the same way (it is sent to providers)


def _name_recognizers(speakers: list[str]) -> list[PatternRecognizer]:
    """Two deny-lists: names matched in any case, and common-word parts matched only as written."""
    any_case, as_written = set(), set()
    for speaker in speakers:
        for term in name_terms(speaker):
            (as_written if " " not in term and is_common_word_part(term) else any_case).add(term)
    recognizers = []
    for terms, name, flags in ((any_case, "speaker_names", re.DOTALL | re.MULTILINE | re.IGNORECASE),
                               (as_written, "speaker_names_as_written", re.DOTALL | re.MULTILINE)):
        if terms:
            recognizers.append(PatternRecognizer(
                supported_entity=PERSON, name=name, global_regex_flags=flags,
                deny_list=sorted(terms, key=lambda t: (-len(t), t))))  # longest first: full names win
    return recognizers


class _MeetingRedactor:
    """The shared engines plus this meeting's speaker deny-list and labels."""

    def __init__(self, speakers: list[str]) -> None:
        self.labels = {name: f"SPEAKER_{i}" for i, name in enumerate(speakers, start=1)}
        self.counts: Counter[str] = Counter()
        self._recognizers = _name_recognizers(speakers)
        self._name_map = build_name_map(speakers)
        self._analyzer, self._anonymizer = engines()
        self._operators = {PERSON: OperatorConfig("custom", {"lambda": self._person_label}),
                           "DEFAULT": OperatorConfig("replace")}

    def _person_label(self, matched: str) -> str:
        speaker = self._name_map.get(" ".join(matched.split()).lower())
        return self.labels[speaker] if speaker else "<PERSON>"

    def text(self, text: str) -> str:
        results: list[RecognizerResult] = self._analyzer.analyze(
            text=text, language=LANGUAGE, entities=ENTITIES + [PERSON], ad_hoc_recognizers=self._recognizers)
        if not results:
            return text
        outcome = self._anonymizer.anonymize(text=text, analyzer_results=results, operators=self._operators)
        self.counts.update(item.entity_type for item in outcome.items)
        return outcome.text


def redact_turns(turns: list[Turn], title: str | None = None) -> Redaction:
    """Replace PII in every utterance (and the title) and speakers by SPEAKER_n labels, numbered in
    order of first appearance. Counts cover the utterances only."""
    redactor = _MeetingRedactor(speakers_of(turns))
    redacted = [turn.model_copy(update={"text": redactor.text(turn.text),
                                        "speaker": redactor.labels.get(turn.speaker) if turn.speaker else None})
                for turn in turns]
    counts = dict(sorted(redactor.counts.items()))
    return Redaction(turns=redacted, speaker_labels=redactor.labels, counts=counts,
                     title=redactor.text(title) if title is not None else None)
