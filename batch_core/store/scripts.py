"""Lua scripts that change a batch's rows and counters in one atomic step.

Every script gets KEYS = [batch hash, results hash, items hash, active-batches zset]; key names
live in store/keys.py. The active index holds exactly the batches still processing, so heartbeats
and resume scans read it instead of every batch ever kept.
A row's status and the batch's per-state counters always change together, and the batch is
finalised (status, finished_at, TTL on all three keys) by the same script that makes its last
meeting terminal, so no reader ever sees counts that disagree with the results list.
"""

_FINALIZE = """
local function finalize(now, ttl)
  local b = redis.call('HMGET', KEYS[1], 'status', 'queued', 'processing',
                       'cancel_requested', 'partial_reason')
  if b[1] ~= 'processing' then return end
  if tonumber(b[2] or '0') > 0 or tonumber(b[3] or '0') > 0 then return end
  local final = 'completed'
  if b[5] and b[5] ~= '' then final = 'partial'
  elseif b[4] == '1' then final = 'canceled' end
  redis.call('HSET', KEYS[1], 'status', final, 'finished_at', now)
  for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ttl) end
  redis.call('ZREM', KEYS[4], redis.call('HGET', KEYS[1], 'batch_id'))
end

local function allowed(status, csv)
  for s in string.gmatch(csv, '[^,]+') do
    if status == s then return true end
  end
  return false
end

local function apply(row, to, patch)
  for k, v in pairs(patch) do row[k] = v end
  if row.status ~= to then
    redis.call('HINCRBY', KEYS[1], row.status, -1)
    redis.call('HINCRBY', KEYS[1], to, 1)
    row.status = to
  end
end
"""

# ARGV: field, from_csv, to, patch_json, now, ttl, required_owner, add_attempts, drop_item
TRANSITION = _FINALIZE + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return false end
local row = cjson.decode(raw)
if not allowed(row.status, ARGV[2]) then return false end
if ARGV[7] ~= '' and row.owner ~= ARGV[7] then return false end
if ARGV[3] == 'processing' and row.status == 'queued' then
  -- a claim: never start meetings of a batch that is being canceled or is over
  local b = redis.call('HMGET', KEYS[1], 'status', 'cancel_requested')
  if b[1] ~= 'processing' or b[2] == '1' then return false end
end
apply(row, ARGV[3], cjson.decode(ARGV[4]))
local add = tonumber(ARGV[8]) or 0
if add ~= 0 then row.attempts = (tonumber(row.attempts) or 0) + add end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(row))
if ARGV[9] == '1' then redis.call('HDEL', KEYS[3], ARGV[1]) end
finalize(ARGV[5], tonumber(ARGV[6]))
return cjson.encode(row)
"""

# ARGV: from_csv, to, patch_json, now, ttl, mode (cancel|retry|partial|''), reason, drop_item
# Returns the result-hash fields that changed.
BULK = _FINALIZE + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local all = redis.call('HGETALL', KEYS[2])
local patch = cjson.decode(ARGV[3])
local changed = {}
for i = 1, #all, 2 do
  local row = cjson.decode(all[i + 1])
  if allowed(row.status, ARGV[1]) then
    apply(row, ARGV[2], patch)
    redis.call('HSET', KEYS[2], all[i], cjson.encode(row))
    if ARGV[8] == '1' then redis.call('HDEL', KEYS[3], all[i]) end
    table.insert(changed, all[i])
  end
end
local mode = ARGV[6]
local status = redis.call('HGET', KEYS[1], 'status')
if mode == 'cancel' and status == 'processing' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1')
elseif mode == 'partial' and status == 'processing' then
  redis.call('HSET', KEYS[1], 'partial_reason', ARGV[7])
elseif mode == 'retry' and #changed > 0 then
  -- the new owner is written with the move, and only when rows really moved
  if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'owner', ARGV[9], 'lease_until', ARGV[10]) end
  redis.call('HSET', KEYS[1], 'status', 'processing')
  redis.call('HDEL', KEYS[1], 'finished_at', 'cancel_requested', 'partial_reason')
  redis.call('ZADD', KEYS[4], ARGV[11], redis.call('HGET', KEYS[1], 'batch_id'))
  for i = 1, 3 do redis.call('PERSIST', KEYS[i]) end
end
finalize(ARGV[4], tonumber(ARGV[5]))
return changed
"""

# Take over a batch whose owner's lease ran out: its interrupted (processing) meetings go back
# to the queue (or are canceled, if a cancel was pending). Returns the previous owner.
# ARGV: new_owner, now_epoch, lease_until_epoch, now_iso, ttl
ADOPT = _FINALIZE + """
local b = redis.call('HMGET', KEYS[1], 'status', 'lease_until', 'owner', 'cancel_requested')
if b[1] ~= 'processing' then return false end
-- our own batches are running here; someone else's once its lease ran out, or at once when
-- ARGV[6] names that very owner as a process of this host that is gone
if b[3] == ARGV[1] then return false end
if tonumber(b[2] or '0') > tonumber(ARGV[2]) and (ARGV[6] == '' or b[3] ~= ARGV[6]) then
  return false
end
local target = 'queued'
if b[4] == '1' then target = 'canceled' end
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local row = cjson.decode(all[i + 1])
  if row.status == 'processing' or (target == 'canceled' and row.status == 'queued') then
    apply(row, target, {stage = cjson.null, owner = cjson.null})
    redis.call('HSET', KEYS[2], all[i], cjson.encode(row))
  end
end
local previous = b[3] or ''
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'lease_until', ARGV[3], 'resumed_by', ARGV[1],
           'resumed_at', ARGV[4], 'resumed_from', previous)
finalize(ARGV[4], tonumber(ARGV[5]))
return previous
"""

# Extend the lease if we still own the batch. ARGV: owner, lease_until_epoch
HEARTBEAT = """
local b = redis.call('HMGET', KEYS[1], 'status', 'owner')
if b[1] ~= 'processing' or b[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', ARGV[2])
return 1
"""


# KEYS: items; ARGV: field, value. Overwrite an input only while it is still stored (a meeting
# that was canceled or whose batch expired meanwhile must not get its input back).
REPLACE_ITEM = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
"""

# Adds one provider call's tokens to a batch's running totals, only while the batch exists (a
# late write must not recreate an expired hash without its TTL). Field names come from
# store/usage.py. ARGV: three (field, integer) pairs, then (field, float).
ADD_USAGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, 5, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBYFLOAT', KEYS[1], ARGV[7], ARGV[8])
return 1
"""
