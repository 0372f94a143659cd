"""How many tokens a request may hold: a conservative token estimate and the context budget.

No tokenizer is bundled (tiktoken downloads its encodings at first use), so tokens are counted
the way BPE tokenizers split text: a common word is one token, a long or non-ASCII word one per
few letters, digits in groups of three, each punctuation mark one. On English speech this lands
close to the providers' own counts; `SAFETY` adds a margin on top. When the estimate is still too
low for a server, its "maximum context length" answer lowers the budget (pipeline/extract.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from batch_core.config import Settings

_PIECES = re.compile(r"\d+|[^\W\d_]+|[^\w\s]+", re.UNICODE)
SAFETY = 1.05
MESSAGE_OVERHEAD = 12  # role markers and separators per request

# model name prefix -> context window in tokens; the longest matching prefix wins.
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-4o": 128_000, "gpt-4.1": 1_047_576, "gpt-5": 400_000, "o3": 200_000, "o4-mini": 200_000,
    "claude-": 200_000,
}
UNKNOWN_MODEL_CONTEXT = 8_192  # self-hosted servers (Ollama, vLLM, llama.cpp) often serve 4k-32k
MIN_CHUNK_TOKENS = 256


def estimate_tokens(text: str) -> int:
    """Tokens a provider will count for `text`, rounded up (an over-estimate by design)."""
    count = 0
    for piece in _PIECES.findall(text):
        if piece.isdigit():
            count += math.ceil(len(piece) / 3)
        elif piece.isalpha():
            per = 9 if piece.isascii() else 4
            count += 1 + (len(piece) - 1) // per
        else:  # each mark counted alone; tokenizers often merge '{"' or '":' (over-estimate)
            count += len(piece)
    return math.ceil(count * SAFETY)


def context_window(model: str, configured: int = 0) -> tuple[int, str]:
    """(tokens, where the number comes from) for `model`; LLM_CONTEXT_TOKENS wins when set."""
    if configured > 0:
        return configured, "LLM_CONTEXT_TOKENS"
    matches = [name for name in CONTEXT_WINDOWS if model.startswith(name)]
    if matches:
        return CONTEXT_WINDOWS[max(matches, key=len)], f"default for {model}"
    return UNKNOWN_MODEL_CONTEXT, f"default for a model we do not know ({model}); set LLM_CONTEXT_TOKENS"


@dataclass(frozen=True)
class Budget:
    context: int        # the whole window: prompt + transcript part + answer
    output: int         # reserved for the answer (sent as max_tokens)
    source: str = ""

    @property
    def input(self) -> int:
        return self.context - self.output

    def transcript_room(self, fixed_prompt_tokens: int) -> int:
        """Tokens one transcript part may take next to the fixed prompt."""
        return max(MIN_CHUNK_TOKENS, self.input - fixed_prompt_tokens - MESSAGE_OVERHEAD)

    def lowered_to(self, context: int) -> "Budget":
        return Budget(context=context, output=answer_reserve(self.output, context),
                      source=f"learned from the provider ({context} tokens)")


def answer_reserve(wanted: int, context: int) -> int:
    """Tokens kept for the answer: at most a quarter of the window, so a small one keeps room for text."""
    return min(wanted, max(256, context // 4))


def budget_for(config: Settings, model: str, learned: int | None = None) -> Budget:
    context, source = context_window(model, config.llm_context_tokens)
    budget = Budget(context=context, output=answer_reserve(config.llm_output_tokens, context), source=source)
    if learned is not None and learned < context:
        budget = budget.lowered_to(learned)
    return budget
