import { kafkaServer } from './kafka/kafkaServer';
import { kinesisServer } from './kinesis/kinesisServer';
import { localStackServer } from './localstack/localStackServer';
import { motoServer } from './moto/motoServer';
import { redisServer } from './redis/redisServer';
import type { ServerDefinition, ServiceName } from './types';

/** How each server is installed, started and probed, by name. */
export const SERVER_DEFINITIONS: Record<ServiceName, ServerDefinition> = {
  kafka: kafkaServer,
  redis: redisServer,
  moto: motoServer,
  kinesis: kinesisServer,
  localstack: localStackServer,
};
