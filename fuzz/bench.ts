/**
 * npm run bench: operations per second, sequential and interleaved, for the impl alone and
 * for the lockstep run (impl + model + monitors + conformance), and their ratio. Both
 * columns run the same generated cases in the same process, so the ratio holds on a
 * noisy machine even when the absolute numbers do not.
 */
import fc from 'fast-check';
import type { TestCase } from '../api/ops.js';
import type { Implementation } from '../api/implementation.js';
import { builtinFactory } from '../impl/builtin.js';
import { testCaseArb } from './arbitraries.js';
import { runCase } from './runner.js';
import { Scheduler, makeThreads } from './scheduler.js';
import { benchWorkers } from './bench-workers.js';

const CASES = Number(process.env.BENCH_CASES ?? 400);
const ROUNDS = 3;

/** The impl on its own under the same scheduler: no model, no monitors, no checks. */
const implOnly = (tc: TestCase): void => {
  const impl: Implementation = builtinFactory.create(tc.config, null);
  const threads = makeThreads(tc.threads ?? tc.ops.map(() => 0));
  const sched = new Scheduler(tc.preemptions ?? []);
  for (let t = sched.pick(threads); t; t = sched.pick(threads)) {
    if (!t.current) {
      const index = t.queue.shift()!;
      t.current = { index, op: impl.begin!(t.tid, tc.ops[index]!), steps: 0 };
    }
    const s = t.current.op.step();
    impl.drainEvents();
    if (s.done) [t.current, t.point] = [null, null];
    else [t.point, t.current.steps] = [s.point, t.current.steps + 1];
  }
};

const lockstep = (tc: TestCase): void => {
  runCase(tc, { factory: builtinFactory, mutant: null });
};

/** best of ROUNDS, in operations per second */
const opsPerSecond = (cases: TestCase[], f: (tc: TestCase) => void): number => {
  const ops = cases.reduce((n, c) => n + c.ops.length, 0);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (const tc of cases) f(tc);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return ops / best;
};

const row = (name: string, vcpus: number): string[] => {
  const cases = fc.sample(testCaseArb({ maxOps: 30, vcpus }), { seed: 42, numRuns: CASES });
  const alone = opsPerSecond(cases, implOnly);
  const checked = opsPerSecond(cases, lockstep);
  return [name, String(cases.reduce((n, c) => n + c.ops.length, 0)), alone.toFixed(0), checked.toFixed(0), (alone / checked).toFixed(2)];
};

// warm the JIT on both paths before anything is timed
for (const tc of fc.sample(testCaseArb({ maxOps: 30, vcpus: 2 }), { seed: 7, numRuns: CASES })) {
  implOnly(tc);
  lockstep(tc);
}

const table = [['run', 'ops', 'impl alone (ops/s)', 'lockstep (ops/s)', 'impl/lockstep'], row('sequential (--vcpus 1)', 1), row('interleaved (--vcpus 2)', 2)];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));

console.log('');
for (const l of await benchWorkers()) console.log(l);
