/**
 * A change bridge built from its environment (the `HANDLER_ENV` contract): the validated config slice, the
 * Kafka producer (connected on the first batch), the dead-letter queue, logs and EMF metrics, and the
 * envelope writer switch. Any problem fails with a message naming the variable or config field.
 */
import { validateChangeBridgeSlice } from '../../../config/validatePipelineConfig';
import { HANDLER_ENV, type HANDLER_NAMES } from '../constants';
import { DeadLetterQueue } from '../DeadLetterQueue';
import { ENVELOPE_DEFAULTS, ENVELOPE_WRITERS } from '../envelope/constants';
import { envChoice } from '../handlerEnv';
import { KafkaProducerProvider } from '../kafka/KafkaProducerProvider';
import { kafkaSettingsFromEnv } from '../kafka/kafkaSettingsFromEnv';
import { Logger } from '../Logger';
import { loadHandlerConfig } from '../loadHandlerConfig';
import { Metrics } from '../Metrics';
import { ChangeBridge } from './ChangeBridge';
import { compileTablePlans } from './tablePlans';

export interface ChangeBridgeOutput {
  /** Where log and EMF metric lines go (default stdout, which CloudWatch Logs collects). */
  readonly write?: (line: string) => void;
}

/**
 * The bridge of `service`, from `env`; throws a `ConfigError` naming what is missing or wrong.
 *
 * @example
 * ```ts
 * const bridge = lazyInit(() => createChangeBridge('ddb-stream-to-kafka'));
 * export async function handler(event: DynamoDBStreamEvent, context: Context) {
 *   return (await bridge.get()).process(event.Records, dynamoDbStreamCarrier, context);
 * }
 * ```
 */
export function createChangeBridge(
  service: typeof HANDLER_NAMES.ddbStreamToKafka | typeof HANDLER_NAMES.kinesisToKafka,
  env: NodeJS.ProcessEnv = process.env,
  output: ChangeBridgeOutput = {},
): ChangeBridge {
  const logger = new Logger(service, output.write ? { write: output.write } : {});
  const slice = loadHandlerConfig(validateChangeBridgeSlice, env);
  const deadLetters = DeadLetterQueue.fromEnv(service, env);
  const envelopeWriter = envChoice(
    HANDLER_ENV.envelopeWriter,
    ENVELOPE_WRITERS,
    ENVELOPE_DEFAULTS.writer,
    env,
  );
  const salt = env[HANDLER_ENV.governanceHashSalt] ?? '';
  const hashing = slice.sources.filter((s) => s.governance?.hash?.length).map((s) => s.name);
  if (hashing.length > 0 && !salt) {
    logger.warn('governance hashes without a salt: hashed values can be guessed from a dictionary', {
      tables: hashing,
      set: HANDLER_ENV.governanceHashSalt,
    });
  }
  return new ChangeBridge({
    plans: compileTablePlans(slice, { salt, envelopeWriter }),
    kafka: new KafkaProducerProvider({ settings: kafkaSettingsFromEnv(env), clientId: service, logger }),
    deadLetters,
    logger,
    metrics: new Metrics(service, output.write ? { write: output.write } : {}),
    lineage: env[HANDLER_ENV.functionName] || service,
  });
}
