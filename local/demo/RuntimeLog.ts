/**
 * The demo pipeline's runtime log (the functions' output and the local runtime's own lines). Each line is
 * written as it comes, synchronously, to a file kept open (not opened and closed per line, on the event loop
 * every poller shares), so whoever reads the file after a run sees every line. The previous
 * file is kept as `<file>.1`: at start, as the servers' logs are, and whenever the file passes `maxBytes`,
 * so a pipeline left running for hours holds at most about twice that on disk.
 *
 * @example
 * ```ts
 * const log = new RuntimeLog('.streambridge/logs/demo-runtime.log');
 * log.write('[streambridge-kafka-to-redis] {"message":"batch done",…}');
 * log.close(); // a line written later opens the file again
 * ```
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rotateLog } from '../services/processControl';

/** A 7-minute default demo writes about 20 MB. */
export const RUNTIME_LOG_MAX_BYTES = 64 * 1024 * 1024;

export class RuntimeLog {
  readonly file: string;
  readonly #maxBytes: number;
  #bytes = 0;
  #fd: number | undefined;

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
      this.close();
      rotateLog(this.file);
      this.#bytes = 0;
    }
    this.#fd ??= openSync(this.file, 'a');
    writeSync(this.#fd, text);
    this.#bytes += bytes;
  }

  /** Closes the file (the pipeline's stop); a later line opens it again. */
  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
