import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_AWS, LOOPBACK_HOST, TIMEOUTS } from '../constants';
import { serverEnvironment } from '../processControl';
import type { ServerDefinition } from '../types';

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
    const client = new KinesisClient({
      endpoint: `http://${LOOPBACK_HOST}:${config.ports.kinesis}`,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
      maxAttempts: 1,
      // The Kinesis client defaults to HTTP/2, which kinesis-mock's plain port answers with broken frames.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: TIMEOUTS.probeAttempt,
        requestTimeout: TIMEOUTS.probeAttempt,
      }),
    });
    try {
      await client.send(new ListStreamsCommand({ Limit: 1 }));
    } finally {
      client.destroy();
    }
  },
};
