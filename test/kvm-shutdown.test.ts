/**
 * A vCPU that took a triple fault on real KVM (a root no memslot backs: upstream
 * mmu_check_root) and is run again once a memslot backs the root: upstream enters again,
 * as the model predicts; kvm-pvm keeps the vCPU shut down, so there the adapter answers
 * "not checked" with the reason (docs/KVM.md divergence 16), and still checks the runs
 * while the root is unbacked, where both agree. Skipped where /dev/kvm or a compiler is missing.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { HostConfig, Op } from '../api/ops.js';
import { runModel, op } from './helpers.js';
import { KVM_BIN, kvmMissing } from './kvm-available.js';

const why = kvmMissing();
const UPSTREAM: HostConfig = { vendor: 'vmx', tdp: false, rules: 'upstream' };
const LONG: Op[] = [op.setCr('efer', 0x100), op.setCr('cr4', 0x20), op.setCr('cr3', 0x1000), op.setCr('cr0', 0x80000011)];

describe.skipIf(why !== null)(`real KVM: a vCPU after a triple fault${why ? ` (skipped: ${why})` : ''}`, () => {
  it('checks the runs while the root is unbacked, and answers the first run after it is backed again as the host does', () => {
    const ops = [op.createVm(), op.slot(0, 0, 32), op.createVcpu(), ...LONG, op.run(), op.slot(0, 0, 0), op.run(), op.run(), op.slot(0, 0, 32), op.run()];
    const req = { msg: 'case', config: UPSTREAM, mutant: null, ops: ops.map((o) => ({ tid: 0, op: o })), states: false };
    const out = spawnSync(KVM_BIN, [], { input: `${JSON.stringify({ msg: 'hello', protocol: 1 })}\n${JSON.stringify(req)}\n`, encoding: 'utf8', timeout: 30_000 });
    const [hello, reply] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const model = runModel(ops, UPSTREAM).results;
    const kernel = reply.steps.map((s: { result: unknown }) => s.result);
    expect(model.slice(8, 11)).toEqual([{ kind: 'ok' }, { kind: 'exit', reason: 'shutdown' }, { kind: 'exit', reason: 'shutdown' }]);
    expect(model.at(-1)).toEqual({ kind: 'exit', reason: 'hlt' });
    if (hello.capabilities.host.module === 'kvm_pvm') {
      expect(kernel).toEqual(model.slice(0, 12));
      expect(reply.error).toMatchObject({ index: 12, unsupported: true, message: expect.stringMatching(/triple fault .* keeps it shut down/) });
    } else {
      expect(kernel).toEqual(model);
    }
  });
});
