"""Fleet-wide provider limits in Redis: concurrency slots (a zset of holders with expiry) and
the LLM_RPM pacing (a GCRA "theoretical arrival time"). Times come from Redis's own clock, so
processes on different hosts agree. The policy around these calls is engine/limits.py.
"""
from __future__ import annotations

from batch_core.store.client import get_client
from batch_core.store.common import storage
from batch_core.store.keys import LLM_RPM_KEY, LLM_SLOTS_KEY

# Frees expired holders, then takes a slot if one is free. Returns 1 if taken, else 0.
# KEYS: holders zset. ARGV: limit, token, ttl_ms
ACQUIRE_LUA = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], now_ms + tonumber(ARGV[3]), ARGV[2])
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
    return 1
end
return 0
"""

# Extends the expiry of holders that still exist (an expired one has lost its slot).
# KEYS: holders zset. ARGV: ttl_ms, token...
RENEW_LUA = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do
    redis.call('ZADD', KEYS[1], 'XX', now_ms + tonumber(ARGV[1]), ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1
"""

# GCRA reservation: returns {send_at_ms, delay_ms}; the caller may send after delay_ms.
# KEYS: theoretical arrival time key. ARGV: interval_ms
RESERVE_LUA = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now_ms then tat = now_ms end
redis.call('SET', KEYS[1], tat + interval, 'PX', tat + interval - now_ms + 60000)
return {tat, tat - now_ms}
"""



@storage
def acquire_slot(limit: int, token: str, ttl_ms: int) -> bool:
    return bool(get_client().eval(ACQUIRE_LUA, 1, LLM_SLOTS_KEY, limit, token, ttl_ms))


@storage
def renew_slots(tokens: list[str], ttl_ms: int) -> None:
    get_client().eval(RENEW_LUA, 1, LLM_SLOTS_KEY, ttl_ms, *tokens)


@storage
def release_slot(token: str) -> None:
    get_client().zrem(LLM_SLOTS_KEY, token)


@storage
def reserve_send_time(interval_ms: int) -> tuple[int, float]:
    """(send_at_ms on Redis's clock, seconds to wait from now) for one request."""
    send_at_ms, delay_ms = get_client().eval(RESERVE_LUA, 1, LLM_RPM_KEY, interval_ms)
    return int(send_at_ms), max(0.0, int(delay_ms) / 1000.0)


@storage
def slots_in_use() -> int:
    client = get_client()
    now_s, now_us = client.time()
    return int(client.zcount(LLM_SLOTS_KEY, f"({now_s * 1000 + now_us // 1000}", "+inf"))
