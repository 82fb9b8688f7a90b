/**
 * How long the handlers took per batch during a time span, by function and (for the Kafka sinks) topic, from
 * the `batch done` lines each handler logs (`ms`: the handler's own time from its first line to its
 * response). It shows where an end-to-end latency above the batching windows' floor goes: a sink whose
 * batches take hundreds of ms on the local servers holds its partition's next batch that long too.
 */
import { percentile } from './harness';

export interface BatchTimes {
  /** `<function> <topic,…>`; a change bridge (no topics in its line) by its function alone. */
  readonly handler: string;
  readonly batches: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Records per batch, median. */
  readonly recordsP50: number;
}

interface BatchDone {
  readonly message?: unknown;
  readonly timestamp?: unknown;
  readonly ms?: unknown;
  readonly records?: unknown;
  readonly topics?: unknown;
}

const LINE = /^\[([^\]]+)\] (\{.*\})$/;

/**
 * The batch times of the `batch done` lines stamped within [from, to] (epoch ms) in a runtime log, where
 * each function's line is `[<function>] <JSON>`; slowest p99 first.
 *
 * @example
 * ```ts
 * handlerBatchTimes(readFileSync(logFile, 'utf8'), stepStart, stepEnd);
 * // [{ handler: 'streambridge-kafka-to-dynamodb orders.changes', batches: 97, p50: 108, p99: 537, … }, …]
 * ```
 */
export function handlerBatchTimes(log: string, from: number, to: number): BatchTimes[] {
  const byHandler = new Map<string, { ms: number[]; records: number[] }>();
  for (const line of log.split('\n')) {
    if (!line.includes('"batch done"')) continue;
    const match = LINE.exec(line.trim());
    if (!match) continue;
    let entry: BatchDone;
    try {
      entry = JSON.parse(match[2] as string) as BatchDone;
    } catch {
      continue;
    }
    if (entry.message !== 'batch done' || typeof entry.ms !== 'number') continue;
    const at = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : Number.NaN;
    if (!(at >= from && at <= to)) continue;
    const topics = Array.isArray(entry.topics) ? entry.topics.map(String).sort().join(',') : '';
    const handler = topics ? `${match[1]} ${topics}` : (match[1] as string);
    const times = byHandler.get(handler) ?? { ms: [], records: [] };
    times.ms.push(entry.ms);
    if (typeof entry.records === 'number') times.records.push(entry.records);
    byHandler.set(handler, times);
  }
  return [...byHandler.entries()]
    .map(([handler, { ms, records }]) => ({
      handler,
      batches: ms.length,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      max: Math.max(...ms),
      recordsP50: records.length > 0 ? percentile(records, 50) : 0,
    }))
    .sort((a, b) => b.p99 - a.p99 || a.handler.localeCompare(b.handler));
}
