/**
 * Setup file of the target projects: the worker takes the environment its project's global setup provided
 * (endpoints, region, credentials, `STREAMBRIDGE_AWS_TARGET`) over what it inherited from the main process,
 * so code that reads `process.env` (the handlers, the SDK, `localEndpoints()`, a private pipeline) follows
 * the project's target. Endpoint variables the project did not provide are dropped, not inherited.
 */
import { inject } from 'vitest';

const provided = inject('serviceEnv');
for (const name of Object.keys(process.env)) {
  const endpointVar = name.startsWith('AWS_ENDPOINT_URL') || name === 'STREAMBRIDGE_AWS_ENDPOINT';
  if (endpointVar && !(name in provided)) delete process.env[name];
}
Object.assign(process.env, provided);
