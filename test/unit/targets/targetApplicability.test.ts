import { describe, expect, it } from 'vitest';
import { targetApplicability } from '../../targets/targetApplicability';

const reason = "real DynamoDB's TTL sweep takes days";

describe('targetApplicability', () => {
  it('keeps the name of a test that applies on the current target', () => {
    // Act
    const result = targetApplicability(['moto', 'localstack'], 'localstack', reason, 'deletes expired items');

    // Assess
    expect(result).toEqual({ applies: true, name: 'deletes expired items', notApplicable: undefined });
  });

  it('names a test that does not apply after the target and the reason, so the report shows both', () => {
    // Act
    const result = targetApplicability(['moto', 'localstack'], 'aws', reason, 'deletes expired items');

    // Assess
    expect(result).toEqual({
      applies: false,
      name: "deletes expired items (not applicable for aws: real DynamoDB's TTL sweep takes days)",
      notApplicable: "not applicable for aws: real DynamoDB's TTL sweep takes days",
    });
  });

  it.each([
    [[], 'moto', reason, /names no target/],
    [['moto'], 'moto', '  ', /must say why/],
    [['moto'], 'docker', reason, /unknown AWS target "docker"/],
  ] as const)('refuses a declaration that could hide a test: %o on %s', (targets, current, why, error) => {
    // Act
    const declare = () => targetApplicability(targets, current, why, 'a test');

    // Assess
    expect(declare).toThrow(error);
  });
});
