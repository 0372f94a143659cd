"""What the sensitive tier protects against and what it does not, in words the UI, the API and
the README share (the detectors themselves are in pipeline/redact.py and pipeline/pii/)."""
from __future__ import annotations

# Kind of replaced value -> (one, many) in words for people.
KIND_WORDS = {
    "PERSON": ("name", "names"), "EMAIL_ADDRESS": ("e-mail address", "e-mail addresses"),
    "PHONE_NUMBER": ("phone number", "phone numbers"), "NATIONAL_ID": ("national id", "national ids"),
    "CREDIT_CARD": ("card number", "card numbers"), "IBAN_CODE": ("IBAN", "IBANs"),
    "IP_ADDRESS": ("IP address", "IP addresses"), "URL": ("web address", "web addresses"),
    "STREET_ADDRESS": ("street address", "street addresses"),
}

DETECTED = (
    "names of speakers and of people mentioned (a list of ~45k given names from many countries, "
    "surnames next to them, titles such as Dr/Ms/Hon., cues such as 'ask X' or 'X from legal', "
    "and every later mention of a name found once)",
    "national ids checked by their rules: Norwegian fødselsnummer and D-number, Swedish "
    "personnummer and samordningsnummer, Danish CPR, Finnish HETU, US SSN, UK NI number",
    "phone numbers in any layout (7–15 digits), e-mail addresses, web addresses, IP addresses",
    "card numbers (Luhn), IBANs (checksum), street addresses in Nordic, UK and US forms",
    "the title and file name of the meeting, the same way",
)
NOT_DETECTED = (
    "names written in lower case in a capitalised transcript, names that are ordinary words "
    "(Will, Grace) with no surname or cue next to them, and names no list has (many African and "
    "Asian names) unless a cue, a title or a known given name stands next to them — in titles "
    "and file names too",
    "organisations, places other than street addresses, dates of birth, health or other "
    "special-category facts, and anything only the meaning reveals ('the CFO's daughter')",
    "national ids of other countries, bank account numbers that are not IBANs",
)
AT_REST = ("Raw text is stored only encrypted (Fernet) until the meeting's redaction step has run, "
           "then replaced by the redacted text; titles, file names and speakers are stored "
           "redacted; duplicate checks use a keyed hash of the title.")


def sensitive_tier_info() -> dict[str, object]:
    return {"detected": list(DETECTED), "not_detected": list(NOT_DETECTED), "at_rest": AT_REST,
            "kinds": {kind: many for kind, (_, many) in KIND_WORDS.items()}}


def describe_found(counts: dict[str, int], distinct: dict[str, int] | None = None) -> str:
    """'12 names (3 different), 1 phone number' — what a sensitive meeting's redaction replaced."""
    parts = []
    for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        one, many = KIND_WORDS.get(kind, (kind.lower(), kind.lower()))
        words = one if count == 1 else many
        different = (distinct or {}).get(kind)
        extra = f" ({different} different)" if different and different != count else ""
        parts.append(f"{count} {words}{extra}")
    return ", ".join(parts) or "nothing found"
