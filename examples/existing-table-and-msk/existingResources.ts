/**
 * The identifiers of the existing resources the example deploys onto: replace them with your own. They
 * are the example's only inputs; nothing is looked up at synth.
 */
import type { ExistingResources } from './OrdersBridgeStack';

export const EXAMPLE_RESOURCES: ExistingResources = {
  vpc: {
    vpcId: 'vpc-0a1b2c3d4e5f67890',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f67891', 'subnet-0a1b2c3d4e5f67892'],
  },
  table: {
    tableName: 'orders',
    streamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-15T09:30:00.000',
  },
  kafka: {
    clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/shared/4f5e6d7c-1a2b-3c4d-5e6f-7a8b9c0d1e2f-3',
    securityGroupId: 'sg-0a1b2c3d4e5f60001',
    topic: 'orders.changes',
  },
  cache: {
    host: 'master.orders-cache.abc123.euw1.cache.amazonaws.com',
    port: 6379,
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cache-app-AbCdEf',
    securityGroupId: 'sg-0a1b2c3d4e5f60002',
  },
};
