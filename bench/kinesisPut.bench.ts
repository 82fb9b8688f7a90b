/**
 * What the local Kinesis streaming destination costs kinesis-mock as a stream's history grows. kinesis-mock's
 * PutRecords groups its entries by `(shard, the shard's records so far)`, hashing the shard's whole history
 * once per entry, so its CPU per record grows with everything the shard ever received; PutRecord appends at a
 * cost that stays flat. The destination therefore sends PutRecord (eight items at a time). Measured as
 * kinesis-mock's own CPU time (/proc) per record on a fresh one-shard stream, at a small and a large history,
 * the two calls alternating in rounds.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { mapConcurrently } from '../lambdas/kafka-to-dynamodb/mapConcurrently';
import { readProcessSample } from '../local/demo/processSample';
import { LocalClients, localEndpoints } from '../local/deploy';
import { PUT_CONCURRENCY } from '../local/deploy/KinesisStreamingDestination';
import { servicesStatus } from '../local/services';
import { type Benchmark, type Figure, median } from './harness';

/** Records per measured run of each call. */
const RECORDS_PER_RUN = 200;
/** Records put each way before measuring (kinesis-mock's JIT warm-up). */
const WARMUP_RECORDS = 600;
/** Entries per PutRecords call: the size of the destination's pages at the demo's rate. */
const ENTRIES_PER_CALL = 10;
/** PutRecord per record may cost at most this much more at the large history than at the small one. */
const FLAT_GROWTH_CEILING = 1.5;

type Put = 'PutRecord' | 'PutRecords';

async function kinesisPid(): Promise<number> {
  const statuses = await servicesStatus({ log: () => undefined });
  const pid = statuses.find((status) => status.service === 'kinesis')?.pid;
  if (pid === undefined) throw new Error('kinesis-mock is not running (no pid in the services status)');
  return pid;
}

function cpuSeconds(pid: number): number {
  const sample = readProcessSample(pid);
  if (!sample) throw new Error(`cannot read the CPU time of kinesis-mock (pid ${pid})`);
  return sample.cpuSeconds;
}

export const kinesisPut: Benchmark = {
  name: 'kinesis-mock put cost as a stream grows',
  async run({ quick }) {
    const pid = await kinesisPid();
    const clients = new LocalClients(localEndpoints());
    const { kinesis } = clients;
    const streamName = `sb-bench-put-${Date.now()}`;
    const data = Buffer.alloc(400, 7);
    let written = 0;
    const putRecord = (count: number) =>
      mapConcurrently(Array.from({ length: count }), PUT_CONCURRENCY, () =>
        kinesis.send(
          new PutRecordCommand({ StreamName: streamName, PartitionKey: `k${written++}`, Data: data }),
        ),
      );
    const putRecords = async (count: number) => {
      for (let done = 0; done < count; done += ENTRIES_PER_CALL) {
        await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: Array.from({ length: ENTRIES_PER_CALL }, () => ({
              PartitionKey: `k${written++}`,
              Data: data,
            })),
          }),
        );
      }
    };
    /** kinesis-mock CPU ms per record of each call, median of alternating rounds. */
    const measure = async (rounds: number): Promise<Record<Put, number>> => {
      const runs: Record<Put, number[]> = { PutRecord: [], PutRecords: [] };
      for (let round = 0; round < rounds; round++) {
        const order: Put[] = round % 2 === 0 ? ['PutRecord', 'PutRecords'] : ['PutRecords', 'PutRecord'];
        for (const put of order) {
          const before = cpuSeconds(pid);
          await (put === 'PutRecord' ? putRecord : putRecords)(RECORDS_PER_RUN);
          runs[put].push(((cpuSeconds(pid) - before) * 1000) / RECORDS_PER_RUN);
        }
      }
      return { PutRecord: median(runs.PutRecord), PutRecords: median(runs.PutRecords) };
    };
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      for (let attempt = 0; attempt < 100; attempt++) {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const rounds = quick ? 3 : 5;
      // Warm-up: kinesis-mock's JIT makes its first few hundred calls of each kind several times dearer.
      await putRecord(WARMUP_RECORDS);
      await putRecords(WARMUP_RECORDS);
      const smallHistory = written;
      const small = await measure(rounds);
      const largeTarget = quick ? 5_000 : 12_000;
      await putRecord(Math.max(0, largeTarget - written));
      const largeHistory = written;
      const large = await measure(rounds);
      const figures: Figure[] = [];
      for (const put of ['PutRecord', 'PutRecords'] as const) {
        const label = put === 'PutRecord' ? 'PutRecord' : `PutRecords (${ENTRIES_PER_CALL} per call)`;
        const smallName = `kinesis-mock ${label} CPU per record, small history`;
        figures.push(
          {
            name: smallName,
            value: Number(small[put].toFixed(2)),
            unit: 'ms/record',
            detail: { historyRecords: smallHistory, rounds, recordsPerRun: RECORDS_PER_RUN },
          },
          {
            name: `kinesis-mock ${label} CPU per record, large history`,
            value: Number(large[put].toFixed(2)),
            unit: 'ms/record',
            baseline: smallName,
            ratio: Number((large[put] / small[put]).toFixed(2)),
            ...(put === 'PutRecord' ? { target: FLAT_GROWTH_CEILING, targetIsCeiling: true } : {}),
            detail: { historyRecords: largeHistory, rounds, recordsPerRun: RECORDS_PER_RUN },
          },
        );
      }
      return figures;
    } finally {
      await kinesis
        .send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }))
        .catch(() => undefined);
      await clients.close();
    }
  },
};
