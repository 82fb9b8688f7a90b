import { Arn, ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * ARNs of an MSK cluster's topics and consumer groups, for `kafka-cluster:*` IAM statements. MSK names them
 * after the cluster ARN (`…:cluster/<name>/<uuid>` → `…:topic/<name>/<uuid>/<topic>`); the uuid is known only
 * after deployment, so the ARN is cut apart with `Fn::Split` instead of being guessed with a wildcard. A
 * given ARN (an existing cluster) is cut at synth, keeping its own region and account.
 *
 * @example
 * ```ts
 * const arns = new KafkaArns(this, cluster.clusterArn);
 * role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:ReadData'], resources: [arns.topic('orders')] }));
 * ```
 */
export class KafkaArns {
  readonly #scope: IConstruct;
  readonly #clusterName: string;
  readonly #clusterUuid: string;
  readonly #location: { readonly region?: string; readonly account?: string; readonly partition?: string };
  readonly clusterArn: string;

  constructor(scope: IConstruct, clusterArn: string) {
    this.#scope = scope;
    this.clusterArn = clusterArn;
    if (Token.isUnresolved(clusterArn)) {
      this.#location = {};
    } else {
      const { region, account, partition } = Arn.split(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
      this.#location = { region, account, partition };
    }
    this.#clusterName = Fn.select(1, Fn.split('/', clusterArn));
    this.#clusterUuid = Fn.select(2, Fn.split('/', clusterArn));
  }

  topic(name: string): string {
    return this.#format('topic', name);
  }

  group(name: string): string {
    return this.#format('group', name);
  }

  #format(resource: 'topic' | 'group', name: string): string {
    return Stack.of(this.#scope).formatArn({
      service: 'kafka',
      resource,
      resourceName: `${this.#clusterName}/${this.#clusterUuid}/${name}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      ...this.#location,
    });
  }
}
