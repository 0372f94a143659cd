"""Realistic-enough meetings for fault tests: unique titles, enough words to be processed."""
from __future__ import annotations

from pathlib import Path

_LINES = (
    "Maria: Good morning everyone, let's review the rollout plan for {topic} this week.",
    "Jonas: We agreed to ship {topic} on the 14th after the final security review.",
    "Maria: Jonas, can you send the release notes for {topic} to support by Friday?",
    "Jonas: Yes, I'll send them by Friday. Who owns the pricing FAQ update for {topic}?",
    "Aisha: Let's go with the smaller scope so that {topic} stays on schedule.",
)


def title(n: int) -> str:
    return f"Durability meeting {n:03d}"


def transcript(n: int) -> str:
    return "\n".join(line.format(topic=f"project {n}") for line in _LINES) + "\n"


def meetings(count: int, start: int = 0, tier: str = "ordinary") -> list[dict]:
    return [{"title": title(n), "tier": tier, "transcript": transcript(n)}
            for n in range(start, start + count)]


def write_files(folder: Path, count: int, start: int = 0) -> list[Path]:
    """One .txt transcript per meeting; the CLI titles them from the file name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"{title(n).replace(' ', '_')}.txt"
        path.write_text(transcript(n), encoding="utf-8")
        paths.append(path)
    return paths
