import { describeProducerRoundTrip } from './producerRoundTrip';

// The default, STREAMBRIDGE_KAFKA_RECORD_ENCODER=fast: streambridge's record encoder inside kafkajs.
describeProducerRoundTrip('fast');
