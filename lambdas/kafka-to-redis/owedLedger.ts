/**
 * The owed ledger in Lua, shared by the apply script and the re-owe script: a sorted set of `first-last`
 * offset ranges (scored by `first`) that a watermark passes without having applied them. Bounded by the
 * watermark's TTL and `maxOwedRanges` (oldest trimmed). Why: docs/handlers.md, "Replay and the owed ledger".
 */
import { REDIS_SINK_DEFAULTS } from './constants';

export const OWED_LEDGER_LUA = `
local function owedParse(member)
  local a, b = string.match(member, '^(%d+)-(%d+)$')
  return tonumber(a), tonumber(b)
end
local function owedRange(key, x)
  local r = redis.call('ZREVRANGEBYSCORE', key, x, '-inf', 'LIMIT', 0, 1)
  if #r == 0 then return nil end
  local a, b = owedParse(r[1])
  if not b or b < x then return nil end
  return r[1], a, b
end
local function owedAdd(key, a, b)
  local r = redis.call('ZREVRANGEBYSCORE', key, b, '-inf', 'LIMIT', 0, 1)
  if #r > 0 then
    local pa, pb = owedParse(r[1])
    if pa and pb >= a - 1 then
      if pa <= a and pb >= b then return end
      redis.call('ZREM', key, r[1])
      a = math.min(a, pa)
      b = math.max(b, pb)
    end
  end
  redis.call('ZADD', key, a, string.format('%d-%d', a, b))
end
local function owedTake(key, x)
  local member, a, b = owedRange(key, x)
  if not member then return false end
  redis.call('ZREM', key, member)
  if a < x then redis.call('ZADD', key, a, string.format('%d-%d', a, x - 1)) end
  if x < b then redis.call('ZADD', key, x + 1, string.format('%d-%d', x + 1, b)) end
  return true
end
local function owedBound(key)
  local n = redis.call('ZCARD', key)
  if n > ${REDIS_SINK_DEFAULTS.maxOwedRanges} then
    redis.call('ZREMRANGEBYRANK', key, 0, n - ${REDIS_SINK_DEFAULTS.maxOwedRanges} - 1)
  end
  redis.call('EXPIRE', key, ${REDIS_SINK_DEFAULTS.watermarkTtlSeconds})
end
`;

/**
 * Owes offsets below the watermark again and drops their refusals from the outbox, in one step: a refused
 * write's records, once dead-lettered (or failed again in a replay), stay replayable. KEYS: owed ledger,
 * refusals outbox; ARGV[1]: comma-separated offsets; ARGV[2..]: outbox fields to delete.
 */
export const OWE_SCRIPT = `${OWED_LEDGER_LUA}
for p in string.gmatch(ARGV[1], '%d+') do
  p = tonumber(p)
  owedAdd(KEYS[1], p, p)
end
owedBound(KEYS[1])
if #ARGV > 1 then redis.call('HDEL', KEYS[2], unpack(ARGV, 2)) end
return 1
`;
