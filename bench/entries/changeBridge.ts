/**
 * The ddb-stream-to-kafka handler's code for the CDC benchmark: the handler is `createChangeBridge` plus
 * `process` over `dynamoDbStreamCarrier`; the benchmark needs the bridge itself to close its producer, the
 * handler's producer alone (with its record encoding) to send the same messages without the bridge, and
 * the bridge with a producer that sends nothing (its whole own work), and the steps of that work (decode,
 * envelope text, messages with headers and size checks, sends split and grouped) to time each as deployed,
 * and the producer's Produce request encoder alone (the send's CPU part without its I/O).
 */
export { ChangeBridge } from '../../lambdas/core/change-bridge/ChangeBridge';
export { changeMessages } from '../../lambdas/core/change-bridge/changeMessages';
export { createChangeBridge } from '../../lambdas/core/change-bridge/createChangeBridge';
export { dynamoDbStreamCarrier } from '../../lambdas/core/change-bridge/dynamoDbStreamCarrier';
export { compileTablePlans } from '../../lambdas/core/change-bridge/tablePlans';
export { changeEnvelopeText } from '../../lambdas/core/envelope/changeEnvelope';
export { compiledJsonItemText } from '../../lambdas/core/envelope/compiledItemText';
export { KafkaProducerProvider } from '../../lambdas/core/kafka/KafkaProducerProvider';
export { recordBytes, splitIntoSends, topicMessages } from '../../lambdas/core/kafka/messageSizes';
export { encodeProduceRequest, produceEncodingInstalled } from '../../lambdas/core/kafka/produceEncoding';
export { Logger } from '../../lambdas/core/Logger';
export { Metrics } from '../../lambdas/core/Metrics';
