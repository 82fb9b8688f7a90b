/**
 * List prices the cost model uses, in one place with where and when they were read, so they can be
 * updated. US East (N. Virginia), USD, first pricing tier, no free tier.
 */
export const PRICES = {
  /** When these prices were last checked, and how. */
  checked: '2026-12-04',
  region: 'us-east-1',
  lambda: {
    /** Duration, Arm (the functions' architecture), per GB-second. */
    armPerGbSecond: 0.0000133334,
    /** Duration, x86, per GB-second (AWS's pricing examples use it). */
    x86PerGbSecond: 0.0000166667,
    perMillionRequests: 0.2,
    /** Provisioned mode of Kafka event source mappings: one Event Poller Unit, per hour. */
    eventPollerUnitPerHour: 0.185,
    /** Event pollers one EPU carries by default (Kafka), each up to 5 MB/s. */
    pollersPerEventPollerUnit: 10,
    /** Memory at which a function has one full vCPU (CPU is allocated in proportion to memory). */
    fullVcpuMemoryMb: 1769,
    source: 'aws.amazon.com/lambda/pricing (pricing examples 1 and 3, provisioned mode for Kafka ESM)',
  },
  pipes: {
    /** EventBridge Pipes, per million requests after filtering; each 64 KB of a request counts as one. */
    perMillionRequests: 0.4,
    source: 'aws.amazon.com/eventbridge/pricing (as quoted by secondary sources, March 2026)',
  },
  mskConnect: {
    /** MSK Connect, per MSK Connect Unit (1 vCPU, 4 GiB) hour. */
    perMcuHour: 0.11,
    source: 'aws.amazon.com/msk/pricing (as quoted by secondary sources)',
  },
} as const;
