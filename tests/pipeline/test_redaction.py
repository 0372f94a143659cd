"""Sensitive tier: planted PII never reaches the provider nor the record; ordinary text is left alone."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from batch_core.ingest.text import parse_text
from batch_core.pipeline.redact import redact_turns
from tests.pipeline.helpers import meeting, run, sample

# Everything planted in the sensitive samples, in the spelling used there.
PLANTED = {
    "04_hr_return_to_work_sensitive.txt": [
        "NO93 8601 1117 947", "jonas.berg@northwind-example.com", "jonas.berg.private@gmail.com",
        "+47 912 34 567", "4539 1488 0343 6467", "07700 900123",
        "Jonas", "Berg", "Ingrid", "Haugen", "Bjørn", "Åsheim"],
    "05_customer_billing_escalation_sensitive.txt": [
        "5555 5555 5555 4444", "SE45 5000 0000 0583 9825 7466", "ap@dahl-logistics.example",
        "henrik.dahl@dahl-logistics.example", "+46 70 123 45 67", "203.0.113.42",
        "https://portal.northwind-billing.example/invoices", "Henrik", "Dahl", "Rafael", "Costa",
        "Emma", "Clarke", "Grace Kim"],
    "08_expense_fraud_review_sensitive.txt": [
        "198.51.100.23", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00",
        "https://expenses.contoso-example.com", "+44 20 7946 0958", "Kwame", "Mensah", "Laura", "Nyberg",
        "Zoe Martin"],
}


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_pii_never_reaches_the_provider_nor_the_record(fake_llm, name, provider):
    server = fake_llm.use(provider)
    record = run(meeting(sample(name), tier="sensitive", title="Confidential review"))
    sent = server.all_request_text()
    stored = record.model_dump_json()
    assert server.request_count == 1
    for secret in PLANTED[name]:
        assert secret not in sent, f"{secret!r} was sent to the provider"
        assert secret not in stored, f"{secret!r} is in the stored record"
        assert json.dumps(secret)[1:-1] not in sent  # also not JSON-escaped (ø -> \u00f8)
    assert record.redacted is True
    assert all(s.startswith("SPEAKER_") for s in record.speakers)
    assert record.redaction_counts.get("PERSON", 0) > 0


def test_the_title_is_redacted_before_it_is_sent(fake_llm):
    server = fake_llm.use("anthropic")
    record = run(meeting(sample("04_hr_return_to_work_sensitive.txt"), tier="sensitive",
                         title="Return to work: Jonas Berg (jonas.berg.private@gmail.com)"))
    sent = server.all_request_text()
    assert "Jonas" not in sent and "gmail" not in sent
    # Jonas speaks second; his private address gets one placeholder in title and transcript.
    assert server.requests[0].title == "Return to work: SPEAKER_2 (<EMAIL_ADDRESS_1>)"
    assert "<EMAIL_ADDRESS_1>" in record.transcript
    assert record.title == server.requests[0].title  # stored redacted, like everything else


def test_counts_per_entity_type_are_recorded_in_the_audit(fake_llm):
    fake_llm.use("openai")
    record = run(meeting(sample("05_customer_billing_escalation_sensitive.txt"), tier="sensitive"))
    counts = record.redaction_counts
    assert counts["CREDIT_CARD"] == 1 and counts["IBAN_CODE"] == 1 and counts["IP_ADDRESS"] == 1
    assert counts["EMAIL_ADDRESS"] == 2 and counts["PHONE_NUMBER"] == 1 and counts["URL"] == 1
    redact_entry = next(e for e in record.audit if e.step == "redact")
    assert redact_entry.detail["counts"] == counts
    assert redact_entry.duration_ms > 0


def test_dates_and_order_numbers_are_not_mistaken_for_phone_numbers():
    turns = parse_text("Ann Lee: The ticket from 2024-09-15 is order 48213377, invoice 15.09.2024.\n"
                       "Bob Stone: Call me on +47 912 34 567 about it.")
    text = " ".join(t.text for t in redact_turns(turns).turns)
    assert "2024-09-15" in text and "48213377" in text and "15.09.2024" in text
    assert "+47 912 34 567" not in text and "<PHONE_NUMBER_1>" in text


def test_speaker_names_become_consistent_labels_including_ascii_spellings():
    turns = parse_text("Bjørn Åsheim: Hi, Bjorn here. Maria, over to you.\n"
                       "Maria Lopez: Thanks Bjørn. Bjoern and Asheim are the same person, ask maria.\n"
                       "Bjørn Åsheim: Correct.")
    redacted = redact_turns(turns)
    assert [t.speaker for t in redacted.turns] == ["SPEAKER_1", "SPEAKER_2", "SPEAKER_1"]
    text = " ".join(t.text for t in redacted.turns)
    for leaked in ("Bjørn", "Bjorn", "Bjoern", "Asheim", "Maria", "maria"):
        assert leaked not in text
    assert "SPEAKER_1 here" in text and "SPEAKER_2, over to you" in text


def test_common_word_name_parts_are_redacted_only_when_capitalised():
    turns = parse_text("Will Turner: We will mark the budget as provisional.\n"
                       "Mark Jensen: Will, can you mark it? I will.")
    text = " ".join(t.text for t in redact_turns(turns).turns)
    assert "We will mark the budget" in text and "I will." in text
    assert "SPEAKER_1, can you mark it" in text


def test_ordinary_tier_is_not_redacted():
    record = run(meeting(sample("01_product_launch_sync.txt"), tier="ordinary"))
    assert record.redacted is False and record.redaction_counts == {}
    assert "Maria Lopez" in record.speakers
    assert all(entry.step != "redact" for entry in record.audit)


def test_redaction_is_consistent_across_threads():
    text = sample("05_customer_billing_escalation_sensitive.txt")
    turns = parse_text(text)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: redact_turns(turns), range(8)))
    first = [t.text for t in results[0].turns]
    assert all([t.text for t in r.turns] == first for r in results)
    assert all(r.counts == results[0].counts for r in results)


def test_generic_speaker_labels_do_not_redact_ordinary_words():
    turns = parse_text("Speaker 1: The customer called the host about the speaker system.\n"
                       "A: I agree. A new speaker is cheap.\n"
                       "Speaker 2: Speaker 1 is right.")
    redacted = redact_turns(turns)
    text = " ".join(t.text for t in redacted.turns)
    assert "The customer called the host about the speaker system" in text
    assert "A new speaker is cheap" in text
    assert "SPEAKER_1 is right" in text


def test_email_check_uses_the_bundled_suffix_list_without_network(monkeypatch):
    import socket

    from batch_core.pipeline.redact import OfflineEmailRecognizer

    def no_network(*args, **kwargs):
        raise AssertionError("redaction tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    recognizer = OfflineEmailRecognizer()  # a fresh one: its suffix list is loaded on first use
    assert recognizer.validate_result("ana@example.co.uk")
    assert recognizer.validate_result("ops@intranet.corp")  # unknown suffix: still redacted
    assert not recognizer.validate_result("not-an-email@localhost")
