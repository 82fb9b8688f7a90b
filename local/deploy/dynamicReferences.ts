import { createHash } from 'node:crypto';

/** `{{resolve:service:reference}}`: a value CloudFormation fetches from Secrets Manager or SSM at deploy time. */
const DYNAMIC_REFERENCE = /\{\{resolve:(secretsmanager|ssm|ssm-secure):([^}]*)\}\}/g;

/**
 * Replaces CloudFormation dynamic references, which only CloudFormation can resolve, with stable local
 * stand-ins: the same reference always gives the same value, so a salt or token stays constant across
 * deploys and different secrets (or JSON keys of one secret) give different values.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
 *
 * @example
 * ```ts
 * replaceDynamicReferences('{{resolve:secretsmanager:arn:aws:secretsmanager:…:secret:salt:SecretString:::}}');
 * // { value: 'local-3f1c…', replaced: ['secretsmanager:arn:aws:secretsmanager:…'] }
 * ```
 */
export function replaceDynamicReferences(text: string): { value: string; replaced: string[] } {
  const replaced: string[] = [];
  const value = text.replace(DYNAMIC_REFERENCE, (_match, service: string, reference: string) => {
    replaced.push(`${service}:${reference}`);
    return `local-${createHash('sha256').update(`${service}:${reference}`).digest('hex').slice(0, 32)}`;
  });
  return { value, replaced };
}
