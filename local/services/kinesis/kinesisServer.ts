import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LocalAws, LoopbackHost, Timeouts } from '../constants';
import { serverEnvironment } from '../processControl';
import type { ServerDefinition } from '../types';

const packageDir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
const bindLoopback = join(dirname(fileURLToPath(import.meta.url)), 'bindLoopback.cjs');

/** kinesis-mock (npm `kinesis-local`), in memory; needs its package folder as cwd for its TLS certificate. */
export const kinesisServer: ServerDefinition = {
  name: 'kinesis',
  title: 'kinesis-mock',
  processMarker: bindLoopback,
  startTimeoutMs: Timeouts.startOther,
  stopTimeoutMs: Timeouts.stopOther,

  ports: (config) => [config.ports.kinesis, config.ports.kinesisTls],

  missingPrerequisites: () => [],

  install: async () => undefined,

  async prepare(config) {
    return {
      file: process.execPath,
      args: ['--require', bindLoopback, join(packageDir, 'main.js')],
      cwd: packageDir,
      env: serverEnvironment(config.env, {
        KINESIS_MOCK_PLAIN_PORT: String(config.ports.kinesis),
        KINESIS_MOCK_TLS_PORT: String(config.ports.kinesisTls),
        AWS_REGION: LocalAws.region,
        // The default of 50 shards per account is soon reached by parallel tests that never delete streams.
        SHARD_LIMIT: '10000',
      }),
    };
  },

  async probe(config) {
    const client = new KinesisClient({
      endpoint: `http://${LoopbackHost}:${config.ports.kinesis}`,
      region: LocalAws.region,
      credentials: { accessKeyId: LocalAws.accessKeyId, secretAccessKey: LocalAws.secretAccessKey },
      maxAttempts: 1,
      // The Kinesis client defaults to HTTP/2, which kinesis-mock's plain port answers with broken frames.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: Timeouts.probeAttempt,
        requestTimeout: Timeouts.probeAttempt,
      }),
    });
    try {
      await client.send(new ListStreamsCommand({ Limit: 1 }));
    } finally {
      client.destroy();
    }
  },
};
