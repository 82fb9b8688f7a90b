/**
 * What the bridges cost on AWS per million events, from a kept run's measured handler time, beside the list
 * prices of the managed alternatives doing the same movement (prices.ts). Each handler's time per invocation
 * at the default batch size is interpolated between the scaling curve's measured batch sizes; Lambda gives a
 * function CPU in proportion to its memory (one vCPU at 1 769 MB), so a function below that runs the same
 * CPU-bound work proportionally longer. That makes the figures upper estimates (the local servers' I/O wait
 * is counted as CPU) on the bench machine's CPU, not on Lambda's.
 */

import { FUNCTION_DEFAULTS, KAFKA_POLLER_DEFAULTS } from '../../lib/constants';
import { EVENT_SOURCE_DEFAULTS } from '../../lib/defaults/eventSourceDefaults';
import { figureOf, type KeptRun } from './keptRuns';
import { PRICES } from './prices';

/** The handlers the model prices: the scaling curve's name of each and what it moves. */
export const PRICED_HANDLERS = [
  { scaling: 'cdc-bridge', label: 'DynamoDB Streams / Kinesis → Kafka (change bridge)', kafkaSource: false },
  { scaling: 'redis-sink', label: 'Kafka → Redis sink', kafkaSource: true },
  { scaling: 'dynamodb-sink', label: 'Kafka → DynamoDB sink (measured on moto)', kafkaSource: true },
] as const;

/** Batch sizes the scaling curve measures. */
const SCALING_BATCHES = [10, 100, 1000, 10_000] as const;

/** Steady event rates the fixed-price rows (event pollers, MSK Connect) are shown at, events/s. */
export const COST_RATES = [100, 1000, 10_000] as const;

/** MSK Connect capacity assumed per MCU (not measured here; Kafka Connect sinks vary widely), events/s. */
export const MSK_CONNECT_EVENTS_PER_MCU = 1000;

export interface HandlerCost {
  readonly label: string;
  readonly batchSize: number;
  /** Interpolated handler time per invocation on the bench machine, ms. */
  readonly msPerInvocation: number;
  /** Lambda duration + request price per million events, USD. */
  readonly lambdaPerMillion: number;
  readonly kafkaSource: boolean;
}

/** Handler time of one invocation of `batch` records, ms: from the scaling curve's per-record time. */
function msPerInvocation(run: KeptRun, handler: string, batch: number): number {
  const at = (size: number) =>
    (size * Number(figureOf(run, `scaling ${handler} batch ${size}`).detail?.usPerRecord)) / 1000;
  const upper = SCALING_BATCHES.find((size) => size >= batch) ?? 10_000;
  const lower = [...SCALING_BATCHES].reverse().find((size) => size <= batch) ?? 10;
  if (upper === lower) return at(upper);
  return at(lower) + ((at(upper) - at(lower)) * (batch - lower)) / (upper - lower);
}

/** Whether a run measured what the model needs (a run of some benchmarks only may not have). */
export function canPrice(run: KeptRun): boolean {
  return PRICED_HANDLERS.every((handler) =>
    SCALING_BATCHES.every((size) =>
      run.report.figures.some((f) => f.name === `scaling ${handler.scaling} batch ${size}`),
    ),
  );
}

/** Lambda cost per million events of each handler at the default batch size and memory. */
export function handlerCosts(run: KeptRun): HandlerCost[] {
  const memoryMb = FUNCTION_DEFAULTS.memorySizeMb;
  const vcpuShare = Math.min(1, memoryMb / PRICES.lambda.fullVcpuMemoryMb);
  const batchSize = EVENT_SOURCE_DEFAULTS.batchSize;
  return PRICED_HANDLERS.map((handler) => {
    const ms = msPerInvocation(run, handler.scaling, batchSize);
    const gbSecondsPerInvocation = (memoryMb / 1024) * (ms / 1000 / vcpuShare);
    const invocations = 1e6 / batchSize;
    const lambdaPerMillion =
      invocations * gbSecondsPerInvocation * PRICES.lambda.armPerGbSecond +
      (invocations / 1e6) * PRICES.lambda.perMillionRequests;
    return {
      label: handler.label,
      batchSize,
      msPerInvocation: ms,
      lambdaPerMillion,
      kafkaSource: handler.kafkaSource,
    };
  });
}

/** Per million events of a fixed hourly price at a steady rate. */
export function perMillionAtRate(hourly: number, eventsPerSecond: number): number {
  return hourly / ((eventsPerSecond * 3600) / 1e6);
}

/** A cost: cents for a dollar or more, four decimals below. */
const usd = (value: number) => (value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);
/** A list price as its list writes it: $0.20, $0.185. */
const listPrice = (value: number) => {
  const three = value.toFixed(3);
  return `$${three.endsWith('0') ? value.toFixed(2) : three}`;
};

/** The cost section's tables (Markdown). */
export function costTables(run: KeptRun): string {
  const costs = handlerCosts(run);
  const memoryMb = FUNCTION_DEFAULTS.memorySizeMb;
  const handlerRows = costs.map(
    (c) =>
      `| ${c.label} | ${c.batchSize} | ${c.msPerInvocation.toFixed(1)} ms | ${usd(c.lambdaPerMillion)} |`,
  );
  const epuHourly = PRICES.lambda.eventPollerUnitPerHour;
  const rateHeader = COST_RATES.map((r) => `${r} events/s`).join(' | ');
  const rateRule = COST_RATES.map(() => '---').join(' | ');
  const perRate = (hourly: (rate: number) => number) =>
    COST_RATES.map((rate) => usd(perMillionAtRate(hourly(rate), rate))).join(' | ');
  const mcus = (rate: number) => Math.max(1, Math.ceil(rate / MSK_CONNECT_EVENTS_PER_MCU));
  return [
    `Lambda (Arm, ${memoryMb} MB, $${PRICES.lambda.armPerGbSecond} per GB-s, ${listPrice(PRICES.lambda.perMillionRequests)} per million requests), at the default batch size:`,
    '',
    '| bridge | batch | handler time per invocation | Lambda per million events |',
    '| --- | --- | --- | --- |',
    ...handlerRows,
    '',
    `Fixed hourly prices, per million events at a steady rate (the Kafka sinks' mappings share one poller group, ${KAFKA_POLLER_DEFAULTS.minimumPollers} poller each at least, ${PRICES.lambda.pollersPerEventPollerUnit} pollers per Event Poller Unit: one EPU for the default pipeline):`,
    '',
    `| what | price | ${rateHeader} |`,
    `| --- | --- | ${rateRule} |`,
    `| Kafka sinks' provisioned pollers, 1 EPU | ${listPrice(epuHourly)} per EPU-hour | ${perRate(() => epuHourly)} |`,
    `| MSK Connect, 1 MCU per ${MSK_CONNECT_EVENTS_PER_MCU} events/s (assumed) | ${listPrice(PRICES.mskConnect.perMcuHour)} per MCU-hour | ${perRate((rate) => mcus(rate) * PRICES.mskConnect.perMcuHour)} |`,
    `| EventBridge Pipes (each event ≤ 64 KB one request) | ${listPrice(PRICES.pipes.perMillionRequests)} per million requests | ${COST_RATES.map(() => usd(PRICES.pipes.perMillionRequests)).join(' | ')} |`,
  ].join('\n');
}
