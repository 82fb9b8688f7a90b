import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmSubscription } from '../config/types';
import { HANDLER_METRICS } from '../lambdas/core/constants';
import { ALARM_DEFAULTS, type HandlerName } from './constants';

export interface ObservedFunction {
  readonly function: lambda.IFunction;
  /** The handler, also the `Service` dimension of its EMF metrics. */
  readonly handler: HandlerName;
  /** Streams report iterator age, Kafka sources offset lag. */
  readonly source: 'stream' | 'kafka';
}

export interface ObservedQueue {
  readonly name: string;
  readonly queue: sqs.IQueue;
}

export interface ObservedCache {
  readonly type: 'replication-group' | 'serverless';
  /** Node ids (`CacheClusterId`) of a replication group, or the serverless cache name (`clusterId`). */
  readonly metricIds: readonly string[];
}

export interface ObservedKafkaCluster {
  /** A provisioned MSK cluster (MSK Serverless has no broker metrics). */
  readonly clusterArn: string;
  readonly brokerCount: number;
}

export interface PipelineObservabilityProps {
  readonly dashboardName: string;
  readonly functions: readonly ObservedFunction[];
  /** Dead-letter queues: any message in them raises an alarm. */
  readonly queues: readonly ObservedQueue[];
  /**
   * The failure-record bucket: any object in it (a batch a mapping gave up on, waiting for
   * `streambridge replay`) raises an alarm, once S3's daily storage metric sees it.
   */
  readonly failureRecordBucket?: s3.IBucket;
  readonly kinesisStreams?: readonly kinesis.IStream[];
  readonly cache?: ObservedCache;
  /** Alarms on each broker's disk, CPU and under-replicated partitions. */
  readonly kafkaCluster?: ObservedKafkaCluster;
  /**
   * Where alarms notify. Default: a new KMS-encrypted, TLS-only SNS topic that CloudWatch alarms of this
   * account and region may publish to (a given topic must allow that itself).
   */
  readonly alarmTopic?: sns.ITopic;
  /** Subscribers of the alarm topic (`alarms.subscriptions` of the config). */
  readonly subscriptions?: readonly AlarmSubscription[];
}

const PERIOD = Duration.seconds(ALARM_DEFAULTS.periodSeconds);

/**
 * Alarms and one dashboard for a pipeline: iterator age (DynamoDB Streams and Kinesis), MSK offset lag,
 * dead-letter queue depth and failure records in S3 above zero, Lambda errors and throttles, MSK broker disk, CPU and
 * under-replicated partitions (provisioned), cache CPU and memory (or throttled commands on serverless). Every alarm notifies {@link alarmTopic}; subscribe to it.
 *
 * @example
 * ```ts
 * new PipelineObservability(this, 'Observability', {
 *   dashboardName: 'shop-pipeline',
 *   functions: [{ function: sink.bridge.function, handler: 'kafka-to-redis', source: 'kafka' }],
 *   queues: [{ name: 'redis-dead-letters', queue: sink.deadLetterQueue }],
 * });
 * ```
 */
export class PipelineObservability extends Construct {
  readonly alarmTopic: sns.ITopic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineObservabilityProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? this.#createAlarmTopic();
    (props.subscriptions ?? []).forEach((subscription, i) => {
      this.#subscribe(`Subscription${i}`, subscription);
    });
    const notify = new actions.SnsAction(this.alarmTopic);

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      evaluationPeriods: number = ALARM_DEFAULTS.evaluationPeriods,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means no traffic (or an empty queue), not trouble.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    const lagMetrics: cloudwatch.IMetric[] = [];
    for (const { function: fn, handler, source } of props.functions) {
      alarm(
        `${handler}-Errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        1,
        `${handler}: invocations failed (a batch that throws is retried, then written to the S3 failure-record bucket)`,
        1,
      );
      alarm(
        `${handler}-Throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        1,
        `${handler}: invocations throttled (concurrency limit)`,
        1,
      );
      const lag =
        source === 'stream'
          ? fn.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' })
          : fn.metric('OffsetLag', { period: PERIOD, statistic: 'Maximum' });
      lagMetrics.push(lag);
      alarm(
        source === 'stream' ? `${handler}-IteratorAge` : `${handler}-OffsetLag`,
        lag,
        source === 'stream' ? ALARM_DEFAULTS.iteratorAgeMs : ALARM_DEFAULTS.offsetLag,
        source === 'stream'
          ? `${handler}: the oldest record of a batch is over ${ALARM_DEFAULTS.iteratorAgeMs / 1000}s old`
          : `${handler}: more than ${ALARM_DEFAULTS.offsetLag} records wait in a partition`,
      );
    }
    for (const { name, queue } of props.queues) {
      alarm(
        `${name}-Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        1,
        `${name}: failed records are waiting (see each message's reason and coordinates)`,
        1,
      );
    }
    if (props.failureRecordBucket) {
      alarm(
        'FailureRecords-Objects',
        new cloudwatch.Metric({
          namespace: 'AWS/S3',
          metricName: 'NumberOfObjects',
          dimensionsMap: { BucketName: props.failureRecordBucket.bucketName, StorageType: 'AllStorageTypes' },
          // S3 reports storage metrics once a day.
          period: Duration.days(1),
          statistic: 'Maximum',
        }),
        1,
        'Failure records wait in S3 (batches an event source mapping gave up on): fix the cause, then run streambridge replay',
        1,
      );
    }
    const streamAges = (props.kinesisStreams ?? []).map((stream, i) => {
      const metric = stream.metricGetRecordsIteratorAgeMilliseconds({ period: PERIOD, statistic: 'Maximum' });
      alarm(
        `KinesisIteratorAge${i}`,
        metric,
        ALARM_DEFAULTS.iteratorAgeMs,
        'A Kinesis change stream is read too slowly',
      );
      return metric;
    });
    const cacheMetrics = props.cache ? this.#cacheAlarms(props.cache, alarm) : [];
    const brokerMetrics = props.kafkaCluster ? this.#brokerAlarms(props.kafkaCluster, alarm) : [];

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    const emf = (metricName: string, handler: HandlerName) =>
      new cloudwatch.Metric({
        namespace: HANDLER_METRICS.namespace,
        metricName,
        dimensionsMap: { Service: handler },
        statistic: 'Sum',
        period: PERIOD,
        label: handler,
      });
    const handlers = props.functions.map((f) => f.handler);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Records in (per handler)',
        left: handlers.map((h) => emf('RecordsIn', h)),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: props.functions.map(({ function: fn, handler }) =>
          fn.metricInvocations({ period: PERIOD, statistic: 'Sum', label: handler }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lag: iterator age (ms) / offset lag',
        left: lagMetrics,
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Kinesis iterator age (ms)', left: streamAges, width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Errors and throttles',
        left: props.functions.flatMap(({ function: fn, handler }) => [
          fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${handler} errors` }),
          fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: `${handler} throttles` }),
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-lettered and failed records',
        left: handlers.flatMap((h) => [emf('RecordsDeadLettered', h), emf('RecordsFailed', h)]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Failure queue depth',
        left: props.queues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
        width: 8,
      }),
    );
    if (brokerMetrics.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'MSK brokers: disk used, CPU (%)',
          left: brokerMetrics,
          width: 24,
        }),
      );
    }
    if (cacheMetrics.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Cache', left: cacheMetrics, width: 24 }),
      );
    }
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ alarms: this.alarms, width: 24 }));
  }

  #createAlarmTopic(): sns.Topic {
    const stack = Stack.of(this);
    // Only alarms of this account and region act through the service principal (no confused deputy).
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key: it needs a key it may use.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the pipeline alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsUseTheKey',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    // A topic policy replaces SNS's default one: without this statement nothing may publish.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    return topic;
  }

  #subscribe(id: string, subscription: AlarmSubscription): void {
    const protocols = {
      email: sns.SubscriptionProtocol.EMAIL,
      https: sns.SubscriptionProtocol.HTTPS,
      sqs: sns.SubscriptionProtocol.SQS,
      lambda: sns.SubscriptionProtocol.LAMBDA,
    } as const;
    const created = new sns.Subscription(this, id, {
      topic: this.alarmTopic,
      protocol: protocols[subscription.protocol],
      endpoint: subscription.endpoint,
    });
    if (subscription.protocol === 'lambda') {
      // The function's own resource policy must let the topic invoke it.
      const permission = new lambda.CfnPermission(this, `${id}Invoke`, {
        action: 'lambda:InvokeFunction',
        functionName: subscription.endpoint,
        principal: 'sns.amazonaws.com',
        sourceArn: this.alarmTopic.topicArn,
      });
      created.node.addDependency(permission);
    }
  }

  #brokerAlarms(
    kafka: ObservedKafkaCluster,
    alarm: (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      evaluationPeriods?: number,
    ) => cloudwatch.Alarm,
  ): cloudwatch.IMetric[] {
    // arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>: the metrics' `Cluster Name` dimension.
    const clusterName = Fn.select(1, Fn.split('/', kafka.clusterArn));
    const metric = (metricName: string, broker: number, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Kafka',
        metricName,
        dimensionsMap: { 'Cluster Name': clusterName, 'Broker ID': String(broker) },
        statistic,
        period: PERIOD,
      });
    return Array.from({ length: kafka.brokerCount }, (_, i) => i + 1).flatMap((broker) => {
      const disk = metric('KafkaDataLogsDiskUsed', broker, 'Maximum');
      alarm(
        `BrokerDisk${broker}`,
        disk,
        ALARM_DEFAULTS.brokerDiskPercent,
        `MSK broker ${broker}: data disk over ${ALARM_DEFAULTS.brokerDiskPercent} % (storage autoscaling at its maximum, or outpaced)`,
      );
      const cpu = new cloudwatch.MathExpression({
        // Ids unique per broker: the dashboard graphs every broker's expression together.
        expression: `user${broker} + system${broker}`,
        usingMetrics: {
          [`user${broker}`]: metric('CpuUser', broker, 'Average'),
          [`system${broker}`]: metric('CpuSystem', broker, 'Average'),
        },
        period: PERIOD,
        label: `broker ${broker} CPU`,
      });
      alarm(
        `BrokerCpu${broker}`,
        cpu,
        ALARM_DEFAULTS.brokerCpuPercent,
        `MSK broker ${broker}: CPU (user + system) over ${ALARM_DEFAULTS.brokerCpuPercent} %, too little headroom to take over a failed broker's load`,
      );
      alarm(
        `BrokerUnderReplicated${broker}`,
        metric('UnderReplicatedPartitions', broker, 'Maximum'),
        1,
        `MSK broker ${broker}: partitions under-replicated for ${ALARM_DEFAULTS.underReplicatedMinutes} minutes (a broker down or falling behind)`,
        (ALARM_DEFAULTS.underReplicatedMinutes * 60) / ALARM_DEFAULTS.periodSeconds,
      );
      return [disk, cpu];
    });
  }

  #cacheAlarms(
    cache: ObservedCache,
    alarm: (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
    ) => cloudwatch.Alarm,
  ): cloudwatch.IMetric[] {
    const metric = (metricName: string, dimension: string, id: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { [dimension]: id },
        statistic,
        period: PERIOD,
      });
    if (cache.type === 'serverless') {
      return cache.metricIds.map((id, i) => {
        const throttled = metric('ThrottledCmds', 'clusterId', id, 'Sum');
        alarm(`CacheThrottled${i}`, throttled, 1, 'The serverless cache throttles commands while it scales');
        return throttled;
      });
    }
    return cache.metricIds.flatMap((id, i) => {
      const cpu = metric('EngineCPUUtilization', 'CacheClusterId', id, 'Average');
      const memory = metric('DatabaseMemoryUsagePercentage', 'CacheClusterId', id, 'Average');
      alarm(`CacheCpu${i}`, cpu, ALARM_DEFAULTS.cachePercent, `Cache node ${i + 1}: engine CPU is high`);
      alarm(
        `CacheMemory${i}`,
        memory,
        ALARM_DEFAULTS.cachePercent,
        `Cache node ${i + 1}: memory is nearly full`,
      );
      return [cpu, memory];
    });
  }
}
