/**
 * The set-up the DynamoDB-mode benchmarks share (counters, sessions, state with history): a private moto
 * server in a temporary state directory, a client on it that counts its HTTP requests per operation, the
 * sink handler as the benchmarks run it, and the clean-up (tables, client, server, directory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoSinkConfig } from '../config/types';
import { Logger } from '../lambdas/core/Logger';
import { Metrics } from '../lambdas/core/Metrics';
import type { KafkaSinkHandler } from '../lambdas/core/sink/createKafkaSinkHandler';
import { createDynamoSinkHandler } from '../lambdas/kafka-to-dynamodb/createDynamoSinkHandler';
import type { ServicesOptions } from '../local/services';
import { freePort, LOCAL_AWS, startServices, stopServices } from '../local/services';

export interface DynamoBenchFixture {
  readonly client: DynamoDBClient;
  /** HTTP requests by operation (after the SDK's retry layer: every attempt counts). */
  readonly requests: ReadonlyMap<string, number>;
  /** All requests so far. */
  requestTotal(): number;
  /** Deletes `tables`, then stops moto and removes its state directory. */
  close(tables: readonly string[]): Promise<void>;
}

/** Counts a client's DynamoDB HTTP requests per operation. */
export function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'deserialize', name: 'countDynamoRequests' },
  );
  return counts;
}

/**
 * Starts a private moto and a counting client on it.
 *
 * @example
 * ```ts
 * const fixture = await startDynamoBenchFixture('sessions');
 * try { ... } finally { await fixture.close([table]); }
 * ```
 */
export async function startDynamoBenchFixture(name: string): Promise<DynamoBenchFixture> {
  const stateDir = mkdtempSync(join(tmpdir(), `sb-bench-${name}-`));
  const services: ServicesOptions = {
    only: ['moto'],
    stateDir,
    ports: { moto: await freePort() },
    log: () => undefined,
  };
  await startServices(services);
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${services.ports?.moto}`,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
  });
  const requests = countRequests(client);
  return {
    client,
    requests,
    requestTotal: () => [...requests.values()].reduce((a, b) => a + b, 0),
    async close(tables) {
      await Promise.all(
        tables.map((table) =>
          client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined),
        ),
      );
      client.destroy();
      await stopServices(services);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The sink as the benchmarks run it: logs and metrics silent; a dead letter fails the run (none expected). */
export function quietDynamoSink(config: DynamoSinkConfig, client: DynamoDBClient): KafkaSinkHandler {
  const quiet = { write: () => undefined };
  return createDynamoSinkHandler({
    config,
    client,
    deadLetters: {
      send: async () => {
        throw new Error('the benchmark batches have no poison records');
      },
    },
    logger: new Logger('bench', quiet),
    metrics: new Metrics('bench', quiet),
  });
}
