/**
 * npm run bench: operations per second for the impl alone and for the lockstep run (impl +
 * model + monitors + conformance), sequential and interleaved, and the same cases through
 * the protocol (`exec:` of kvm-oracle serve, stepped and whole-case), each as a ratio to
 * the in-process lockstep run measured in turn with it (best of ROUNDS each), so the ratios
 * hold on a noisy machine even when the absolute numbers do not. In-process rows count this
 * process's CPU time, rows with another process (exec:, kvm) wall time. Then the model's
 * cost per KVM_RUN against other operations, and memory per 100k cases. `-- --impl SPEC` adds rows for another
 * implementation (e.g. kvm), on the cases it can run. Then cases/s with 1 and 2 workers
 * (fuzz/bench/bench-workers.ts).
 */
import { BadInput } from '../io.js';
import fc from 'fast-check';
import type { TestCase } from '../../api/ops.js';
import type { Implementation, ImplementationFactory } from '../../api/implementation.js';
import { builtinFactory } from '../../impl/builtin.js';
import { testCaseArb } from '../gen/arbitraries.js';
import { runCase, type DriveMode } from '../run/runner.js';
import { Scheduler, makeThreads } from '../run/scheduler.js';
import { parseArgs } from '../cli/options.js';
import { kvmAdapterPath, kvmUnavailable, loadFactory, packageRoot } from '../impl/spec.js';
import { spawnSync } from 'node:child_process';
import { reachOf, restrictCase } from '../gen/reach.js';
import { join } from 'node:path';
import { benchWorkers } from './bench-workers.js';
import { guidedScanRows, withFeedback } from './bench-guided.js';
import { memoryPer100k, modelOnly, runPhaseCost, withOutcomes } from './bench-parts.js';

const CASES = Number(process.env.BENCH_CASES ?? 400);
/** the protocol rows cost a round trip per step: fewer cases */
const EXEC_CASES = Number(process.env.BENCH_EXEC_CASES ?? 100);
const ROUNDS = 3;

/** The impl on its own under the same scheduler: no model, no monitors, no checks. */
const implOnly = (tc: TestCase): void => {
  const impl: Implementation = builtinFactory.create(tc.config, null);
  const threads = makeThreads(tc.threads ?? tc.ops.map(() => 0));
  const sched = new Scheduler(tc.preemptions ?? [], tc.prelude);
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

/** failures seen on another implementation (a real kernel may break a rule): counted, not fatal */
const failed = new Map<string, Set<string>>();
const lockstep = (factory: ImplementationFactory, mode: DriveMode = 'auto', eachState = true) => (tc: TestCase): void => {
  const r = runCase(tc, { factory, mutant: null, mode, eachState });
  if (r.failure && factory !== builtinFactory) failed.set(factory.name, (failed.get(factory.name) ?? new Set()).add(r.failure.id));
};

type Clock = 'cpu' | 'wall';
/** seconds now: this process's CPU time (in-process rows: the other jobs of a shared machine do not count), or wall time (rows with another process) */
const now = (clock: Clock): number => {
  if (clock === 'wall') return Number(process.hrtime.bigint()) / 1e9;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const opsOf = (cases: readonly TestCase[]): number => cases.reduce((n, c) => n + c.ops.length, 0);

/**
 * Operations per second of `f` and of `base` on the same cases, best of ROUNDS, the two
 * measured in turn in every round so that both see the same machine.
 */
const measure = (cases: readonly TestCase[], f: (tc: TestCase) => void, base: (tc: TestCase) => void, clock: Clock): { v: number; b: number } => {
  const best = [Infinity, Infinity];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, g] of [f, base].entries()) {
      const t0 = now(clock);
      for (const tc of cases) g(tc);
      best[k] = Math.min(best[k]!, now(clock) - t0);
    }
  }
  return { v: opsOf(cases) / best[0]!, b: opsOf(cases) / best[1]! };
};

const sample = (vcpus: number, n: number): TestCase[] => fc.sample(testCaseArb({ maxOps: 30, vcpus }), { seed: 42, numRuns: n });
const table: string[][] = [['run', 'ops', 'ops/s', 'clock', 'vs in-process lockstep']];
/** a row: `f` against `base` (the in-process lockstep run of the same cases unless given) */
const row = (name: string, cases: readonly TestCase[], f: (tc: TestCase) => void, clock: Clock = 'cpu', base: (tc: TestCase) => void = lockstep(builtinFactory)): number => {
  const { v, b } = measure(cases, f, base, clock);
  table.push([name, String(opsOf(cases)), v.toFixed(0), clock, (v / b).toFixed(2)]);
  return v;
};

/**
 * Beside the kvm row, what C alone does in the same run: the adapter's --bench cycles
 * (KVM_CREATE_VM with its memslot, KVM_CREATE_VCPU, close), the floor of every case.
 */
const cRate = (casesPerSecond: number): void => {
  const out = spawnSync(kvmAdapterPath(), ['--bench', '200'], { encoding: 'utf8', timeout: 120_000 });
  const m = /"cycles":(\d+),"seconds":([\d.]+)/.exec(out.stdout);
  if (!m) return void table.push(['  C create->destroy (adapter --bench)', '-', `not measured (${out.stderr.trim().split('\n')[0] || `exit ${out.status}`})`, 'wall', '-']);
  const rate = Number(m[1]) / Number(m[2]);
  table.push(['  C create->destroy cycles (adapter --bench 200)', m[1]!, rate.toFixed(0), 'wall', `kvm cases/s ${casesPerSecond.toFixed(0)} = ${(casesPerSecond / rate).toFixed(2)} of it`]);
};

const main = async (): Promise<void> => {
  const p = parseArgs(process.argv.slice(2), { impl: { value: true } });
  // real KVM beside the built-in implementation whenever this machine can run it
  const noKvm = kvmUnavailable();
  const extra = p.options.get('impl') ?? (noKvm === null ? 'kvm' : undefined);
  if (noKvm && p.options.get('impl') === undefined) console.log(`kvm: no row (${noKvm})`);
  // warm the JIT on both paths before anything is timed
  for (const tc of sample(2, CASES)) {
    implOnly(tc);
    lockstep(builtinFactory)(tc);
  }
  for (const vcpus of [1, 2]) {
    const what = vcpus === 1 ? 'sequential (--vcpus 1)' : 'interleaved (--vcpus 2)';
    const cases = sample(vcpus, CASES);
    row(`${what}: builtin, impl alone`, cases, implOnly);
    row(`${what}: builtin, lockstep`, cases, lockstep(builtinFactory));
    if (vcpus === 1) row(`${what}: builtin, lockstep, state only at the end`, cases, lockstep(builtinFactory, 'auto', false));
    row(`${what}: builtin, lockstep + rule outcomes kept`, cases, withOutcomes);
    row(`${what}: builtin, model alone`, cases, modelOnly);
    row(`${what}: builtin, lockstep + guided feedback`, cases, withFeedback);
    if (vcpus === 2) {
      // a guided scan of derived cases (fuzz/guided/) against a plain scan of the base stream, per operation
      const g = guidedScanRows(cases.slice(0, 50), CASES, ROUNDS);
      table.push([`${what}: guided scan (derived cases + feedback)`, String(g.ops), g.guided.toFixed(0), 'wall', (g.guided / g.plain).toFixed(2)]);
    }
    const serve = await loadFactory(`exec:${JSON.stringify(process.execPath)} ${JSON.stringify(join(packageRoot(), 'bin', 'kvm-oracle.js'))} serve`);
    const few = cases.slice(0, EXEC_CASES);
    row(`${what}: exec: serve, stepped`, few, lockstep(serve, 'stepped'), 'wall');
    row(`${what}: exec: serve, whole-case`, few, lockstep(serve, 'whole'), 'wall');
    serve.dispose?.();
    if (typeof extra === 'string') {
      const f = await loadFactory(extra);
      const reach = reachOf(f.capabilities, extra);
      // its own cases (cut to what it runs), against the built-in lockstep run of the same cases
      const own = few.map((tc) => restrictCase(tc, reach));
      const opsPerS = row(`${what}: ${extra}`, own, lockstep(f), 'wall');
      if (extra === 'kvm') cRate((opsPerS * own.length) / opsOf(own));
      f.dispose?.();
    }
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log(runPhaseCost(sample(1, CASES)));
  console.log(`lockstep ${memoryPer100k(sample(2, CASES), implOnly)}`);
  for (const [name, ids] of failed) console.log(`(${name}: some cases failed, ${[...ids].join(', ')}; they ran up to their failure and count as run)`);
};

main()
  .then(async () => {
    console.log('');
    for (const l of await benchWorkers()) console.log(l);
  })
  .catch((e) => {
    console.error(`bench: ${e instanceof BadInput ? e.message : e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  });
