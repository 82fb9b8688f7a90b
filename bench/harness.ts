/**
 * The one benchmark harness every benchmark uses: warm-up runs are excluded, measured runs are repeated
 * and the median reported, and comparisons are ratios measured in the same run (these machines are
 * shared and noisy; absolute numbers are context, not the result). Allocation is measured per run, with
 * no collection inside the measured run (measureAllocation).
 *
 * @example
 * ```ts
 * const handler = await measureThroughput('redis-sink', 10_000, () => runHandler(batch));
 * const naive = await measureThroughput('redis-naive', 10_000, () => runNaive(batch));
 * figures.push(handler.figure, naive.figure, ratioFigure('redis-sink vs naive', handler, naive, 20));
 * ```
 */
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One line of the results table and of the JSON file. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the figure this one is compared with. */
  readonly baseline?: string;
  readonly ratio?: number;
  /** The ratio an issue set as the goal (a floor, unless `targetIsCeiling`). */
  readonly target?: number;
  readonly targetIsCeiling?: boolean;
  readonly detail?: Readonly<Record<string, number | string>>;
}

export interface Throughput {
  readonly name: string;
  /** Median records per second over the measured runs. */
  readonly recordsPerSecond: number;
  readonly runs: readonly number[];
  readonly figure: Figure;
}

export interface MeasureOptions {
  readonly warmupRuns?: number;
  readonly runs?: number;
  /** Called before each run (not timed): reset state so each run does the same work. */
  readonly before?: () => Promise<void> | void;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Times `run` (which processes `records` records) and reports the median records/s. */
export async function measureThroughput(
  name: string,
  records: number,
  run: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Throughput> {
  const { warmupRuns = 1, runs = 5, before } = options;
  for (let i = 0; i < warmupRuns; i++) {
    await before?.();
    await run();
  }
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const start = process.hrtime.bigint();
    await run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(records / seconds);
  }
  const recordsPerSecond = median(rates);
  return {
    name,
    recordsPerSecond,
    runs: rates,
    figure: { name, value: Math.round(recordsPerSecond), unit: 'records/s', detail: { runs, records } },
  };
}

/** One contender of {@link measureInterleaved}. */
export interface Variant {
  readonly name: string;
  /** Records one run processes. */
  readonly records: number;
  readonly run: () => Promise<unknown>;
  /** Untimed runs before the first round (the JIT's warm-up); default 1. */
  readonly warmupRuns?: number;
  /** Called before each run (not timed). */
  readonly before?: () => Promise<void> | void;
}

/**
 * Measures variants in alternation, one timed run of each per round in a rotating order, so load that comes
 * and goes on a shared machine weighs on every variant alike; each reports the median of its rounds.
 *
 * @example
 * ```ts
 * const [handler, naive] = await measureInterleaved([
 *   { name: 'handler', records: 1000, run: runHandler, warmupRuns: 3 },
 *   { name: 'naive', records: 1000, run: runNaive },
 * ], 9);
 * ```
 */
export async function measureInterleaved(
  variants: readonly Variant[],
  rounds: number,
): Promise<Throughput[]> {
  for (const variant of variants) {
    for (let i = 0; i < (variant.warmupRuns ?? 1); i++) {
      await variant.before?.();
      await variant.run();
    }
  }
  const rates = variants.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const variant = variants[i] as Variant;
      const measured = await measureThroughput(variant.name, variant.records, variant.run, {
        warmupRuns: 0,
        runs: 1,
        before: variant.before,
      });
      rates[i]?.push(...measured.runs);
    }
  }
  return variants.map((variant, i) => {
    const runs = rates[i] as number[];
    const recordsPerSecond = median(runs);
    return {
      name: variant.name,
      recordsPerSecond,
      runs,
      figure: {
        name: variant.name,
        value: Math.round(recordsPerSecond),
        unit: 'records/s',
        detail: { runs: runs.length, records: variant.records },
      },
    };
  });
}

/** What one run allocates: JS heap objects and ArrayBuffer backing stores (Buffers' bytes live there). */
export interface Allocation {
  readonly heapBytes: number;
  readonly bufferBytes: number;
  /** Runs measured (each without a garbage collection inside it). */
  readonly samples: number;
}

/** Node flags that make room for {@link measureAllocation}: a young generation no single run fills. */
export const ALLOCATION_NODE_FLAGS = ['--min-semi-space-size=128', '--max-semi-space-size=128'] as const;

/**
 * Bytes `run` allocates, median of `samples` runs. Each run starts after a full collection, with the
 * heap's used size and Node's ArrayBuffer total read just before and after it: with no collection in
 * between nothing was freed, so the differences are what the run allocated. A run during which the GC
 * profiler saw a collection is discarded (the process needs {@link ALLOCATION_NODE_FLAGS} so that none
 * has to happen); if no run is clean the measurement fails rather than give a number that is not one.
 *
 * @example
 * ```ts
 * const { heapBytes, bufferBytes } = await measureAllocation(() => producer.sendBatch(batch), 5);
 * ```
 */
export async function measureAllocation(
  run: () => Promise<unknown>,
  samples: number,
  /** Called before each run, outside the measurement (prepare its input). */
  before?: () => void,
): Promise<Allocation> {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const heap: number[] = [];
  const buffers: number[] = [];
  for (let attempt = 0; heap.length < samples && attempt < 3 * samples; attempt++) {
    before?.();
    gc();
    // Freed backing stores are released by a sweeper after the collection: wait until the total settles.
    for (let last = -1, polls = 0; polls < 50; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const now = process.memoryUsage().arrayBuffers;
      if (now === last) break;
      last = now;
    }
    const profiler = new GCProfiler();
    profiler.start();
    const heapBefore = getHeapStatistics().used_heap_size;
    const buffersBefore = process.memoryUsage().arrayBuffers;
    await run();
    const heapAfter = getHeapStatistics().used_heap_size;
    const buffersAfter = process.memoryUsage().arrayBuffers;
    if (profiler.stop().statistics.length > 0) continue;
    heap.push(heapAfter - heapBefore);
    buffers.push(buffersAfter - buffersBefore);
  }
  if (heap.length === 0) {
    throw new Error(
      `every run collected garbage mid-run: run the measurement with ${ALLOCATION_NODE_FLAGS.join(' ')}`,
    );
  }
  return { heapBytes: median(heap), bufferBytes: median(buffers), samples: heap.length };
}

/**
 * Milliseconds of garbage collection per run of `run` (mean over `runs`), from the GC profiler's own cost
 * figures: how much of a run's time is the collector's, not the code's.
 */
export async function gcMillisecondsPerRun(
  run: () => Promise<unknown>,
  runs: number,
  before?: () => void,
): Promise<number> {
  let micros = 0;
  for (let i = 0; i < runs; i++) {
    before?.();
    const profiler = new GCProfiler();
    profiler.start();
    await run();
    for (const gc of profiler.stop().statistics) micros += gc.cost;
  }
  return micros / 1000 / runs;
}

/** A comparison figure: `subject` over `baseline`, with the target ratio an issue set. */
export function ratioFigure(
  name: string,
  subject: Throughput,
  baseline: Throughput,
  target?: number,
): Figure {
  return {
    name,
    value: Number((subject.recordsPerSecond / baseline.recordsPerSecond).toFixed(2)),
    unit: 'x',
    baseline: baseline.name,
    ratio: Number((subject.recordsPerSecond / baseline.recordsPerSecond).toFixed(2)),
    ...(target === undefined ? {} : { target }),
    detail: {
      subject: Math.round(subject.recordsPerSecond),
      baseline: Math.round(baseline.recordsPerSecond),
    },
  };
}

/** Whether a figure meets its target (true when it has none). */
export function meetsTarget(figure: Figure): boolean {
  if (figure.target === undefined || figure.ratio === undefined) return true;
  return figure.targetIsCeiling ? figure.ratio <= figure.target : figure.ratio >= figure.target;
}

/** Renders figures as a Markdown table (the README's Performance section uses this). */
export function figuresTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const target = f.target === undefined ? '' : `${f.targetIsCeiling ? '≤' : '≥'} ${f.target}`;
    const status = f.target === undefined ? '' : meetsTarget(f) ? 'met' : 'MISSED';
    return `| ${f.name} | ${f.value} ${f.unit} | ${f.baseline ?? ''} | ${target} | ${status} |`;
  });
  return ['| figure | value | compared with | target | |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** A benchmark module: each handler issue adds one; `npm run bench` runs them all. */
/** What `npm run bench` passes to each benchmark (the flags beyond `--quick` are for the soak). */
export interface BenchRunOptions {
  /** A smaller version for the CI smoke check. */
  readonly quick: boolean;
  /** `--duration S`: how long a benchmark of set length runs. */
  readonly durationSeconds?: number;
  /** `--rate N`: events per second, in place of what the benchmark derives. */
  readonly rate?: number;
  /** `--seed N`. */
  readonly seed?: number;
}

export interface Benchmark {
  readonly name: string;
  /** Runs only when asked for by its exact name (`--only soak`): never in the quick or the whole run. */
  readonly onlyWhenNamed?: boolean;
  run(options: BenchRunOptions): Promise<Figure[]>;
}
