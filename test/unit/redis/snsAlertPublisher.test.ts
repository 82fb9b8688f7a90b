/** SnsAlertPublisher: PublishBatch calls of at most ten entries, and the alerts SNS refused named in the error. */
import type { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { SnsPublishError } from '../../../lambdas/kafka-to-redis/thresholds/errors';
import { SnsAlertPublisher } from '../../../lambdas/kafka-to-redis/thresholds/SnsAlertPublisher';

interface Entry {
  readonly Id: string;
  readonly Message: string;
  readonly MessageAttributes: Record<string, { StringValue: string }>;
}

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const alerts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `m:k:${i + 1}`, json: JSON.stringify({ seq: i + 1 }) }));

/** A client that records each batch and refuses the entries `refuse` picks. */
function recordingClient(refuse: (entry: Entry) => boolean = () => false) {
  const calls: Entry[][] = [];
  const client = {
    send: async (command: { input: { PublishBatchRequestEntries: Entry[] } }) => {
      const entries = command.input.PublishBatchRequestEntries;
      calls.push(entries);
      const failed = entries.filter(refuse).map((entry) => ({ Id: entry.Id, Code: 'Throttled' }));
      return { Failed: failed, Successful: [] };
    },
  } as unknown as SNSClient;
  return { client, calls };
}

describe('SnsAlertPublisher', () => {
  it('publishes in batches of at most ten, the alert JSON with its id attribute', async () => {
    // Prepare
    const { client, calls } = recordingClient();

    // Act
    await new SnsAlertPublisher({ client }).publish(TOPIC, alerts(23));

    // Assess
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(calls[2]?.[2]).toMatchObject({
      Message: '{"seq":23}',
      MessageAttributes: { 'streambridge-alert-id': { StringValue: 'm:k:23' } },
    });
  });

  it('names the alerts SNS refused and publishes the others', async () => {
    // Prepare: the third entry of each batch refused (the second batch has two)
    const { client, calls } = recordingClient((entry) => entry.Id === '2');

    // Act
    const error = await new SnsAlertPublisher({ client }).publish(TOPIC, alerts(12)).catch((e: unknown) => e);

    // Assess
    expect(calls).toHaveLength(2);
    expect(error).toBeInstanceOf(SnsPublishError);
    expect((error as SnsPublishError).alertIds).toEqual(['m:k:3']);
  });
});
