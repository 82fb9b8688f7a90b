import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FAILURE_RECORD_EXPIRY_DAYS } from '../config/constants';
import { failureBucketProps } from './defaults/failureBucketDefaults';

export interface FailureRecordBucketProps {
  /** Days before the lifecycle deletes a record (default `FAILURE_RECORD_EXPIRY_DAYS.default`). */
  readonly expirationDays?: number;
  /** Overrides merged over the defaults; weakening ones are refused. */
  readonly bucketProps?: Partial<s3.BucketProps>;
}

/**
 * The bucket that keeps what the event source mappings give up on: each object one invocation record with
 * its payload (`aws/lambda/<mapping uuid>/<shard or topic-partition>/YYYY/MM/DD/…`), read and deleted by
 * `streambridge replay`. One per pipeline, shared by every mapping.
 *
 * @example
 * ```ts
 * const failures = new FailureRecordBucket(this, 'FailureRecords', { expirationDays: 30 });
 * ```
 */
export class FailureRecordBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FailureRecordBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      failureBucketProps(
        this.node.path,
        props.expirationDays ?? FAILURE_RECORD_EXPIRY_DAYS.default,
        props.bucketProps,
      ),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only Lambda (PutObject by the event source mappings) and streambridge replay (Get/Delete) touch this bucket; CloudTrail data events are the audit trail where one is needed, and an access-log bucket would itself need this exception.',
    });
  }
}
