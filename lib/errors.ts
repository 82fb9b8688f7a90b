/**
 * An override that would weaken a secure default (an unencrypted queue, a table without point-in-time
 * recovery, ...). Thrown at synth time, naming the construct, the property and why it is refused.
 */
export class InsecureOverrideError extends Error {
  readonly property: string;

  constructor(construct: string, property: string, reason: string) {
    super(`${construct}: refusing ${property}: ${reason}`);
    this.name = 'InsecureOverrideError';
    this.property = property;
  }
}
