import { defineRedisScript } from './redis-script.js';

/**
 * The Lua scripts behind `createRedisBudgetCounterStore`, one per method, each atomic on the
 * server. Every script gets KEYS[1] = the reservations index (request id by expiry) and KEYS[2] =
 * the buckets index (bucket by retainUntil), ARGV[1] = the prefix for keys built inside.
 *
 * Layout under the prefix: `bucket:<member>` hash {spent, reserved}; `request:<id>` hash {state,
 * until, b:<member> = amount held}; `claim:<key>` string. Amounts travel as decimal integer
 * strings and change only through HINCRBY, so they stay exact; sums compared against a limit are
 * Lua doubles, exact to 2^53. Expiry follows the caller's clock (`now`): the indexes are swept,
 * at most `sweepLimit` entries each per call, before anything else. Redis TTLs are only a
 * backstop, set relative to `now` so the two clocks never need to agree.
 */
const common = `
local prefix = ARGV[1]
local reservationsKey = KEYS[1]
local bucketsKey = KEYS[2]
local sweepLimit = 100

local function negate(amount)
  if string.sub(amount, 1, 1) == '-' then return string.sub(amount, 2) end
  return '-' .. amount
end

local function extendExpiry(key, ms)
  if redis.call('PTTL', key) < tonumber(ms) then redis.call('PEXPIRE', key, ms) end
end

local function unreserve(requestKey)
  local fields = redis.call('HGETALL', requestKey)
  for index = 1, #fields, 2 do
    local field = fields[index]
    local amount = fields[index + 1]
    if string.sub(field, 1, 2) == 'b:' and amount ~= '0' then
      local bucketKey = prefix .. 'bucket:' .. string.sub(field, 3)
      if redis.call('EXISTS', bucketKey) == 1 then redis.call('HINCRBY', bucketKey, 'reserved', negate(amount)) end
    end
  end
end

local function dropReservation(requestId, requestKey)
  unreserve(requestKey)
  redis.call('DEL', requestKey)
  redis.call('ZREM', reservationsKey, requestId)
end

local function sweep(now)
  local more = 0
  local lapsed = redis.call('ZRANGEBYSCORE', reservationsKey, '-inf', now, 'LIMIT', 0, sweepLimit)
  for _, requestId in ipairs(lapsed) do
    local requestKey = prefix .. 'request:' .. requestId
    if redis.call('HGET', requestKey, 'state') == 'reserved' then
      unreserve(requestKey)
      redis.call('DEL', requestKey)
    end
    redis.call('ZREM', reservationsKey, requestId)
  end
  if #lapsed == sweepLimit then more = 1 end
  local stale = redis.call('ZRANGEBYSCORE', bucketsKey, '-inf', now, 'LIMIT', 0, sweepLimit)
  for _, member in ipairs(stale) do
    redis.call('DEL', prefix .. 'bucket:' .. member)
    redis.call('ZREM', bucketsKey, member)
  end
  if #stale == sweepLimit then more = 1 end
  return more
end

-- Adds ARGV[first ..] as (member, amount, retainUntil, bucketExpiryMs) quadruples to field on each bucket.
local function addToBuckets(first, count, field, requestKey)
  for index = 0, count - 1 do
    local at = first + 4 * index
    local member = ARGV[at]
    local bucketKey = prefix .. 'bucket:' .. member
    redis.call('HINCRBY', bucketKey, field, ARGV[at + 1])
    redis.call('ZADD', bucketsKey, 'GT', ARGV[at + 2], member)
    extendExpiry(bucketKey, ARGV[at + 3])
    extendExpiry(bucketsKey, ARGV[at + 3])
    if requestKey then redis.call('HINCRBY', requestKey, 'b:' .. member, ARGV[at + 1]) end
  end
end
`;

/**
 * ARGV: prefix, requestId, now, expiresAt, requestExpiryMs, amountCount, amounts…, limitCount,
 * then per limit: limit, requested, windowCount, members….
 * Returns {1, replayed} when reserved, {0, failing limit's 1-based index, its used total} when not.
 */
const reserve = `${common}
local requestId = ARGV[2]
local now = ARGV[3]
sweep(now)
local requestKey = prefix .. 'request:' .. requestId
local state = redis.call('HGET', requestKey, 'state')
if state then
  if tonumber(redis.call('HGET', requestKey, 'until')) > tonumber(now) then return {1, 1} end
  if state == 'reserved' then dropReservation(requestId, requestKey) else redis.call('DEL', requestKey) end
end
local amountCount = tonumber(ARGV[6])
local cursor = 7 + 4 * amountCount
local limitCount = tonumber(ARGV[cursor])
cursor = cursor + 1
for limitIndex = 1, limitCount do
  local limit = tonumber(ARGV[cursor])
  local requested = tonumber(ARGV[cursor + 1])
  local windowCount = tonumber(ARGV[cursor + 2])
  cursor = cursor + 3
  local used = 0
  for _ = 1, windowCount do
    local counters = redis.call('HMGET', prefix .. 'bucket:' .. ARGV[cursor], 'spent', 'reserved')
    used = used + (tonumber(counters[1]) or 0) + (tonumber(counters[2]) or 0)
    cursor = cursor + 1
  end
  if used + requested > limit then return {0, limitIndex, used} end
end
addToBuckets(7, amountCount, 'reserved', requestKey)
redis.call('HSET', requestKey, 'state', 'reserved', 'until', ARGV[4])
redis.call('PEXPIRE', requestKey, ARGV[5])
redis.call('ZADD', reservationsKey, ARGV[4], requestId)
extendExpiry(reservationsKey, ARGV[5])
return {1, 0}
`;

/**
 * ARGV: prefix, requestId, now, forgetAt, settledRetentionMs, amountCount, amounts….
 * Returns 1 settled, 2 already settled, 0 settled without a live reservation.
 */
const settle = `${common}
local requestId = ARGV[2]
local now = ARGV[3]
sweep(now)
local requestKey = prefix .. 'request:' .. requestId
local state = redis.call('HGET', requestKey, 'state')
local outcome = 0
if state then
  local live = tonumber(redis.call('HGET', requestKey, 'until')) > tonumber(now)
  if state == 'settled' then
    if live then return 2 end
    redis.call('DEL', requestKey)
  else
    if live then outcome = 1 end
    dropReservation(requestId, requestKey)
  end
end
addToBuckets(7, tonumber(ARGV[6]), 'spent', false)
redis.call('HSET', requestKey, 'state', 'settled', 'until', ARGV[4])
redis.call('PEXPIRE', requestKey, ARGV[5])
return outcome
`;

/** ARGV: prefix, requestId. Returns 1 when a reservation was dropped. */
const release = `${common}
local requestId = ARGV[2]
local requestKey = prefix .. 'request:' .. requestId
if redis.call('HGET', requestKey, 'state') ~= 'reserved' then return 0 end
dropReservation(requestId, requestKey)
return 1
`;

/** ARGV: prefix, now. Returns 1 when the sweep stopped at its limit and more may be due. */
const expire = `${common}
return sweep(ARGV[2])
`;

/** KEYS[1]: the claim. ARGV: now, retainUntil, expiryMs (0 when already past). Returns 1 for the first claim. */
const claimOnce = `
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[1]) then return 0 end
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('DEL', KEYS[1]) end
return 1
`;

export const budgetCounterScripts = Object.freeze({
  reserve: defineRedisScript(reserve),
  settle: defineRedisScript(settle),
  release: defineRedisScript(release),
  expire: defineRedisScript(expire),
  claimOnce: defineRedisScript(claimOnce),
});
