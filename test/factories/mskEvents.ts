/** Record factories for MSK-shaped events, shared by the sink tests. */
import type { MSKEvent, MSKRecord } from 'aws-lambda';

export interface RecordSpec {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset: number;
  /** An object is JSON-encoded; a string is sent as is; null makes a tombstone. */
  readonly value: unknown;
  readonly key?: string | null;
  readonly timestamp?: number;
  readonly headers?: Record<string, string>;
}

export function mskRecord(spec: RecordSpec): MSKRecord {
  const topic = spec.topic ?? 'events';
  const value =
    spec.value === null ? null : typeof spec.value === 'string' ? spec.value : JSON.stringify(spec.value);
  return {
    topic,
    partition: spec.partition ?? 0,
    offset: spec.offset,
    timestamp: spec.timestamp ?? 1_764_144_000_000,
    timestampType: 'CREATE_TIME',
    key:
      spec.key === undefined || spec.key === null
        ? (null as unknown as string)
        : Buffer.from(spec.key).toString('base64'),
    value: value === null ? (null as unknown as string) : Buffer.from(value).toString('base64'),
    headers: Object.entries(spec.headers ?? {}).map(([name, v]) => ({ [name]: [...Buffer.from(v)] })),
  };
}

export function mskEvent(specs: readonly RecordSpec[]): MSKEvent {
  const records: Record<string, MSKRecord[]> = {};
  for (const spec of specs) {
    const record = mskRecord(spec);
    const id = `${record.topic}-${record.partition}`;
    records[id] ??= [];
    records[id].push(record);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1',
    bootstrapServers: '127.0.0.1:19092',
    records,
  };
}
