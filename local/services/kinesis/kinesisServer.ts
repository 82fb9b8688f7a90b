import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_AWS, LOOPBACK_HOST, TIMEOUTS } from '../constants';
import { serverEnvironment } from '../processControl';
import type { ServerDefinition, ServicesConfig } from '../types';
import { warmKinesis } from './warmKinesis';

const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
const BIND_LOOPBACK = join(dirname(fileURLToPath(import.meta.url)), 'bindLoopback.cjs');

/** kinesis-mock (npm `kinesis-local`), in memory; needs its package folder as cwd for its TLS certificate. */
export const kinesisServer: ServerDefinition = {
  name: 'kinesis',
  title: 'kinesis-mock',
  processMarker: BIND_LOOPBACK,
  startTimeoutMs: TIMEOUTS.startOther,
  stopTimeoutMs: TIMEOUTS.stopOther,

  ports: (config) => [config.ports.kinesis, config.ports.kinesisTls],

  missingPrerequisites: () => [],

  install: async () => undefined,

  async prepare(config) {
    return {
      file: process.execPath,
      args: ['--require', BIND_LOOPBACK, join(PACKAGE_DIR, 'main.js')],
      cwd: PACKAGE_DIR,
      env: serverEnvironment(config.env, {
        KINESIS_MOCK_PLAIN_PORT: String(config.ports.kinesis),
        KINESIS_MOCK_TLS_PORT: String(config.ports.kinesisTls),
        AWS_REGION: LOCAL_AWS.region,
        // The default of 50 shards per account is soon reached by parallel tests that never delete streams.
        SHARD_LIMIT: '10000',
      }),
    };
  },

  async probe(config) {
    const client = kinesisClient(config);
    try {
      await client.send(new ListStreamsCommand({ Limit: 1 }));
    } finally {
      client.destroy();
    }
  },

  async warm(config) {
    const client = kinesisClient(config, TIMEOUTS.startOther);
    try {
      const { puts, ms } = await warmKinesis(client);
      return `warmed up with ${puts} puts in ${(ms / 1000).toFixed(1)} s`;
    } catch (error) {
      // A server that answers but fails the warm-up is reported, not refused: the probe passed.
      return `warm-up failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      client.destroy();
    }
  },
};

function kinesisClient(config: ServicesConfig, timeoutMs: number = TIMEOUTS.probeAttempt): KinesisClient {
  return new KinesisClient({
    endpoint: `http://${LOOPBACK_HOST}:${config.ports.kinesis}`,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
    maxAttempts: 1,
    // The Kinesis client defaults to HTTP/2, which kinesis-mock's plain port answers with broken frames.
    requestHandler: new NodeHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs }),
  });
}
