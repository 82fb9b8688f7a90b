/**
 * Redis's own limit on this machine: `redis-benchmark` pipelined SET and INCR against the same local
 * redis-server the sink benchmarks use, so the Redis sink's commands/s read as a fraction of it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Benchmark, Figure } from './harness';

const run = promisify(execFile);

function redisAddress(): { host: string; port: string } {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:16379');
  return { host: url.hostname, port: url.port || '6379' };
}

/** Parses `redis-benchmark --csv` output: `"SET","1234567.00",...` lines. */
export function parseRedisBenchmarkCsv(csv: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const line of csv.split('\n')) {
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    const [test, rps] = cells;
    if (test && rps && Number.isFinite(Number(rps))) rates[test] = Number(rps);
  }
  return rates;
}

export const serverLimits: Benchmark = {
  name: 'redis-server limit (redis-benchmark)',
  async run({ quick }) {
    const { host, port } = redisAddress();
    const requests = quick ? 100_000 : 1_000_000;
    const pipeline = 100;
    const { stdout } = await run('redis-benchmark', [
      '-h',
      host,
      '-p',
      port,
      '-t',
      'set,incr',
      '-n',
      String(requests),
      '-P',
      String(pipeline),
      '-c',
      '10',
      '--csv',
    ]);
    const rates = parseRedisBenchmarkCsv(stdout);
    const figures: Figure[] = [];
    for (const test of ['SET', 'INCR']) {
      const rate = rates[test];
      if (rate === undefined) throw new Error(`redis-benchmark printed no ${test} rate:\n${stdout}`);
      figures.push({
        name: `redis-server ${test} pipelined`,
        value: Math.round(rate),
        unit: 'commands/s',
        detail: { requests, pipeline, clients: 10 },
      });
    }
    return figures;
  },
};
