/** Settings of the moto launcher (`moto_server_launcher.py`): what DynamoDB does in the background on AWS. */

/** Environment variables read when moto starts; a running server keeps the settings it started with. */
export const MotoSettingEnvVars = {
  ttlExpiry: 'STREAMBRIDGE_TTL_EXPIRY',
  sweepSeconds: 'STREAMBRIDGE_TTL_SWEEP_SECONDS',
  streamRetentionSeconds: 'STREAMBRIDGE_STREAM_RETENTION_SECONDS',
  iteratorSeconds: 'STREAMBRIDGE_STREAM_ITERATOR_SECONDS',
} as const;

/**
 * Defaults: items past their TTL are deleted within a few seconds (AWS: typically within a few days,
 * usually much sooner); stream records are kept 24 hours and shard iterators expire after 15 minutes,
 * as on AWS.
 */
export const MotoSettingDefaults = {
  ttlExpiry: true,
  sweepSeconds: 5,
  streamRetentionSeconds: 86_400,
  iteratorSeconds: 900,
} as const;

/**
 * The launcher's own endpoint: its settings and counters, read by the probe, the demo and the tests. No S3
 * bucket can have this path (bucket names do not start with an underscore).
 */
export const MOTO_STATUS_PATH = '/_streambridge/status';

/** The launcher script, beside this file. */
export const MOTO_LAUNCHER_FILE = 'moto_server_launcher.py';
