import { describe, expect, it, vi } from 'vitest';
import { UnknownTimerError } from '../../../lambdas/core/schedule/errors';
import { routeInvocation } from '../../../lambdas/core/schedule/routeInvocation';
import { isScheduledEvent } from '../../../lambdas/core/schedule/scheduledEvent';

function scheduled(detail: Record<string, unknown>) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-12-04T21:15:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/r'],
    detail,
  };
}

const MSK_EVENT = { eventSource: 'aws:kafka', records: {} };

describe('isScheduledEvent', () => {
  it('recognises only the Scheduled Event of aws.events', () => {
    expect(isScheduledEvent(scheduled({}))).toBe(true);
    expect(isScheduledEvent(MSK_EVENT)).toBe(false);
    expect(isScheduledEvent({ ...scheduled({}), source: 'custom.app' })).toBe(false);
    expect(isScheduledEvent({ ...scheduled({}), 'detail-type': 'Object Created' })).toBe(false);
    expect(isScheduledEvent(null)).toBe(false);
    expect(isScheduledEvent('Scheduled Event')).toBe(false);
  });
});

describe('routeInvocation', () => {
  it('sends Kafka batches to the event path and scheduled events to the named mapping’s timer', async () => {
    // Prepare
    const events = vi.fn(async () => ({ batchItemFailures: [] }));
    const thresholds = vi.fn(async () => ({ swept: 3 }));
    const sessions = vi.fn(async () => ({ closed: 0 }));
    const route = routeInvocation({ events, timers: { thresholds, sessions } });

    // Act
    const batch = await route(MSK_EVENT);
    const timer = await route(scheduled({ mapping: 'thresholds' }));

    // Assess
    expect(batch).toEqual({ batchItemFailures: [] });
    expect(timer).toEqual({ swept: 3 });
    expect(events).toHaveBeenCalledExactlyOnceWith(MSK_EVENT, undefined);
    expect(thresholds).toHaveBeenCalledExactlyOnceWith(scheduled({ mapping: 'thresholds' }), undefined);
    expect(sessions).not.toHaveBeenCalled();
  });

  it.each([
    [
      { mapping: 'unknown' },
      'scheduled event for mapping unknown, which has no timer here; timers: thresholds',
    ],
    [{}, 'scheduled event without detail.mapping; timers of this function: thresholds'],
    [{ mapping: 'toString' }, 'mapping toString, which has no timer'],
  ])('fails a scheduled event that names no timer (%j)', async (detail, message) => {
    // Prepare
    const events = vi.fn(async () => undefined);
    const route = routeInvocation({ events, timers: { thresholds: async () => undefined } });

    // Act / Assess
    await expect(route(scheduled(detail))).rejects.toThrow(UnknownTimerError);
    await expect(route(scheduled(detail))).rejects.toThrow(message);
    expect(events).not.toHaveBeenCalled();
  });
});
