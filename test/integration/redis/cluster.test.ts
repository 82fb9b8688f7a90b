import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import type { LocalRedisCluster } from '../../../local/services';
import { startLocalRedisCluster } from '../../../local/services';
import type { RedisTarget } from './redisSinkFixture';
import { describeRedisSinkBehaviour } from './sinkBehaviour';
import { describeRedisSinkFaults } from './sinkFaults';

describe('Redis sink on a 3-node Redis Cluster (private, started by the test)', () => {
  let cluster: LocalRedisCluster;
  let reader: Cluster;
  let target: RedisTarget;

  beforeAll(async () => {
    cluster = await startLocalRedisCluster(3);
    reader = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: 1 } },
    );
    reader.on('error', () => undefined);
    target = {
      name: 'cluster',
      url: cluster.url,
      cluster: true,
      reader,
      nodes: cluster.nodeClients,
      private: true,
    };
  });

  afterAll(async () => {
    reader?.disconnect();
    await cluster?.stop();
  });

  describeRedisSinkBehaviour(() => target);
  describeRedisSinkFaults(() => target);
});
