import { defineRedisScript } from './redis-script.js';

/**
 * The Lua scripts behind `createRedisSharedRecordStore`. A record lives in a hash
 * `record:<key>` {version, data}; an index sorted set maps each key to when its record expires
 * (Redis time), so a poll can list every live record without SCAN.
 */
const serverTime = `
local function serverNowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

/**
 * Compare-and-set. KEYS: record, index. ARGV: key, expected version, data ('' to only compare),
 * ttlMs, channel, publish ('1' or '0'). Returns {1, version} when the version matched (and data
 * was written, under version + 1), else {0, current version, current data or nil}. A write
 * renews the record's TTL and is published as a JSON array [key, version, data].
 */
const compareAndSet = `${serverTime}
local stored = redis.call('HMGET', KEYS[1], 'version', 'data')
local version = tonumber(stored[1]) or 0
if version ~= tonumber(ARGV[2]) then return {0, version, stored[2]} end
if ARGV[3] == '' then return {1, version} end
version = version + 1
redis.call('HSET', KEYS[1], 'version', string.format('%d', version), 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], string.format('%d', serverNowMs() + tonumber(ARGV[4])), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if ARGV[6] == '1' then redis.call('PUBLISH', ARGV[5], cjson.encode({ARGV[1], version, ARGV[3]})) end
return {1, version}
`;

/** KEYS: index. ARGV: prefix for record keys. Returns key, version, data for every live record, flat. */
const readAll = `${serverTime}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', serverNowMs()))
local result = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local stored = redis.call('HMGET', ARGV[1] .. 'record:' .. key, 'version', 'data')
  if stored[1] and stored[2] then
    result[#result + 1] = key
    result[#result + 1] = stored[1]
    result[#result + 1] = stored[2]
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return result
`;

export const sharedRecordScripts = Object.freeze({
  compareAndSet: defineRedisScript(compareAndSet),
  readAll: defineRedisScript(readAll),
});
