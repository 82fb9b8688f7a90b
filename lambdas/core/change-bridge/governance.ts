/**
 * Governance hooks of a source table, applied by the change bridges before a change leaves the source:
 * JSON-schema validation of the `after` image, and masking or hashing of named top-level attributes of
 * `key`, `before` and `after` (docs/envelope.md, "Governance"; docs/handlers.md).
 */
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { ConfigError } from '../../../config/errors';
import type { GovernanceConfig } from '../../../config/types';
import { CHANGE_POISON_KINDS, PoisonChangeError } from '../envelope/errors';
import type { ChangeEnvelope } from '../types';
import { GOVERNANCE } from './constants';

export interface TableGovernance {
  /** True when the table has a schema, masks or hashes. */
  readonly active: boolean;
  /** Throws a `SchemaViolation` {@link PoisonChangeError} when `after` fails the table's schema. */
  validate(after: Readonly<Record<string, unknown>> | null): void;
  /** The envelope with masked and hashed attributes replaced (the same object when nothing applies). */
  protect(envelope: ChangeEnvelope): ChangeEnvelope;
}

function compileSchema(
  ajv: Ajv2020,
  table: string,
  schema: Readonly<Record<string, unknown>>,
): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new ConfigError(
      [`sources[${table}].governance.schema: ${(error as Error).message}`],
      'invalid change bridge config',
    );
  }
}

/**
 * The governance hooks of one table, compiled once per cold start (the JSON schema by Ajv).
 *
 * @example
 * ```ts
 * const governance = compileGovernance('users', { hash: ['email'], mask: ['ip'] }, { salt: 's3cret' });
 * governance.validate(envelope.after); // throws a SchemaViolation PoisonChangeError
 * const safe = governance.protect(envelope);
 * ```
 */
export function compileGovernance(
  table: string,
  config: GovernanceConfig | undefined,
  options: { salt: string },
): TableGovernance {
  // Ajv compiles the schema to a function once per cold start; tables without a schema cost nothing.
  const ajv = config?.schema ? new Ajv2020({ allErrors: true }) : undefined;
  const validateSchema = ajv && config?.schema ? compileSchema(ajv, table, config.schema) : undefined;
  const replacements = new Map<string, (value: unknown) => string>();
  for (const name of config?.mask ?? []) replacements.set(name, () => GOVERNANCE.maskedValue);
  for (const name of config?.hash ?? []) {
    replacements.set(name, (value) =>
      createHash('sha256')
        .update(options.salt)
        .update(typeof value === 'string' ? value : JSON.stringify(value))
        .digest('hex'),
    );
  }

  function protectImage<T extends Readonly<Record<string, unknown>> | null>(image: T): T {
    if (image === null) return image;
    let copy: Record<string, unknown> | undefined;
    for (const [name, replace] of replacements) {
      if (!Object.hasOwn(image, name)) continue;
      copy ??= { ...image };
      copy[name] = replace(image[name]);
    }
    return (copy ?? image) as T;
  }

  return {
    active: validateSchema !== undefined || replacements.size > 0,
    validate(after) {
      if (!ajv || !validateSchema || after === null || validateSchema(after)) return;
      const errors = validateSchema.errors ?? [];
      throw new PoisonChangeError(
        CHANGE_POISON_KINDS.schema,
        `after image fails the schema of table ${table}: ${ajv.errorsText(errors, { dataVar: 'after' })}`,
        {
          schemaErrors: errors
            .slice(0, GOVERNANCE.maxReportedSchemaErrors)
            .map((e) => ({ path: e.instancePath, message: e.message })),
        },
      );
    },
    protect(envelope) {
      if (replacements.size === 0) return envelope;
      return {
        ...envelope,
        key: protectImage(envelope.key),
        before: protectImage(envelope.before),
        after: protectImage(envelope.after),
      };
    },
  };
}
