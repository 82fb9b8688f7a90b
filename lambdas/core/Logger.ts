/**
 * Structured JSON logs, one object per line, with the handler's service name, the invocation's request
 * id and whatever record coordinates the caller adds.
 *
 * @example
 * ```ts
 * const logger = new Logger('kafka-to-redis');
 * logger.info('batch applied', { topic: 'clicks', partition: 0, records: 500 });
 * ```
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
type Level = keyof typeof LEVELS;

function serializeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { message: String(error) };
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return serializeError(value);
  return value;
}

export class Logger {
  readonly #service: string;
  readonly #threshold: number;
  #context: Record<string, unknown> = {};
  readonly #write: (line: string) => void;

  constructor(service: string, options: { level?: string; write?: (line: string) => void } = {}) {
    this.#service = service;
    const level = (options.level ?? process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as Level;
    this.#threshold = LEVELS[level] ?? LEVELS.INFO;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  /** Adds fields to every later line (e.g. the request id of the current invocation). */
  setContext(context: Record<string, unknown>): void {
    this.#context = { ...context };
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#log('DEBUG', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.#log('INFO', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.#log('WARN', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.#log('ERROR', message, fields);
  }

  #log(level: Level, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.#threshold) return;
    const line = {
      level,
      timestamp: new Date().toISOString(),
      service: this.#service,
      message,
      ...this.#context,
      ...fields,
    };
    this.#write(JSON.stringify(line, jsonSafe));
  }
}
