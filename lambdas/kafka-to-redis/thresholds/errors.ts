/** Errors of threshold mappings. */

/** SNS did not take some alerts of a flush: they stay pending and are published again by the next flush. */
export class SnsPublishError extends Error {
  readonly topicArn: string;
  /** Ids of the alerts not published. */
  readonly alertIds: readonly string[];

  constructor(topicArn: string, alertIds: readonly string[], cause: string) {
    super(`could not publish ${alertIds.length} alert(s) to ${topicArn}: ${cause}`);
    this.name = 'SnsPublishError';
    this.topicArn = topicArn;
    this.alertIds = alertIds;
  }
}
