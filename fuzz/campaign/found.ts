/** A failure a campaign found: its counterexample, signature and where it was first seen. */
import type { TestCase } from '../../api/ops.js';
import { FORMAT, type Counterexample } from './counterexample.js';
import type { HostInfo } from '../../api/limits.js';
import type { Failure, RunOutcome } from '../run/runner.js';
import type { Cut } from './shrink.js';
import type { InvariantId } from '../../api/failures.js';
import { DEFAULT_ENGINE, type EngineName } from '../engines/name.js';

export interface Identity {
  readonly implementation: string;
  readonly mutant: string | null;
  readonly disabled?: ReadonlySet<string>;
  /** the engine that drew and shrank the case (recorded unless it is the default, fast-check) */
  readonly engine?: EngineName;
  /** the machine the implementation runs on, as its handshake told it */
  readonly host?: HostInfo;
}

export interface Found {
  readonly counterexample: Counterexample;
  /**
   * the run of the counterexample's case that failed as it says, with its trace and
   * evidence (fuzz/run/types.ts): the report is written from it, not from another run
   */
  readonly outcome?: RunOutcome;
  readonly signature: string;
  /** listed in the baseline, or an open corpus entry: reported, but not a new failure */
  readonly known: boolean;
  /** a corpus entry that still fails (an open bug), or one of fixed/ that fails again */
  readonly corpus?: 'open' | 'regressed';
  /** the campaign run (1-based) whose case first failed; 0 for a corpus replay */
  readonly firstSeen: number;
  readonly source: 'corpus' | 'generated';
  /** the corpus file it was replayed from */
  readonly from?: string;
  /** smaller failing cases shrinking took */
  readonly shrinks: number;
  /** why shrinking stopped early (--shrink-time, a signal), if it did */
  readonly shrinkCut: Cut | null;
}

export const toCounterexample = (tc: TestCase, failure: Failure, seed: number, id: Identity): Counterexample => ({
  format: FORMAT,
  invariant: failure.id,
  message: failure.message,
  ...(failure.reason !== undefined && { reason: failure.reason }),
  ...(failure.anyOp && { anyOp: failure.anyOp }),
  step: failure.step,
  seed,
  implementation: id.implementation,
  mutant: id.mutant,
  ...(id.host && { host: id.host }),
  config: tc.config,
  ops: tc.ops,
  ...(tc.threads && { threads: tc.threads, preemptions: tc.preemptions ?? [] }),
  ...(tc.prelude && { prelude: tc.prelude }),
  ...(id.disabled?.size && { disabled: [...id.disabled].sort() as InvariantId[] }),
  ...(id.engine && id.engine !== DEFAULT_ENGINE && { engine: id.engine }),
});
