/**
 * Failure signatures: what makes two counterexamples the same failure, for the corpus,
 * the baseline and the report. The invariant, the implementation, the mutant, and the
 * shape of the shrunk case: its operation kinds with their threads, in order, not their
 * values (a gfn or a size differs between two shrinks of one bug; the operations that
 * make it happen do not). Readable parts and a hash of the shape, so a signature is short,
 * safe in a file name, and the same in every run that shrinks to that shape.
 */
import { createHash } from 'node:crypto';
import type { Counterexample } from './counterexample.js';

/** "t0:createVm t0:createVcpu t1:setMemoryRegion ..." */
export const shapeOf = (cx: Pick<Counterexample, 'ops' | 'threads'>): string =>
  cx.ops.map((op, i) => `t${cx.threads?.[i] ?? 0}:${op.kind}`).join(' ');

/** e.g. ROOT_VALID_AT_ENTRY.builtin.svm-no-reload.3ops.5e0c1a9b */
export const signatureOf = (cx: Counterexample): string => {
  const hash = createHash('sha256').update(shapeOf(cx)).digest('hex').slice(0, 8);
  const part = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');
  return [cx.invariant, part(cx.implementation), cx.mutant ?? 'nomutant', `${cx.ops.length}ops`, hash].join('.');
};
