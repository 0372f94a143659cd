"""Archive member names made safe to display. They are never used as filesystem paths."""
from __future__ import annotations

import unicodedata

UNNAMED = "(unnamed)"


def strip_controls(text: str) -> str:
    """Drop control and format characters (newlines, NUL, right-to-left overrides)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def sanitise_member_name(raw: str) -> str:
    """`../../etc/passwd` -> `etc/passwd`, `/abs/x.vtt` -> `abs/x.vtt`, `C:\\\\x.txt` -> `x.txt`."""
    parts: list[str] = []
    for part in strip_controls(raw).replace("\\", "/").split("/"):
        part = part.strip()
        if part in ("", ".", ".."):
            continue
        if not parts and len(part) == 2 and part[1] == ":" and part[0].isalpha():
            continue  # a Windows drive letter
        parts.append(part)
    return "/".join(parts) or UNNAMED


def leaf(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def is_junk(member_path: str) -> bool:
    """macOS resource forks, dotfiles and dot-folders: never transcripts."""
    parts = member_path.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)
