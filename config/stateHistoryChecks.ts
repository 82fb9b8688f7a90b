/**
 * The rules of a `state` mapping's `history` that the schema cannot say: its table is declared, is not the
 * state table nor any other mapping's, is keyed by the state's partition key plus a number sort key (the
 * version), and has a TTL attribute when history expires.
 */
import { isObject } from './describeValue';

type Obj = Readonly<Record<string, unknown>>;

export interface StateHistoryCheckInput {
  /** The state mapping (raw value) and its path, e.g. `sinks.dynamodb.mappings[2]`. */
  readonly mapping: Obj;
  readonly at: string;
  /** The sink's declared tables by name, and the sink's path (for messages). */
  readonly tables: ReadonlyMap<string, Obj>;
  readonly sinkPath: string;
  /** Every mapping of the sink (raw values): a history table must be written by one history only. */
  readonly mappings: readonly Obj[];
}

function keyText(key: unknown): string {
  return isObject(key) ? `${String(key.name)} (${String(key.type)})` : 'none';
}

/** Problems of one state mapping's history, as `<path>: <message>`. */
export function stateHistoryChecks({
  mapping,
  at,
  tables,
  sinkPath,
  mappings,
}: StateHistoryCheckInput): string[] {
  const history = mapping.history;
  if (!isObject(history) || typeof history.table !== 'string' || history.table === '') return [];
  const issues: string[] = [];
  const fail = (path: string, message: string) => issues.push(`${at}.history.${path}: ${message}`);
  const name = history.table;
  const table = tables.get(name);
  if (!table) {
    fail('table', `table "${name}" is not declared in ${sinkPath}.tables`);
    return issues;
  }
  if (name === mapping.table) {
    fail('table', 'must not be the state table itself');
    return issues;
  }
  const writers = mappings.filter(
    (m) => m !== mapping && (m.table === name || (isObject(m.history) && m.history.table === name)),
  );
  if (writers.length > 0) {
    fail('table', `table "${name}" is also written by mapping "${String(writers[0]?.name)}"`);
  }
  const stateTable = typeof mapping.table === 'string' ? tables.get(mapping.table) : undefined;
  const statePk = stateTable?.partitionKey;
  const pk = table.partitionKey;
  if (isObject(statePk) && isObject(pk) && (statePk.name !== pk.name || statePk.type !== pk.type)) {
    fail(
      'table',
      `the partition key of "${name}" must be the state table's, ${keyText(statePk)} (got ${keyText(pk)})`,
    );
  }
  const sk = table.sortKey;
  if (!isObject(sk) || sk.type !== 'N') {
    fail('table', `"${name}" needs a number (N) sort key to hold the version (got ${keyText(sk)})`);
  }
  if (history.ttlSeconds !== undefined && !table.ttlAttribute) {
    fail('ttlSeconds', `table "${name}" has no ttlAttribute to hold the expiry`);
  }
  return issues;
}
