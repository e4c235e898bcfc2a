/**
 * `replay --emit-c` (adapters/kvm/emit-c.mjs): the C reproducers compile with -Wall
 * -Werror, print TAP, and their verdict (exit 0: the kernel agrees with the model, 1: it
 * differs) is the harness's own for the same case on --impl kvm: for every stored selftest
 * scenario, a known divergence, and a two-thread case. A 10-operation case fits in 200
 * lines; a case the host cannot run is refused with one line. Skipped, with the reason in
 * the suite's name, without /dev/kvm or a C compiler.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig, Op, TestCase } from '../api/ops.js';
import type { ImplementationFactory } from '../api/implementation.js';
import { loadFactory } from '../fuzz/impl/spec.js';
import { runCase } from '../fuzz/run/runner.js';
import { op } from './helpers.js';
import { kvmMissing } from './kvm-available.js';

const UPSTREAM: HostConfig = { vendor: 'vmx', tdp: false, rules: 'upstream' };

const missing = (): string | null => {
  const kvm = kvmMissing();
  if (kvm) return kvm;
  // the emitter runs the model from dist/
  const dist = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  return dist.status === 0 ? null : `npm run build failed: ${dist.stdout.split('\n')[0]}`;
};
const why = missing();

/** emit-c, cc -Wall -Werror, run: the emitter's, compiler's and program's outputs */
const reproduce = (tc: TestCase) => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-repro-'));
  writeFileSync(join(dir, 'case.json'), JSON.stringify(tc));
  const c = spawnSync('node', ['adapters/kvm/emit-c.mjs', join(dir, 'case.json')], { encoding: 'utf8' });
  if (c.status !== 0) return { emitted: c, lines: 0, run: null };
  writeFileSync(join(dir, 'repro.c'), c.stdout);
  const cc = spawnSync('cc', ['-O2', '-Wall', '-Werror', '-pthread', '-o', join(dir, 'repro'), join(dir, 'repro.c')], { encoding: 'utf8' });
  expect(cc.status, cc.stderr).toBe(0);
  return { emitted: c, lines: c.stdout.split('\n').length - 1, run: spawnSync(join(dir, 'repro'), [], { encoding: 'utf8', timeout: 30_000 }) };
};

describe.skipIf(why !== null)(`C reproducers on real KVM${why ? ` (skipped: ${why})` : ''}`, () => {
  let kvm: ImplementationFactory;
  beforeAll(async () => {
    kvm = await loadFactory('kvm');
  });
  afterAll(() => kvm?.dispose?.());
  /** the harness's verdict on --impl kvm: 0 passed, 1 failed */
  const harness = (tc: TestCase): number => (runCase(tc, { factory: kvm, mutant: null }).failure ? 1 : 0);

  const scenarios = readdirSync('adapters/kvm/selftests').filter((f) => f.endsWith('.json'));
  it.each(scenarios)('selftest scenario %s: TAP, and the harness\'s verdict', (f) => {
    const sc = JSON.parse(readFileSync(`adapters/kvm/selftests/${f}`, 'utf8')) as TestCase;
    const tc = { config: { ...sc.config, rules: 'upstream' as const }, ops: sc.ops };
    const { run } = reproduce(tc);
    expect(run!.stdout).toMatch(/^TAP version 13\n1\.\.\d+\n/);
    expect(run!.status, run!.stdout).toBe(harness(tc));
  });

  it('a known divergence (a missing slot deleted, seeds rules): "not ok" with both answers, exit 1 as the harness fails', () => {
    const tc = { config: { vendor: 'vmx' as const, tdp: false }, ops: [op.createVm(), op.slot(3, 40, 0)] };
    const { run } = reproduce(tc);
    expect(run!.stdout).toMatch(/not ok 2 ops\[1\] .*\n# kernel \{"kind":"errno","errno":-22\}\n# model {2}\{"kind":"ok"\}/);
    expect(run!.status).toBe(1);
    expect(harness(tc)).toBe(1);
  });

  it('a state-only divergence fails the final-state check', () => {
    // cr0 written without ET: the seeds' model keeps it as written, the kernel sets ET
    const tc: TestCase = { config: { vendor: 'vmx', tdp: false }, ops: [op.createVm(), op.slot(0, 0, 16), op.createVcpu(), { kind: 'setCr', vm: 0, vcpu: 0, reg: 'cr0', value: 1 } as Op] };
    const { run } = reproduce(tc);
    expect(run!.stdout).toMatch(/not ok 5 final state/);
    expect(run!.status).toBe(harness(tc));
  });

  it('a 10-operation case is at most 200 lines and agrees with the kernel', () => {
    const tc = JSON.parse(readFileSync('test/fixtures/kvm/ten-ops.json', 'utf8')) as TestCase;
    const { lines, run } = reproduce(tc);
    expect(tc.ops).toHaveLength(10);
    expect(lines).toBeLessThanOrEqual(200);
    expect(run!.status, run!.stdout).toBe(0);
    expect(harness(tc)).toBe(0);
  });

  it('a two-thread case: one pthread per harness thread after the prelude, order not forced', () => {
    const tc: TestCase = {
      config: UPSTREAM,
      ops: [op.createVm(), op.slot(0, 0, 32), op.createVcpu(), op.slot(1, 40, 8), op.run(0x1000, false)],
      threads: [0, 0, 0, 1, 0],
      ...({ prelude: 3 } as object),
    };
    const { emitted, run } = reproduce(tc);
    expect(emitted.stdout).toContain('one pthread per harness thread');
    expect(emitted.stdout).toMatch(/static void \*thread1\(void \*arg\)/);
    expect(run!.status, run!.stdout).toBe(0);
  });

  it('refuses a PPC case with one line, exit 2', () => {
    const { emitted } = reproduce({ config: UPSTREAM, ops: [{ kind: 'createVm', vm: 0, ppc: { cpu: 'power7', rmaSize: 64 } } as unknown as Op] });
    expect(emitted.status).toBe(2);
    expect(emitted.stderr.trim().split('\n')).toHaveLength(1);
    expect(emitted.stderr).toMatch(/PPC HV VM: the reproducer drives x86 KVM only/);
  });
});
