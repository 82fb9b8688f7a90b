import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { GOVERNANCE } from '../../../lambdas/core/change-bridge/constants';
import { compileGovernance } from '../../../lambdas/core/change-bridge/governance';
import { buildChangeEnvelope } from '../../../lambdas/core/envelope/changeEnvelope';
import { decodeStreamRecord } from '../../../lambdas/core/envelope/decodeStreamRecord';
import { PoisonChangeError } from '../../../lambdas/core/envelope/errors';
import { streamRecord } from '../../factories/cdcRecords';

const user = buildChangeEnvelope(
  decodeStreamRecord(
    streamRecord({
      eventName: 'MODIFY',
      keys: { email: { S: 'ann@example.com' } },
      oldImage: { email: { S: 'ann@example.com' }, ip: { S: '10.0.0.1' }, age: { N: '40' } },
      newImage: { email: { S: 'ann@example.com' }, ip: { S: '10.0.0.2' }, age: { N: '41' } },
    }),
  ),
  0,
);

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('governance', () => {
  it('masks and hashes named attributes in key, before and after', () => {
    // Prepare
    const governance = compileGovernance('users', { mask: ['ip'], hash: ['email'] }, { salt: 'pepper' });

    // Act
    const safe = governance.protect(user);

    // Assess
    const hashed = sha('pepperann@example.com');
    expect(safe.key).toEqual({ email: hashed });
    expect(safe.before).toEqual({ age: 40, email: hashed, ip: GOVERNANCE.maskedValue });
    expect(safe.after).toEqual({ age: 41, email: hashed, ip: GOVERNANCE.maskedValue });
    expect(JSON.stringify(safe)).not.toContain('ann@example.com');
    expect(JSON.stringify(safe)).not.toContain('10.0.0');
    expect(user.after?.ip).toBe('10.0.0.2');
  });

  it('hashes non-string values from their envelope JSON, so equal values stay joinable', () => {
    // Prepare
    const governance = compileGovernance('users', { hash: ['age'] }, { salt: '' });

    // Act
    const safe = governance.protect(user);

    // Assess
    expect(safe.after?.age).toBe(sha('41'));
  });

  it('returns the envelope untouched when nothing is configured', () => {
    // Act
    const governance = compileGovernance('users', undefined, { salt: '' });

    // Assess
    expect(governance.active).toBe(false);
    expect(governance.protect(user)).toBe(user);
    expect(() => governance.validate(user.after)).not.toThrow();
  });

  it('rejects an after image that fails the schema, naming the field', () => {
    // Prepare
    const governance = compileGovernance(
      'users',
      {
        schema: { type: 'object', required: ['name'], properties: { age: { type: 'number', maximum: 30 } } },
      },
      { salt: '' },
    );

    // Act
    const act = () => governance.validate(user.after);

    // Assess
    expect(act).toThrow(PoisonChangeError);
    expect(act).toThrow(/after must have required property 'name'/);
    expect(act).toThrow(/after\/age must be <= 30/);
    expect(() => governance.validate(null)).not.toThrow();
  });

  it('fails at cold start with the table named when the schema does not compile', () => {
    // Act
    const act = () => compileGovernance('users', { schema: { type: 'nope' } }, { salt: '' });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/sources\[users\]\.governance\.schema/);
  });
});
