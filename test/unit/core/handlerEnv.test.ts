import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { DeadLetterQueue } from '../../../lambdas/core/DeadLetterQueue';
import { envChoice, requiredEnv } from '../../../lambdas/core/handlerEnv';

describe('requiredEnv', () => {
  it('returns the value of a set variable', () => {
    expect(requiredEnv('DEAD_LETTER_QUEUE_URL', { DEAD_LETTER_QUEUE_URL: 'q' })).toBe('q');
  });

  it.each([
    ['unset', {}],
    ['empty', { DEAD_LETTER_QUEUE_URL: '' }],
  ])('fails naming the variable when it is %s, never defaulting', (_, env) => {
    // Act
    const act = () => requiredEnv('DEAD_LETTER_QUEUE_URL', env);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('DEAD_LETTER_QUEUE_URL: is not set');
  });
});

describe('envChoice', () => {
  const choices = ['compiled', 'general'] as const;

  it('reads one of the choices, and the fallback when unset or empty', () => {
    expect(envChoice('W', choices, 'compiled', { W: 'general' })).toBe('general');
    expect(envChoice('W', choices, 'compiled', {})).toBe('compiled');
    expect(envChoice('W', choices, 'compiled', { W: '' })).toBe('compiled');
  });

  it('throws on a value outside the choices, naming the variable and the choices', () => {
    // Act
    const act = () => envChoice('W', choices, 'compiled', { W: 'fast' });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('W: must be one of compiled, general (got "fast")');
  });

  it('adds the problem to a list instead when given one, so every wrong variable is reported at once', () => {
    // Prepare
    const issues: string[] = [];

    // Act
    const value = envChoice('W', choices, 'compiled', { W: 'fast' }, issues);

    // Assess
    expect(value).toBe('compiled');
    expect(issues).toEqual(['W: must be one of compiled, general (got "fast")']);
  });
});

describe('DeadLetterQueue.fromEnv', () => {
  it('takes the queue of DEAD_LETTER_QUEUE_URL', () => {
    const queue = DeadLetterQueue.fromEnv('kafka-to-redis', { DEAD_LETTER_QUEUE_URL: 'http://q' });
    expect(queue.queueUrl).toBe('http://q');
  });

  it('fails naming the variable when it is missing (a handler never runs with an empty queue URL)', () => {
    expect(() => DeadLetterQueue.fromEnv('kafka-to-dynamodb', {})).toThrow(
      /DEAD_LETTER_QUEUE_URL: is not set/,
    );
  });
});
