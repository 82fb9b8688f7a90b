import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InsecureOverrideError } from '../errors';

/**
 * Defaults of the bucket that receives the event source mappings' failure records (the whole invocation
 * record, payload included: docs/deploy.md, "Failure records"). S3-managed encryption (Lambda then needs no
 * key permission), TLS only, public access blocked, bucket-owner objects, not versioned (Lambda writes each
 * object once under a new key, and only `streambridge replay`, after a successful replay, deletes one), and a
 * lifecycle that expires a record `expirationDays` after it was written; kept when the stack goes away.
 *
 * @example
 * ```ts
 * new s3.Bucket(this, 'FailureRecords', failureBucketProps('MyPipeline', 90));
 * ```
 */
export function failureBucketDefaults(expirationDays: number): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: false,
    lifecycleRules: [
      {
        id: 'expire-failure-records',
        expiration: Duration.days(expirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** Merges overrides over {@link failureBucketDefaults}, refusing any that would weaken them. */
export function failureBucketProps(
  construct: string,
  expirationDays: number,
  overrides: Partial<s3.BucketProps> = {},
): s3.BucketProps {
  if (overrides.encryption === s3.BucketEncryption.UNENCRYPTED) {
    throw new InsecureOverrideError(construct, 'encryption: UNENCRYPTED', 'failure records carry payloads');
  }
  if (overrides.enforceSSL === false) {
    throw new InsecureOverrideError(construct, 'enforceSSL: false', 'the bucket must refuse plain HTTP');
  }
  if (
    overrides.blockPublicAccess !== undefined &&
    overrides.blockPublicAccess !== s3.BlockPublicAccess.BLOCK_ALL
  ) {
    throw new InsecureOverrideError(construct, 'blockPublicAccess', 'failure records must never be public');
  }
  return { ...failureBucketDefaults(expirationDays), ...overrides };
}
