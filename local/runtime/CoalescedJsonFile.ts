import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CoalescedJsonFileOptions {
  /** How long a change waits for others before the file is written (default 250 ms). */
  readonly delayMs?: number;
  /** A failed write (the next change writes again); default stderr. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A JSON file that follows a value changed often (checkpoints after every batch), written off the event
 * loop: changes within `delayMs` are written once, writes never overlap, and each goes through a temporary
 * file and a rename, so a crash leaves the last whole file. A crash loses at most the last `delayMs` of
 * changes, which for checkpoints means reading those records again (at least once, as a mapping does in
 * AWS after a failure). Writing synchronously at every change blocked the local runtime's event loop for
 * about 5 % of its time in a 250 events/s demo.
 *
 * @example
 * ```ts
 * const file = new CoalescedJsonFile('.streambridge/runtime-checkpoints.json', () => checkpoints);
 * file.changed();
 * await file.flush();
 * ```
 */
export class CoalescedJsonFile {
  readonly #path: string;
  readonly #snapshot: () => unknown;
  readonly #options: CoalescedJsonFileOptions;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;

  /** `snapshot` gives the value to write, read when the write starts. */
  constructor(path: string, snapshot: () => unknown, options: CoalescedJsonFileOptions = {}) {
    this.#path = path;
    this.#snapshot = snapshot;
    this.#options = options;
  }

  /** The value changed: it is written within `delayMs` (or after the write in progress). */
  changed(): void {
    this.#dirty = true;
    if (this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, this.#options.delayMs ?? 250);
    this.#timer.unref();
  }

  /** Writes any change not yet written, and waits for it. */
  async flush(): Promise<void> {
    await this.#writing;
    if (this.#dirty) await this.#drain();
  }

  #drain(): Promise<void> {
    // This write takes every change so far: a timer set meanwhile has nothing more to add.
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#writing ??= (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          if (!(await this.#write(JSON.stringify(this.#snapshot(), null, 2)))) {
            // Tried again at the next change or flush, not in a loop against a failing disk.
            this.#dirty = true;
            break;
          }
        }
      } finally {
        this.#writing = undefined;
      }
    })();
    return this.#writing;
  }

  async #write(text: string): Promise<boolean> {
    const temporary = `${this.#path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.#path), { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, this.#path);
      return true;
    } catch (error) {
      (this.#options.onError ?? ((e) => console.error(`could not write ${this.#path}:`, e)))(error);
      return false;
    }
  }
}
