import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../../config/keyTemplate';
import { decodeKafkaRecord } from '../../../lambdas/core/kafkaRecords';
import { POISON_KINDS } from '../../../lambdas/core/sink/errors';
import { decodeSinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import {
  keyFromJson,
  keyFromText,
  keyId,
  renderKeyTemplate,
} from '../../../lambdas/kafka-to-dynamodb/itemKeys';
import { mskRecord } from '../../../local/events/mskEvents';

function event(value: unknown) {
  return decodeSinkEvent(decodeKafkaRecord(mskRecord({ offset: 3, value })));
}

function poisonKind(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { kind?: string }).kind;
  }
  return undefined;
}

describe('item keys', () => {
  it('types rendered keys as the table declares them', () => {
    // Act / Assess
    expect(keyFromText({ name: 'pk', type: 'S' }, 'page#home', 'partition')).toEqual({ S: 'page#home' });
    expect(keyFromText({ name: 'ts', type: 'N' }, '1764144000', 'sort')).toEqual({ N: '1764144000' });
    expect(poisonKind(() => keyFromText({ name: 'ts', type: 'N' }, 'abc', 'sort'))).toBe(
      POISON_KINDS.wrongType,
    );
  });

  it('refuses keys longer than DynamoDB allows', () => {
    // Act / Assess
    expect(poisonKind(() => keyFromText({ name: 'pk', type: 'S' }, 'x'.repeat(2049), 'partition'))).toBe(
      POISON_KINDS.tooLarge,
    );
    expect(poisonKind(() => keyFromText({ name: 'sk', type: 'S' }, 'x'.repeat(1025), 'sort'))).toBe(
      POISON_KINDS.tooLarge,
    );
    expect(keyFromText({ name: 'sk', type: 'S' }, 'x'.repeat(1024), 'sort').S).toHaveLength(1024);
  });

  it('checks a change key’s value type against the table', () => {
    // Act / Assess
    expect(keyFromJson({ name: 'id', type: 'N' }, { $N: '123456789012345678901' }, 'partition')).toEqual({
      N: '123456789012345678901',
    });
    expect(poisonKind(() => keyFromJson({ name: 'id', type: 'S' }, 7, 'partition'))).toBe(
      POISON_KINDS.wrongType,
    );
    expect(poisonKind(() => keyFromJson({ name: 'id', type: 'S' }, undefined, 'partition'))).toBe(
      POISON_KINDS.missingField,
    );
  });

  it('makes a missing template field a MissingField poison and a non-scalar one a WrongType poison', () => {
    // Prepare
    const template = compileTemplate('page#{page}#{ts:yyyyMMdd}');

    // Act / Assess
    expect(renderKeyTemplate(template, event({ page: 'home', ts: 1_764_144_000_000 }))).toBe(
      'page#home#20251126',
    );
    expect(poisonKind(() => renderKeyTemplate(template, event({ ts: 1 })))).toBe(POISON_KINDS.missingField);
    expect(poisonKind(() => renderKeyTemplate(template, event({ page: { a: 1 }, ts: 1 })))).toBe(
      POISON_KINDS.wrongType,
    );
    expect(poisonKind(() => renderKeyTemplate(template, event({ page: 'p', ts: 'soon' })))).toBe(
      POISON_KINDS.wrongType,
    );
  });

  it('identifies items by partition and sort key', () => {
    // Prepare
    const table = {
      name: 't',
      partitionKey: { name: 'pk', type: 'S' as const },
      sortKey: { name: 'sk', type: 'N' as const },
    };

    // Act / Assess
    expect(keyId({ pk: { S: 'a' }, sk: { N: '1' }, other: { S: 'x' } }, table)).toBe(
      keyId({ pk: { S: 'a' }, sk: { N: '1' } }, table),
    );
    expect(keyId({ pk: { S: 'a' }, sk: { N: '1' } }, table)).not.toBe(
      keyId({ pk: { S: 'a' }, sk: { N: '2' } }, table),
    );
  });
});
