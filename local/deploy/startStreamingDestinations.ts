import { dirname, join, resolve } from 'node:path';
import { DEPLOY_PATHS } from './constants';
import { KinesisStreamingDestination } from './KinesisStreamingDestination';
import { LocalClients } from './LocalClients';
import type { DeploymentState, LocalEndpoints } from './types';

export interface StreamingDestinationsOptions {
  /** The state file the deployment came from; checkpoints are kept beside it. */
  readonly stateFile: string;
  /** Default: the endpoints the deployment was made with. */
  readonly endpoints?: LocalEndpoints;
  readonly onError?: (error: unknown) => void;
}

export interface RunningStreamingDestinations {
  readonly destinations: readonly { readonly tableName: string; readonly streamName: string }[];
  stop(): Promise<void>;
}

/**
 * Starts the Kinesis streaming destination emulation for every table of a deployment that has one. Each
 * resumes after the last change it forwarded in an earlier run (checkpoint beside the state file).
 *
 * @example
 * ```ts
 * const running = startStreamingDestinations(state, { stateFile: '.streambridge/deployment.json' });
 * // …
 * await running.stop();
 * ```
 */
export function startStreamingDestinations(
  state: DeploymentState,
  options: StreamingDestinationsOptions,
): RunningStreamingDestinations {
  const clients = new LocalClients(options.endpoints ?? state.endpoints);
  const checkpointDir = resolve(dirname(options.stateFile), DEPLOY_PATHS.checkpointDir);
  const started: { tableName: string; streamName: string; destination: KinesisStreamingDestination }[] = [];
  for (const table of state.deployment.tables) {
    if (!table.kinesisDestination || !table.streamArn) continue;
    const stream = state.deployment.kinesisStreams.find(
      (candidate) => candidate.logicalId === table.kinesisDestination,
    );
    if (!stream) continue;
    const destination = new KinesisStreamingDestination({
      tableName: table.tableName,
      tableStreamArn: table.streamArn,
      kinesisStreamName: stream.streamName,
      dynamodbStreams: clients.dynamodbStreams,
      kinesis: clients.kinesis,
      region: clients.endpoints.region,
      checkpointFile: join(checkpointDir, `${table.tableName}.json`),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    destination.start();
    started.push({ tableName: table.tableName, streamName: stream.streamName, destination });
  }
  return {
    destinations: started.map(({ tableName, streamName }) => ({ tableName, streamName })),
    async stop() {
      await Promise.all(started.map(({ destination }) => destination.stop()));
      await clients.close();
    },
  };
}
