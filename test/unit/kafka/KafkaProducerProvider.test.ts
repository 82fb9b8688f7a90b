import { describe, expect, it } from 'vitest';
import { SendDeadlineError } from '../../../lambdas/core/kafka/errors';
import { withDeadline } from '../../../lambdas/core/kafka/KafkaProducerProvider';

describe('withDeadline', () => {
  it('rejects when the work outlasts the deadline', async () => {
    // Act
    const act = withDeadline(new Promise(() => undefined), 20);

    // Assess
    await expect(act).rejects.toThrow(SendDeadlineError);
  });
});
