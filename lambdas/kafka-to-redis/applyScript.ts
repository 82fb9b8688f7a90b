/**
 * The one Lua script every write of the Redis sink goes through: it checks the group's offset watermark,
 * runs the chunk's commands and advances the watermark atomically, records refused commands in the
 * refusals outbox, and keeps the owed ledger (offsets below the watermark not applied; a replay call claims
 * them). Its arguments and replies, and why: docs/handlers.md, "Redis sink" and "Replay and the owed ledger".
 */
import { createHash } from 'node:crypto';
import { REDIS_SINK_DEFAULTS } from './constants';
import { OWED_LEDGER_LUA } from './owedLedger';
import type { RedisClient } from './redisConnection';
import type { PlannedCommand } from './types';

export const APPLY_SCRIPT = `${OWED_LEDGER_LUA}
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return false
end
local function refused(reply)
  return type(reply) == 'table' and reply.err
end

local claims = {}
for c in string.gmatch(ARGV[6], '%d+') do claims[#claims + 1] = tonumber(c) end
local wm = redis.call('GET', KEYS[1])
if #claims > 0 then
  -- A replay call: it carries only records the ledger owes; one already taken means another replay won.
  local unowed = {}
  for _, c in ipairs(claims) do
    if not owedRange(KEYS[3], c) then unowed[#unowed + 1] = string.format('%d', c) end
  end
  if #unowed > 0 then
    table.insert(unowed, 1, wm or '-1')
    table.insert(unowed, 1, 'unowed')
    return unowed
  end
elseif wm then
  local at = tonumber(wm)
  local status
  if at >= tonumber(ARGV[2]) then status = 'dup' elseif at >= tonumber(ARGV[1]) then status = 'behind' end
  if status then
    local reply = redis.call('HGETALL', KEYS[2])
    table.insert(reply, 1, wm)
    table.insert(reply, 1, status)
    return reply
  end
end

local tombstoneTtl = ARGV[3]
local refusals = 0
local result = {'ok', (#claims > 0 and wm) or ARGV[2], '0'}
local stale = 0
local index = 0
local i = 7
local n = #ARGV
while i <= n do
  local name = ARGV[i]
  local key = KEYS[tonumber(ARGV[i + 1])]
  local argc = tonumber(ARGV[i + 2])
  local a = i + 3
  local reply
  if name == 'SB.VSET' or name == 'SB.VHSET' or name == 'SB.VDEL' then
    local vkey = KEYS[tonumber(ARGV[a])]
    local version = ARGV[a + 1]
    local current = redis.pcall('GET', vkey)
    if refused(current) then
      reply = current
    elseif name == 'SB.VDEL' then
      local mode = ARGV[a + 2]
      local wins = not current or mode == '0' or newer(version, current) or (mode == '2' and version == current)
      if wins then
        reply = redis.pcall('DEL', key)
        local marker = version
        if current and (marker == '' or newer(current, marker)) then marker = current end
        if marker ~= '' then redis.call('SET', vkey, marker, 'EX', tombstoneTtl) end
      else
        stale = stale + 1
      end
    elseif current and not newer(version, current) then
      stale = stale + 1
    else
      local ttl = ARGV[a + 2]
      if name == 'SB.VSET' then
        reply = redis.pcall('SET', key, ARGV[a + 3])
      else
        redis.call('DEL', key)
        local s = a + 3
        local e = a + argc - 1
        while s <= e and not refused(reply) do
          local last = math.min(e, s + 999)
          reply = redis.pcall('HSET', key, unpack(ARGV, s, last))
          s = last + 1
        end
      end
      if ttl ~= '0' then
        redis.call('EXPIRE', key, ttl)
        redis.call('SET', vkey, version, 'EX', ttl)
      else
        redis.call('SET', vkey, version)
      end
    end
  elseif name == 'SB.XADD1' then
    local skey = KEYS[tonumber(ARGV[a])]
    local id = ARGV[a + 1]
    local cap = tonumber(ARGV[a + 2])
    local seen = redis.pcall('ZSCORE', skey, id)
    if refused(seen) then
      reply = seen
    elseif seen then
      stale = stale + 1
    else
      reply = redis.pcall('XADD', key, 'MAXLEN', '~', cap, '*', unpack(ARGV, a + 3, a + argc - 1))
      if not refused(reply) then
        redis.call('ZADD', skey, tonumber(string.match(reply, '^%d+')), id)
        redis.call('ZREMRANGEBYRANK', skey, 0, -(2 * cap + 1))
      end
    end
  else
    reply = redis.pcall(name, key, unpack(ARGV, a, a + argc - 1))
  end
  if refused(reply) then
    -- Out of memory is refused only while the script has written nothing: give up whole, retry later.
    if string.sub(reply.err, 1, 3) == 'OOM' then return redis.error_reply(reply.err) end
    result[#result + 1] = tostring(index)
    result[#result + 1] = reply.err
    -- The outbox write can be the script's first (a refused command writes nothing): an OOM on it means
    -- nothing was written, so the call fails whole like any other OOM.
    local recorded = redis.pcall('HSET', KEYS[2], ARGV[1] .. '-' .. ARGV[2] .. ':' .. index, name .. '\\n' .. string.gsub(reply.err, '\\n', ' ') .. '\\n' .. key)
    if refused(recorded) then return redis.error_reply(recorded.err) end
    refusals = refusals + 1
  end
  index = index + 1
  i = a + argc
end
if #claims > 0 then
  for _, c in ipairs(claims) do owedTake(KEYS[3], c) end
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ${REDIS_SINK_DEFAULTS.watermarkTtlSeconds})
  -- What the watermark now passes without having applied it: the offsets between the old watermark and
  -- the batch's first (a batch that went to the failure-record bucket), and the batch's poison.
  local at = wm and tonumber(wm)
  local owes = false
  if at and ARGV[4] ~= '' and tonumber(ARGV[4]) > at + 1 then
    owedAdd(KEYS[3], at + 1, tonumber(ARGV[4]) - 1)
    owes = true
  end
  for p in string.gmatch(ARGV[5], '%d+') do
    p = tonumber(p)
    if (not at or p > at) and p <= tonumber(ARGV[2]) then
      owedAdd(KEYS[3], p, p)
      owes = true
    end
  end
  if owes then owedBound(KEYS[3]) end
end
if refusals > 0 then redis.call('EXPIRE', KEYS[2], ${REDIS_SINK_DEFAULTS.watermarkTtlSeconds}) end
result[3] = tostring(stale)
return result
`;

export const APPLY_SCRIPT_SHA = createHash('sha1').update(APPLY_SCRIPT).digest('hex');

export interface ScriptCall {
  readonly keys: readonly string[];
  readonly argv: readonly string[];
  readonly commands: number;
}

export interface ScriptCallInput {
  readonly watermarkKey: string;
  /** The refusals outbox of the watermark (same hash slot). */
  readonly refusalsKey: string;
  /** The owed ledger of the watermark (same hash slot). */
  readonly owedKey: string;
  /**
   * First offset of the partition batch: a watermark below `batchFirstOffset - 1` means the offsets between
   * were never applied here (they went to the failure-record bucket), so they become owed.
   */
  readonly batchFirstOffset?: number;
  /** Offsets of the batch the sink does not apply (poison): owed once the watermark passes them. */
  readonly owedOffsets?: readonly number[];
  /**
   * A replay call: the owed offsets its commands apply (all at or below the watermark). The call applies
   * only if every one is still owed, takes them from the ledger, and leaves the watermark as it is.
   */
  readonly claims?: readonly number[];
  /** Lowest offset among the events of this call (a watermark at or above it means replan). */
  readonly firstOffset: number;
  /** The watermark after this call. */
  readonly lastOffset: number;
  readonly commands: readonly PlannedCommand[];
  readonly tombstoneTtlSeconds: number;
}

/** Encodes a call: every key once in KEYS, commands referring to them by index. */
export function encodeScriptCall(input: ScriptCallInput): ScriptCall {
  const keys: string[] = [input.watermarkKey, input.refusalsKey, input.owedKey];
  const indexes = new Map<string, number>();
  const indexOf = (key: string): string => {
    let index = indexes.get(key);
    if (index === undefined) {
      keys.push(key);
      index = keys.length;
      indexes.set(key, index);
    }
    return String(index);
  };
  const argv: string[] = [
    String(input.firstOffset),
    String(input.lastOffset),
    String(input.tombstoneTtlSeconds),
    input.batchFirstOffset === undefined ? '' : String(input.batchFirstOffset),
    (input.owedOffsets ?? []).join(','),
    (input.claims ?? []).join(','),
  ];
  for (const command of input.commands) {
    const keyIndex = indexOf(command.key);
    if (command.versionKey === undefined) {
      argv.push(command.name, keyIndex, String(command.args.length));
    } else {
      argv.push(command.name, keyIndex, String(command.args.length + 1), indexOf(command.versionKey));
    }
    for (const arg of command.args) argv.push(arg);
  }
  return { keys, argv, commands: input.commands.length };
}

/** A refused command recorded in the refusals outbox by an applied call. */
export interface RecordedRefusal {
  /** The hash field (deleted once its records are dead-lettered). */
  readonly field: string;
  /** The offsets of the call that applied it. */
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The command's position in that call. */
  readonly index: number;
  readonly command: string;
  readonly key: string;
  readonly error: string;
}

/** The refusals field of a call's command. */
export function refusalField(firstOffset: number, lastOffset: number, index: number): string {
  return `${firstOffset}-${lastOffset}:${index}`;
}

const REFUSAL_FIELD = /^(\d+)-(\d+):(\d+)$/;

function parseRefusal(field: string, entry: string): RecordedRefusal | undefined {
  const range = REFUSAL_FIELD.exec(field);
  const commandEnd = entry.indexOf('\n');
  const errorEnd = entry.indexOf('\n', commandEnd + 1);
  if (!range || commandEnd < 0 || errorEnd < 0) return undefined;
  return {
    field,
    firstOffset: Number(range[1]),
    lastOffset: Number(range[2]),
    index: Number(range[3]),
    command: entry.slice(0, commandEnd),
    key: entry.slice(errorEnd + 1),
    error: entry.slice(commandEnd + 1, errorEnd),
  };
}

export type ScriptReply =
  | {
      /** A replay call some of whose claims are no longer owed (another replay applied them): nothing ran. */
      readonly status: 'unowed';
      readonly watermark: number;
      readonly offsets: readonly number[];
    }
  | {
      readonly status: 'dup' | 'behind';
      readonly watermark: number;
      /** The refusals of applied calls whose records have not been dead-lettered yet. */
      readonly refusals: readonly RecordedRefusal[];
    }
  | {
      readonly status: 'ok';
      readonly watermark: number;
      readonly stale: number;
      readonly refused: readonly { readonly index: number; readonly error: string }[];
    };

/** Parses the script's reply; throws when it is not one (a script of another version answered). */
export function parseScriptReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') {
    throw new Error(`unexpected apply script reply: ${JSON.stringify(reply)}`);
  }
  const [status, watermark] = reply as string[];
  if (status === 'unowed') {
    return { status, watermark: Number(watermark), offsets: reply.slice(2).map(Number) };
  }
  if (status === 'dup' || status === 'behind') {
    const refusals: RecordedRefusal[] = [];
    for (let i = 2; i + 1 < reply.length; i += 2) {
      const refusal = parseRefusal(String(reply[i]), String(reply[i + 1]));
      if (refusal) refusals.push(refusal);
    }
    return { status, watermark: Number(watermark), refusals };
  }
  if (status !== 'ok') throw new Error(`unexpected apply script status: ${status}`);
  const refused: { index: number; error: string }[] = [];
  for (let i = 3; i < reply.length; i += 2) {
    refused.push({ index: Number(reply[i]), error: String(reply[i + 1]) });
  }
  return { status, watermark: Number(watermark), stale: Number(reply[2]), refused };
}

/**
 * Runs a call with EVALSHA, loading the script with EVAL when the server does not have it yet (a new
 * node, a restart, SCRIPT FLUSH). A NOSCRIPT answer means nothing ran, so the retry is safe.
 *
 * @example
 * ```ts
 * const call = encodeScriptCall({ watermarkKey, refusalsKey, firstOffset: 10, lastOffset: 19, commands, tombstoneTtlSeconds });
 * const reply = parseScriptReply(await runApplyScript(redis, call)); // { status: 'ok' | 'dup' | 'behind', ... }
 * ```
 */
export async function runApplyScript(redis: RedisClient, call: ScriptCall): Promise<unknown> {
  const tail = [String(call.keys.length), ...call.keys, ...call.argv];
  try {
    return await redis.call('EVALSHA', [APPLY_SCRIPT_SHA, ...tail]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.call('EVAL', [APPLY_SCRIPT, ...tail]);
  }
}
