/**
 * Scheduled rules run locally as EventBridge runs them: the deployed template's `AWS::Events::Rule`
 * schedules fire (rates shortened by the documented scale), invoking the target with the Scheduled Event
 * (rule ARN in `resources`, `time` to the second), its constant `Input`, or the input transformer of
 * `addScheduledInvocation` that names the mapping.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isScheduledEvent } from '../../../lambdas/core/schedule/scheduledEvent';
import { type Conformance, deployConformance } from './conformanceHarness';

/** rate(1 minute) × 0.005 = every 300 ms. */
const RATE_SCALE = 0.005;

const waitFor = <T>(assertion: () => T | Promise<T>, timeout = 20_000) =>
  vi.waitFor(assertion, { timeout, interval: 50 });

describe('scheduled rules (AWS::Events::Rule) in the local runtime', () => {
  let conformance: Conformance;

  beforeAll(async () => {
    conformance = await deployConformance('sched', [
      { id: 'Mapping', source: 'none', schedule: { expression: 'rate(1 minute)', input: 'mapping' } },
      { id: 'Plain', source: 'none', schedule: { expression: 'rate(2 minutes)', input: 'event' } },
      { id: 'Constant', source: 'none', schedule: { expression: 'rate(1 minute)', input: 'constant' } },
      { id: 'Cron', source: 'none', schedule: { expression: 'cron(0/15 * * * ? *)', input: 'event' } },
    ]);
  });

  afterAll(async () => {
    await conformance?.destroy();
  });

  it('deploys each scheduled rule with its expression, ARN and function target', () => {
    // Assess
    const [rule] = conformance.scheduleRules('Plain');
    expect(rule).toMatchObject({
      ruleName: conformance.names('Plain').ruleName,
      ruleArn: `arn:aws:events:us-east-1:123456789012:rule/${conformance.names('Plain').ruleName}`,
      scheduleExpression: 'rate(2 minutes)',
      enabled: true,
      targets: [{ functionLogicalId: conformance.fn('Plain').logicalId }],
    });
  });

  it('fires a rate rule every (scaled) interval with the Scheduled Event EventBridge sends', async () => {
    // Prepare
    const started = Date.now();
    const { runtime } = await conformance.run(['Plain'], { scheduleRateScale: RATE_SCALE });
    const [rule] = conformance.scheduleRules('Plain');

    // Act: rate(2 minutes) scaled fires every 600 ms
    await waitFor(() => expect(conformance.observations('Plain').length).toBeGreaterThanOrEqual(3));
    const firings = runtime.schedules[0]?.firings ?? 0;
    const stoppedAt = Date.now();
    await runtime.stop();

    // Assess
    const observations = conformance.observations('Plain');
    const event = observations[0]?.event as Record<string, unknown>;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: [rule?.ruleArn],
      detail: {},
    });
    expect(isScheduledEvent(event)).toBe(true);
    const ids = new Set(observations.map((observation) => (observation.event as { id: string }).id));
    expect(ids.size).toBe(observations.length);
    // Never more often than the interval: n firings take n intervals at least (starts may lag, never lead).
    expect(observations[0]?.at).toBeGreaterThanOrEqual(started + 600 - 50);
    expect(stoppedAt - started).toBeGreaterThanOrEqual(firings * 600 - 50);
    expect(firings).toBeGreaterThanOrEqual(observations.length);
  });

  it('sends the Scheduled Event naming the mapping through addScheduledInvocation’s input transformer', async () => {
    // Prepare / Act
    const { runtime } = await conformance.run(['Mapping'], { scheduleRateScale: RATE_SCALE });
    await waitFor(() => expect(conformance.observations('Mapping').length).toBeGreaterThanOrEqual(1));
    await runtime.stop();

    // Assess: the event is AWS's Scheduled Event, only `detail` names the mapping
    const [rule] = conformance.scheduleRules('Mapping');
    const event = conformance.observations('Mapping')[0]?.event;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: expect.stringMatching(/Z$/),
      region: 'us-east-1',
      resources: [rule?.ruleArn],
      detail: { mapping: 'Mapping-timer' },
    });
  });

  it('sends a target’s constant Input instead of the event', async () => {
    // Prepare / Act
    const { runtime } = await conformance.run(['Constant'], { scheduleRateScale: RATE_SCALE });
    await waitFor(() => expect(conformance.observations('Constant').length).toBeGreaterThanOrEqual(1));
    await runtime.stop();

    // Assess
    expect(conformance.observations('Constant')[0]?.event).toEqual({ case: 'Constant', n: 1 });
  });

  it('schedules a cron rule at its next matching minute (wall clock, not scaled)', async () => {
    // Prepare / Act
    const now = Date.now();
    const { runtime } = await conformance.run(['Cron'], { scheduleRateScale: RATE_SCALE });

    // Assess
    const runner = runtime.schedules.find((candidate) =>
      candidate.rule.scheduleExpression.startsWith('cron'),
    );
    const nextAt = runner?.nextAt ?? 0;
    expect(nextAt % (15 * 60_000)).toBe(0);
    expect(nextAt).toBeGreaterThan(now);
    expect(nextAt - now).toBeLessThanOrEqual(15 * 60_000);
    await runtime.stop();
    expect(runner?.nextAt).toBeUndefined();
  });

  it('reads the rate scale from STREAMBRIDGE_SCHEDULE_RATE_SCALE and refuses one out of range', async () => {
    // Act / Assess
    await expect(
      conformance.run(['Plain'], {
        env: { ...process.env, STREAMBRIDGE_SCHEDULE_RATE_SCALE: '2' } as Record<string, string>,
      }),
    ).rejects.toThrow('STREAMBRIDGE_SCHEDULE_RATE_SCALE: must be a number above 0 and at most 1, got "2"');
  });
});
