"""The engine's warm-up loads the provider's SDK first and leaves py3langid's model to the first
meeting that needs it (engine/warming.py), in a new process as the CLI would be."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from batch_core.engine.warming import wait_for_provider
ready = wait_for_provider(120)
from batch_core.models import Turn
from batch_core.pipeline import language
english = language.detect_language([Turn(speaker="A", text=sys.argv[1])])
after_english = language._identifier is not None
norwegian = language.detect_language([Turn(speaker="B", text=sys.argv[2])])
print(json.dumps({"ready": ready, "sdk": "openai" in sys.modules, "english": english,
                  "model_after_english": after_english, "norwegian": norwegian,
                  "model_after_norwegian": language._identifier is not None}))
"""
ENGLISH = " ".join(["We agreed that the team will ship the release next week and that is the plan for it."] * 8)
NORWEGIAN = " ".join(["Vi ble enige om at teamet skal levere versjonen neste uke, og det er planen vår."] * 8)


def test_the_sdk_loads_first_and_the_language_model_only_when_a_meeting_needs_it(llm_server):
    env = {**os.environ, **llm_server.env("openai")}
    run = subprocess.run([sys.executable, "-c", PROBE, ENGLISH, NORWEGIAN], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["ready"] and seen["sdk"]
    assert (seen["english"], seen["model_after_english"]) == ("en", False)
    assert (seen["norwegian"], seen["model_after_norwegian"]) == ("no", True)
    assert llm_server.request_count == 0  # warming up calls nobody
