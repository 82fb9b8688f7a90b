/**
 * The ddb-stream-to-kafka handler's code for the CDC benchmark: the handler is `createChangeBridge` plus
 * `process` over `dynamoDbStreamCarrier`; the benchmark needs the bridge itself to close its producer.
 */
export { createChangeBridge } from '../../lambdas/core/changeBridge/createChangeBridge';
export { dynamoDbStreamCarrier } from '../../lambdas/core/changeBridge/dynamoDbStreamCarrier';
