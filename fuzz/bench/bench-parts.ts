/**
 * The bench's measures of the parts of the lockstep run (npm run bench): the model alone,
 * the rule outcomes kept per step (RunOutcome.outcomes, --coverage and guided feedback),
 * the model's and the impl's cost of a KVM_RUN (three phases and the re-entry) against
 * the other operations, and memory per 100k cases (what stays on the heap, and what is
 * allocated per operation).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TestCase } from '../../api/ops.js';
import { builtinFactory } from '../../impl/builtin.js';
import { initialState } from '../../model/state.js';
import { step } from '../../model/step.js';
import { runCase } from '../run/runner.js';

/** the model stepped through the case's operations in program order, nothing else */
export const modelOnly = (tc: TestCase): void => {
  let s = initialState(tc.config);
  for (const [i, op] of tc.ops.entries()) s = step(s, op, tc.threads?.[i] ?? 0).state;
};

/** the lockstep run with the rule outcomes the model took kept (--coverage, guided feedback) */
export const withOutcomes = (tc: TestCase): void => {
  runCase(tc, { factory: builtinFactory, mutant: null, coverage: true });
};

/** microseconds per operation, KVM_RUN against the rest, for the model and the impl (each applied whole, in program order) */
export const runPhaseCost = (cases: readonly TestCase[]): string => {
  const t = { model: { run: 0, other: 0 }, impl: { run: 0, other: 0 } };
  const n = { run: 0, other: 0 };
  for (let round = 0; round < 3; round++) {
    for (const tc of cases) {
      let s = initialState(tc.config);
      const impl = builtinFactory.create(tc.config, null);
      for (const op of tc.ops) {
        const k = op.kind === 'run' ? 'run' : 'other';
        const t0 = performance.now();
        s = step(s, op).state;
        const t1 = performance.now();
        impl.apply(op, 0);
        impl.drainEvents();
        t.impl[k] += performance.now() - t1;
        t.model[k] += t1 - t0;
        if (round === 0) n[k]++;
      }
    }
  }
  const us = (ms: number, count: number): string => ((1000 * ms) / (3 * Math.max(count, 1))).toFixed(1);
  return (
    `per operation (wall, sequential cases): KVM_RUN (${n.run} ops) model ${us(t.model.run, n.run)} us, impl ${us(t.impl.run, n.run)} us; ` +
    `other operations (${n.other}) model ${us(t.model.other, n.other)} us, impl ${us(t.impl.other, n.other)} us`
  );
};

/** a full collection, when this V8 lets the bench ask for one */
const collector = (): (() => void) | null => {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
};

/**
 * Heap kept after the lockstep runs of the cases (a full collection before and after),
 * scaled to 100k cases, and the bytes allocated per operation: the heap's growth between
 * cases summed (a collection in the middle of a case hides part of that case's, so it is a
 * lower bound).
 */
export const memoryPer100k = (cases: readonly TestCase[], implOnly: (tc: TestCase) => void): string => {
  const lockstep = allocation(cases, (tc) => void runCase(tc, { factory: builtinFactory, mutant: null }));
  const impl = allocation(cases, implOnly);
  return `${lockstep}\n  the impl alone: ${impl}`;
};

const allocation = (cases: readonly TestCase[], run: (tc: TestCase) => void): string => {
  const gc = collector();
  const ops = cases.reduce((k, c) => k + c.ops.length, 0);
  const rounds = 5;
  gc?.();
  const kept0 = process.memoryUsage().heapUsed;
  let allocated = 0;
  let last = kept0;
  for (let r = 0; r < rounds; r++) {
    for (const tc of cases) {
      run(tc);
      const h = process.memoryUsage().heapUsed;
      if (h > last) allocated += h - last;
      last = h;
    }
  }
  gc?.();
  const kept = process.memoryUsage().heapUsed - kept0;
  const perCases = (bytes: number): string => `${((bytes / (rounds * cases.length)) * 1e5 / 2 ** 20).toFixed(1)} MB`;
  return (
    `memory (${rounds * cases.length} cases, ${rounds * ops} ops): heap kept ${gc ? perCases(Math.max(kept, 0)) : 'not measured (no gc())'} per 100k cases; ` +
    `allocated ${perCases(allocated)} per 100k cases, ${(allocated / (rounds * ops)).toFixed(0)} bytes per operation (at least)`
  );
};
