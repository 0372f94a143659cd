"""A planted-PII corpus built in the tests: meetings in which every kind of personal data the
sensitive tier must catch is said the way people say it. Ids are generated with valid checksums
(never copied from anywhere), names come from many cultures.

`PlantedMeeting.values` maps each kind to the strings that must not survive redaction.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum import luhn

# (full name, cue sentence template) — {n} is the full name, {g} the given name alone.
THIRD_PARTIES = [
    ("Ingrid Solberg", "{n} from legal will review the contract before Friday. Later {g} can sign."),
    ("Sigrid Ødegård", "Ask {n} about the lease; {g} knows the landlord."),
    ("Bjørn-Erik Haugland", "I talked to {n} yesterday and {g} agreed."),
    ("Aino Virtanen", "{n} said the Helsinki office is ready."),
    ("Mette Kjærgaard", "Please loop in {n} from payroll, {g} handles it."),
    ("Lars-Erik Lindqvist", "Dr. {n} signed the report."),
    ("Aisha Bello", "We should email {n} today."),
    ("Chen Wei", "Ms Chen Wei from compliance asked for the file."),
    ("Priya Raghunathan", "{n} will present the numbers; ping {g} for slides."),
    ("José María García", "Thanks to {n} for the draft."),
    ("Siobhán O'Sullivan", "{n} mentioned the audit. {g} is away next week."),
    ("Mohammed Al-Farsi", "Call {n} about the visa."),
    ("Olga Petrova", "{n} from HR confirmed the dates."),
    ("Kwame Mensah", "Let's cc {n} on that, {g} owns the budget."),
    ("Yuki Tanaka", "Ms. {n} reported the incident."),
    ("Anne-Marie van der Berg", "{n} told me the vendor is late."),
    ("Liam O'Connor", "I'll tell {n} to hold off. {g} agreed on the phone."),
    ("Astrid Lindgren-Holm", "Tell {n} the offer stands."),
    ("Ngozi Okonkwo", "{n} from finance sent it; Okonkwo said yes."),
    ("Mark Jensen", "Mark Jensen and I went through it; Mark was fine with it."),
]


def _no_check(digits: str, weights: list[int]) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if check == 11 else (None if check == 10 else check)


def norwegian_id(rng: random.Random, d_number: bool = False) -> str:
    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
        day = born.day + (40 if d_number else 0)
        base = f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(0, 500):03d}"
        k1 = _no_check(base, [3, 7, 6, 1, 8, 9, 4, 5, 2])
        if k1 is None:
            continue
        k2 = _no_check(base + str(k1), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
        if k2 is not None:
            return f"{base}{k1}{k2}"


def swedish_id(rng: random.Random, coordination: bool = False, century: bool = False,
               separator: str = "-") -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    day = born.day + (60 if coordination else 0)
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{rng.randrange(0, 1000):03d}"
    ten = nine + luhn.calc_check_digit(nine)
    prefix = str(born.year // 100) if century else ""
    return f"{prefix}{ten[:6]}{separator}{ten[6:]}"


def danish_cpr(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    return f"{born.day:02d}{born.month:02d}{born.year % 100:02d}-{rng.randrange(0, 4):d}{rng.randrange(0, 1000):03d}"


def finnish_hetu(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    serial = rng.randrange(2, 899)
    number = int(f"{born.day:02d}{born.month:02d}{born.year % 100:02d}{serial:03d}")
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[number % 31]
    return f"{born.day:02d}{born.month:02d}{born.year % 100:02d}-{serial:03d}{check}"


def us_ssn(rng: random.Random) -> str:
    return f"{rng.randrange(1, 665):03d}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 9999):04d}"


def uk_nino(rng: random.Random, spaced: bool) -> str:
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    digits = f"{rng.randrange(0, 1000000):06d}"
    suffix = rng.choice("ABCD")
    if spaced:
        return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{first}{second}{digits}{suffix}"


PHONES = ["+47 912 34 567", "912 34 567", "+46 70 123 45 67", "(555) 010-4477", "555-0142",
          "+1 555 010 4477", "0044 20 7946 0958", "020 7946 0958", "+358 40 123 4567",
          "+45 32 12 34 56", "+47 22-33-44-55", "555.867.5309"]
ADDRESSES = ["Strandgaten 15, 5013 Bergen", "Karl Johans gate 22, 0159 Oslo",
             "Drottninggatan 53, 111 21 Stockholm", "Vesterbrogade 12, 1620 København V",
             "Mannerheimintie 12 B 5, 00100 Helsinki", "221B Baker Street, London NW1 6XE",
             "742 Evergreen Terrace, Springfield, IL 62704", "10 Downing Street, London SW1A 2AA",
             "Storgata 1, 9008 Tromsø", "1600 Pennsylvania Avenue NW, Washington, DC 20500"]
SPEAKERS = ["Kari Nordmann", "Per Hansen", "Fatima Hassan"]


@dataclass
class PlantedMeeting:
    title: str
    transcript: str
    values: dict[str, list[str]] = field(default_factory=dict)


def build(seed: int = 7) -> list[PlantedMeeting]:
    """Four meetings, each with a share of every kind."""
    rng = random.Random(seed)
    ids = {
        "NO fødselsnummer": [norwegian_id(rng) for _ in range(3)],
        "NO D-number": [norwegian_id(rng, d_number=True) for _ in range(2)],
        "SE personnummer": [swedish_id(rng), swedish_id(rng, century=True),
                            swedish_id(rng, separator=""), swedish_id(rng, century=True, separator="")],
        "SE samordningsnummer": [swedish_id(rng, coordination=True) for _ in range(2)],
        "DK CPR": [danish_cpr(rng) for _ in range(2)],
        "FI HETU": [finnish_hetu(rng) for _ in range(2)],
        "US SSN": [us_ssn(rng) for _ in range(2)],
        "UK NINO": [uk_nino(rng, spaced=True), uk_nino(rng, spaced=False)],
    }
    meetings = []
    for m in range(4):
        lines, values = [], {}
        people = THIRD_PARTIES[m::4]
        for k, (name, template) in enumerate(people):
            speaker = SPEAKERS[k % len(SPEAKERS)]
            given = name.split()[0]
            lines.append(f"{speaker}: {template.format(n=name, g=given)}")
            values.setdefault("PERSON", []).extend(
                part for part in name.replace("-", " ").split()
                if part[0].isupper() and part.lower() not in {"van", "der", "al"})
        for kind, numbers in ids.items():
            for number in numbers[m::4] if len(numbers) > 4 else numbers[m % len(numbers):][:1]:
                speaker = SPEAKERS[len(lines) % len(SPEAKERS)]
                lines.append(f"{speaker}: For the record, the {kind} on file is {number}, "
                             "please check it.")
                values.setdefault(f"NATIONAL_ID ({kind})", []).append(number)
        for phone in PHONES[m::4]:
            speaker = SPEAKERS[len(lines) % len(SPEAKERS)]
            lines.append(f"{speaker}: You can reach them on {phone} after nine.")
            values.setdefault("PHONE_NUMBER", []).append(phone)
        for address in ADDRESSES[m::4]:
            speaker = SPEAKERS[len(lines) % len(SPEAKERS)]
            lines.append(f"{speaker}: The papers go to {address} by courier.")
            values.setdefault("STREET_ADDRESS", []).append(address)
        lines.append("Kari Nordmann: Thanks Per, thanks Fatima. We will mark it done in May.")
        meetings.append(PlantedMeeting(title=f"Case review {m + 1}: {people[0][0]}",
                                       transcript="\n".join(lines), values=values))
    return meetings


def leaked_parts(value: str, kind: str) -> list[str]:
    """What of a planted value must not be found after redaction: a name's parts; an id's or
    phone's digits in their spoken form; an address's street and number."""
    if kind == "PERSON":
        return [value]
    if kind == "STREET_ADDRESS":
        return [value.split(",")[0]]
    return [value]
