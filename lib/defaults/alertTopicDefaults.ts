import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';

const AWS_MANAGED_SNS_KEY_ID = 'AwsManagedSnsKey';

import type { Construct } from 'constructs';

/**
 * Defaults of a threshold mapping's SNS alert topic (`alertSns`): encrypted with the AWS-managed SNS key
 * (`alias/aws/sns`: publishers of the account need no key grant, unlike the alarm topic, which CloudWatch
 * publishes to and so has a key of its own) and TLS-only. Subscribers that need the key (SQS, Lambda with
 * their own keys) are the user's to add.
 *
 * @example
 * ```ts
 * new sns.Topic(this, 'Alerts', { ...alertTopicDefaults(this), topicName: 'device-alerts' });
 * ```
 */
export function alertTopicDefaults(scope: Construct): sns.TopicProps {
  // One reference to the alias per scope, however many topics it holds.
  const key =
    (scope.node.tryFindChild(AWS_MANAGED_SNS_KEY_ID) as kms.IAlias | undefined) ??
    kms.Alias.fromAliasName(scope, AWS_MANAGED_SNS_KEY_ID, 'alias/aws/sns');
  return {
    masterKey: key,
    enforceSSL: true,
  };
}
