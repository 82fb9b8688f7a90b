/**
 * Flags of `streambridge local --demo` (and `npm start -- <flags>`), checked with errors that name the
 * flag and what it takes.
 *
 * @example
 * ```ts
 * parseDemoArgs(['--events', '10000', '--json']); // { events: 10000, json: true, rate: 200, ... }
 * ```
 */
import { parseArgs } from 'node:util';
import { DEMO_DEFAULTS } from './constants';
import { DemoArgumentError } from './errors';

export interface DemoFlags {
  readonly rate: number;
  readonly events?: number;
  readonly durationMs?: number;
  readonly seed: number;
  readonly poison: number;
  readonly json: boolean;
  readonly drainTimeoutMs: number;
  /** `--item-ttl`; unset: {@link demoItemTtlSeconds} picks one. */
  readonly itemTtlSeconds?: number;
  readonly synth: boolean;
  readonly services: boolean;
  readonly help: boolean;
}

export const demoHelp = `usage: streambridge local --demo [options]      (npm start -- [options])
  Starts the local servers, deploys the default app, runs it, and drives it with generated telemetry,
  sessions, clickstream, product updates and order events; shows live progress, then checks every
  effect in Redis and DynamoDB against an independent tally. Runs until Ctrl-C without --events/--duration.
options:
  --rate N            events per second (default ${DEMO_DEFAULTS.rate})
  --events N          stop after N events
  --duration S        stop after S seconds
  --seed N            seed of the workload generator (default: random, printed) for a reproducible run
  --poison N          mix in N bad records (undecodable clicks, schema-violating products) → dead letters
  --json              print the summary as one JSON object on stdout
  --drain-timeout S   how long to wait for the sinks to catch up after the last write (default ${DEMO_DEFAULTS.drainTimeoutMs / 1000})
  --item-ttl S        seconds the demo's readings and orders live before DynamoDB TTL deletes them (default
                      ${DEMO_DEFAULTS.itemTtlSeconds}, or longer for a run of known length so it verifies before they expire)
  --no-synth          deploy the cloud assembly already in cdk.out
  --no-services       do not start the local servers (use the endpoints in the environment)
exit code: 0 when nothing was lost, double-applied or mismatched; 1 otherwise; 2 for bad flags`;

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new DemoArgumentError(
      `--${flag} takes a positive ${integer ? 'integer' : 'number'} (got "${text}")`,
    );
  return value;
}

export function parseDemoArgs(
  args: readonly string[],
  randomSeed = () => Math.floor(Math.random() * 2 ** 31),
): DemoFlags {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(args);
  } catch (error) {
    throw new DemoArgumentError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new DemoArgumentError(`unexpected arguments: ${positionals.join(' ')}`);
  const seedText = values.seed;
  let seed: number;
  if (seedText === undefined) seed = randomSeed();
  else {
    seed = Number(seedText);
    if (seedText.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
      throw new DemoArgumentError(`--seed takes an integer from 0 to 4294967295 (got "${seedText}")`);
  }
  let poison = 0;
  if (values.poison !== undefined) {
    poison = Number(values.poison);
    if (values.poison.trim() === '' || !Number.isInteger(poison) || poison < 0)
      throw new DemoArgumentError(
        `--poison takes a whole number of records, 0 or more (got "${values.poison}")`,
      );
  }
  const events = positiveNumber('events', values.events, true);
  if (events !== undefined && poison >= events)
    throw new DemoArgumentError(`--poison (${poison}) must be below --events (${events})`);
  const duration = positiveNumber('duration', values.duration, false);
  const drain = positiveNumber('drain-timeout', values['drain-timeout'], false);
  const itemTtl = positiveNumber('item-ttl', values['item-ttl'], true);
  return {
    rate: positiveNumber('rate', values.rate, false) ?? DEMO_DEFAULTS.rate,
    events,
    durationMs: duration !== undefined ? duration * 1000 : undefined,
    seed,
    poison,
    json: values.json === true,
    drainTimeoutMs: drain !== undefined ? drain * 1000 : DEMO_DEFAULTS.drainTimeoutMs,
    itemTtlSeconds: itemTtl,
    synth: values['no-synth'] !== true,
    services: values['no-services'] !== true,
    help: values.help === true,
  };
}

/**
 * How long the demo's items live: `--item-ttl`, else the default, raised for a run of known length so its
 * first items outlive the verification at its end (twice the planned generation time, since a loaded
 * machine writes slower than asked, plus the drain timeout). A run until Ctrl-C keeps the default: it stays
 * flat, and its verification finds the effects of expired items gone.
 *
 * @example
 * ```ts
 * demoItemTtlSeconds(parseDemoArgs(['--duration', '3600'])); // 7380
 * ```
 */
export function demoItemTtlSeconds(
  flags: Pick<DemoFlags, 'itemTtlSeconds' | 'events' | 'durationMs' | 'rate' | 'drainTimeoutMs'>,
): number {
  if (flags.itemTtlSeconds !== undefined) return flags.itemTtlSeconds;
  const seconds = plannedSeconds(flags);
  if (seconds === undefined) return DEMO_DEFAULTS.itemTtlSeconds;
  return Math.max(DEMO_DEFAULTS.itemTtlSeconds, Math.ceil(2 * seconds + flags.drainTimeoutMs / 1000));
}

/**
 * The latency warm-up of a run (`DEMO_DEFAULTS.latencyWarmupMs`), at most a quarter of a run of known length.
 *
 * @example
 * ```ts
 * demoLatencyWarmupMs(parseDemoArgs([])); // 20000
 * demoLatencyWarmupMs(parseDemoArgs(['--duration', '40'])); // 10000
 * ```
 */
export function demoLatencyWarmupMs(flags: Pick<DemoFlags, 'events' | 'durationMs' | 'rate'>): number {
  const seconds = plannedSeconds(flags);
  const warmupMs = DEMO_DEFAULTS.latencyWarmupMs;
  return seconds === undefined ? warmupMs : Math.min(warmupMs, Math.floor((seconds * 1000) / 4));
}

/** How long a run generates, when its flags say (a duration, or events at the rate). */
function plannedSeconds(flags: Pick<DemoFlags, 'events' | 'durationMs' | 'rate'>): number | undefined {
  if (flags.durationMs !== undefined) return flags.durationMs / 1000;
  if (flags.events !== undefined) return flags.events / flags.rate;
  return undefined;
}

function parseWith(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      demo: { type: 'boolean' },
      rate: { type: 'string' },
      events: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      poison: { type: 'string' },
      json: { type: 'boolean' },
      'drain-timeout': { type: 'string' },
      'item-ttl': { type: 'string' },
      'no-synth': { type: 'boolean' },
      'no-services': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
