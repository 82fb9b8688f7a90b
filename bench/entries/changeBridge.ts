/**
 * The ddb-stream-to-kafka handler's code for the CDC benchmark: the handler is `createChangeBridge` plus
 * `process` over `dynamoDbStreamCarrier`; the benchmark needs the bridge itself to close its producer, and
 * the handler's producer alone (with its record encoding) to send the same messages without the bridge.
 */
export { createChangeBridge } from '../../lambdas/core/changeBridge/createChangeBridge';
export { dynamoDbStreamCarrier } from '../../lambdas/core/changeBridge/dynamoDbStreamCarrier';
export { KafkaProducerProvider } from '../../lambdas/core/kafka/KafkaProducerProvider';
export { produceEncodingInstalled } from '../../lambdas/core/kafka/produceEncoding';
export { Logger } from '../../lambdas/core/Logger';
