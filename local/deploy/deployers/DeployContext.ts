import type {
  LocalBucket,
  LocalDeployment,
  LocalEventSourceMapping,
  LocalFunction,
  LocalKinesisStream,
  LocalQueue,
  LocalScheduleRule,
  LocalTable,
  LocalTopic,
} from '../../runtime/types';
import type { ExistingDeclarations, ExistingFound } from '../existing/types';
import type { LocalClients } from '../LocalClients';
import type { EventSource } from '../localEventSourceMapping';
import type { PseudoParameters } from '../TemplateResolver';

/**
 * What the deployers of one run share: the server clients, the previous deployment, and the local model
 * built so far, through which a resource finds the ones it refers to (a mapping its function and source).
 *
 * @example
 * ```ts
 * const context = new DeployContext({ clients, pseudo, previous: state?.deployment, assemblyDir, inlineCodeDir });
 * context.sourceFor(streamArn); // { kind: 'kinesis', sourceArn, name: 'Kinesis stream …' }
 * ```
 */
export class DeployContext {
  public readonly clients: LocalClients;
  public readonly pseudo: PseudoParameters;
  /** The deployment of the last run, to tell created from updated and unchanged. */
  public readonly previous: LocalDeployment | undefined;
  public readonly assemblyDir: string;
  /** Where inline (`ZipFile`) function code is written. */
  public readonly inlineCodeDir: string;
  public readonly tables: LocalTable[] = [];
  public readonly kinesisStreams: LocalKinesisStream[] = [];
  public readonly topics: LocalTopic[] = [];
  public readonly queues: LocalQueue[] = [];
  public readonly buckets: LocalBucket[] = [];
  public readonly functions: LocalFunction[] = [];
  public readonly eventSourceMappings: LocalEventSourceMapping[] = [];
  public readonly scheduleRules: LocalScheduleRule[] = [];
  /** Event sources by ARN, registered by the deployers of the resources that can feed a mapping. */
  public readonly sources = new Map<string, EventSource>();
  #existing: { declarations: ExistingDeclarations; found: ExistingFound } | undefined;

  public constructor(options: {
    clients: LocalClients;
    pseudo: PseudoParameters;
    previous: LocalDeployment | undefined;
    assemblyDir: string;
    inlineCodeDir: string;
  }) {
    this.clients = options.clients;
    this.pseudo = options.pseudo;
    this.previous = options.previous;
    this.assemblyDir = options.assemblyDir;
    this.inlineCodeDir = options.inlineCodeDir;
  }

  /**
   * Records the resources the config declares existing, as checked on the servers: the deployers skip them
   * instead of creating them, and their streams become event sources.
   */
  public useExisting(declarations: ExistingDeclarations, found: ExistingFound): void {
    this.#existing = { declarations, found };
    for (const [tableName, { streamArn }] of found.tables) {
      if (streamArn) {
        this.sources.set(streamArn, {
          kind: 'dynamodb-streams',
          sourceArn: streamArn,
          name: `existing table ${tableName} stream`,
        });
      }
    }
    for (const [streamName, streamArn] of found.kinesisStreams) {
      this.sources.set(streamArn, {
        kind: 'kinesis',
        sourceArn: streamArn,
        name: `existing Kinesis stream ${streamName}`,
      });
    }
  }

  /** A table the config declares existing: its config field and its ARNs on moto. */
  public existingTable(
    tableName: string,
  ): { readonly path: string; readonly tableArn: string; readonly streamArn?: string } | undefined {
    const declared = this.#existing?.declarations.tables.find((table) => table.tableName === tableName);
    const found = this.#existing?.found.tables.get(tableName);
    return declared && found ? { path: declared.path, ...found } : undefined;
  }

  /** A Kinesis stream the config declares existing: its config field and its ARN on kinesis-mock. */
  public existingKinesisStream(
    streamName: string,
  ): { readonly path: string; readonly streamArn: string } | undefined {
    const declared = this.#existing?.declarations.kinesisStreams.find(
      (stream) => stream.streamName === streamName,
    );
    const streamArn = this.#existing?.found.kinesisStreams.get(streamName);
    return declared && streamArn ? { path: declared.path, streamArn } : undefined;
  }

  /** The config field of a topic declared existing. */
  public existingTopic(name: string): string | undefined {
    return this.#existing?.declarations.topics.find((topic) => topic.name === name)?.path;
  }

  public functionArn(functionName: string): string {
    return `arn:aws:lambda:${this.pseudo.region}:${this.pseudo.accountId}:function:${functionName}`;
  }

  /** The deployed function a `FunctionName` (name, ARN or qualified ARN) names. */
  public functionFor(reference: string): LocalFunction | undefined {
    return this.functions.find((fn) => {
      const arn = this.functionArn(fn.functionName);
      return reference === fn.functionName || reference === arn || reference.startsWith(`${arn}:`);
    });
  }

  /** What an event source ARN is locally; undefined when nothing deployed has that ARN. */
  public sourceFor(arn: string): EventSource | undefined {
    const known = this.sources.get(arn);
    if (known) return known;
    // Enhanced fan-out consumers: the local poller reads the stream the consumer belongs to.
    const consumer = arn.indexOf('/consumer/');
    if (consumer > 0) return this.sources.get(arn.slice(0, consumer));
    if (arn.startsWith('arn:aws:kafka:'))
      return { kind: 'kafka', name: 'MSK cluster (mapped to the local broker)' };
    return undefined;
  }

  public queueUrlFor(queueArn: string): string | undefined {
    return this.queues.find((queue) => queue.queueArn === queueArn)?.queueUrl;
  }

  public bucketNameFor(bucketArn: string): string | undefined {
    return this.buckets.find((bucket) => bucket.bucketArn === bucketArn)?.bucketName;
  }

  public kinesisStreamFor(streamArn: string): LocalKinesisStream | undefined {
    return this.kinesisStreams.find((stream) => stream.streamArn === streamArn);
  }
}
