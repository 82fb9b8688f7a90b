/**
 * Bytes allocated per 1000-record send by the CDC bridge's contenders (stock kafkajs `sendBatch`, the
 * handler's producer, the whole handler), measured in a child Node process started with a young
 * generation large enough that a send runs without a garbage collection (harness.ts, measureAllocation):
 * this process's heap is the benchmark's, sized by Node's defaults, where collections run mid-send and
 * freed bytes could not be counted.
 *
 * @example
 * ```ts
 * const allocation = await cdcAllocation({ brokers, topic, bundle, samples: 5 }); // { stock, sameProducer, handler }
 * ```
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DynamoDBRecord } from 'aws-lambda';
import { cdcContenders } from './cdcFixture';
import { ALLOCATION_NODE_FLAGS, type Allocation, measureAllocation } from './harness';

export interface CdcAllocationInput {
  readonly brokers: string;
  readonly topic: string;
  /** The bundled handler code (bench/entries/changeBridge.ts). */
  readonly bundle: string;
  readonly samples: number;
}

export interface CdcAllocation {
  readonly stock: Allocation;
  readonly sameProducer: Allocation;
  readonly handler: Allocation;
}

const WARMUP_RUNS = 3;
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the measurement in a child process and returns what it found. */
export function cdcAllocation(input: CdcAllocationInput): Promise<CdcAllocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...ALLOCATION_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url)],
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as CdcAllocation);
      else reject(new Error(`the allocation probe exited with ${code}: ${err.trim()}`));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

async function probe(input: CdcAllocationInput): Promise<CdcAllocation> {
  const cdc = await cdcContenders(input);
  try {
    let delivered: DynamoDBRecord[] = [];
    const parse = () => {
      delivered = cdc.parse();
    };
    const handler = () => cdc.runHandler(delivered);
    for (let i = 0; i < WARMUP_RUNS; i++) {
      parse();
      await handler();
      await cdc.sendStock();
      await cdc.sendSameProducer();
    }
    return {
      stock: await measureAllocation(cdc.sendStock, input.samples),
      sameProducer: await measureAllocation(cdc.sendSameProducer, input.samples),
      handler: await measureAllocation(handler, input.samples, parse),
    };
  } finally {
    await cdc.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const result = await probe(JSON.parse(text) as CdcAllocationInput);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
