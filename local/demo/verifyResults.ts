/**
 * Compares what the sinks hold with the independent tally, in event units: every generated event is
 * applied, dead-lettered or lost; effects beyond the tally are double-applied; anything else that differs
 * (a wrong status, a session without TTL, an unmasked field) is a mismatch. Pure: the reader does the I/O.
 *
 * Accounting per event kind: each check reports how many of its events it found missing or repeated;
 * a kind's lost (double) count is the largest over its checks (one lost click misses from the counter,
 * the aggregate and the HLL at once: it is one lost event, not three). Sums (leaderboard scores,
 * aggregated quantities) convert a difference into the fewest events that explain it.
 *
 * @example
 * ```ts
 * const result = verifyResults({ pipeline, expectation: tally.expectation, observed, now: Date.now() });
 * result.lost; // 0 when every effect is there
 * ```
 */
import { HLL_TOLERANCE, WorkloadPools } from './constants';
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type {
  DeadLetterMessage,
  DeadLetterSummary,
  DemoEventKind,
  EffectCheck,
  ObservedState,
  PoisonVariant,
} from './types';

export interface VerifyInput {
  readonly pipeline: DemoPipeline;
  readonly expectation: Expectation;
  readonly observed: ObservedState;
  /** Verification time, epoch ms (sessions idle longer than their TTL may have expired). */
  readonly now: number;
  /** Handlers expected to dead-letter each poison variant (clickstream poison reaches both Kafka sinks). */
  readonly poisonLetters?: Readonly<Record<PoisonVariant, number>>;
}

export interface Verification {
  readonly checks: readonly EffectCheck[];
  readonly applied: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly doubleApplied: number;
  readonly mismatched: number;
  readonly deadLetters: DeadLetterSummary;
}

const MAX_EXAMPLES = 5;
/** Sessions whose TTL ends within this margin of the verification are not checked (they may be gone). */
const EXPIRY_MARGIN_MS = 10_000;

class CheckBuilder {
  readonly effect: string;
  readonly kind: DemoEventKind;
  expected = 0;
  lost = 0;
  doubleApplied = 0;
  mismatched = 0;
  readonly examples: string[] = [];

  constructor(effect: string, kind: DemoEventKind) {
    this.effect = effect;
    this.kind = kind;
  }

  miss(events: number, example: string): void {
    if (events <= 0) return;
    this.lost += events;
    this.#example(`missing ${events}: ${example}`);
  }

  twice(events: number, example: string): void {
    if (events <= 0) return;
    this.doubleApplied += events;
    this.#example(`extra ${events}: ${example}`);
  }

  differ(example: string): void {
    this.mismatched += 1;
    this.#example(`differs: ${example}`);
  }

  #example(text: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(text);
  }

  build(): EffectCheck {
    return {
      effect: this.effect,
      kind: this.kind,
      expected: this.expected,
      lost: this.lost,
      doubleApplied: this.doubleApplied,
      mismatched: this.mismatched,
      examples: this.examples,
    };
  }
}

/** Reads a number from a record's field, or from inside a JSON-string field one level down. */
export function numberField(
  record: Readonly<Record<string, unknown>> | undefined,
  name: string,
): number | undefined {
  const value = lookupField(record, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Reads a field's value from a record, or from a nested object / JSON-string field one level down. */
export function lookupField(record: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  if (!record) return undefined;
  if (name in record) return record[name];
  for (const value of Object.values(record)) {
    let nested: unknown = value;
    if (typeof value === 'string' && value.startsWith('{')) {
      try {
        nested = JSON.parse(value);
      } catch {
        continue;
      }
    }
    if (nested && typeof nested === 'object' && !Array.isArray(nested) && name in nested)
      return (nested as Record<string, unknown>)[name];
  }
  return undefined;
}

/** Fewest events of quantity 1..max that explain a difference in a summed score. */
function eventsForSum(difference: number): number {
  return difference > 0 ? Math.ceil(difference / WorkloadPools.maxQuantity) : 0;
}

function countCheck(
  check: CheckBuilder,
  key: string,
  expected: number,
  observed: number | null | undefined,
): void {
  const got = observed ?? 0;
  check.expected += expected;
  check.miss(expected - got, `${key} = ${got}, expected ${expected}`);
  check.twice(got - expected, `${key} = ${got}, expected ${expected}`);
}

function clickChecks({ pipeline, expectation, observed }: VerifyInput): CheckBuilder[] {
  const counter = new CheckBuilder(`redis:${pipeline.redis.counter.name}`, 'click');
  for (const [key, expected] of expectation.counters)
    countCheck(counter, key, expected, observed.counters.get(key));

  const board = new CheckBuilder(`redis:${pipeline.redis.leaderboard.name}`, 'click');
  for (const [key, members] of expectation.leaderboards) {
    const got = observed.leaderboards.get(key);
    for (const [member, { score, events }] of members) {
      board.expected += events;
      const actual = got?.get(member) ?? 0;
      board.miss(eventsForSum(score - actual), `${key} ${member} score ${actual}, expected ${score}`);
      board.twice(eventsForSum(actual - score), `${key} ${member} score ${actual}, expected ${score}`);
    }
    const ranked = [...members].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1));
    const observedRank = [...members.keys()]
      .map((m) => [m, got?.get(m) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (
      ranked.some(([member], i) => observedRank[i]?.[0] !== member) &&
      board.lost + board.doubleApplied === 0
    )
      board.differ(`${key}: members not in the expected order`);
  }

  const unique = new CheckBuilder(`redis:${pipeline.redis.unique.name}`, 'click');
  for (const [key, { elements, events }] of expectation.uniques) {
    unique.expected += events;
    const got = observed.uniques.get(key) ?? 0;
    const tolerance = Math.max(1, Math.ceil(elements.size * HLL_TOLERANCE));
    const text = `${key} ≈ ${got}, expected ${elements.size} ± ${tolerance}`;
    if (got < elements.size - tolerance) unique.miss(elements.size - got, text);
    else if (got > elements.size + tolerance) unique.differ(text);
  }

  const { aggregate } = pipeline.dynamodb;
  const agg = new CheckBuilder(`dynamodb:${aggregate.name}`, 'click');
  for (const [id, expected] of expectation.aggregates) {
    const item = observed.aggregates.get(id) ?? undefined;
    const views = numberField(item, aggregate.countMetric) ?? 0;
    const label = `${expected.pk} ${expected.sk ?? ''}`.trim();
    agg.expected += expected.views;
    let lost = Math.max(0, expected.views - views);
    let extra = Math.max(0, views - expected.views);
    if (aggregate.quantityMetric) {
      const quantity = numberField(item, aggregate.quantityMetric) ?? 0;
      lost = Math.max(lost, eventsForSum(expected.quantity - quantity));
      extra = Math.max(extra, eventsForSum(quantity - expected.quantity));
    }
    agg.miss(lost, `${label} ${aggregate.countMetric}=${views}, expected ${expected.views}`);
    agg.twice(extra, `${label} ${aggregate.countMetric}=${views}, expected ${expected.views}`);
  }
  return [counter, board, unique, agg];
}

function telemetryChecks({ pipeline, expectation, observed }: VerifyInput): CheckBuilder[] {
  const { stream } = pipeline.redis;
  const streams = new CheckBuilder(`redis:${stream.name}`, 'telemetry');
  for (const [key, expected] of expectation.streams) {
    const got = observed.streams.get(key);
    const length = got?.length ?? 0;
    streams.expected += expected.readings;
    const visible = Math.min(expected.readings, stream.maxLength);
    streams.miss(visible - length, `${key} has ${length} entries, expected ${visible}`);
    streams.twice(
      length - expected.readings,
      `${key} has ${length} entries for ${expected.readings} readings`,
    );
    // The Kinesis path may reorder a device's readings (AWS documents it), so the newest entry need not
    // be the latest reading; it must still be one of this device's readings.
    const lastTs = numberField(got?.last, 'ts');
    if (lastTs !== undefined && lastTs > expected.lastTs)
      streams.differ(`${key} newest entry ts ${lastTs} is later than any reading (${expected.lastTs})`);
  }

  const series = new CheckBuilder(`dynamodb:${pipeline.dynamodb.series.name}`, 'telemetry');
  for (const [pk, expected] of expectation.series) {
    const seen = new Map<number, number>();
    for (const ts of observed.series.get(pk) ?? []) seen.set(ts, (seen.get(ts) ?? 0) + 1);
    series.expected += expected.ts.length;
    let missing = 0;
    let extra = 0;
    for (const ts of expected.ts) {
      const n = seen.get(ts) ?? 0;
      if (n === 0) missing += 1;
      else extra += n - 1;
      seen.delete(ts);
    }
    series.miss(missing, `${pk}: ${missing} of ${expected.ts.length} readings absent`);
    series.twice(extra, `${pk}: ${extra} readings stored more than once`);
    if (seen.size > 0) series.differ(`${pk}: ${seen.size} items with an unexpected ts`);
  }
  return [streams, series];
}

function sessionChecks({ pipeline, expectation, observed, now }: VerifyInput): CheckBuilder[] {
  const { session } = pipeline.redis;
  const ttl = session.ttlSeconds;
  const governance = pipeline.sources.sessions.governance;
  const check = new CheckBuilder(`redis:${session.name}`, 'session');
  for (const expected of expectation.sessions.values()) {
    if (ttl !== undefined && now - expected.lastTs > ttl * 1000 - EXPIRY_MARGIN_MS) continue;
    const got = observed.sessions.get(expected.sessionId);
    check.expected += expected.events;
    if (expected.deleted) {
      if (got?.exists) check.miss(1, `${expected.key} still present after the session ended`);
      continue;
    }
    if (!got?.exists) {
      check.miss(expected.events, `${expected.key} absent`);
      continue;
    }
    const seq = numberField(got.fields, 'seq');
    if (seq === undefined) check.differ(`${expected.key} has no seq field`);
    else if (seq < expected.seq)
      check.miss(expected.seq - seq, `${expected.key} seq ${seq}, expected ${expected.seq}`);
    else if (seq > expected.seq) check.differ(`${expected.key} seq ${seq}, expected ${expected.seq}`);
    if (ttl !== undefined && (got.ttlSeconds <= 0 || got.ttlSeconds > ttl))
      check.differ(`${expected.key} TTL ${got.ttlSeconds}s, expected 1..${ttl}s`);
    for (const field of governance?.mask ?? [])
      if (got.fields[field] === (expected as unknown as Record<string, unknown>)[field])
        check.differ(`${expected.key} field ${field} is not masked`);
    for (const field of governance?.hash ?? [])
      if (got.fields[field] === (expected as unknown as Record<string, unknown>)[field])
        check.differ(`${expected.key} field ${field} is not hashed`);
  }
  return [check];
}

function productChecks({ pipeline, expectation, observed }: VerifyInput): CheckBuilder[] {
  const cache = new CheckBuilder(`redis:${pipeline.redis.cache.name}`, 'product');
  const replica = new CheckBuilder(`dynamodb:${pipeline.dynamodb.replica.name}`, 'product');
  for (const expected of expectation.products.values()) {
    for (const [check, got, where] of [
      [cache, observed.cache.get(expected.productId), expected.key],
      [
        replica,
        observed.replica.get(expected.productId),
        `${pipeline.dynamodb.replica.table} ${expected.productId}`,
      ],
    ] as const) {
      check.expected += expected.events;
      const rev = numberField(got ?? undefined, 'rev');
      if (!got || rev === undefined) check.miss(expected.events, `${where} absent`);
      else if (rev < expected.rev)
        check.miss(expected.rev - rev, `${where} rev ${rev}, expected ${expected.rev}`);
      else if (rev > expected.rev) check.differ(`${where} rev ${rev}, expected ${expected.rev}`);
      else if (numberField(got, 'price') !== expected.price)
        check.differ(`${where} price ${String(lookupField(got, 'price'))}, expected ${expected.price}`);
    }
  }
  return [cache, replica];
}

function orderChecks({ pipeline, expectation, observed }: VerifyInput): CheckBuilder[] {
  const { state } = pipeline.dynamodb;
  const check = new CheckBuilder(`dynamodb:${state.name}`, 'order');
  for (const expected of expectation.orders.values()) {
    const got = observed.orders.get(expected.orderId) ?? undefined;
    check.expected += expected.events;
    const version = numberField(got, state.versionField);
    if (!got || version === undefined) {
      check.miss(expected.events, `${state.table} ${expected.orderId} absent`);
      continue;
    }
    const where = `${state.table} ${expected.orderId}`;
    if (version < expected.version)
      check.miss(expected.version - version, `${where} v${version}, expected v${expected.version}`);
    else if (version > expected.version) check.differ(`${where} v${version}, expected v${expected.version}`);
    else if (got.status !== expected.status)
      check.differ(`${where} status ${String(got.status)}, expected ${expected.status}`);
    else if (expected.amount !== undefined && numberField(got, 'amount') !== expected.amount)
      check.differ(`${where} amount ${String(got.amount)} not merged forward (expected ${expected.amount})`);
  }
  return [check];
}

function deadLetterAccounting(
  input: VerifyInput,
  runTag: string,
): { check: CheckBuilder; found: number; summary: DeadLetterSummary } {
  const { expectation, observed } = input;
  const check = new CheckBuilder('dead-letter-queues', 'poison');
  const reasons: Record<string, number> = {};
  const byMarker = new Map<string, DeadLetterMessage[]>();
  let unexpected = 0;
  let messages = 0;
  // Longest first: `poison-x-1` is a prefix of `poison-x-10`, and a letter must count for its own record.
  const markers = [...expectation.poison.keys()].sort((a, b) => b.length - a.length);
  for (const message of observed.deadLetters) {
    const marker = markers.find((m) => message.body.includes(m));
    if (!marker && !message.body.includes(runTag)) continue;
    messages += 1;
    const reason = message.errorType ?? 'unknown';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (!marker) {
      unexpected += 1;
      check.differ(`a valid event was dead-lettered: ${message.reason ?? message.body.slice(0, 120)}`);
      continue;
    }
    byMarker.set(marker, [...(byMarker.get(marker) ?? []), message]);
  }
  let found = 0;
  for (const [marker, variant] of expectation.poison) {
    check.expected += 1;
    const letters = (byMarker.get(marker) ?? []).filter((m) => m.reason && m.errorType);
    if (letters.length === 0) {
      check.miss(1, `${marker} (${variant}) not in any dead-letter queue`);
      continue;
    }
    found += 1;
    const wanted = input.poisonLetters?.[variant] ?? 1;
    const handlers = new Set(letters.map((m) => m.handler ?? m.queueUrl));
    if (handlers.size < wanted)
      check.differ(`${marker} (${variant}) dead-lettered by ${handlers.size} of ${wanted} handlers`);
  }
  return {
    check,
    found,
    summary: { messages, reasons, onFailureBatches: observed.onFailureMessages, unexpected },
  };
}

/** The event accounting of a run; see the module comment for the rules. */
export function verifyResults(input: VerifyInput & { readonly runTag: string }): Verification {
  const builders = [
    ...clickChecks(input),
    ...telemetryChecks(input),
    ...sessionChecks(input),
    ...productChecks(input),
    ...orderChecks(input),
  ];
  const poison = deadLetterAccounting(input, input.runTag);
  const checks = [...builders, poison.check].map((b) => b.build());
  const counts = input.expectation.counts;
  let applied = 0;
  let lost = 0;
  let doubleApplied = 0;
  for (const kind of ['click', 'telemetry', 'session', 'product', 'order'] as const) {
    const mine = checks.filter((c) => c.kind === kind);
    const kindLost = Math.min(counts[kind], Math.max(0, ...mine.map((c) => c.lost)));
    lost += kindLost;
    applied += counts[kind] - kindLost;
    doubleApplied += Math.max(0, ...mine.map((c) => c.doubleApplied));
  }
  lost += counts.poison - poison.found;
  return {
    checks,
    applied,
    deadLettered: poison.found,
    lost,
    doubleApplied,
    mismatched: checks.reduce((n, c) => n + c.mismatched, 0),
    deadLetters: poison.summary,
  };
}
