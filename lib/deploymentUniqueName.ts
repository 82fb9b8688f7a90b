import { Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { boundedName } from './boundedName';

/** `-` and the 8 hex characters taken from the stack id. */
const TAG_LENGTH = 9;

/**
 * A physical name of this deployment of the stack: `<base>-<suffix>-<8 hex characters of the stack id's
 * uuid>`, within `maxLength`. A stack gets a new id each time it is created, so a resource retained from
 * an earlier deployment (a destroyed stack, a failed first deploy) never holds the name the next
 * deployment wants; updates keep the name, the stack id never changes. For names nothing else looks up
 * (MSK cluster, ElastiCache users and caches, the SCRAM secret, whose name stays reserved for days after
 * a deletion): table names stay the config's, which handlers and users address.
 *
 * @example
 * ```ts
 * deploymentUniqueName(this, 'shop', 'kafka', 64); // 'shop-kafka-1c2fa620' once deployed
 * ```
 */
export function deploymentUniqueName(
  scope: IConstruct,
  base: string,
  suffix: string,
  maxLength: number,
): string {
  // arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>: the uuid's first group.
  const uuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return `${boundedName(base, suffix, maxLength - TAG_LENGTH)}-${Fn.select(0, Fn.split('-', uuid))}`;
}
