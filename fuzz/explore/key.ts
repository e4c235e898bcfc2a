/**
 * The pruning key of a quiescent point (no operation in flight): a hash of everything the
 * rest of a case can depend on that the harness can see. That is the model's state (which
 * holds what the impl's abstraction leaves out on purpose: whether a root is loaded, the
 * injected failures pending per thread), the impl's abstract state, each monitor's memory of
 * the trace so far (a monitor judges the continuation by what it remembers, e.g. the roots
 * it saw zapped), and the thread that returned last (the one the next operation goes on).
 * Maps and Sets are written as sorted entries, so two equal states give one key whatever
 * order they were filled in.
 */
import { createHash } from 'node:crypto';
import type { RunEnd } from '../run/runner.js';

const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** JSON.stringify's replacer: Maps and Sets as entries sorted by key (objects keep their fields' order, which the code that builds them fixes) */
const sorted = (_k: string, v: unknown): unknown => {
  if (v instanceof Map) return ['M', ...[...v].map(([k, x]): [string, unknown] => [JSON.stringify(k), x]).sort(byKey)];
  if (v instanceof Set) return ['S', ...[...v].map((x) => JSON.stringify(x)).sort()];
  return v;
};

/** a canonical text of a value: two equal states give one text whatever order their Maps were filled in */
export const canonical = (v: unknown): string => JSON.stringify(v, sorted);

/** the key: 22 base64 digits of a SHA-1 of the canonical text (a collision would prune wrongly; at 2^-132 per pair, never in practice) */
export const stateKey = (end: RunEnd): string => {
  const text = canonical([end.model, end.final, end.monitors, end.lastTid]);
  return createHash('sha1').update(text).digest('base64').slice(0, 22);
};
