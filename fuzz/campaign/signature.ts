/**
 * A failure's signature: what makes two counterexamples the same bug, whatever the seed
 * or the values drawn. It is the invariant, the implementation, the mutant and the shape of
 * the shrunk case (its operation kinds in order and the thread of each, threads numbered
 * by first use), not addresses, ids or counts, so the same bug shrunk from another seed
 * usually gets the same signature, and a signature never changes between runs.
 */
import { createHash } from 'node:crypto';
import type { Counterexample } from './counterexample.js';

/** "opKind@thread" for each operation, threads renumbered by first use */
export const caseShape = (cx: Pick<Counterexample, 'ops' | 'threads'>): string[] => {
  const renumber = new Map<number, number>();
  return cx.ops.map((op, i) => {
    const t = cx.threads?.[i] ?? 0;
    if (!renumber.has(t)) renumber.set(t, renumber.size);
    return `${op.kind}@${renumber.get(t)}`;
  });
};

/** "<INVARIANT>-<12 hex digits>": readable at a glance, stable as text */
export const failureSignature = (cx: Pick<Counterexample, 'invariant' | 'implementation' | 'mutant' | 'ops' | 'threads'>): string => {
  const key = JSON.stringify([cx.invariant, cx.implementation, cx.mutant, caseShape(cx)]);
  return `${cx.invariant}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
};
