/**
 * A failure's signature names the bug, not the case: the invariant, how it broke (the
 * monitor's named reason, or for CONFORMANCE the kind of difference: the result, or which
 * abstract part), the kind of the operation it broke in, the implementation and the
 * mutant. Not the seed, the engine, the values drawn, the number of operations or threads,
 * so the same bug found from any seed, by either engine, with any worker count, gets the
 * same signature, and a signature never changes between runs.
 */
import { createHash } from 'node:crypto';
import type { Counterexample } from './counterexample.js';
import { DEFAULT_REASON } from '../../oracle/monitor.js';
import { differenceKind } from '../../oracle/conformance.js';
import { HARNESS_FAILURES } from '../../api/failures.js';

type Signed = Pick<Counterexample, 'invariant' | 'implementation' | 'mutant' | 'ops' | 'step' | 'message'> & { readonly reason?: string; readonly anyOp?: true };

/** operation kinds that are one ioctl: a PPC vCPU's H_ENTER is a KVM_RUN */
const IOCTL: Partial<Record<string, string>> = { hEnter: 'run' };

/** the kind of the operation a failure broke in, as the signature has it */
const opOf = (ops: Signed['ops'], step: number, anyOp?: true): string => {
  if (anyOp) return 'any';
  const kind = ops[step]?.kind ?? 'none';
  return IOCTL[kind] ?? kind;
};

/** What the signature is made of, readable. */
export interface Bug {
  readonly invariant: string;
  readonly reason: string;
  /** the kind of the operation it broke in ("none": before the first, or not known; "any": a check not about one operation) */
  readonly op: string;
  readonly implementation: string;
  readonly mutant: string | null;
}

/** the reason of a failure recorded without one (a file written before reasons existed) */
const defaultReason = (cx: Signed): string => {
  if (cx.invariant === 'CONFORMANCE') return differenceKind(cx.message);
  return (HARNESS_FAILURES as readonly string[]).includes(cx.invariant) ? '' : DEFAULT_REASON;
};

export const bugOf = (cx: Signed): Bug => ({
  invariant: cx.invariant,
  reason: cx.reason ?? defaultReason(cx),
  op: opOf(cx.ops, cx.step, cx.anyOp),
  implementation: cx.implementation,
  mutant: cx.mutant,
});

/** "ROOT_VALID_AT_ENTRY (invalid root) in run": the bug in a line */
export const bugText = (b: Bug): string => `${b.invariant}${b.reason ? ` (${b.reason})` : ''} in ${b.op === 'any' ? 'any operation' : b.op}`;

/** "<INVARIANT>-<12 hex digits>": readable at a glance, stable as text */
export const failureSignature = (cx: Signed): string => {
  const b = bugOf(cx);
  const key = JSON.stringify([b.invariant, b.reason, b.op, b.implementation, b.mutant]);
  return `${b.invariant}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
};

/**
 * The part of the signature a run decides (invariant, reason, failing operation kind): a
 * shrink or a minimization keeps a candidate only when this stays the same.
 */
export const bugKey = (tc: Pick<Counterexample, 'ops'>, f: { readonly id: string; readonly reason?: string; readonly step: number; readonly anyOp?: true }): string =>
  JSON.stringify([f.id, f.reason ?? '', opOf(tc.ops, f.step, f.anyOp)]);
