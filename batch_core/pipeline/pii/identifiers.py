"""National ids, phone numbers and street addresses found by shape, confirmed by their rules.

Presidio has no recognizer for Nordic national ids and drops phone numbers that `phonenumbers`
calls invalid (people say fictional 555 numbers too), so these are our own patterns:
- national ids are confirmed by their checksum or date rules (python-stdnum where it has the
  scheme: Norwegian fødselsnummer and D-number, Danish CPR, Finnish HETU; Luhn for the Swedish
  personnummer and samordningsnummer, which stdnum does not know; structure rules for the US SSN
  and UK National Insurance number, which have no checksum);
- a phone is any phone-shaped number of 7-15 digits, except dates, times, year ranges, amounts
  and versions;
- street addresses in Nordic ("Strandgaten 15, 5013 Bergen", "Karl Johans gate 22"), UK and US
  forms.
"""
from __future__ import annotations

import re
from datetime import date

from stdnum import luhn
from stdnum.dk import cpr
from stdnum.fi import hetu
from stdnum.no import fodselsnummer

from batch_core.pipeline.pii.spans import Span, value_key

NATIONAL_ID = "NATIONAL_ID"
PHONE = "PHONE_NUMBER"
ADDRESS = "STREET_ADDRESS"

# ------------------------------------------------------------------ national ids

_NO_FNR = re.compile(r"(?<![\w.-])\d{6}[ -]?\d{5}(?![\w-])")
_SE_PNR = re.compile(r"(?<![\w.-])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\w-])")
_DK_CPR = re.compile(r"(?<![\w.-])\d{6}-\d{4}(?![\w-])")
_FI_HETU = re.compile(r"(?<![\w.-])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![\w-])", re.IGNORECASE)
_US_SSN = re.compile(r"(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
_UK_NINO = re.compile(r"(?<![\w])([A-Z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![\w])")


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
        return True
    except ValueError:
        return False


def is_swedish_personnummer(text: str) -> bool:
    """10 or 12 digits, Luhn over the last 10; day + 60 is a samordningsnummer."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12:
        digits = digits[2:]
    if len(digits) != 10 or not luhn.is_valid(digits):
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if day > 60:
        day -= 60
    return _valid_date(2000, month, day)  # a leap year, so 29 February passes


def is_us_ssn(area: str, group: str, serial: str) -> bool:
    """No checksum exists; the SSA never issues area 000, 666 or 9xx, group 00 or serial 0000."""
    return area not in ("000", "666") and not area.startswith("9") and group != "00" \
        and serial != "0000"


def national_ids(text: str) -> list[Span]:
    found: list[Span] = []

    def add(match: re.Match[str]) -> None:
        found.append(Span(match.start(), match.end(), NATIONAL_ID, value_key(match.group())))

    for match in _NO_FNR.finditer(text):
        if fodselsnummer.is_valid(match.group()):
            add(match)
    for match in _SE_PNR.finditer(text):
        if is_swedish_personnummer(match.group()):
            add(match)
    for match in _DK_CPR.finditer(text):
        if cpr.is_valid(match.group()):
            add(match)
    for match in _FI_HETU.finditer(text):
        if hetu.is_valid(match.group().upper()):
            add(match)
    for match in _US_SSN.finditer(text):
        if is_us_ssn(match.group(1), match.group(3), match.group(4)):
            add(match)
    for match in _UK_NINO.finditer(text):
        # Any NI-shaped value counts, the prefixes HMRC never issues (e.g. the "QQ" of its
        # examples) included: a wrongly redacted code costs nothing, a leaked one does.
        add(match)
    return found


# ------------------------------------------------------------------ phones

_PHONE = re.compile(r"""
    (?<![\w+/.,-])
    (?P<number>
      (?:(?P<intl>\+|00)\d{1,3}[\s.-]?)?
      (?:(?P<paren>\(\d{1,4}\))[\s.-]?)?
      \d{1,5}(?:[\s.-]\d{1,5}){0,5}
    )
    (?![\w]|[.,-]\d)
""", re.VERBOSE)
_CONTIGUOUS = re.compile(r"(?<![\w+.,-])\d{8,12}(?![\w]|[.,-]\d)")
_PHONE_CONTEXT = re.compile(
    r"\b(?:phone|mobile|cell|call|ring|tel|telephone|number|nummer|reach|text|whatsapp|sms|"
    r"fax|mobil|telefon|ringe?)\b", re.IGNORECASE)
_DATE = re.compile(r"^(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4})$")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d{2}\s?[-/]\s?(?:19|20)?\d{2}$")
_TIME_RANGE = re.compile(r"^\d{1,2}[.:]\d{2}(?:\s?-\s?\d{1,2}[.:]\d{2})?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ .]\d{3})+$")
_VERSION = re.compile(r"^\d{1,3}(?:\.\d{1,5}){1,3}$")
_VERSION_BEFORE = re.compile(r"(?:\bv|version|release|build|rev)\s*$", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:NOK|SEK|DKK|EUR|USD|GBP|kr|kr\.|CHF))\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:[$€£%]|(?:kr|kroner|kronor|NOK|SEK|DKK|EUR|USD|GBP|dollars?|euros?|pounds?|"
    r"million|billion|mill|mrd|percent|per cent|prosent)\b)", re.IGNORECASE)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _looks_like_other_number(number: str, before: str, after: str, prefixed: bool) -> bool:
    if prefixed:
        return False
    if _DATE.match(number) or _YEAR_RANGE.match(number) or _TIME_RANGE.match(number):
        return True
    if _VERSION.match(number) and (re.search(r"(?:^|\.)\d(?:\.|$)", number)
                                   or _VERSION_BEFORE.search(before)):
        return True  # "10.0.19041", "version 12.4.1052"; "555.867.5309" is a phone
    if _AMOUNT_BEFORE.search(before) or _AMOUNT_AFTER.match(after):
        return True
    return bool(_THOUSANDS.match(number)) and " " not in number.strip() and "." in number


def phones(text: str) -> list[Span]:
    found: list[Span] = []
    for match in _PHONE.finditer(text):
        number = match.group("number").rstrip(" .-")
        start, end = match.start("number"), match.start("number") + len(number)
        prefixed = bool(match.group("intl") or match.group("paren"))
        count = _digits(number)
        if not 7 <= count <= 15:
            continue
        if not prefixed and not re.search(r"[\s.-]", number):
            continue  # one run of digits: the contiguous rule below decides
        if _looks_like_other_number(number, text[max(0, start - 10):start], text[end:end + 12],
                                    prefixed):
            continue
        found.append(Span(start, end, PHONE, value_key(number)))
    for match in _CONTIGUOUS.finditer(text):
        window = re.split(r"[.!?;]\s", text[max(0, match.start() - 30):match.start()])[-1]
        if _PHONE_CONTEXT.search(window):
            found.append(Span(match.start(), match.end(), PHONE, value_key(match.group())))
    return found


# ------------------------------------------------------------------ street addresses

_UPPER = "A-ZÆØÅÄÖÜÉ"
_WORD = r"[\w'’.-]"
# Street words that end a Nordic street name, glued ("Strandgaten") or apart ("Karl Johans gate").
_NORDIC_GLUED = ("gata|gatan|gaten|gate|gt|veien|vegen|vei|veg|vägen|väg|vej|vejen|gade|gaden|"
                 "allé|alle|alléen|plass|plassen|torget|torg|torv|torvet|stræde|strædet|stredet|"
                 "stien|bakken|brygge|bryggen|tunet|ringen|kaia|katu|kuja|tie|gränd|backe|backen|"
                 "stig|leden|parken|haugen|åsen|vænget|smuget")
_NORDIC_APART = "gate|gata|gatan|vei|veg|vej|gade|allé|plass|väg|vägen|torg|tie|katu"
_HOUSE = r"\d{1,4}(?:\s?[A-Za-z](?![\w]))?(?:\s\d{1,3}(?![\w]))?"
_NORDIC_TOWN = rf"(?:(?:,\s*|\s+)(?:\d{{4,5}}|\d{{3}}\s\d{{2}})\s+[{_UPPER}][\w-]+(?:\s[A-Z]\b)?)?"
_NORDIC = re.compile(
    rf"(?:\b[{_UPPER}][\wæøåäöü'’-]*?(?:{_NORDIC_GLUED})"
    rf"|(?:\b[{_UPPER}]{_WORD}*\s+){{1,3}}(?:{_NORDIC_APART}))"
    rf"\.?\s+{_HOUSE}{_NORDIC_TOWN}(?![\w])")
_EN_SUFFIX = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Close|Way|"
              "Place|Pl|Square|Sq|Crescent|Terrace|Gardens|Grove|Parkway|Pkwy|Highway|Hwy|Row|"
              "Mews|Walk|Circle|Cir")
_ENGLISH = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[{_UPPER}]{_WORD}*\s+){{1,4}}(?:{_EN_SUFFIX})\b\.?"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat)\.?\s*#?\w+)?"
    rf"(?:,\s*[{_UPPER}][a-zæøåäöü'’-]+(?:\s+[{_UPPER}][a-zæøåäöü'’-]+){{0,2}})?"
    r"(?:,?\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
    r"(?:,?\s*[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})?(?![\w])")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")


def addresses(text: str) -> list[Span]:
    found = []
    for pattern in (_NORDIC, _ENGLISH, _UK_POSTCODE):
        for match in pattern.finditer(text):
            found.append(Span(match.start(), match.end(), ADDRESS, value_key(match.group())))
    return found


def identifiers(text: str) -> list[Span]:
    """Every national id, phone number and street address in the text (may overlap)."""
    return national_ids(text) + phones(text) + addresses(text)
