/**
 * How far a user got through a funnel: for each chain start (a first-step event), the steps reached in
 * order within the window, the best per UTC day of the start. Adding events can only lengthen chains, so
 * counts derived from it only ever grow (each user counted once per step and day).
 */
import type { StepEvent } from './types';

/** The UTC day (`yyyy-MM-dd`) of an epoch-ms time. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/**
 * Steps reached in order per UTC day of the chain's first step. Events of equal time may follow each
 * other in either order; the earliest possible next step is always taken (it leaves the most window).
 *
 * @example
 * ```ts
 * funnelReach([{ ts: 0, step: 0 }, { ts: 5, step: 1 }, { ts: 9, step: 3 }], 4, 60_000);
 * // { '1970-01-01': 2 } (no step 2, so the step-3 event does not count)
 * ```
 */
export function funnelReach(
  steps: readonly StepEvent[],
  stepCount: number,
  windowMs: number,
): Record<string, number> {
  const byStep: number[][] = Array.from({ length: stepCount }, () => []);
  for (const e of steps) byStep[e.step]?.push(e.ts);
  for (const times of byStep) times.sort((a, b) => a - b);
  const reached: Record<string, number> = {};
  for (const start of byStep[0] ?? []) {
    let at = start;
    let depth = 1;
    for (let step = 1; step < stepCount; step++) {
      const next = (byStep[step] as number[]).find((ts) => ts >= at && ts <= start + windowMs);
      if (next === undefined) break;
      at = next;
      depth++;
    }
    const day = utcDay(start);
    reached[day] = Math.max(reached[day] ?? 0, depth);
  }
  return reached;
}
