"""parse_text: every text layout the pipeline may receive, and pasted captions."""
from __future__ import annotations

import pytest

from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import render_text


def _shape(turns):
    return [(t.speaker, t.text, t.start) for t in turns]


def test_timed_speaker_lines_with_continuation_and_merge():
    turns = parse_text("[00:00:01] Alice: Hello there\n[00:00:05] Bob: Hi Alice\nhow are you\n"
                       "[00:01:09] Bob: fine")
    assert _shape(turns) == [("Alice", "Hello there", 1.0), ("Bob", "Hi Alice how are you fine", 5.0)]
    assert turns[1].end == 69.0


def test_untimed_speaker_lines_skip_metadata_header():
    turns = parse_text("Meeting: Q3 planning\nDate: 2025-02-18\n\nAlice: hi\nBob: yo\nBob: more\nAlice: ok")
    assert _shape(turns) == [("Alice", "hi", None), ("Bob", "yo more", None), ("Alice", "ok", None)]


def test_otter_headers_with_text_below():
    text = ("Alice Smith  0:03\nHello everyone, welcome.\n\nBob Jones  0:10\nThanks.\nMore here.\n\n"
            "Alice Smith  1:02:05\nOk.\n")
    assert _shape(parse_text(text)) == [
        ("Alice Smith", "Hello everyone, welcome.", 3.0),
        ("Bob Jones", "Thanks. More here.", 10.0),
        ("Alice Smith", "Ok.", 3725.0),
    ]


def test_unstructured_prose_is_one_turn_without_speaker():
    text = "We met today to discuss the roadmap.\nThe plan is as follows:\nShip it by May.\nNote: nothing else."
    turns = parse_text(text)
    assert len(turns) == 1 and turns[0].speaker is None
    assert turns[0].text.startswith("We met today") and turns[0].text.endswith("nothing else.")


def test_prose_line_with_a_clock_is_not_a_speaker_header():
    turns = parse_text("Alice: we meet at 10:30\nBob: the standup moved to\nafter lunch 12:00")
    assert [t.speaker for t in turns] == ["Alice", "Bob"]
    assert turns[1].text == "the standup moved to after lunch 12:00"


def test_older_teams_docx_arrow_layout():
    turns = parse_text("0:0:0.0 --> 0:0:3.5\nAlice Smith\nHello there\n\n0:0:3.5 --> 0:0:7.0\nBob\nHi\n")
    assert [(t.speaker, t.text, t.start, t.end) for t in turns] == [
        ("Alice Smith", "Hello there", 0.0, 3.5), ("Bob", "Hi", 3.5, 7.0)]


def test_pasted_webvtt_is_delegated():
    text = ("WEBVTT\n\nabc/1-0\n00:00:01.000 --> 00:00:03.000\n<v Alice Smith>Hello &amp; welcome\n"
            "to the call</v>\n\nabc/0-0\n00:00:00.000 --> 00:00:01.000\n<v Bob>First\n")
    assert _shape(parse_text(text)) == [("Bob", "First", 0.0), ("Alice Smith", "Hello & welcome to the call", 1.0)]


def test_pasted_srt_is_delegated():
    text = "1\n00:00:01,000 --> 00:00:02,000\nAlice: hi\n\n2\n00:00:02,500 --> 00:00:04,000\nBob: hey\nthere\n"
    assert _shape(parse_text(text)) == [("Alice", "hi", 1.0), ("Bob", "hey there", 2.5)]


def test_header_only_webvtt_falls_back_to_empty_text():
    assert parse_text("WEBVTT\n\n") == []
    assert parse_text("") == [] and parse_text("  \n\n ") == []


@pytest.mark.parametrize("text", [
    "[00:00:01] Alice: Hello there\n[00:00:05] Bob: Hi\n[00:00:09] Alice: Bye",
    "Alice Smith  0:03\nHello.\n\nBob  0:10\nThanks.",
    "Alice: hi\nBob: yo\nCarol: hey",
])
def test_rendered_text_round_trips(text):
    turns = parse_text(text)
    assert _shape(parse_text(render_text(turns))) == _shape(turns)


def test_crlf_and_cr_line_ends():
    assert _shape(parse_text("Alice: a\r\nBob: b\r\n")) == _shape(parse_text("Alice: a\rBob: b\r"))
    assert [t.speaker for t in parse_text("Alice: a\rBob: b\r")] == ["Alice", "Bob"]


def test_unusual_voice_names_survive_the_round_trip():
    names = ["Smith, John", "alice@example.com", "3CX Bridge", "Anna-Lena O'Brien (Guest)", "a/b &lt;x&gt;"]
    cues = "".join(f"00:00:0{i}.000 --> 00:00:0{i + 1}.000\n<v {n}>line {i}</v>\n\n" for i, n in enumerate(names))
    turns = parse_text("WEBVTT\n\n" + cues)
    assert [t.speaker for t in turns] == ["Smith, John", "alice@example.com", "Speaker 3CX Bridge",
                                         "Anna-Lena O'Brien (Guest)", "a b x"]
    assert _shape(parse_text(render_text(turns))) == _shape(turns)


def test_a_comma_in_prose_is_not_a_speaker():
    turns = parse_text("Alice: we looked at it\nHowever, we decided: ship it\nBob: ok")
    assert [(t.speaker, t.text) for t in turns] == [
        ("Alice", "we looked at it However, we decided: ship it"), ("Bob", "ok")]


def test_zoom_text_export_headers():
    turns = parse_text("[Alice Smith] 10:02:15\nHello all.\n\n[Bob] 10:02:20\nHi.\nHow are you?\n")
    assert _shape(turns) == [("Alice Smith", "Hello all.", 36135.0), ("Bob", "Hi. How are you?", 36140.0)]


def test_webvtt_after_blank_lines():
    assert _shape(parse_text("\n\nWEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi\n")) == [("A", "hi", 1.0)]


def test_single_speaker_otter_memo_keeps_its_speaker():
    text = "Alice Smith  0:02\n" + "\n".join(f"Point number {i} about the plan." for i in range(12))
    turns = parse_text(text)
    assert [(t.speaker, t.start) for t in turns] == [("Alice Smith", 2.0)]
    assert turns[0].text.endswith("Point number 11 about the plan.")


def test_turns_run_together_on_one_line_are_split():
    text = ("Alice: We agreed to ship on Friday. Bob, can you send the notes by Thursday? "
            "Bob: Sure, I will send them by Thursday. Alice: Great, what about pricing?")
    turns = parse_text(text)
    assert [t.speaker for t in turns] == ["Alice", "Bob", "Alice"]
    assert turns[0].text == "We agreed to ship on Friday. Bob, can you send the notes by Thursday?"
    assert turns[1].text == "Sure, I will send them by Thursday."


@pytest.mark.parametrize("text", [
    "Alice: The plan is clear. Note: we meet Tuesday.",      # a note, not a speaker
    "Alice: We met Dr. Smith: he said yes. Then we left.",  # no inline name is a speaker
])
def test_a_colon_inside_a_turn_does_not_invent_a_speaker(text):
    turns = parse_text(text)
    assert [t.speaker for t in turns] == ["Alice"]
    assert turns[0].text == text.split(": ", 1)[1]


def test_a_name_that_comes_back_on_the_line_is_a_speaker():
    turns = parse_text("Alice: Ready? Bob: Yes. Carol: Hm. Bob: Done.")
    assert [t.speaker for t in turns] == ["Alice", "Bob", "Carol", "Bob"]
