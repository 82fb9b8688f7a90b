/**
 * The example's CDK app: `npx cdk synth --app "npx tsx app.ts"` (or `cdk.json`'s `app`). The existing
 * resources' identifiers are in existingResources.ts; synth stays offline.
 */
import { App } from 'aws-cdk-lib';
import { EXAMPLE_RESOURCES } from './existingResources';
import { OrdersBridgeStack } from './OrdersBridgeStack';

const app = new App();
new OrdersBridgeStack(app, 'orders-bridges', {
  existing: EXAMPLE_RESOURCES,
  env: { account: '123456789012', region: 'eu-west-1' },
});
app.synth();
