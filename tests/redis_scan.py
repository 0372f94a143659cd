"""Everything a Redis server holds, as one string to search for planted values."""
from __future__ import annotations

import json


def every_value(client) -> str:
    """All keys and the values of every type (decode_responses clients)."""
    parts = []
    for key in client.scan_iter("*"):
        parts.append(key)
        kind = client.type(key)
        if kind == "string":
            parts.append(client.get(key))
        elif kind == "hash":
            parts.extend(f"{k}={v}" for k, v in client.hgetall(key).items())
        elif kind == "set":
            parts.extend(client.smembers(key))
        elif kind == "zset":
            parts.extend(client.zrange(key, 0, -1))
        elif kind == "list":
            parts.extend(client.lrange(key, 0, -1))
        elif kind == "stream":
            parts.extend(json.dumps(entry) for entry in client.xrange(key))
    return "\n".join(str(p) for p in parts)
