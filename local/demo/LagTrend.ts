/** How far apart the compared lags are; growth must show in two such steps in a row. */
const TREND_WINDOW_MS = 10_000;
/**
 * Each compared lag is the lowest seen over this span, not one sample: the 1 s batching windows (and Kinesis's
 * once-a-second reads) make the lag of a pipeline that keeps up swing by about rate × 2 s, which one sample
 * against another reads as growth. The trough of each swing is where the pipeline stands.
 */
const FLOOR_SPAN_MS = 3_000;

/**
 * Whether the total Kafka lag is growing: the pipeline falls behind the writer. Growing means the lowest lag
 * of the last 3 s is above that of ten seconds before, and that one above that of ten seconds before it, each
 * step by more than 50 records and 10 %. A single stall that the pipeline then works off (a verification
 * pass, a garbage collection) is not "behind"; a backlog that keeps growing is, after some 20 s.
 *
 * @example
 * ```ts
 * const trend = new LagTrend();
 * trend.push(Date.now(), totalLag); // true when growing
 * ```
 */
export class LagTrend {
  #samples: { readonly at: number; readonly lag: number }[] = [];

  push(at: number, lag: number): boolean {
    this.#samples.push({ at, lag });
    const keepFrom = at - 2 * TREND_WINDOW_MS - FLOOR_SPAN_MS;
    let drop = 0;
    while (drop < this.#samples.length && (this.#samples[drop]?.at ?? at) < keepFrom) drop++;
    if (drop > 0) this.#samples.splice(0, drop);
    const oldest = this.#samples[0];
    if (!oldest || oldest.at > at - 2 * TREND_WINDOW_MS) return false;
    const [before, then, now] = [2, 1, 0].map((steps) => this.#floor(at - steps * TREND_WINDOW_MS)) as [
      number,
      number,
      number,
    ];
    const grew = (from: number, to: number) => to - from > Math.max(50, from * 0.1);
    return grew(before, then) && grew(then, now);
  }

  /** The lowest lag over the span that ends at `end`, or the last one before it when the span has none. */
  #floor(end: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    let lastBefore = Number.POSITIVE_INFINITY;
    for (const sample of this.#samples) {
      if (sample.at > end) break;
      if (sample.at > end - FLOOR_SPAN_MS) lowest = Math.min(lowest, sample.lag);
      else lastBefore = sample.lag;
    }
    return Number.isFinite(lowest) ? lowest : lastBefore;
  }
}
