/**
 * `streambridge replay`: re-drives what failed (the failure-record bucket's batches, the dead-letter queues'
 * poison records) through the same function, locally or on AWS; each failure record is deleted only after
 * its replay succeeded. See docs/cli.md, "replay".
 */
import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEPLOY_PATHS, readDeploymentState } from '../deploy';
import { NotDeployedError } from '../deploy/errors';
import { awsClientEnvironment, awsClientOptions, localEndpoints } from '../deploy/localEndpoints';
import { ReplayArgsError } from '../replay/errors';
import { parseReplayArgs } from '../replay/parseReplayArgs';
import type { ReplayClients } from '../replay/replayFailures';
import { replayFailures } from '../replay/replayFailures';
import type { ReplayItemResult, ReplayOptions, ReplayTarget } from '../replay/types';
import type { CliCommand } from './types';

const USAGE = `usage: streambridge replay [options]

Replays failed batches (the S3 failure-record bucket) and poison records (the dead-letter queues)
through the function that failed them; deletes each failure record only after its replay succeeded.

  --source s3|dlq|both   what to replay (default both)
  --function NAME        only failure records of functions whose name contains NAME
  --mapping ID           only those of a mapping (UUID in the S3 key) or topic-partition / shard
  --limit N              at most N failure records
  --dry-run              list what would be replayed; invoke and delete nothing
  --target local|aws     the local deployment (default) or the AWS account of the environment
  --bucket NAME          failure-record bucket (repeatable; locally default: the deployment's;
                         on AWS required unless --source dlq)
  --queue URL            dead-letter queue (repeatable; default: every function's DEAD_LETTER_QUEUE_URL)
  --state FILE           local deployment state (default ${DEPLOY_PATHS.stateFile})`;

function line(result: ReplayItemResult): string {
  const counts =
    result.applied === undefined ? '' : ` (applied ${result.applied}, skipped ${result.skipped ?? 0})`;
  const head = `${result.status.padEnd(14)} ${result.source.padEnd(3)} ${result.id} -> ${result.functionName || '?'}, ${result.records} record(s)${counts}`;
  return [head, ...(result.reasons ?? []).map((reason) => `    ${reason}`)].join('\n');
}

async function openTarget(
  options: ReplayOptions,
): Promise<{ target: ReplayTarget; clients: ReplayClients; options: ReplayOptions }> {
  if (options.target === 'aws') {
    const { AwsReplayTarget } = await import('../replay/awsReplayTarget');
    return {
      target: new AwsReplayTarget(),
      clients: { s3: new S3Client({}), sqs: new SQSClient({}) },
      options,
    };
  }
  const stateFile = resolve(options.stateFile ?? DEPLOY_PATHS.stateFile);
  const state = readDeploymentState(stateFile);
  if (!state) throw new NotDeployedError(stateFile);
  const endpoints = localEndpoints();
  const { LocalReplayTarget } = await import('../replay/localReplayTarget');
  const env = { ...process.env, ...awsClientEnvironment(endpoints), KAFKA_BROKERS: endpoints.kafkaBrokers };
  const buckets =
    options.buckets.length > 0 ? options.buckets : (state.deployment.buckets ?? []).map((b) => b.bucketName);
  return {
    target: new LocalReplayTarget(state.deployment, env),
    clients: {
      s3: new S3Client({ ...awsClientOptions(endpoints, 's3'), forcePathStyle: true }),
      sqs: new SQSClient(awsClientOptions(endpoints, 'sqs')),
    },
    options: { ...options, buckets },
  };
}

export const replayCommand: CliCommand = {
  description: 'replay failed batches (S3 failure records) and dead letters through the same function',
  async run(args) {
    let parsed: ReturnType<typeof parseReplayArgs>;
    try {
      parsed = parseReplayArgs(args);
    } catch (error) {
      if (!(error instanceof ReplayArgsError)) throw error;
      console.error(`streambridge replay: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    const { target, clients, options } = await openTarget(parsed);
    try {
      const results = await replayFailures(options, target, clients, (result) => console.log(line(result)));
      const count = (status: ReplayItemResult['status']) => results.filter((r) => r.status === status).length;
      const stillFailing = count('failed') + count('unreplayable');
      const notReplayable = count('not-replayable');
      console.log(
        options.dryRun
          ? `${count('would-replay')} failure record(s) would be replayed, ${count('unreplayable')} cannot be`
          : `${count('replayed')} replayed (and deleted), ${stillFailing} still failing (kept)` +
              (notReplayable > 0 ? `, ${notReplayable} not replayable by this sink yet (kept)` : ''),
      );
      return stillFailing + notReplayable > 0 ? 1 : 0;
    } finally {
      await target.close();
      clients.s3.destroy();
      clients.sqs.destroy();
    }
  },
};
