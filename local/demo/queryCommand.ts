/**
 * `streambridge local query <what> …`: prints, as JSON, what a dashboard would read from Redis (the reader
 * endpoint: `--reader URL` or `REDIS_READER_URL`, else `REDIS_URL`) and DynamoDB for the reference pipeline.
 *
 * @example
 * ```sh
 * streambridge local query counter home-ab12cd
 * streambridge local query series dev-ab12cd-03 --from 2026-11-26T09:00:00Z --to 2026-11-26T10:00:00Z
 * streambridge local query order ab12cd-o7 --as-of 2026-11-26T09:00:00Z --history
 * ```
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import config from '../../streambridge.config';
import { awsClientOptions, localEndpoints } from '../deploy/localEndpoints';
import { demoPipeline } from './demoPipeline';
import { DemoArgumentError } from './errors';
import { parseAsOf } from './parseAsOf';
import { QueryReads } from './queryReads';

export const queryHelp = `usage: streambridge local query <what> [id] [options]
  session <sessionId>              the session hash and its TTL            (Redis)
  counter <page> [--at T]          the page's hourly view counter          (Redis) + hourly view item (DynamoDB)
  leaderboard [--at T] [--top N]   the day's top products by quantity      (Redis)
  unique <page> [--at T]           the day's unique visitors (HyperLogLog) (Redis)
  series <deviceId> [--from T] [--to T]  a device's readings in a time range (DynamoDB; default: last hour)
  order <orderId> [--as-of A] [--history]
                                   the order's event-sourced state         (DynamoDB); as of a version or a
                                   time, and its changes with who and what made them (the history table)
  product <productId>              the cached product and its CDC replica  (Redis + DynamoDB)
options:
  --at, --from, --to T   ISO-8601 time or epoch milliseconds (default: now)
  --top N                entries of the leaderboard (default 10)
  --as-of A              a version (v3, or an integer below 10^9), epoch s or ms, or an ISO-8601 time
  --history              every version of the order, oldest first
  --reader URL           Redis reader endpoint (default REDIS_READER_URL, else REDIS_URL)
The demo summary prints example ids of its run (they carry the run tag).`;

const WHATS = ['session', 'counter', 'leaderboard', 'unique', 'series', 'order', 'product'] as const;
const NEEDS_ID = new Set(['session', 'counter', 'unique', 'series', 'order', 'product']);

function time(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value))
    throw new DemoArgumentError(`--${flag} takes an ISO-8601 time or epoch ms (got "${text}")`);
  return value;
}

/** Runs one query and prints its JSON; returns the exit code. */
export async function runQuery(
  args: readonly string[],
  out: (text: string) => void = console.log,
): Promise<number> {
  let parsed: ReturnType<typeof parseQueryArgs>;
  try {
    parsed = parseQueryArgs(args);
  } catch (error) {
    throw new DemoArgumentError(`${(error as Error).message}\n${queryHelp}`);
  }
  const { values, positionals } = parsed;
  const [what, id, ...extra] = positionals;
  if (values.help || !what) {
    out(queryHelp);
    return what || values.help ? 0 : 2;
  }
  if (!(WHATS as readonly string[]).includes(what))
    throw new DemoArgumentError(`unknown query "${what}" (one of ${WHATS.join(', ')})\n${queryHelp}`);
  if (NEEDS_ID.has(what) && !id)
    throw new DemoArgumentError(
      `query ${what} needs an id: ${queryHelp
        .split('\n')
        .find((l) => l.trim().startsWith(what))
        ?.trim()}`,
    );
  if (extra.length > 0 || (!NEEDS_ID.has(what) && id))
    throw new DemoArgumentError(
      `unexpected arguments: ${[...(NEEDS_ID.has(what) ? [] : [id]), ...extra].join(' ')}`,
    );
  const now = Date.now();
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1)
    throw new DemoArgumentError(`--top takes a positive integer (got "${values.top}")`);

  const endpoints = localEndpoints();
  const readerUrl = values.reader ?? process.env.REDIS_READER_URL ?? endpoints.redisUrl;
  const redis = new Redis(readerUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const dynamodb = new DynamoDBClient(awsClientOptions(endpoints, 'dynamodb'));
  try {
    if (what !== 'series' && what !== 'order') await redis.connect();
    const reads = new QueryReads({ pipeline: demoPipeline(config), redis, dynamodb });
    const at = time('at', values.at, now);
    const subject = id as string;
    const queries: Record<(typeof WHATS)[number], () => Promise<unknown>> = {
      session: () => reads.session(subject),
      counter: () => reads.counter(subject, at),
      leaderboard: () => reads.leaderboard(at, top),
      unique: () => reads.unique(subject, at),
      series: () =>
        reads.series(subject, time('from', values.from, now - 3_600_000), time('to', values.to, now)),
      order: () =>
        reads.order(subject, {
          ...(values['as-of'] !== undefined ? { asOf: parseAsOf(values['as-of']) } : {}),
          history: values.history ?? false,
        }),
      product: () => reads.product(subject),
    };
    const result = await queries[what as (typeof WHATS)[number]]();
    out(JSON.stringify(result, null, 2));
    return 0;
  } finally {
    redis.disconnect();
    dynamodb.destroy();
  }
}

function parseQueryArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      at: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      top: { type: 'string' },
      reader: { type: 'string' },
      'as-of': { type: 'string' },
      history: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
