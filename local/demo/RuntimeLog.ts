/**
 * The demo pipeline's runtime log (the functions' output and the local runtime's own lines). Each line is
 * appended as it comes, synchronously, so whoever reads the file after a run sees every line. The previous
 * file is kept as `<file>.1`: at start, as the servers' logs are, and whenever the file passes `maxBytes`,
 * so a pipeline left running for hours holds at most about twice that on disk.
 *
 * @example
 * ```ts
 * const log = new RuntimeLog('.streambridge/logs/demo-runtime.log');
 * log.write('[streambridge-kafka-to-redis] {"message":"batch done",…}');
 * ```
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { rotateLog } from '../services/processControl';

/** A 7-minute default demo writes about 20 MB. */
export const RUNTIME_LOG_MAX_BYTES = 64 * 1024 * 1024;

export class RuntimeLog {
  readonly file: string;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(file: string, maxBytes: number = RUNTIME_LOG_MAX_BYTES) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1)
      throw new RangeError(`maxBytes must be a positive integer (got ${maxBytes})`);
    this.file = file;
    this.#maxBytes = maxBytes;
    mkdirSync(dirname(file), { recursive: true });
    rotateLog(file);
  }

  write(line: string): void {
    const text = `${line}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.#bytes > 0 && this.#bytes + bytes > this.#maxBytes) {
      rotateLog(this.file);
      this.#bytes = 0;
    }
    appendFileSync(this.file, text);
    this.#bytes += bytes;
  }
}
