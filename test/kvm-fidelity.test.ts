/**
 * The real-KVM adapter never changes the kernel's answer: its own memslot, VMs and vCPUs
 * stay out of every case (declared as limits; a case that meets them is "not checked"
 * with the reason), an unbacked root is the kernel's own KVM_EXIT_SHUTDOWN (upstream
 * mmu_check_root, which the model predicts), a prelude completes before the threads
 * start, and a SIGTERM takes the trace instance down. Skipped with the reason where
 * /dev/kvm or a C compiler is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { HostConfig, Op } from '../api/ops.js';
import { runModel, op } from './helpers.js';
import { KVM_BIN, kvmMissing } from './kvm-available.js';

const BIN = KVM_BIN;
const UPSTREAM: HostConfig = { vendor: 'vmx', tdp: false, rules: 'upstream' };
const why = kvmMissing();

/** the handshake and one whole case's reply */
const talk = (ops: Op[], tids?: number[], prelude?: number) => {
  const req = { msg: 'case', config: UPSTREAM, mutant: null, ops: ops.map((o, i) => ({ tid: tids?.[i] ?? 0, op: o })), states: false, ...(prelude !== undefined && { prelude }) };
  const out = spawnSync(BIN, [], { input: `${JSON.stringify({ msg: 'hello', protocol: 1 })}\n${JSON.stringify(req)}\n`, encoding: 'utf8', timeout: 30_000 });
  const [hello, reply] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { hello, reply };
};
const LONG: Op[] = [op.setCr('efer', 0x100), op.setCr('cr4', 0x20), op.setCr('cr3', 0x1000), op.setCr('cr0', 0x80000011)];

describe.skipIf(why !== null)(`real KVM, faithfully${why ? ` (skipped: ${why})` : ''}`, () => {
  it('tells the host truly and declares its own resources', () => {
    const { hello } = talk([]);
    const caps = hello.capabilities;
    expect(caps.host.kernel).toBe(release());
    expect(caps.host.module).toMatch(/^kvm_(intel|amd|pvm)$|^unknown$/);
    expect(caps.limits.slotIds).toBe(caps.host.memslots - 1);
    expect(caps.limits.reservedGfns).toEqual({ gfn: 0xf0, npages: 16 });
  });

  it('answers "not checked" for the adapter\'s own slot id and gfns, never an errno', () => {
    const own = talk([op.createVm(), op.slot(32763, 0, 4)]).reply;
    expect(own.error).toMatchObject({ index: 1, unsupported: true, message: expect.stringMatching(/adapter's own memslot/) });
    const over = talk([op.createVm(), op.slot(1, 200, 64)]).reply;
    expect(over.error).toMatchObject({ index: 1, unsupported: true, message: expect.stringMatching(/gfn 0xf0-0xff/) });
  });

  it('gives the kernel\'s answer for 20 vCPUs', () => {
    const ops = [op.createVm(), ...Array.from({ length: 20 }, (_, i) => op.createVcpu(i))];
    const { reply } = talk(ops);
    expect(reply.error).toBeUndefined();
    expect(reply.steps.map((s: { result: unknown }) => s.result)).toEqual(runModel(ops, UPSTREAM).results);
  });

  it('lets the kernel answer an unbacked root: KVM_EXIT_SHUTDOWN, as the model predicts under upstream rules', () => {
    const ops = [op.createVm(), op.slot(0, 0, 32), op.createVcpu(), ...LONG, op.run(0x2000), op.slot(0, 0, 0), op.run(0x2000), { kind: 'translate', vm: 0, vcpu: 0, gva: 0x2000 } as Op];
    const results = talk(ops).reply.steps.map((s: { result: unknown }) => s.result);
    expect(results.slice(-3)).toEqual([{ kind: 'ok' }, { kind: 'exit', reason: 'shutdown' }, { kind: 'translation', gpa: null }]);
    expect(results).toEqual(runModel(ops, UPSTREAM).results);
  });

  it('completes the prelude before any other thread begins', () => {
    const ops = [op.createVm(), op.slot(0, 0, 32), op.createVcpu(0), op.createVcpu(1, 0), op.run(0x1000, true, 1)];
    const { reply } = talk(ops, [0, 0, 0, 1, 1], 3);
    expect(reply.error).toBeUndefined();
    const preludeEnd = Math.max(...reply.steps.slice(0, 3).map((s: { end: number }) => s.end));
    for (const s of reply.steps.slice(3)) expect(s.begin).toBeGreaterThanOrEqual(preludeEnd);
    expect(reply.steps.map((s: { result: unknown }) => s.result)).toEqual(runModel(ops, UPSTREAM).results);
  });

  it('reports the kernel log and taint over the case', () => {
    const { reply } = talk([op.createVm()]);
    expect(reply.kernel.taintBefore).toBeGreaterThanOrEqual(-1);
    expect(reply.kernel.log ?? reply.kernel.unavailable).toBeDefined();
  });

  const tracefs = existsSync('/sys/kernel/tracing/instances') ? null : 'tracefs is not mounted';
  it.skipIf(tracefs !== null)(`removes its trace instance on SIGTERM${tracefs ? ` (skipped: ${tracefs})` : ''}`, async () => {
    const child = spawn(BIN, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    const name = `kvm-oracle-${child.pid}`;
    await new Promise<void>((done) => {
      child.stdout.once('data', () => done());
      child.stdin.write(`${JSON.stringify({ msg: 'hello', protocol: 1 })}\n`);
    });
    expect(readdirSync('/sys/kernel/tracing/instances')).toContain(name);
    await new Promise((done) => (child.on('exit', done), child.kill('SIGTERM')));
    expect(readdirSync('/sys/kernel/tracing/instances')).not.toContain(name);
  });
});
