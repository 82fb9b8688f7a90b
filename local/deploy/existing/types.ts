/** Types of the existing resources a pipeline config declares, and of their check on the local servers. */
import type { AttributeDefinition } from '../../../config/types';

/** A DynamoDB table the config declares existing: a source (with its stream) or a sink table. */
export interface ExistingTable {
  /** The config field that declares it, for messages (`sources[0].existing`). */
  readonly path: string;
  readonly tableName: string;
  readonly partitionKey: AttributeDefinition;
  readonly sortKey?: AttributeDefinition;
  /** The DynamoDB stream the bridge reads (`existing.streamArn`), for a source on the streams path. */
  readonly streamArn?: string;
}

export interface ExistingKinesisStream {
  readonly path: string;
  readonly streamName: string;
  readonly streamArn: string;
}

export interface ExistingTopic {
  readonly path: string;
  readonly name: string;
  readonly partitions: number;
}

export interface ExistingCache {
  readonly path: string;
  /** The secret the Redis sink reads in AWS (`{ "username", "password" }` or `{ "password" }`). */
  readonly authSecretArn: string;
}

/** Everything a config declares existing: the local deployer checks each and creates none. */
export interface ExistingDeclarations {
  readonly tables: readonly ExistingTable[];
  readonly kinesisStreams: readonly ExistingKinesisStream[];
  readonly topics: readonly ExistingTopic[];
  /** `kafka.existing`: an MSK cluster or self-managed brokers, locally the local broker. */
  readonly kafka?: { readonly path: string };
  readonly cache?: ExistingCache;
}

/** One declared resource that is not there (or not as declared) on the local servers. */
export interface MissingResource {
  /** The config field that declares it. */
  readonly path: string;
  /** What is missing, named (`table "orders" on moto (DynamoDB at http://…)`). */
  readonly problem: string;
  /** A command that creates it. */
  readonly create: string;
}

/** What the check found: the local ARNs of the existing streams and topics, by name. */
export interface ExistingFound {
  /** Table name → its ARN and stream ARN on moto. */
  readonly tables: ReadonlyMap<string, { readonly tableArn: string; readonly streamArn?: string }>;
  /** Stream name → ARN on kinesis-mock. */
  readonly kinesisStreams: ReadonlyMap<string, string>;
  readonly topics: ReadonlySet<string>;
}
