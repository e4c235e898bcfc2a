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

/** a canonical JSON-like text of a value: Maps and Sets sorted, objects by sorted keys */
export const canonical = (v: unknown): string => {
  if (v === null || typeof v !== 'object') return v === undefined ? 'u' : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${canonical(k)}:${canonical(x)}`).sort().join(',')}}`;
  if (v instanceof Set) return `S{${[...v].map(canonical).sort().join(',')}}`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => typeof o[k] !== 'function').map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
};

/** what the key is made of, and whether the monitors' memory is part of it */
export const stateKey = (end: RunEnd): string => {
  const text = canonical([end.model, end.final, end.monitors, end.lastTid]);
  return createHash('sha1').update(text).digest('base64').slice(0, 22);
};
