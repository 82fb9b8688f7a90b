/**
 * Primary keys of sink items: rendered from a mapping's key templates or read from a change's key, typed
 * as the table declares (S, N or B). A key that cannot be built makes the record a poison record with the
 * reason (missing field, wrong type, too long), never a wrong or empty key.
 *
 * @example
 * ```ts
 * const pk = keyFromText({ name: 'pk', type: 'S' }, renderKeyTemplate(template, event), 'partition');
 * keyId({ pk }, schema); // a string that groups events of the same item
 * ```
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CompiledTemplate } from '../../config/keyTemplate';
import { readField, TemplateFieldError } from '../../config/keyTemplate';
import type { AttributeDefinition, SinkTableConfig } from '../../config/types';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { templateContext } from '../core/sink/sinkEvent';
import { DYNAMO_LIMITS } from './constants';
import type { SdkItem } from './sdkItems';
import { toSdkAttribute } from './sdkItems';

export type KeyRole = 'partition' | 'sort';

const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function tooLong(def: AttributeDefinition, role: KeyRole, bytes: number): PoisonRecordError | undefined {
  const limit = role === 'partition' ? DYNAMO_LIMITS.partitionKeyBytes : DYNAMO_LIMITS.sortKeyBytes;
  if (bytes <= limit) return undefined;
  return new PoisonRecordError(
    POISON_KINDS.tooLarge,
    `${role} key "${def.name}" is ${bytes} bytes (DynamoDB allows ${limit})`,
  );
}

/** A key attribute from a rendered template, typed as the table declares it. */
export function keyFromText(def: AttributeDefinition, text: string, role: KeyRole): AttributeValue {
  const oversized = tooLong(def, role, Buffer.byteLength(text, 'utf8'));
  if (oversized) throw oversized;
  if (def.type === 'S') return { S: text };
  if (def.type === 'B') return { B: Buffer.from(text, 'utf8') };
  if (!NUMBER_TEXT.test(text)) {
    throw new PoisonRecordError(
      POISON_KINDS.wrongType,
      `${role} key "${def.name}" is a number (N) but the event gives ${JSON.stringify(text)}`,
    );
  }
  return { N: text };
}

/** A key attribute from a JSON value (a change's key or image), checked against the table's type. */
export function keyFromJson(def: AttributeDefinition, value: unknown, role: KeyRole): AttributeValue {
  if (value === undefined || value === null || value === '') {
    throw new PoisonRecordError(POISON_KINDS.missingField, `${role} key "${def.name}" is missing`);
  }
  const attribute = toSdkAttribute(value, def.name);
  const type = Object.keys(attribute)[0];
  if (type !== def.type) {
    throw new PoisonRecordError(
      POISON_KINDS.wrongType,
      `${role} key "${def.name}" must be of type ${def.type} (got ${type} ${JSON.stringify(value)})`,
    );
  }
  const bytes =
    attribute.S !== undefined
      ? Buffer.byteLength(attribute.S, 'utf8')
      : attribute.B !== undefined
        ? attribute.B.byteLength
        : 0;
  const oversized = tooLong(def, role, bytes);
  if (oversized) throw oversized;
  return attribute;
}

/** Renders a key template for an event; a missing or unusable field becomes a poison error. */
export function renderKeyTemplate(template: CompiledTemplate, event: SinkEvent): string {
  try {
    return template.render(templateContext(event));
  } catch (error) {
    if (!(error instanceof TemplateFieldError)) throw error;
    const value = error.field.startsWith('$') ? 'meta' : readField(event.fields, error.field);
    const kind = value === undefined || value === null ? POISON_KINDS.missingField : POISON_KINDS.wrongType;
    throw new PoisonRecordError(kind, error.message);
  }
}

function valueId(value: AttributeValue | undefined): string {
  if (value?.S !== undefined) return `S:${value.S}`;
  if (value?.N !== undefined) return `N:${value.N}`;
  if (value?.B !== undefined) return `B:${Buffer.from(value.B).toString('base64')}`;
  return '?';
}

/** A string identifying an item by its key (to group a batch's events per item). */
export function keyId(item: Readonly<SdkItem>, table: SinkTableConfig): string {
  const pk = valueId(item[table.partitionKey.name]);
  return table.sortKey ? `${pk}\u0000${valueId(item[table.sortKey.name])}` : pk;
}
