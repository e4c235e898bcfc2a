import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../cli-run.js';

const fake = new URL('../fakes/faulty.mjs', import.meta.url).pathname;

describe('an exec: implementation that hangs, dies or breaks the protocol mid-case', () => {
  const cases: [string, string, RegExp][] = [
    ['hang', 'IMPL_HANG', /no reply to "(begin|case|apply)" within 400 ms; the process was killed/],
    ['die', 'IMPL_CRASH', /exited with status 139; stderr: faulty: segfault while handling setNrMmuPages/],
    ['garbage', 'IMPL_PROTOCOL', /not JSON .*line: Segmentation fault/],
    ['wrong', 'IMPL_PROTOCOL', /expected a "(result|step|case|ok)" reply, got "events"/],
    ['badschema', 'IMPL_PROTOCOL', /reply to "\w+": .*(unknown field "extra"|missing)/],
    ['error', 'IMPL_CRASH', /failed: cannot do setNrMmuPages/],
  ];
  for (const [mode, id, message] of cases) {
    it(`${mode}: ${id}, the counterexample written and replayable, the campaign over`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-fault-'));
      const impl = `exec:node ${fake} ${mode} setNrMmuPages`;
      const r = await cli('fuzz', '--impl', impl, '--op-timeout', '400ms', '--runs', '100', '--seed', '2', '--vcpus', '1', '--max-ops', '6', '--workers', '0', '--shrink-time', '8s', '--out', dir);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(new RegExp(`^FAIL ${id}: `, 'm'));
      expect(r.out).toMatch(message);
      const [file] = readdirSync(dir);
      const cx = JSON.parse(readFileSync(join(dir, file!), 'utf8'));
      expect(cx).toMatchObject({ invariant: id, implementation: impl });
      // shrunk (within --shrink-time: each step restarts the process), and still with the operation that trips it
      expect(cx.ops.map((o: { kind: string }) => o.kind)).toContain('setNrMmuPages');
      // at most the prelude (6 for one vCPU: VM, slot, vCPU, cr4, EFER, cr0), the regime's head and
      // the 6-op body, less what shrinking removed in 8 s of process restarts
      expect(cx.ops.length).toBeLessThanOrEqual(14);
      const again = await cli('replay', join(dir, file!), '--impl', impl, '--op-timeout', '400ms');
      expect(again.code).toBe(1);
      expect(again.out).toMatch(new RegExp(`^FAIL ${id}: `, 'm'));
    }, 120_000);
  }
});
