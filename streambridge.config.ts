/**
 * The reference pipeline: IoT telemetry as a time series with TTL and temperature alerts, user sessions,
 * clickstream counters / leaderboards / unique visitors / sessions and a funnel, product cache warming with
 * a CDC replica, and order event sourcing. What grows with events expires (or is capped), so a pipeline left running reaches
 * a steady state.
 * `cdk synth` validates it (errors name the field) and provisions it; copy and edit it for your own.
 */
import type { PipelineConfig } from './config/types';

const config: PipelineConfig = {
  name: 'streambridge',
  kafka: {
    type: 'provisioned',
    kafkaVersion: '3.8.x',
    brokerCount: 2,
    instanceType: 'kafka.t3.small',
    auth: 'iam',
  },
  cache: {
    type: 'replication-group',
    engine: 'valkey',
    nodeType: 'cache.t4g.micro',
    replicas: 1,
    auth: 'rbac',
  },
  topics: [
    { name: 'telemetry.changes', partitions: 6, retentionMs: 7 * 86_400_000 },
    { name: 'sessions.changes', partitions: 3, retentionMs: 86_400_000 },
    { name: 'products.changes', partitions: 3, cleanupPolicy: 'compact' },
    { name: 'orders.changes', partitions: 3, retentionMs: 30 * 86_400_000 },
    { name: 'clickstream', partitions: 6, retentionMs: 3 * 86_400_000 },
    { name: 'device-readings', partitions: 3, retentionMs: 86_400_000 },
    { name: 'device-alerts', partitions: 3, retentionMs: 7 * 86_400_000 },
  ],
  sources: [
    {
      name: 'sb-telemetry',
      partitionKey: { name: 'deviceId', type: 'S' },
      sortKey: { name: 'ts', type: 'N' },
      ttlAttribute: 'expiresAt',
      via: 'kinesis',
      kinesis: { shardCount: 2 },
      topic: 'telemetry.changes',
      eventSource: { batchSize: 1000, maxBatchingWindowSeconds: 1 },
    },
    {
      name: 'sb-sessions',
      partitionKey: { name: 'sessionId', type: 'S' },
      ttlAttribute: 'expiresAt',
      topic: 'sessions.changes',
      governance: { mask: ['ipAddress'], hash: ['email'] },
    },
    {
      name: 'sb-products',
      partitionKey: { name: 'productId', type: 'S' },
      topic: 'products.changes',
      kafkaKey: 'primaryKey',
      governance: {
        schema: {
          type: 'object',
          required: ['productId', 'name', 'price'],
          properties: {
            productId: { type: 'string' },
            name: { type: 'string' },
            price: { type: 'number', minimum: 0 },
          },
        },
      },
    },
    {
      name: 'sb-order-events',
      partitionKey: { name: 'orderId', type: 'S' },
      sortKey: { name: 'version', type: 'N' },
      ttlAttribute: 'expiresAt',
      topic: 'orders.changes',
    },
  ],
  sinks: {
    redis: {
      consumerGroup: 'streambridge-redis-sink',
      eventSource: { batchSize: 1000, maxBatchingWindowSeconds: 1 },
      mappings: [
        {
          name: 'sessions',
          topic: 'sessions.changes',
          operation: 'session',
          key: 'session:{sessionId}',
          ttlSeconds: 1800,
        },
        {
          name: 'page-views',
          topic: 'clickstream',
          operation: 'counter',
          key: 'views:{page}:{ts:yyyyMMddHH}',
          ttlSeconds: 7 * 86_400,
        },
        {
          name: 'top-products',
          topic: 'clickstream',
          filter: { productId: [{ exists: true }] },
          operation: 'leaderboard',
          key: 'top-products:{ts:yyyyMMdd}',
          member: '{productId}',
          scoreField: 'quantity',
          mode: 'increment',
          ttlSeconds: 30 * 86_400,
        },
        {
          name: 'unique-visitors',
          topic: 'clickstream',
          operation: 'unique',
          key: 'visitors:{page}:{ts:yyyyMMdd}',
          element: '{userId}',
          ttlSeconds: 30 * 86_400,
        },
        {
          name: 'product-cache',
          topic: 'products.changes',
          operation: 'cache',
          key: 'product:{productId}',
          ttlSeconds: 86_400,
        },
        {
          name: 'device-latest',
          topic: 'telemetry.changes',
          operation: 'stream',
          key: 'device:{deviceId}:readings',
          maxLength: 1000,
        },
        {
          // Over 80 °C for two readings in a row alerts, back at 70 °C or below recovers; 30 s without a
          // reading turns a device silent. One alert per change on device-alerts; the current set in Redis.
          name: 'device-temperature',
          topic: 'device-readings',
          operation: 'threshold',
          key: '{deviceId}',
          valueField: 'temperature',
          timeField: 'ts',
          above: 80,
          recoverBelow: 70,
          forReadings: 2,
          silenceSeconds: 30,
          alertTopic: 'device-alerts',
        },
      ],
    },
    dynamodb: {
      consumerGroup: 'streambridge-dynamodb-sink',
      eventSource: { batchSize: 1000, maxBatchingWindowSeconds: 1 },
      tables: [
        {
          name: 'sb-telemetry-series',
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
          ttlAttribute: 'expiresAt',
        },
        {
          name: 'sb-page-views',
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'window', type: 'S' },
        },
        // An order's state carries its latest event's `expiresAt`, so it expires with the order's events.
        { name: 'sb-order-state', partitionKey: { name: 'orderId', type: 'S' }, ttlAttribute: 'expiresAt' },
        { name: 'sb-products-replica', partitionKey: { name: 'productId', type: 'S' } },
        {
          name: 'sb-clickstream-sessions',
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
          ttlAttribute: 'expiresAt',
          globalIndexes: [
            {
              name: 'byDay',
              partitionKey: { name: 'gsi1pk', type: 'S' },
              sortKey: { name: 'gsi1sk', type: 'S' },
            },
          ],
        },
        // Every version of each order (sort key: the version), for its state as of any time and its audit trail.
        {
          name: 'sb-order-history',
          partitionKey: { name: 'orderId', type: 'S' },
          sortKey: { name: 'version', type: 'N' },
          ttlAttribute: 'expiresAt',
        },
      ],
      mappings: [
        {
          name: 'telemetry-series',
          topic: 'telemetry.changes',
          mode: 'timeseries',
          table: 'sb-telemetry-series',
          partitionKey: { name: 'pk', template: 'device#{deviceId}#{ts:yyyyMMdd}' },
          timestampField: 'ts',
          // No retentionDays: each reading keeps the `expiresAt` its device gave it (the demo's: 15 min).
        },
        {
          name: 'page-views-hourly',
          topic: 'clickstream',
          mode: 'aggregate',
          table: 'sb-page-views',
          partitionKey: { name: 'pk', template: 'page#{page}' },
          sortKey: { name: 'window', template: '{ts:yyyy-MM-ddTHH}' },
          metrics: [
            { name: 'views', op: 'count' },
            { name: 'quantity', op: 'sum', field: 'quantity' },
          ],
        },
        {
          name: 'order-state',
          topic: 'orders.changes',
          mode: 'state',
          table: 'sb-order-state',
          partitionKey: { name: 'orderId', template: '{orderId}' },
          versionField: 'version',
          eventIdField: 'eventId',
          history: {
            table: 'sb-order-history',
            timestampField: 'ts',
            actorField: 'actor',
            snapshotEvery: 10,
            ttlSeconds: 30 * 86_400,
          },
        },
        { name: 'products-replica', topic: 'products.changes', mode: 'upsert', table: 'sb-products-replica' },
        {
          // Page views into sessions (30 min of inactivity ends one) and the view → cart → checkout → paid funnel.
          name: 'clickstream-sessions',
          topic: 'clickstream',
          mode: 'sessions',
          table: 'sb-clickstream-sessions',
          userField: 'userId',
          timestampField: 'ts',
          gapSeconds: 1800,
          latenessSeconds: 120,
          index: 'byDay',
          funnel: { stepField: 'action', steps: ['view', 'cart', 'checkout', 'paid'], windowSeconds: 3600 },
          retentionDays: 30,
        },
      ],
    },
  },
};

export default config;
