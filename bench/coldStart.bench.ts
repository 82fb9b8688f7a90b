/**
 * Cold start and size: each handler bundled the way the CDK bundles it (bundles.ts: esbuild, minified, the
 * AWS SDK inside), its size, and the time to load it in a fresh Node process (module scope: config
 * validation, client construction) against an empty module's load time.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONFIG_ENV_VAR } from '../config/constants';
import { changeBridgeSlice, dynamoSinkSlice, redisSinkSlice } from '../config/handlerSlices';
import config from '../streambridge.config';
import { bundleHandler } from './bundles';
import type { Benchmark, Figure } from './harness';
import { median } from './harness';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const outRoot = join(root, '.streambridge', 'bench', 'bundles');

const slices: Record<string, unknown> = {
  'ddb-stream-to-kafka': changeBridgeSlice(config, 'dynamodb-streams'),
  'kinesis-to-kafka': changeBridgeSlice(config, 'kinesis'),
  'kafka-to-redis': redisSinkSlice(config),
  'kafka-to-dynamodb': dynamoSinkSlice(config),
};

/** Handler folders under lambdas/ (every folder but core that has an index.ts). */
export function handlerNames(): string[] {
  const dir = join(root, 'lambdas');
  return readdirSync(dir)
    .filter((name) => name !== 'core' && existsSync(join(dir, name, 'index.ts')))
    .sort();
}

const LOAD_SCRIPT = `
const t0 = process.hrtime.bigint();
require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms }));
process.exit(0);
`;

async function loadTimeMs(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', LOAD_SCRIPT, file], { env, cwd: root });
  return (JSON.parse(stdout) as { ms: number }).ms;
}

export const coldStart: Benchmark = {
  name: 'cold start and bundle size',
  async run({ quick }) {
    const runs = quick ? 3 : 15;
    const figures: Figure[] = [];
    const empty = join(outRoot, 'empty.js');
    mkdirSync(outRoot, { recursive: true });
    writeFileSync(empty, 'module.exports = {};\n');
    const loads: { name: string; file: string; env: NodeJS.ProcessEnv; samples: number[] }[] = [
      { name: 'empty', file: empty, env: process.env, samples: [] },
    ];
    for (const name of handlerNames()) {
      const file = await bundleHandler(name);
      figures.push({
        name: `${name} bundle (minified)`,
        value: Math.round(statSync(file).size / 1024),
        unit: 'KiB',
      });
      const env = {
        ...process.env,
        [CONFIG_ENV_VAR]: JSON.stringify(slices[name] ?? {}),
        DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/queue/none',
      };
      loads.push({ name, file, env, samples: [] });
    }
    // Rounds of one load each, in a rotating order: load that comes and goes on a shared machine weighs on
    // every bundle (and on the empty module) alike.
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < loads.length; k++) {
        const load = loads[(round + k) % loads.length] as (typeof loads)[number];
        load.samples.push(await loadTimeMs(load.file, load.env));
      }
    }
    const emptyMs = median((loads[0] as (typeof loads)[number]).samples);
    for (const { name, samples } of loads.slice(1)) {
      const ms = median(samples);
      figures.push({
        name: `${name} init (module load)`,
        value: Number(ms.toFixed(1)),
        unit: 'ms',
        baseline: 'empty module load',
        ratio: Number((ms / Math.max(emptyMs, 0.01)).toFixed(1)),
        detail: { runs, emptyModuleMs: Number(emptyMs.toFixed(2)) },
      });
    }
    return figures;
  },
};
