"""What the fake provider sends over the wire, in the real APIs' shapes: its own token count,
chat.completion and message envelopes with their usage fields, and error bodies in each API's
wording (the context-exceeded 400s included). Used by tests/fakes/llm_server.py.
"""
from __future__ import annotations

import json
import re
from typing import Any

ANTHROPIC_MIN_CACHEABLE = 1024
# A cl100k-like count, written independently of the app's estimator: an ASCII word is one token
# (one more per 10 letters), digits go in threes, every other character is a token of its own.
_TOKEN = re.compile(r"[A-Za-z]+|\d{1,3}|[^\sA-Za-z\d]")


def count_tokens(text: str) -> int:
    """This server's token count (not the app's estimator)."""
    return sum(1 + len(piece) // 10 if piece.isalpha() else 1 for piece in _TOKEN.findall(text))


def prompt_tokens(body: Any) -> int:
    """Tokens of what a request sends: system prompt, messages, tools or response schema."""
    if not isinstance(body, dict):
        return 0
    parts: list[str] = []
    system = body.get("system")
    if isinstance(system, str):
        parts.append(system)
    elif isinstance(system, list):
        parts.extend(b.get("text", "") for b in system if isinstance(b, dict))
    for message in body.get("messages") or []:
        content = message.get("content")
        parts.append(content if isinstance(content, str) else json.dumps(content))
    for extra in ("tools", "response_format"):
        if body.get(extra):
            parts.append(json.dumps(body[extra]))
    return sum(count_tokens(p) for p in parts) + 4 * len(body.get("messages") or [])


def is_summary_request(request: Any) -> bool:
    return "from the summaries of its consecutive parts" in request.prompt


def error_body(status: int, anthropic: bool) -> dict:
    kind = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}.get(
        status, "api_error" if status >= 500 else "invalid_request_error")
    message = f"fake provider error {status}"
    if anthropic:
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": kind, "code": None}}


def openai_completion(request: Any, answer: Any, stop: str, cached: int = 0) -> dict:
    content = answer if isinstance(answer, str) else json.dumps(answer)
    model = (request.body or {}).get("model", "fake-model")
    output = count_tokens(content)
    return {"id": f"chatcmpl-fake-{int(request.received_at * 1e6)}", "object": "chat.completion",
            "created": int(request.received_at), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "logprobs": None, "finish_reason": stop}],
            "usage": {"prompt_tokens": request.prompt_tokens, "completion_tokens": output,
                      "total_tokens": request.prompt_tokens + output,
                      "prompt_tokens_details": {"cached_tokens": cached}}}


def anthropic_message(request: Any, answer: Any, stop: str, written: int, read: int) -> dict:
    body = request.body or {}
    tool = ((body.get("tool_choice") or {}).get("name")) or "record_meeting_insights"
    if isinstance(answer, str):  # text, not a tool call (a cut-off answer arrives like this too)
        content = [{"type": "text", "text": answer}]
        stop_reason = "max_tokens" if stop == "length" else "end_turn"
        output = count_tokens(answer)
    else:
        content = [{"type": "tool_use", "id": "toolu_fake", "name": tool, "input": answer}]
        stop_reason = "tool_use"
        output = count_tokens(json.dumps(answer))
    return {"id": f"msg_fake_{int(request.received_at * 1e6)}", "type": "message", "role": "assistant",
            "model": body.get("model", "fake-model"), "content": content, "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": max(0, request.prompt_tokens - written - read), "output_tokens": output,
                      "cache_creation_input_tokens": written, "cache_read_input_tokens": read}}


def context_error(anthropic: bool, prompt: int, output: int, limit: int, named: bool = True) -> dict:
    """The 400 body for a request over the window, worded as each provider words it."""
    if anthropic:
        message = (f"prompt is too long: {prompt} tokens > {limit} maximum" if prompt > limit else
                   f"input length and `max_tokens` exceed context limit: {prompt} + {output} > {limit}, "
                   "decrease input length or `max_tokens` and try again")
        if not named:
            message = "prompt is too long"
        return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
    message = (f"This model's maximum context length is {limit} tokens. However, you requested "
               f"{prompt + output} tokens ({prompt} in the messages, {output} in the completion). "
               "Please reduce the length of the messages or completion.")
    if not named:
        message = "the request exceeds the available context size, try increasing it"
    return {"error": {"message": message, "type": "invalid_request_error", "param": "messages",
                      "code": "context_length_exceeded"}}
