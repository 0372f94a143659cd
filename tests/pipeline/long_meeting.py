"""A synthetic long meeting with numbered commitments spread over it, for the chunking tests."""
from __future__ import annotations

import random
import re

from tests.fakes.llm_server import FakeResponse, RecordedRequest
from tests.fakes.llm_wire import is_summary_request

SPEAKERS = ("Kari Nordmann", "Ola Hansen", "Ingrid Berg", "Lars Moen")
FILLER = (
    "We looked at the delivery numbers from last week and they are roughly where we expected them to be.",
    "The supplier confirmed the new schedule, although the freight costs went up again this month.",
    "I think the customer feedback on the onboarding flow is mostly positive, with a few rough edges.",
    "Support tickets about invoices dropped after the change, which is a good sign for the billing work.",
    "The team in Bergen wants more time for testing before we switch the warehouse system over.",
    "Marketing asked whether the launch date can move, but nobody has agreed to anything on that yet.",
    "We should keep an eye on the hiring pipeline, two candidates are in the final round right now.",
    "The dashboard numbers look stable, the error rate is below the threshold we set in the spring.",
)
TASKS = ("draft the vendor contract", "book the Tromsø venue", "review the security audit findings",
         "update the pricing page copy", "call the logistics partner about freight", "prepare the board slides",
         "clean up the test environment", "write the onboarding checklist", "migrate the invoice archive",
         "collect the regional sales forecasts", "order the replacement laptops", "plan the customer workshop")
_TASK = re.compile(r"TASK-(\d+): I will ([^.]+?) by Friday")


def long_transcript(minutes: int, tasks: int = 12, seed: int = 7) -> str:
    """About 150 spoken words a minute; task k is said at the k-th of `tasks` evenly spread places."""
    rng = random.Random(seed)
    lines, words, second = [], 0, 0
    target = minutes * 150
    places = {int(target * k / max(1, tasks - 1)) for k in range(tasks)}
    next_places = sorted(places)
    task_number = 0
    while words < target or task_number < tasks:
        speaker = SPEAKERS[len(lines) % len(SPEAKERS)]
        text = " ".join(rng.sample(FILLER, 2))
        if next_places and words >= next_places[0]:
            next_places.pop(0)
            text += f" TASK-{task_number:02d}: I will {TASKS[task_number % len(TASKS)]} by Friday."
            task_number += 1
        stamp = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        lines.append(f"[{stamp}] {speaker}: {text}")
        words += len(text.split())
        second += 12
    return "\n".join(lines)


def tasks_answer(request: RecordedRequest) -> FakeResponse | None:
    """Like a model that reads the part: one action item per commitment the part contains."""
    if is_summary_request(request):
        return None
    found = {(int(n), task.strip()) for n, task in _TASK.findall(request.prompt)}
    first = min((n for n, _ in found), default=None)
    return FakeResponse.ok({
        "summary": f"Part with tasks from {first}." if found else "A part without commitments.",
        "decisions": [],
        "action_items": [{"task": f"{task.capitalize()} (TASK-{n:02d})", "owner": "Kari Nordmann",
                          "deadline": "Friday", "priority": "medium"} for n, task in sorted(found)],
        "key_topics": [{"name": "Delivery", "importance": 0.8, "related_speakers": ["Kari Nordmann"]}],
        "open_questions": [],
    })
