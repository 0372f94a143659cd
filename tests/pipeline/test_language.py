"""The meeting's language: detected offline, stored, asked for in the prompt, honest sentiment."""
from __future__ import annotations

from batch_core.models import MeetingIn, Turn
from batch_core.pipeline.language import detect_language
from tests.pipeline.helpers import run

NORWEGIAN = (
    "[00:00:01] Kari Nordmann: God morgen alle sammen. Vi skal gå gjennom budsjettet for neste kvartal i dag.\n"
    "[00:00:12] Ola Hansen: Jeg sender den oppdaterte rapporten til styret innen fredag, hvis ingen har innvendinger.\n"
    "[00:00:25] Kari Nordmann: Flott. Vi ble enige om å utsette lanseringen til etter sikkerhetsgjennomgangen.\n"
    "[00:00:37] Ola Hansen: Hvem har ansvaret for prissiden etter lanseringen? Det har vi ikke avklart ennå.\n"
)


def test_detects_the_languages_our_meetings_are_held_in():
    def lang(text: str) -> str | None:
        return detect_language([Turn(speaker="A", text=text)])
    assert lang("We agreed to ship the release after the security review, and Bob sends the budget on Friday.") == "en"
    assert lang("Vi ble enige om å utsette lanseringen til etter sikkerhetsgjennomgangen, og Ola sender budsjettet.") == "no"
    assert lang("Vi kom överens om att skjuta upp lanseringen tills säkerhetsgranskningen är klar nästa vecka.") == "sv"
    assert lang("ok") is None  # too short to tell


def test_norwegian_meeting_gets_a_norwegian_instruction_and_no_english_sentiment(fake_llm):
    server = fake_llm.use("openai")
    record = run(MeetingIn(title="Budsjettmøte", tier="ordinary", transcript=NORWEGIAN))
    assert record.language == "no"
    prompt = server.requests[0].prompt
    assert "the meeting is held in Norwegian (Bokmål)" in prompt
    assert "in Norwegian (Bokmål)" in prompt.split("Write every text field")[1]
    assert record.sentiment == []
    assert "VADER reads English only" in (record.sentiment_note or "")


def test_english_meeting_has_no_language_line_and_is_scored(fake_llm):
    server = fake_llm.use("anthropic")
    record = run(MeetingIn(title="Release", tier="ordinary", transcript=(
        "[00:00:01] Ann Lee: Let's review the release plan and the budget for the quarter.\n"
        "[00:00:09] Bob Stone: I'll send the updated budget by Friday, it needs one more pass.\n")))
    assert record.language == "en"
    assert "Language:" not in server.requests[0].prompt
    assert record.sentiment and record.sentiment_note is None


def test_local_provider_says_it_reads_english_only():
    record = run(MeetingIn(title="Budsjettmøte", tier="ordinary", transcript=NORWEGIAN))
    assert record.provider == "local"
    assert any("reads English only" in w and "Norwegian" in w for w in record.warnings)


def test_only_unmistakable_english_skips_the_model(monkeypatch):
    from batch_core.pipeline import language
    english = ("We agreed that the release will go out next week, and I think we should tell the "
               "customers about it before that. What do you think about the plan for the launch? ") * 4
    norwegian_mixed = ("Vi ble enige om at the release går ut neste uke, og det er ikke klart om "
                       "kundene skal få vite det før. Hva tenker du om planen for lanseringen? ") * 4
    calls = []
    real = language._model
    monkeypatch.setattr(language, "_model", lambda: calls.append(1) or real())
    assert language.detect_language([Turn(speaker="A", text=english)]) == "en"
    assert calls == []  # answered without loading py3langid
    assert language.detect_language([Turn(speaker="A", text=norwegian_mixed)]) in ("no", "nb", "da", "nn")
    assert calls == [1]
