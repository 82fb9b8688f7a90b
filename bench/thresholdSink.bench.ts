/**
 * Kafka → Redis sink, threshold mapping (device temperature alerts): the handler on a 10 000-reading batch
 * over 200 devices against a naive per-record version (the same handler invoked with one record at a time,
 * as an event source mapping with batch size 1 would: state read, commit script and outbox flush per
 * reading), and the Redis commands per batch against the batch's distinct devices. Alerts go to an
 * in-memory producer that counts them, so the figures are the sink's Redis work. Details:
 * docs/performance.md ("How the benchmarks measure").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MSKEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import type { TopicMessages } from 'kafkajs';
import type { RedisSinkConfig, ThresholdMapping } from '../config/types';
import { Logger } from '../lambdas/core/Logger';
import { Metrics } from '../lambdas/core/Metrics';
import { createRedisSinkHandler } from '../lambdas/kafka-to-redis/createRedisSinkHandler';
import { evaluateReadings } from '../lambdas/kafka-to-redis/thresholds/evaluateThreshold';
import { mskEvent } from '../local/events/mskEvents';
import type { ServicesOptions } from '../local/services';
import { freePort, startServices, stopServices } from '../local/services';
import type { Benchmark, Figure } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const RECORDS = 10_000;
const DEVICES = 200;
const TOPIC = 'device-readings';
const T0 = Date.UTC(2025, 10, 26, 8, 0, 0);

const MAPPING: ThresholdMapping = {
  name: 'bench-temperature',
  topic: TOPIC,
  operation: 'threshold',
  key: '{deviceId}',
  valueField: 'temperature',
  timeField: 'ts',
  above: 80,
  recoverBelow: 70,
  forReadings: 2,
  silenceSeconds: 30,
  alertTopic: 'device-alerts',
};

const CONFIG: RedisSinkConfig = { consumerGroup: 'bench-thresholds', mappings: [MAPPING] };

interface Reading {
  readonly deviceId: string;
  readonly ts: number;
  readonly temperature: number;
}

/** `count` readings round-robin over the devices, each device's temperature a triangle wave (period 20). */
function readings(count: number, tag: string): Reading[] {
  return Array.from({ length: count }, (_, i) => {
    const device = i % DEVICES;
    const n = Math.floor(i / DEVICES) + device;
    const at = (n % 20) / 20;
    const wave = at < 0.5 ? 4 * at - 1 : 3 - 4 * at;
    return { deviceId: `${tag}-d${device}`, ts: T0 + i, temperature: 60 + 28 * wave };
  });
}

/**
 * The readings over 3 partitions (a device on one), in order, at offsets after the previous batch's (the
 * watermark skips offsets already applied, as for a redelivery).
 */
function batchOf(values: readonly Reading[], offsets: number[]): MSKEvent {
  return mskEvent(
    values.map((value) => {
      const partition = Number(value.deviceId.slice(value.deviceId.lastIndexOf('d') + 1)) % 3;
      const offset = offsets[partition] ?? 0;
      offsets[partition] = offset + 1;
      return { topic: TOPIC, partition, offset, timestamp: value.ts, key: value.deviceId, value };
    }),
  );
}

/** Alerts the readings must produce: the sink's own rule over each device's readings. */
function expectedAlerts(values: readonly Reading[]): number {
  const byDevice = new Map<string, { value: number; at: number }[]>();
  for (const r of values)
    byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), { value: r.temperature, at: r.ts }]);
  let alerts = 0;
  const rule = { mapping: MAPPING.name, above: 80, recoverBelow: 70, forReadings: 2, forSeconds: 0 };
  for (const [deviceId, list] of byDevice)
    alerts += evaluateReadings(rule, deviceId, undefined, list).alerts.length;
  return alerts;
}

/** Kafka stand-in: counts the alert messages the sink sends. */
class CountingProducer {
  sent = 0;
  send(batch: TopicMessages[]): Promise<void> {
    for (const topic of batch) this.sent += topic.messages.length;
    return Promise.resolve();
  }
}

function quietThresholdSink(redis: Redis, producer: CountingProducer) {
  const quiet = { write: () => undefined };
  return createRedisSinkHandler({
    config: CONFIG,
    redis,
    cluster: false,
    producer,
    deadLetters: { send: async () => undefined },
    logger: new Logger('bench', quiet),
    metrics: new Metrics('bench', quiet),
  });
}

const CONTEXT = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 };

export const thresholdSink: Benchmark = {
  name: 'kafka-to-redis thresholds (10 000 readings over 200 devices)',
  async run({ quick }) {
    const naiveRecords = quick ? 500 : 2_000;
    const rounds = quick ? 2 : 5;
    const stateDir = mkdtempSync(join(tmpdir(), 'sb-bench-thresholds-'));
    const services: ServicesOptions = {
      only: ['redis'],
      stateDir,
      ports: { redis: await freePort() },
      log: () => undefined,
    };
    await startServices(services);
    const url = `redis://127.0.0.1:${services.ports?.redis}`;
    const admin = new Redis(url);
    const client = new Redis(url);
    // Round trips the sink makes: every command ioredis sends (a script call counts once).
    let sentCommands = 0;
    const sendCommand = client.sendCommand.bind(client);
    client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
      sentCommands++;
      return sendCommand(...args);
    };
    try {
      const producer = new CountingProducer();
      const handle = quietThresholdSink(client, producer);
      const offsets = [0, 0, 0];
      let round = 0;
      let batch: Reading[] = [];
      let naiveBatch: Reading[] = [];
      const commands: number[] = [];
      const executed: number[] = [];
      const sentBy: { sent: number; expected: number }[] = [];
      const [sink, naive] = await measureInterleaved(
        [
          {
            name: 'redis sink thresholds (handler, compacted per device)',
            records: RECORDS,
            // New devices each run: the same readings again would be a redelivery the watermark skips.
            before: async () => {
              batch = readings(RECORDS, `h${round++}`);
              await admin.config('RESETSTAT');
            },
            run: async () => {
              const sentBefore = producer.sent;
              const commandsBefore = sentCommands;
              const response = await handle(batchOf(batch, offsets), CONTEXT);
              if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
              commands.push(sentCommands - commandsBefore);
              const stats = await admin.info('stats');
              // Commands run inside the scripts included; the INFO itself and the RESETSTAT before too.
              executed.push(Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0) - 2);
              sentBy.push({ sent: producer.sent - sentBefore, expected: expectedAlerts(batch) });
            },
          },
          {
            name: 'redis naive thresholds (one record per invocation)',
            records: naiveRecords,
            warmupRuns: 0,
            before: () => {
              naiveBatch = readings(naiveRecords, `n${round++}`);
            },
            run: async () => {
              for (const value of naiveBatch) {
                const response = await handle(batchOf([value], offsets), CONTEXT);
                if (response.batchItemFailures.length > 0) throw new Error('the naive run reported failures');
              }
            },
          },
        ],
        rounds,
      );

      // Correctness: each handler run sent exactly the alerts the rule gives for its readings.
      const wrong = sentBy.find((run) => run.sent !== run.expected);
      if (wrong) throw new Error(`a handler run sent ${wrong.sent} alerts, expected ${wrong.expected}`);
      const perBatch = Math.max(...commands);
      const figures: Figure[] = [
        {
          ...sink.figure,
          detail: {
            ...sink.figure.detail,
            devices: DEVICES,
            redisCommandsPerBatch: perBatch,
            redisCommandsExecutedPerBatch: Math.max(...executed),
            alertsPerBatch: sentBy[0]?.sent ?? 0,
          },
        },
        {
          ...naive.figure,
          detail: {
            ...naive.figure.detail,
            note: `timed on ${naiveRecords} readings, one invocation each; records/s is per record`,
          },
        },
        ratioFigure('redis sink thresholds vs one record per invocation', sink, naive, 10),
        {
          name: 'redis sink thresholds round trips per batch / distinct devices',
          value: Number((perBatch / DEVICES).toFixed(3)),
          unit: 'x',
          ratio: Number((perBatch / DEVICES).toFixed(3)),
          target: 0.1,
          targetIsCeiling: true,
          detail: {
            commands: perBatch,
            distinctDevices: DEVICES,
            records: RECORDS,
          },
        },
      ];
      return figures;
    } finally {
      admin.disconnect();
      client.disconnect();
      await stopServices(services);
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await thresholdSink.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
}
