import type { PoisonFinding } from '../core/sink/errors';
import { PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';

/**
 * Calls `plan` on every event of a mapping batch, in offset order. An event `plan` rejects as poison (a
 * `PoisonRecordError`: missing field, wrong type, key too long...) becomes a finding and the batch goes on;
 * any other error is thrown.
 *
 * @example
 * ```ts
 * const poison = planEvents(batch.events, (event) => {
 *   if (event.op === 'd') return;
 *   group(this.#key(event), event);
 * });
 * ```
 */
export function planEvents(events: readonly SinkEvent[], plan: (event: SinkEvent) => void): PoisonFinding[] {
  const poison: PoisonFinding[] = [];
  for (const event of events) {
    try {
      plan(event);
    } catch (error) {
      if (!(error instanceof PoisonRecordError)) throw error;
      poison.push({ record: event.record, error });
    }
  }
  return poison;
}
