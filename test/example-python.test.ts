/**
 * examples/python: an implementation in another language, judged through `exec:` like any
 * other. Its one mutant must be found by the conformance check and replay the same way; the
 * same program without it must pass, and say what it leaves unchecked.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../fuzz/cli/main.js';
import { Replies } from '../api/protocol.js';

const SCRIPT = 'examples/python/kvm_impl.py';
const IMPL = `exec:python3 ${SCRIPT}`;
const hasPython = spawnSync('python3', ['--version']).status === 0;

const cli = async (...argv: string[]) => {
  const out: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
};

describe(hasPython ? 'examples/python through exec:' : 'examples/python through exec: (skipped: python3 is not on PATH)', () => {
  it.skipIf(!hasPython)('finds the overlap-off-by-one mutant by conformance, and the file replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-py-'));
    const f = await cli('fuzz', '--impl', IMPL, '--mutant', 'overlap-off-by-one', '--seed', '1', '--runs', '200', '--out', dir);
    expect(f.code, f.out).toBe(1);
    expect(f.out).toMatch(/^FAIL CONFORMANCE/m);
    const path = join(dir, readdirSync(dir)[0]!);
    const cx = JSON.parse(readFileSync(path, 'utf8'));
    expect(cx).toMatchObject({ invariant: 'CONFORMANCE', implementation: IMPL, mutant: 'overlap-off-by-one' });
    // the failing operation is a memslot that only touches another one, refused as an overlap
    const failing = cx.ops[cx.step];
    expect(failing.kind).toBe('setMemoryRegion');
    const adjacent = cx.ops.slice(0, cx.step).some((o: { kind: string; vm: number; slot: number; gfn: number; npages: number }) =>
      o.kind === 'setMemoryRegion' && o.vm === failing.vm && o.slot !== failing.slot && o.npages > 0 &&
      (o.gfn + o.npages === failing.gfn || failing.gfn + failing.npages === o.gfn));
    expect(adjacent, JSON.stringify(cx.ops)).toBe(true);
    const r = await cli('replay', path, '--impl', IMPL);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL CONFORMANCE/m);
    // the same case on the same program without the mutant passes
    writeFileSync(path, JSON.stringify({ ...cx, mutant: null }));
    expect(await cli('replay', path, '--impl', IMPL)).toMatchObject({ code: 0 });
  });

  it.skipIf(!hasPython)('passes without the mutant, listing what it cannot check', async () => {
    const f = await cli('fuzz', '--impl', IMPL, '--seed', '2', '--runs', '300', '--out', mkdtempSync(join(tmpdir(), 'kvm-oracle-py-')));
    expect(f.code, f.out).toBe(0);
    expect(f.out).toContain('300 runs');
    expect(f.out).toMatch(/not checked: .*LOCK_HELD.* \(no tracepoint events from exec:python3/);
    expect(f.out).toMatch(/not checked: ROOT_VALID_AT_ENTRY, /);
    expect(f.out).toContain('not compared with the model: abstract state asyncPf, swappedOut, ppc');
  });

  it.skipIf(!hasPython)('answers bad requests with an error line and goes on', () => {
    const lines = [
      '{"msg":"hello","protocol":1}',
      'not json',
      '{"msg":"apply","tid":0,"op":{"kind":"createVm","vm":0}}',
      '{"msg":"create","config":{"vendor":"vmx","tdp":true},"mutant":"no-such-bug"}',
      '{"msg":"create","config":{"vendor":"vmx","tdp":true},"mutant":null}',
      '{"msg":"apply","tid":0,"op":{"kind":"swapOut","vm":0,"gfn":1}}',
      '{"msg":"step","tid":0}',
      '{"msg":"apply","tid":0,"op":{"kind":"createVm","vm":0}}',
    ];
    const p = spawnSync('python3', [SCRIPT], { input: lines.join('\n') + '\n', encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const replies = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(replies).toHaveLength(lines.length);
    expect(Replies.hello.safeParse(replies[0]).success).toBe(true);
    for (const i of [1, 2, 3, 5, 6]) expect(Replies.error.safeParse(replies[i]).success, JSON.stringify(replies[i])).toBe(true);
    expect(replies[4]).toEqual({ msg: 'ok' });
    expect(replies[7]).toEqual({ msg: 'result', result: { kind: 'ok' }, events: [] });
  });
});
