/**
 * `import { replay } from 'kvm-mmu-oracle/replay'`: runs a counterexample on an
 * implementation (builtin, kvm, module:PATH or exec:COMMAND, as `--impl` takes them) and
 * says whether it still fails, and how. The public API the tests that `replay --emit-test`
 * writes are made of, so they run in any repository that installed the package.
 */
import { parseCounterexample, type Counterexample } from './campaign/counterexample.js';
import { bugOf, bugText, failureSignature } from './campaign/signature.js';
import { loadFactory } from './impl/spec.js';
import { runCase, type Failure } from './run/runner.js';

export interface ReplayOptions {
  /** the implementation to run it on (default: the one that found it) */
  readonly impl?: string;
  /** the mutant (default: none, the implementation as it is) */
  readonly mutant?: string | null;
}

export interface Replayed {
  /** null: the case passes */
  readonly failure: Failure | null;
  /** the failure's signature and its bug in a line, as `kvm-oracle fuzz` prints them */
  readonly signature: string | null;
  readonly bug: string | null;
  /** the run could not judge the case here (the implementation cannot run it), and why */
  readonly unsupported: string | null;
}

/** `cx` is a counterexample object (Counterexample, or any object of that shape) or its JSON text; it is checked against the schema */
export const replay = async (cx: Counterexample | object | string, o: ReplayOptions = {}): Promise<Replayed> => {
  const c = parseCounterexample(typeof cx === 'string' ? cx : JSON.stringify(cx));
  const impl = o.impl ?? c.implementation;
  const factory = await loadFactory(impl);
  try {
    const mutant = o.mutant ?? null;
    const r = runCase(c, { factory, mutant, disabled: new Set(c.disabled ?? []) });
    if (!r.failure) return { failure: null, signature: null, bug: null, unsupported: r.unsupported };
    const found = { ...c, invariant: r.failure.id, message: r.failure.message, step: r.failure.step, reason: r.failure.reason, ...(r.failure.anyOp && { anyOp: r.failure.anyOp }), implementation: impl, mutant };
    return { failure: r.failure, signature: failureSignature(found), bug: bugText(bugOf(found)), unsupported: null };
  } finally {
    factory.dispose?.();
  }
};
