import { describeProducerRoundTrip } from './producerRoundTrip';

// The plain path, STREAMBRIDGE_KAFKA_RECORD_ENCODER=kafkajs: kafkajs as published encodes every record.
describeProducerRoundTrip('kafkajs');
