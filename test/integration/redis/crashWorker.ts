/**
 * A Lambda execution environment for the crash test: a separate Node process that builds the Redis sink
 * handler (as the Lambda entry does) and applies one batch. The test kills it with SIGKILL mid-batch.
 *
 * Usage: `node --import tsx test/integration/redis/crashWorker.ts <job.json>` where the job holds
 * `{ url, config, event, limits, connectionName }`; prints the batch response as JSON when it finishes.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import { createRedisSinkHandler } from '../../../lambdas/kafka-to-redis/createRedisSinkHandler';
import { createRedisClient, redisSettingsFromEnv } from '../../../lambdas/kafka-to-redis/redisConnection';

const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
const settings = redisSettingsFromEnv({ REDIS_URL: job.url });
const redis = await createRedisClient(settings, { connectionName: job.connectionName });
const quiet = { write: () => undefined };
const handle = createRedisSinkHandler({
  config: job.config,
  redis,
  cluster: settings.cluster,
  deadLetters: { send: async () => undefined },
  logger: new Logger('crash-worker', quiet),
  metrics: new Metrics('crash-worker', quiet),
  limits: job.limits,
});
const response = await handle(job.event, {
  awsRequestId: 'crash-worker',
  getRemainingTimeInMillis: () => 60_000,
});
process.stdout.write(JSON.stringify(response));
redis.disconnect();
