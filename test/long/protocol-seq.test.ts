/**
 * A protocol that checks itself: a transport that loses, duplicates or reorders one line
 * between the harness and a correct implementation (`kvm-oracle serve` behind the broken
 * proxy test/fakes/faulty.mjs) is an IMPL_PROTOCOL failure naming what went missing, every
 * time; never a false verdict on the implementation. (A request lost on its way in looks
 * like a hang to both sides: it is an IMPL_HANG, as test/long/exec-faults.test.ts's hang is.)
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli-run.js';
import { KVM_BIN, kvmMissing } from '../kvm-available.js';

const fake = new URL('../fakes/faulty.mjs', import.meta.url).pathname;

const CASES: [string, string, RegExp][] = [
  ['drop', '2', /the reply to request \d+ \("\w+"\) never arrived in its place, though the implementation answered it/],
  ['dup', '2', /a reply to request \d+ arrived again \(or late\) in place of the reply to request \d+ \("\w+"\): a line was duplicated or reordered/],
  ['swap', '1', /the reply to request \d+ \("case"\) never arrived in its place, though the implementation answered it \(a line was lost or reordered\)/],
  ['dropevent', '1', /the implementation counts \d+ events since "create", \d+ arrived \(1 missing\)/],
];

describe('a transport that loses a line', () => {
  for (const [mode, vcpus, why] of CASES) {
    it(`${mode} (${vcpus} thread(s)): IMPL_PROTOCOL naming what went missing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-seq-'));
      const impl = `exec:node ${fake} ${mode} run`;
      const r = await cli('fuzz', '--impl', impl, '--op-timeout', '1500ms', '--runs', '50', '--seed', '2', '--vcpus', vcpus, '--max-ops', '8', '--workers', '0', '--shrink-time', '5s', '--out', dir);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/^FAIL IMPL_PROTOCOL: /m);
      expect(r.out).toMatch(why);
    }, 300_000);
  }

  it('the same campaign through a proxy that loses nothing passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-seq-'));
    const r = await cli('fuzz', '--impl', `exec:node ${fake} none run`, '--runs', '50', '--seed', '2', '--vcpus', '2', '--max-ops', '8', '--workers', '0', '--out', dir);
    expect(r.code, r.out).toBe(0);
  }, 120_000);
});

/**
 * The C adapter (adapters/kvm, src/seq.c) speaks the same numbers: behind the same broken
 * proxy, on the host's /dev/kvm, a lost or duplicated reply is IMPL_PROTOCOL too.
 */
const why = kvmMissing();
describe.skipIf(why)(`the real-KVM adapter behind a transport that loses a line${why ? ` (skipped: ${why})` : ''}`, () => {
  const KVM_CASES: [string, RegExp][] = [
    ['drop', /the reply to request \d+ \("case"\) never arrived in its place, though the implementation answered it/],
    ['dup', /a reply to request \d+ arrived again \(or late\) in place of the reply to request \d+ \("\w+"\)/],
  ];
  for (const [mode, msg] of KVM_CASES) {
    it(`${mode}: IMPL_PROTOCOL naming what went missing`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-seq-'));
      const impl = `exec:node ${fake} ${mode} createVcpu ${KVM_BIN}`;
      const r = await cli('fuzz', '--impl', impl, '--op-timeout', '3s', '--runs', '20', '--seed', '2', '--max-ops', '8', '--workers', '0', '--shrink-time', '5s', '--out', dir);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/^FAIL IMPL_PROTOCOL: /m);
      expect(r.out).toMatch(msg);
    }, 300_000);
  }

  it('the adapter echoes seq, counts its events and answers sync', async () => {
    const { spawnSync } = await import('node:child_process');
    const lines = [
      { msg: 'hello', protocol: 1 },
      { msg: 'case', config: { vendor: 'vmx', tdp: false }, mutant: null, ops: [{ tid: 0, op: { kind: 'createVm', vm: 0 } }], seq: 1 },
      { msg: 'sync', seq: 2 },
    ];
    const out = spawnSync(KVM_BIN, [], { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', encoding: 'utf8', timeout: 20_000 });
    const [hello, reply, sync] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(hello.seq).toBe(0);
    expect(reply.seq).toBe(1);
    expect(reply.eventsTotal).toBe(reply.steps.reduce((n: number, s: { events: unknown[] }) => n + s.events.length, 0));
    expect(sync).toEqual({ msg: 'sync', last: 1, seq: 2 });
  }, 60_000);
});
