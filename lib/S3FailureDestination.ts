import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * An S3 bucket as the on-failure destination of an event source mapping (DynamoDB Streams, Kinesis, MSK),
 * granting the function's role exactly what AWS documents for it: `s3:PutObject` on the bucket's objects and
 * `s3:ListBucket` on the bucket, only while the bucket belongs to this account (`s3:ResourceAccount`, so a
 * bucket of the same name re-created elsewhere after a delete receives nothing). CDK's own
 * `S3OnFailureDestination` grants read and write; Lambda needs no read. No KMS permission: the bucket uses
 * S3-managed keys.
 *
 * @example
 * ```ts
 * new lambda.EventSourceMapping(this, 'Orders', { target: fn, eventSourceArn, onFailure: new S3FailureDestination(bucket) });
 * ```
 */
export class S3FailureDestination implements lambda.IEventSourceDlq {
  /** The policy granted to each function per bucket (each of a function's mappings binds again). */
  static readonly #granted = new WeakMap<lambda.IFunction, Map<s3.IBucket, iam.Policy>>();
  readonly #bucket: s3.IBucket;

  constructor(bucket: s3.IBucket) {
    this.#bucket = bucket;
  }

  bind(target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    let policies = S3FailureDestination.#granted.get(targetHandler);
    if (!policies) {
      policies = new Map();
      S3FailureDestination.#granted.set(targetHandler, policies);
    }
    let policy = policies.get(this.#bucket);
    if (!policy) {
      // A policy of its own, so the acknowledgement below covers this statement and nothing else.
      policy = new iam.Policy(targetHandler, `FailureRecordsWrite${policies.size || ''}`, {
        statements: [
          new iam.PolicyStatement({
            actions: ['s3:PutObject', 's3:ListBucket'],
            resources: [this.#bucket.bucketArn, this.#bucket.arnForObjects('*')],
            conditions: { StringEquals: { 's3:ResourceAccount': Stack.of(targetHandler).account } },
          }),
        ],
      });
      if (targetHandler.role) policy.attachToRole(targetHandler.role);
      acknowledgeObjectWildcard(policy, this.#bucket);
      policies.set(this.#bucket, policy);
    }
    // Lambda checks the destination permissions when it creates the mapping.
    target.node.addDependency(policy);
    return { destination: this.#bucket.bucketArn };
  }
}

/** How cdk-nag names a resolved ARN part in its findings: `<LogicalId.Attr>`, an import's name, or the text. */
function nagName(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::GetAtt'?: [string, string]; 'Fn::ImportValue'?: string; Ref?: string };
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}>`;
  if (v['Fn::ImportValue']) return v['Fn::ImportValue'];
  if (v.Ref) return `<${v.Ref}>`;
  return JSON.stringify(value);
}

/**
 * Acknowledges cdk-nag's one finding on the policy, `AwsSolutions-IAM5[Resource::<bucket ARN>/*]`. The
 * finding names the ARN as it resolves in the policy's stack (an attribute, or a cross-stack import that
 * exists only once references are resolved), so the acknowledgement is made when the tree is validated.
 */
function acknowledgeObjectWildcard(policy: iam.Policy, bucket: s3.IBucket): void {
  policy.node.addValidation({
    validate: () => {
      const resolved = Stack.of(policy).resolve(bucket.arnForObjects('*')) as unknown;
      const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      const name = join ? join[1].map(nagName).join(join[0]) : nagName(resolved);
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${name}]`,
        reason:
          'Lambda names each failure record at run time (aws/lambda/<mapping uuid>/<shard>/<date>/<uuid>): PutObject must cover the objects of this one bucket, as AWS documents for S3 on-failure destinations.',
      });
      return [];
    },
  });
}
