/**
 * Compares what the sinks hold with the independent tally, in event units (applied, dead-lettered, lost,
 * unverified, double-applied, mismatched). Pure: the reader does the I/O. How each figure is counted:
 * docs/cli.md, "How the summary counts".
 *
 * @example
 * ```ts
 * const result = verifyResults({ pipeline, expectation: tally.expectation, observed, now: Date.now(), runTag });
 * result.lost; // 0 when every effect is there
 * ```
 */
import { clickSessionsCheck, LATE_EVENT_ERROR, letterEventId } from './clickSessionsCheck';
import { WORKLOAD_POOLS } from './constants';
import type { DemoPipeline } from './demoPipeline';
import { type EventShortfall, eventUnion } from './eventUnion';
import { isExpired } from './itemExpiry';
import { orderHistoryCheck } from './orderHistoryCheck';
import { type ClickEffect, clickGroup, type Expectation } from './Tally';
import { thresholdCheck } from './thresholdCheck';
import type {
  DeadLetterMessage,
  DeadLetterSummary,
  DemoEventKind,
  EffectCheck,
  KindAccounting,
  ObservedState,
  ObservedStreamEntry,
  PoisonVariant,
} from './types';

export interface VerifyInput {
  readonly pipeline: DemoPipeline;
  readonly expectation: Expectation;
  readonly observed: ObservedState;
  /** Verification time, epoch ms (sessions idle longer than their TTL may have expired). */
  readonly now: number;
  /**
   * Seconds readings and order events live (their TTL attribute; the time series and order states keep
   * it): items past it by `now` are expired, neither lost nor verified. Without it nothing expires.
   */
  readonly itemTtlSeconds?: number;
  /** Handlers expected to dead-letter each poison variant (clickstream poison reaches both Kafka sinks). */
  readonly poisonLetters?: Readonly<Record<PoisonVariant, number>>;
}

export interface Verification {
  readonly checks: readonly EffectCheck[];
  readonly applied: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly unverified: number;
  readonly expired: number;
  readonly doubleApplied: number;
  readonly mismatched: number;
  readonly byKind: Readonly<Record<DemoEventKind, KindAccounting>>;
  /** Run-level reasons to fail (no events, nothing verified). */
  readonly failures: readonly string[];
  /** Nothing lost, double-applied or mismatched, and no failure reason. */
  readonly ok: boolean;
  readonly deadLetters: DeadLetterSummary;
}

const MAX_EXAMPLES = 5;
const KINDS = ['click', 'telemetry', 'session', 'product', 'order', 'poison', 'reading'] as const;

class CheckBuilder {
  readonly effect: string;
  readonly kind: DemoEventKind;
  expected = 0;
  mismatched = 0;
  readonly lostIds = new Set<string>();
  readonly lostShortfalls: EventShortfall[] = [];
  readonly extraIds = new Set<string>();
  readonly extraShortfalls: EventShortfall[] = [];
  readonly unverifiedIds = new Set<string>();
  readonly expiredIds = new Set<string>();
  readonly examples: string[] = [];
  deadLettered = 0;

  constructor(effect: string, kind: DemoEventKind) {
    this.effect = effect;
    this.kind = kind;
  }

  /** Events this check names as missing. */
  miss(ids: readonly string[], example: string): void {
    if (ids.length === 0) return;
    for (const id of ids) this.lostIds.add(id);
    this.#example(`missing ${ids.length}: ${example}`);
  }

  /** `events` missing among a key's contributing events (the sink cannot say which). */
  missAmong(events: number, among: readonly string[], example: string): void {
    if (events <= 0) return;
    this.lostShortfalls.push({ events, among });
    this.#example(`missing ${events}: ${example}`);
  }

  /** Events this check names as applied more than once. */
  twice(ids: readonly string[], example: string): void {
    if (ids.length === 0) return;
    for (const id of ids) this.extraIds.add(id);
    this.#example(`extra: ${example}`);
  }

  twiceAmong(events: number, among: readonly string[], example: string): void {
    if (events <= 0) return;
    this.extraShortfalls.push({ events, among });
    this.#example(`extra ${events}: ${example}`);
  }

  /** Events this check can neither confirm nor refute. */
  unverify(ids: readonly string[], example: string): void {
    if (ids.length === 0) return;
    for (const id of ids) this.unverifiedIds.add(id);
    this.#example(`unverified ${ids.length}: ${example}`);
  }

  /** Events this check expects dead-lettered, found so with `reason`. */
  deadLetter(reason: string): void {
    this.deadLettered += 1;
    this.#example(`dead-lettered: ${reason}`);
  }

  /** Events whose effect was past its TTL at the verification (gone or about to go by expiry). */
  expire(ids: readonly string[], example: string): void {
    if (ids.length === 0) return;
    for (const id of ids) this.expiredIds.add(id);
    this.#example(`expired ${ids.length}: ${example}`);
  }

  differ(example: string): void {
    this.mismatched += 1;
    this.#example(`differs: ${example}`);
  }

  #example(text: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(text);
  }

  /** Unverified events less the ones found lost, named or among a shortfall over unverified events. */
  #unverified(): number {
    if (this.unverifiedIds.size === 0) return 0;
    let unverified = 0;
    for (const id of this.unverifiedIds) if (!this.lostIds.has(id)) unverified += 1;
    for (const shortfall of this.lostShortfalls) {
      const among = shortfall.among.filter((id) => this.unverifiedIds.has(id)).length;
      unverified -= Math.min(shortfall.events, among);
    }
    return Math.max(0, unverified);
  }

  build(): EffectCheck {
    // The shortfalls of one check are over disjoint keys, so the check's own figures are plain sums.
    const sum = (shortfalls: readonly EventShortfall[]) => shortfalls.reduce((n, s) => n + s.events, 0);
    const lost = this.lostIds.size + sum(this.lostShortfalls);
    return {
      effect: this.effect,
      kind: this.kind,
      expected: this.expected,
      lost,
      doubleApplied: this.extraIds.size + sum(this.extraShortfalls),
      unverified: this.#unverified(),
      expired: [...this.expiredIds].filter((id) => !this.lostIds.has(id)).length,
      mismatched: this.mismatched,
      examples: this.examples,
      ...(this.deadLettered > 0 ? { deadLettered: this.deadLettered } : {}),
    };
  }
}

/** Ids `${entity}#${n}` for n in from..to: the writes of a versioned entity (seq, rev, version). */
function writes(entity: string, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let n = Math.max(1, from); n <= to; n++) ids.push(`${entity}#${n}`);
  return ids;
}

/** A reading's event id. */
function readingId(deviceId: string, ts: number): string {
  return `${deviceId}#${ts}`;
}

/** Orders Redis stream ids (`ms-seq`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map((part) => BigInt(part));
  const [bm = 0n, bs = 0n] = b.split('-').map((part) => BigInt(part));
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
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
  return difference > 0 ? Math.ceil(difference / WORKLOAD_POOLS.maxQuantity) : 0;
}

function clickChecks({ pipeline, expectation, observed }: VerifyInput): CheckBuilder[] {
  const among = (effect: ClickEffect, key: string, member?: string) =>
    expectation.clickGroups.get(clickGroup(effect, key, member)) ?? [];

  const counter = new CheckBuilder(`redis:${pipeline.redis.counter.name}`, 'click');
  for (const [key, expected] of expectation.counters) {
    const got = observed.counters.get(key) ?? 0;
    const text = `${key} = ${got}, expected ${expected}`;
    counter.expected += expected;
    counter.missAmong(expected - got, among('counter', key), text);
    counter.twiceAmong(got - expected, among('counter', key), text);
  }

  const board = new CheckBuilder(`redis:${pipeline.redis.leaderboard.name}`, 'click');
  for (const [key, members] of expectation.leaderboards) {
    const got = observed.leaderboards.get(key);
    let differs = false;
    for (const [member, { score, events }] of members) {
      board.expected += events;
      const actual = got?.get(member) ?? 0;
      const text = `${key} ${member} score ${actual}, expected ${score}`;
      board.missAmong(eventsForSum(score - actual), among('leaderboard', key, member), text);
      board.twiceAmong(eventsForSum(actual - score), among('leaderboard', key, member), text);
      differs ||= actual !== score;
    }
    const ranked = [...members].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1));
    const observedRank = [...members.keys()]
      .map((m) => [m, got?.get(m) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (!differs && ranked.some(([member], i) => observedRank[i]?.[0] !== member))
      board.differ(`${key}: members not in the expected order`);
  }

  const unique = new CheckBuilder(`redis:${pipeline.redis.unique.name}`, 'click');
  for (const [key, { elements, events }] of expectation.uniques) {
    unique.expected += events;
    const got = observed.uniques.get(key);
    if (!got || got.missingSome) {
      // Redis's own estimate of what adding them back adds: at least one event, at most the key's elements.
      const missing = got
        ? Math.min(elements.size, Math.max(1, got.countWithExpected - got.count))
        : elements.size;
      const text = got
        ? `${key} ≈ ${got.count}: adding the ${elements.size} expected elements changes it (≈ ${got.countWithExpected}), so some are absent`
        : `${key} not read`;
      unique.missAmong(missing, among('unique', key), text);
    } else if (got.count !== got.expectedCount) {
      unique.differ(
        `${key} ≈ ${got.count}, a HyperLogLog of exactly the ${elements.size} expected elements ≈ ${got.expectedCount}: it holds others too`,
      );
    }
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
    const text = `${label} ${aggregate.countMetric}=${views}, expected ${expected.views}`;
    agg.missAmong(lost, among('aggregate', id), text);
    agg.twiceAmong(extra, among('aggregate', id), text);
  }
  return [counter, board, unique, agg];
}

/**
 * The capped stream, entry by entry over every pass of the run (see ObservedStream): a reading appended
 * twice shows twice however far the stream has passed its cap. An entry older than the stream's first one
 * was trimmed only if the stream holds at least its cap (MAXLEN ~ never trims below it) and was never
 * recreated (entries-added below the entries read); otherwise it was deleted. Entries added and trimmed
 * between two passes were never seen: that many of the readings not seen may be among them (unverified),
 * the rest are lost, and any surplus is readings appended again.
 */
function streamCheck({ pipeline, expectation, observed }: VerifyInput): CheckBuilder {
  const { stream } = pipeline.redis;
  const check = new CheckBuilder(`redis:${stream.name}`, 'telemetry');
  for (const [key, expected] of expectation.streams) {
    const got = observed.streams.get(key);
    const entries = got?.entries ?? [];
    const recreated = (got?.added ?? 0) < entries.length;
    const trimmed = (entry: ObservedStreamEntry) =>
      !recreated &&
      (got?.length ?? 0) >= stream.maxLength &&
      (got?.firstId === undefined || compareStreamIds(entry.id, got.firstId) < 0);
    const byTs = new Map<number, ObservedStreamEntry[]>();
    for (const entry of entries) {
      if (entry.ts === undefined) continue;
      const same = byTs.get(entry.ts);
      if (same) same.push(entry);
      else byTs.set(entry.ts, [entry]);
    }
    check.expected += expected.ts.length;
    const unseen: string[] = [];
    const repeated: string[] = [];
    const deleted: string[] = [];
    for (const ts of expected.ts) {
      const id = readingId(expected.deviceId, ts);
      const mine = byTs.get(ts) ?? [];
      byTs.delete(ts);
      if (mine.length === 0) unseen.push(id);
      else if (!mine.some((entry) => entry.present || trimmed(entry))) deleted.push(id);
      if (mine.length > 1) repeated.push(id);
    }
    check.twice(repeated, `${key}: ${repeated.length} readings appended more than once`);
    check.miss(deleted, `${key}: ${deleted.length} readings gone from the stream below its cap`);
    const unread = Math.max(0, (got?.added ?? 0) - entries.length);
    if (unread === 0) check.miss(unseen, `${key}: ${unseen.length} readings never appended`);
    else {
      const text = `${key}: ${unseen.length} readings not seen, ${unread} entries trimmed before a pass read them`;
      check.missAmong(unseen.length - unread, unseen, text);
      check.unverify(unseen, text);
      const all = expected.ts.map((ts) => readingId(expected.deviceId, ts));
      check.twiceAmong(unread - unseen.length, all, text);
    }
    const foreign = entries.filter((e) => e.ts === undefined || byTs.has(e.ts)).length;
    if (foreign > 0) check.differ(`${key}: ${foreign} entries are none of this device's readings`);
  }
  return check;
}

function seriesCheck({ pipeline, expectation, observed, now, itemTtlSeconds }: VerifyInput): CheckBuilder {
  const check = new CheckBuilder(`dynamodb:${pipeline.dynamodb.series.name}`, 'telemetry');
  for (const [pk, expected] of expectation.series) {
    const seen = new Map<number, number>();
    for (const ts of observed.series.get(pk) ?? []) seen.set(ts, (seen.get(ts) ?? 0) + 1);
    check.expected += expected.ts.length;
    const missing: string[] = [];
    const extra: string[] = [];
    const expired: string[] = [];
    for (const ts of expected.ts) {
      if (isExpired(ts, itemTtlSeconds, now)) {
        expired.push(readingId(expected.deviceId, ts));
        seen.delete(ts);
        continue;
      }
      const n = seen.get(ts) ?? 0;
      if (n === 0) missing.push(readingId(expected.deviceId, ts));
      else if (n > 1) extra.push(readingId(expected.deviceId, ts));
      seen.delete(ts);
    }
    check.miss(missing, `${pk}: ${missing.length} of ${expected.ts.length} readings absent`);
    check.twice(extra, `${pk}: ${extra.length} readings stored more than once`);
    check.expire(expired, `${pk}: ${expired.length} readings past their ${itemTtlSeconds}s TTL`);
    if (seen.size > 0) check.differ(`${pk}: ${seen.size} items with an unexpected ts`);
  }
  return check;
}

function sessionChecks({ pipeline, expectation, observed, now }: VerifyInput): CheckBuilder[] {
  const { session } = pipeline.redis;
  const ttl = session.ttlSeconds;
  const governance = pipeline.sources.sessions.governance;
  const check = new CheckBuilder(`redis:${session.name}`, 'session');
  for (const expected of expectation.sessions.values()) {
    const got = observed.sessions.get(expected.sessionId);
    const id = expected.sessionId;
    check.expected += expected.events;
    // An absent key proves nothing once the TTL may have run out since the session's last write.
    if (isExpired(expected.lastTs, ttl, now) && !got?.exists) {
      check.expire(
        writes(id, 1, expected.events),
        `${expected.key} absent ${Math.round((now - expected.lastTs) / 1000)}s after its last write (TTL ${ttl}s)`,
      );
      continue;
    }
    if (expected.deleted) {
      if (got?.exists)
        check.miss(
          writes(id, expected.events, expected.events),
          `${expected.key} still present after the session ended`,
        );
      continue;
    }
    if (!got?.exists) {
      check.miss(writes(id, 1, expected.events), `${expected.key} absent`);
      continue;
    }
    const seq = numberField(got.fields, 'seq');
    if (seq === undefined) check.differ(`${expected.key} has no seq field`);
    else if (seq < expected.seq)
      check.miss(writes(id, seq + 1, expected.seq), `${expected.key} seq ${seq}, expected ${expected.seq}`);
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
      const id = expected.productId;
      if (!got || rev === undefined) check.miss(writes(id, 1, expected.rev), `${where} absent`);
      else if (rev < expected.rev)
        check.miss(writes(id, rev + 1, expected.rev), `${where} rev ${rev}, expected ${expected.rev}`);
      else if (rev > expected.rev) check.differ(`${where} rev ${rev}, expected ${expected.rev}`);
      else if (numberField(got, 'price') !== expected.price)
        check.differ(`${where} price ${String(lookupField(got, 'price'))}, expected ${expected.price}`);
    }
  }
  return [cache, replica];
}

function orderChecks({ pipeline, expectation, observed, now, itemTtlSeconds }: VerifyInput): CheckBuilder[] {
  const { state } = pipeline.dynamodb;
  const check = new CheckBuilder(`dynamodb:${state.name}`, 'order');
  for (const expected of expectation.orders.values()) {
    const got = observed.orders.get(expected.orderId) ?? undefined;
    const id = expected.orderId;
    check.expected += expected.events;
    if (isExpired(expected.lastTs, itemTtlSeconds, now)) {
      check.expire(writes(id, 1, expected.version), `${state.table} ${id} past its ${itemTtlSeconds}s TTL`);
      continue;
    }
    const version = numberField(got, state.versionField);
    const where = `${state.table} ${expected.orderId}`;
    if (!got || version === undefined) {
      check.miss(writes(id, 1, expected.version), `${where} absent`);
      continue;
    }
    if (version < expected.version)
      check.miss(
        writes(id, version + 1, expected.version),
        `${where} v${version}, expected v${expected.version}`,
      );
    else if (version > expected.version) check.differ(`${where} v${version}, expected v${expected.version}`);
    else if (got.status !== expected.status)
      check.differ(`${where} status ${String(got.status)}, expected ${expected.status}`);
    else if (expected.amount !== undefined && numberField(got, 'amount') !== expected.amount)
      check.differ(`${where} amount ${String(got.amount)} not merged forward (expected ${expected.amount})`);
  }
  return [check];
}

/** The sampled orders' histories: state as of versions and times against the fold of their events. */
function historyChecks(input: VerifyInput): CheckBuilder[] {
  const findings = orderHistoryCheck(input);
  if (!findings) return [];
  const check = new CheckBuilder(`dynamodb:${input.pipeline.dynamodb.state.name}:history`, 'order');
  check.expected = findings.expected;
  // An order whose items passed their TTL before the verification is expired here as in the state check:
  // its source items (and the TTL deletes of them) race the versions still on their way.
  const expiredOrder = (orderId: string) => {
    const order = input.expectation.orders.get(orderId);
    return order !== undefined && isExpired(order.lastTs, input.itemTtlSeconds, input.now);
  };
  for (const { ids, example } of findings.missing) {
    const orderId = ids[0]?.split('#')[0] ?? '';
    if (expiredOrder(orderId)) check.expire(ids, `${example} (past the ${input.itemTtlSeconds}s item TTL)`);
    else check.miss(ids, example);
  }
  for (const difference of findings.differences) check.differ(difference);
  return [check];
}

/** The clickstream's sessions, day counters and funnel against the tally's own recomputation. */
function clickSessionChecks(input: VerifyInput): CheckBuilder[] {
  const findings = clickSessionsCheck(input);
  const mapping = input.pipeline.dynamodb.sessions;
  if (!findings || !mapping) return [];
  const check = new CheckBuilder(`dynamodb:${mapping.name}`, 'click');
  check.expected = findings.expected;
  for (const { events, among, example } of findings.missing) check.missAmong(events, among, example);
  for (const { events, among, example } of findings.extra) check.twiceAmong(events, among, example);
  for (const difference of findings.differences) check.differ(difference);
  for (const reason of findings.lateReasons) check.deadLetter(reason);
  for (const { ids, example } of findings.unverified) check.unverify(ids, example);
  return [check];
}

/** The sensors' alerts: every transition once, in order, and the current alert set (thresholdCheck.ts). */
function thresholdChecks(input: VerifyInput): CheckBuilder[] {
  const check = new CheckBuilder(`redis:${input.pipeline.redis.threshold.name}`, 'reading');
  const findings = thresholdCheck(input);
  if (!findings) {
    const ids = [...input.expectation.readings.values()].flat().map((r) => `${r.deviceId}@${r.ts}`);
    check.expected = ids.length;
    check.unverify(ids, 'the alert topic was not read');
    return [check];
  }
  check.expected = findings.expected;
  for (const { ids, example } of findings.missing) check.miss(ids, example);
  for (const { ids, example } of findings.repeated) check.twice(ids, example);
  for (const difference of findings.differences) check.differ(difference);
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
  // A view the sessions mapping dead-lettered as too late is accounted by that check, with its reason.
  const clicks = new Set(
    input.pipeline.dynamodb.sessions
      ? [...expectation.clicksByUser.values()].flatMap((list) => list.map((c) => c.eventId))
      : [],
  );
  const lateClick = (message: DeadLetterMessage) => {
    const id = message.errorType === LATE_EVENT_ERROR ? letterEventId(message) : undefined;
    return id !== undefined && clicks.has(id);
  };
  // Longest first: `poison-x-1` is a prefix of `poison-x-10`, and a letter must count for its own record.
  const markers = [...expectation.poison.keys()].sort((a, b) => b.length - a.length);
  for (const message of observed.deadLetters) {
    const marker = markers.find((m) => message.body.includes(m));
    if (!marker && !message.body.includes(runTag)) continue;
    messages += 1;
    const reason = message.errorType ?? 'unknown';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (!marker && lateClick(message)) continue;
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
      check.miss([marker], `${marker} (${variant}) not in any dead-letter queue`);
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
    streamCheck(input),
    seriesCheck(input),
    ...sessionChecks(input),
    ...productChecks(input),
    ...orderChecks(input),
    ...historyChecks(input),
    ...clickSessionChecks(input),
    ...thresholdChecks(input),
  ];
  const poison = deadLetterAccounting(input, input.runTag);
  const counts = input.expectation.counts;
  const byKind = {} as Record<DemoEventKind, KindAccounting>;
  for (const kind of KINDS) {
    const events = counts[kind];
    if (kind === 'poison') {
      const deadLettered = Math.min(events, poison.found);
      const lost = events - deadLettered;
      byKind[kind] = { events, applied: 0, deadLettered, lost, unverified: 0, expired: 0, doubleApplied: 0 };
      continue;
    }
    const mine = builders.filter((b) => b.kind === kind);
    const lostIds = eventUnion(
      mine.flatMap((b) => [...b.lostIds]),
      mine.flatMap((b) => b.lostShortfalls),
    );
    // An event some check found lost is lost; else expired when any check saw it past its TTL.
    const expiredIds = new Set(mine.flatMap((b) => [...b.expiredIds]).filter((id) => !lostIds.has(id)));
    const unverifiedIds = new Set(
      mine.flatMap((b) => [...b.unverifiedIds]).filter((id) => !lostIds.has(id) && !expiredIds.has(id)),
    );
    const doubled = eventUnion(
      mine.flatMap((b) => [...b.extraIds]),
      mine.flatMap((b) => b.extraShortfalls),
    );
    const lost = Math.min(events, lostIds.size);
    const expired = Math.min(events - lost, expiredIds.size);
    const unverified = Math.min(events - lost - expired, unverifiedIds.size);
    byKind[kind] = {
      events,
      applied: events - lost - expired - unverified,
      deadLettered: 0,
      lost,
      unverified,
      expired,
      doubleApplied: doubled.size,
    };
  }
  const total = (field: keyof KindAccounting) => KINDS.reduce((n, kind) => n + byKind[kind][field], 0);
  const checks = [...builders, poison.check].map((b) => b.build());
  const applied = total('applied');
  const deadLettered = total('deadLettered');
  const lost = total('lost');
  const doubleApplied = total('doubleApplied');
  const mismatched = checks.reduce((n, c) => n + c.mismatched, 0);
  const failures: string[] = [];
  const events = total('events');
  if (events === 0) failures.push('no events were generated, so nothing was verified');
  else if (applied + deadLettered === 0) failures.push(`none of the ${events} events could be verified`);
  return {
    checks,
    applied,
    deadLettered,
    lost,
    unverified: total('unverified'),
    expired: total('expired'),
    doubleApplied,
    mismatched,
    byKind,
    failures,
    ok: lost === 0 && doubleApplied === 0 && mismatched === 0 && failures.length === 0,
    deadLetters: poison.summary,
  };
}
