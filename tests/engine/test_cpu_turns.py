"""Workers take turns for the compute steps, never for the provider's wait (engine/cpu_turns.py)."""
from __future__ import annotations

import threading
import time

import batch_core
from batch_core.engine.cpu_turns import Turns, cpu_turn
from tests.fakes.llm_scripts import InFlight
from tests.waiting import wait_for


def _rows(batch_id: str) -> dict[str, dict]:
    return {row["title"]: row for row in batch_core.get(batch_id)["results"]}


def test_a_meeting_waiting_at_the_provider_does_not_hold_up_the_others(make_meeting, llm_server, set_workers):
    set_workers(2)
    release = threading.Event()  # the slow meeting's answer is held until the test has looked
    llm_server.plan = lambda req: release.wait(60) and None if req.title == "Slow one" else None
    result = batch_core.submit([make_meeting("Slow one"), make_meeting("Quick one"), make_meeting("Quick two")])
    try:
        wait_for(lambda: _rows(result["batch_id"])["Quick two"]["status"] == "completed", timeout=60,
                 what="both quick meetings to finish while the slow one is at the provider")
        slow = _rows(result["batch_id"])["Slow one"]
        assert (slow["status"], slow["stage"]) == ("processing", "extract")
    finally:
        release.set()
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert (batch["completed"], batch["failed"]) == (3, 0)


def test_a_turn_held_elsewhere_only_delays_a_meeting(make_meeting, llm_server):
    with cpu_turn():  # as another worker's long redaction would
        result = batch_core.submit([make_meeting("Waits its turn")])
        time.sleep(0.5)
        assert batch_core.get(result["batch_id"])["results"][0]["status"] == "queued"
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert (batch["completed"], batch["failed"]) == (1, 0)


def test_at_most_max_workers_meetings_are_at_the_provider_at_once(make_meeting, llm_server, set_workers):
    set_workers(2)  # the pool has 4 threads: 2 at the provider, 2 to finish answered meetings
    llm_server.plan = at_provider = InFlight(0.3)
    result = batch_core.submit([make_meeting(f"Meeting {n}") for n in range(6)])
    batch = batch_core.wait(result["batch_id"], timeout=120, poll=0.05)
    assert (batch["completed"], batch["failed"]) == (6, 0)
    assert at_provider.peak == 2


def test_an_urgent_waiter_goes_before_one_that_waited_longer():
    turns, order = Turns(), []

    def take(name: str, urgent: bool) -> None:
        with turns(urgent=urgent):
            order.append(name)

    with turns():
        finishing = threading.Thread(target=take, args=("finishing", False))
        finishing.start()
        time.sleep(0.2)  # it is waiting by now (were it not, the order below would be the same)
        sending = threading.Thread(target=take, args=("sending", True))
        sending.start()
        wait_for(lambda: turns._urgent_waiting == 1, timeout=30, what="the urgent waiter")
    finishing.join(30)
    sending.join(30)
    assert order == ["sending", "finishing"]


def test_after_urgent_returns_when_an_urgent_turn_begins_and_never_hangs():
    turns = Turns()
    begun = turns.urgent_begun()
    turns.after_urgent(begun, timeout=0.05)  # nobody comes: it gives up by itself
    def send() -> None:
        with turns(urgent=True):
            pass

    sender = threading.Timer(0.1, send)
    started = time.monotonic()
    sender.start()
    turns.after_urgent(begun, timeout=60)
    assert time.monotonic() - started < 30 and turns.urgent_begun() == begun + 1
    sender.join(30)
