/**
 * Publishes threshold alerts to an SNS topic (a mapping's `alertSns`) with PublishBatch, ten per call: the
 * message is the alert JSON as on Kafka, the attribute `streambridge-alert-id` its id for de-duplication.
 * The SNS client is loaded on the first publish.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { type Lazy, lazyInit } from '../../core/lazyInit';
import { ALERT_ID_HEADER, SNS_ALERT_LIMITS } from './constants';
import { SnsPublishError } from './errors';

/** An alert as it sits in the outbox: its id and its JSON. */
export interface OutboxAlert {
  readonly id: string;
  readonly json: string;
}

/** Where alerts are published besides Kafka. */
export interface AlertPublisher {
  /** Publishes every alert or throws {@link SnsPublishError} naming those SNS did not take. */
  publish(topicArn: string, alerts: readonly OutboxAlert[]): Promise<void>;
}

type SnsModule = typeof import('@aws-sdk/client-sns');

/**
 * @example
 * ```ts
 * const publisher = new SnsAlertPublisher();
 * await publisher.publish(topicArn, [{ id: 'device-temp:s1:1', json: '{"alertId":"device-temp:s1:1",...}' }]);
 * ```
 */
export class SnsAlertPublisher implements AlertPublisher {
  readonly #sns: Lazy<{ readonly module: SnsModule; readonly client: SNSClient }>;

  constructor(options: { client?: SNSClient } = {}) {
    const injected = options.client;
    this.#sns = lazyInit(async () => {
      const module = await import('@aws-sdk/client-sns');
      return { module, client: injected ?? new module.SNSClient({}) };
    });
  }

  async publish(topicArn: string, alerts: readonly OutboxAlert[]): Promise<void> {
    const failed: string[] = [];
    let cause = '';
    for (let i = 0; i < alerts.length; i += SNS_ALERT_LIMITS.entriesPerRequest) {
      const chunk = alerts.slice(i, i + SNS_ALERT_LIMITS.entriesPerRequest);
      try {
        const { module, client } = await this.#sns.get();
        const response = await client.send(
          new module.PublishBatchCommand({
            TopicArn: topicArn,
            // Entry ids only pair answers with entries (alert ids may hold characters SNS refuses there).
            PublishBatchRequestEntries: chunk.map((alert, index) => ({
              Id: String(index),
              Message: alert.json,
              MessageAttributes: { [ALERT_ID_HEADER]: { DataType: 'String', StringValue: alert.id } },
            })),
          }),
        );
        for (const entry of response.Failed ?? []) {
          const alert = chunk[Number(entry.Id)];
          if (alert) failed.push(alert.id);
          cause ||= entry.Message ?? entry.Code ?? 'refused';
        }
      } catch (error) {
        failed.push(...chunk.map((alert) => alert.id));
        cause ||= error instanceof Error ? error.message : String(error);
      }
    }
    if (failed.length > 0) throw new SnsPublishError(topicArn, failed, cause);
  }
}
