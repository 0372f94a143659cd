"""Detectors of personal data for the sensitive tier (used by pipeline/redact.py).

    spans.py        what a detector reports, how overlaps are settled, consistent placeholders
    identifiers.py  national ids (checksums), phone-shaped numbers, street addresses
    lexicon.py      given names and ordinary words, read from packages made for them
    names.py        speakers, given names + surnames, cue words, propagation within a meeting
"""
