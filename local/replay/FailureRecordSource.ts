/**
 * The failure records of the S3 on-failure destination: one object per batch a mapping gave up on, under
 * `aws/lambda/<mapping uuid>/<shard or topic-partition>/…`, holding Lambda's invocation record with the
 * event as an escaped JSON string in `payload` (docs/deploy.md, "Failure records"). Read in key order;
 * an object is deleted only through `remove()`, after its replay succeeded.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REPLAY_DEFAULTS } from './constants';
import { UnreplayableRecordError } from './errors';
import type { FailureItem } from './types';

/** The function name in a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`). */
export function functionNameOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[5] === 'function' && parts[6] ? parts[6] : undefined;
}

/** The mapping UUID and shard (or topic-partition) of a failure-record key. */
export function failureRecordKeyParts(key: string): { mapping: string; shard: string } | undefined {
  if (!key.startsWith(REPLAY_DEFAULTS.failureRecordPrefix)) return undefined;
  const [mapping, shard] = key.slice(REPLAY_DEFAULTS.failureRecordPrefix.length).split('/');
  return mapping && shard ? { mapping, shard } : undefined;
}

/**
 * Parses one object's body into the function to invoke and the event; throws {@link UnreplayableRecordError}
 * naming what is missing (an SQS-style record without `payload` cannot be replayed: it holds no records).
 */
export function parseFailureRecord(
  key: string,
  body: string,
): { functionName: string; event: object; records: number } {
  let record: unknown;
  try {
    record = JSON.parse(body);
  } catch {
    throw new UnreplayableRecordError(key, 'the object is not JSON');
  }
  const fields = (typeof record === 'object' && record !== null ? record : {}) as Record<string, unknown>;
  const arn = (fields.requestContext as { functionArn?: unknown } | undefined)?.functionArn;
  const functionName = typeof arn === 'string' ? functionNameOfArn(arn) : undefined;
  if (!functionName)
    throw new UnreplayableRecordError(key, 'no requestContext.functionArn naming a function');
  if (typeof fields.payload !== 'string') {
    throw new UnreplayableRecordError(
      key,
      'no payload (the invocation record holds only the batch coordinates)',
    );
  }
  let event: unknown;
  try {
    event = JSON.parse(fields.payload);
  } catch {
    throw new UnreplayableRecordError(key, 'the payload is not a JSON event');
  }
  if (typeof event !== 'object' || event === null)
    throw new UnreplayableRecordError(key, 'the payload is not an event');
  return { functionName, event, records: countRecords(event as Record<string, unknown>) };
}

/** Records of an event: Kafka (`records` by topic-partition) or streams (`Records`). */
function countRecords(event: Record<string, unknown>): number {
  if (Array.isArray(event.Records)) return event.Records.length;
  if (typeof event.records === 'object' && event.records !== null) {
    return Object.values(event.records).reduce(
      (n: number, list) => n + (Array.isArray(list) ? list.length : 0),
      0,
    );
  }
  return 0;
}

/**
 * Lists and reads a bucket's failure records.
 *
 * @example
 * ```ts
 * for await (const item of new FailureRecordSource(s3, bucket).items()) console.log(item.id, item.functionName);
 * ```
 */
export class FailureRecordSource {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  /** Every failure record, in key order (so per shard, oldest first); unreadable ones as errors. */
  async *items(): AsyncGenerator<FailureItem | UnreplayableRecordError> {
    let token: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: REPLAY_DEFAULTS.failureRecordPrefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield await this.#read(object.Key).catch((error: unknown) => {
          if (error instanceof UnreplayableRecordError) return error;
          throw error;
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #read(key: string): Promise<FailureItem> {
    const parts = failureRecordKeyParts(key);
    if (!parts)
      throw new UnreplayableRecordError(key, 'not a key Lambda writes (aws/lambda/<mapping>/<shard>/…)');
    const object = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    const body = (await object.Body?.transformToString('utf8')) ?? '';
    const { functionName, event, records } = parseFailureRecord(key, body);
    const bucket = this.#bucket;
    const s3 = this.#s3;
    return {
      source: 's3',
      id: key,
      functionName,
      mapping: `${parts.mapping}/${parts.shard}`,
      records,
      event,
      remove: async () => {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      },
      release: async () => undefined,
    };
  }
}
