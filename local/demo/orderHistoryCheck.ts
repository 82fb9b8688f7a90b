/**
 * The event-sourcing history check of the demo: for a deterministic sample of the run's orders, the state
 * the history folds to (the same `foldAsOf` the CLI's `--as-of` uses) as of each version, just before the
 * first event, at each event's time and between events, must equal the fold of the generated events up
 * to that point; every version must be in the history, once, with the actor that made it.
 *
 * @example
 * ```ts
 * const sample = historySample(expectation); // the order ids the reader fetches histories of
 * const check = orderHistoryCheck({ pipeline, expectation, observed });
 * ```
 */
import { CONFIG_DEFAULTS } from '../../config/constants';
import type { AsOf, HistoryEntry } from '../../lambdas/kafka-to-dynamodb/stateAsOf';
import { foldAsOf, HistoryGapError } from '../../lambdas/kafka-to-dynamodb/stateAsOf';
import { HISTORY_SAMPLE_SIZE } from './constants';
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type { ObservedState, OrderEvent } from './types';

/** Fields of an order event that its state must carry (the source item's others, e.g. its TTL, are not tallied). */
const COMPARED_FIELDS = [
  'orderId',
  'version',
  'eventId',
  'status',
  'ts',
  'amount',
  'customerId',
  'actor',
] as const;

/** What the check found, for the verifier's accounting (ids `${orderId}#${version}`). */
export interface HistoryFindings {
  /** Events of the sampled orders. */
  readonly expected: number;
  readonly missing: readonly { readonly ids: readonly string[]; readonly example: string }[];
  readonly differences: readonly string[];
}

/** The ids of the orders whose history the verifier reads: all of them, or an even spread of at most the sample size. */
export function historySample(expectation: Expectation): string[] {
  const ids = [...expectation.orderEvents.keys()].sort();
  if (ids.length <= HISTORY_SAMPLE_SIZE) return ids;
  const step = ids.length / HISTORY_SAMPLE_SIZE;
  return Array.from({ length: HISTORY_SAMPLE_SIZE }, (_, i) => ids[Math.floor(i * step)] as string);
}

function compared(state: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!state) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of COMPARED_FIELDS) if (state[field] !== undefined) out[field] = state[field];
  return out;
}

/** The fold of the generated events themselves (never through the sink's code): the expectation. */
function expectedAsOf(events: readonly OrderEvent[], asOf: AsOf) {
  let state: Record<string, unknown> | undefined;
  for (const event of events) {
    if ('version' in asOf ? event.version > asOf.version : event.ts > asOf.at) continue;
    const { kind: _kind, ...fields } = event;
    state = { ...state, ...fields };
  }
  return compared(state);
}

/** The versions and times an order is checked at. */
function probes(events: readonly OrderEvent[]): AsOf[] {
  const out: AsOf[] = [];
  const first = events[0];
  if (first) out.push({ at: first.ts - 1 });
  events.forEach((event, i) => {
    out.push({ version: event.version }, { at: event.ts });
    const next = events[i + 1];
    if (next && next.ts - event.ts > 1) out.push({ at: event.ts + Math.floor((next.ts - event.ts) / 2) });
  });
  return out;
}

function describeAsOf(asOf: AsOf): string {
  return 'version' in asOf ? `v${asOf.version}` : new Date(asOf.at).toISOString();
}

/** Compares the sampled orders' histories with their generated events; `undefined` when the state keeps no history. */
export function orderHistoryCheck(input: {
  readonly pipeline: DemoPipeline;
  readonly expectation: Expectation;
  readonly observed: ObservedState;
}): HistoryFindings | undefined {
  const { state } = input.pipeline.dynamodb;
  if (!state.historyTable) return undefined;
  const reducer = state.reducer ?? CONFIG_DEFAULTS.reducer;
  const missing: { ids: string[]; example: string }[] = [];
  const differences: string[] = [];
  let expected = 0;
  for (const orderId of historySample(input.expectation)) {
    const events = [...(input.expectation.orderEvents.get(orderId) ?? [])].sort(
      (a, b) => a.version - b.version,
    );
    expected += events.length;
    const entries: readonly HistoryEntry[] = input.observed.orderHistories?.get(orderId) ?? [];
    const byVersion = new Map(entries.map((entry) => [entry.version, entry]));
    const absent = events.filter((e) => !byVersion.has(e.version));
    if (absent.length > 0) {
      missing.push({
        ids: absent.map((e) => `${orderId}#${e.version}`),
        example: `${state.historyTable.name} ${orderId}: versions ${absent.map((e) => e.version).join(', ')} absent`,
      });
      continue;
    }
    const extra = entries.filter((entry) => !events.some((e) => e.version === entry.version));
    if (extra.length > 0)
      differences.push(
        `${orderId}: history has versions no event made (${extra.map((e) => e.version).join(', ')})`,
      );
    for (const event of events) {
      const entry = byVersion.get(event.version);
      if (entry?.actor !== event.actor || entry.eventId !== event.eventId)
        differences.push(
          `${orderId} v${event.version}: made by ${String(entry?.actor)} (${String(entry?.eventId)}), expected ${event.actor} (${event.eventId})`,
        );
    }
    for (const asOf of probes(events)) {
      let got: Record<string, unknown> | undefined;
      try {
        got = compared(foldAsOf(entries, asOf, { reducer })?.state);
      } catch (error) {
        if (!(error instanceof HistoryGapError)) throw error;
        differences.push(`${orderId} as of ${describeAsOf(asOf)}: ${error.message}`);
        break;
      }
      const want = expectedAsOf(events, asOf);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        differences.push(
          `${orderId} as of ${describeAsOf(asOf)}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
        );
        break;
      }
    }
  }
  return { expected, missing, differences };
}
