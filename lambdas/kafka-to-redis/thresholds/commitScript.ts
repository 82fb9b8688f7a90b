/**
 * The one Lua script that stores a threshold evaluation atomically: it checks the partition's watermark
 * (Kafka path) and each key's stored state (what the evaluation started from) are unchanged, then writes
 * the new states, the current alert set, the last-reading times, the alerts into the outbox, and the new
 * watermark. Anything moved: nothing is written and the caller evaluates again from what is stored now.
 * Given the sweep's outbox too (the Kafka path), it answers how many alerts wait there, so the flush reads
 * it only when some do.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redisConnection';
import type { ThresholdKeys } from './constants';

const SCRIPT = `
local wmField = ARGV[1]
if wmField ~= '' then
  local current = redis.call('HGET', KEYS[5], wmField) or '-1'
  if current ~= ARGV[2] then return {'moved', current} end
end
local n = tonumber(ARGV[4])
local i = 5
for k = 1, n do
  local stored = redis.call('HGET', KEYS[1], ARGV[i]) or ''
  if stored ~= ARGV[i + 1] then return {'moved', ARGV[i]} end
  i = i + 5
end
i = 5
for k = 1, n do
  local key = ARGV[i]
  redis.call('HSET', KEYS[1], key, ARGV[i + 2])
  redis.call('ZADD', KEYS[3], ARGV[i + 3], key)
  if ARGV[i + 4] == '' then redis.call('HDEL', KEYS[2], key) else redis.call('HSET', KEYS[2], key, ARGV[i + 4]) end
  i = i + 5
end
local alerts = tonumber(ARGV[i])
i = i + 1
for a = 1, alerts do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  i = i + 2
end
if wmField ~= '' then redis.call('HSET', KEYS[5], wmField, ARGV[3]) end
if #KEYS >= 6 then return {'ok', redis.call('HLEN', KEYS[6])} end
return {'ok'}
`;

const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export interface KeyCommit {
  readonly key: string;
  /** The stored state JSON the evaluation started from ('' when the key had none). */
  readonly before: string;
  readonly after: string;
  readonly lastAt: number;
  /** The key's current alert JSON ('' when the key is ok). */
  readonly alert: string;
}

export interface CommitInput {
  /** `<group>:<topic>:<partition>` on the Kafka path; absent for the sweep. */
  readonly watermark?: { readonly field: string; readonly expected: number; readonly next: number };
  readonly keys: readonly KeyCommit[];
  readonly outbox: readonly { readonly id: string; readonly json: string }[];
}

export type CommitResult =
  | {
      readonly status: 'ok';
      /** Alerts waiting in the sweep's outbox after the commit, when it was given. */
      readonly sweepWaiting?: number;
    }
  | { readonly status: 'moved' };

/**
 * Runs the commit script (EVALSHA, loading it on NOSCRIPT).
 *
 * @example
 * ```ts
 * await commitThresholds(redis, thresholdKeys('temp'), { watermark, keys: [...], outbox: [...] }); // { status: 'ok' }
 * ```
 */
export async function commitThresholds(
  redis: RedisClient,
  /**
   * The mapping's keys, `outbox` the one this commit writes to (a partition's, or the sweep's), and
   * `sweepOutbox` the sweep's when the reply should say how many alerts wait there.
   */
  keys: Omit<ThresholdKeys, 'outbox' | 'partitionOutbox'> & {
    readonly outbox: string;
    readonly sweepOutbox?: string;
  },
  input: CommitInput,
): Promise<CommitResult> {
  const argv: string[] = [
    input.watermark?.field ?? '',
    String(input.watermark?.expected ?? -1),
    String(input.watermark?.next ?? -1),
    String(input.keys.length),
  ];
  for (const key of input.keys) argv.push(key.key, key.before, key.after, String(key.lastAt), key.alert);
  argv.push(String(input.outbox.length));
  for (const entry of input.outbox) argv.push(entry.id, entry.json);
  const keyList = [keys.state, keys.alerts, keys.lastSeen, keys.outbox, keys.watermarks];
  if (keys.sweepOutbox !== undefined) keyList.push(keys.sweepOutbox);
  const tail = [String(keyList.length), ...keyList, ...argv];
  let reply: unknown;
  try {
    reply = await redis.call('EVALSHA', [SCRIPT_SHA, ...tail]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    reply = await redis.call('EVAL', [SCRIPT, ...tail]);
  }
  if (!Array.isArray(reply) || reply[0] !== 'ok') return { status: 'moved' };
  return reply.length > 1 ? { status: 'ok', sweepWaiting: Number(reply[1]) } : { status: 'ok' };
}
