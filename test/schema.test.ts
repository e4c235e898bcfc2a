import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { jsonSchemaFiles } from '../api/json-schema.js';
import { check } from '../api/validate.js';
import { OpSchema } from '../api/ops.js';
import { CounterexampleSchema } from '../api/counterexample.js';

describe('schema/', () => {
  it('holds exactly the JSON Schema files the zod schemas give (npm run schema)', () => {
    const want = jsonSchemaFiles();
    const dir = new URL('../schema/', import.meta.url);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(want).sort());
    for (const [name, text] of Object.entries(want)) expect(readFileSync(new URL(name, dir), 'utf8'), `${name} is stale: npm run schema`).toBe(text);
  });

  it('names the JSON path of the first problem and what was expected', () => {
    const op = (o: object) => check(OpSchema, o);
    expect(op({ kind: 'setMemoryRegion', vm: 0, slot: 0, gfn: 0, npages: 1e9 })).toEqual({ ok: false, problem: 'npages: expected integer 0..2^18, got 1000000000' });
    expect(op({ kind: 'reboot' })).toMatchObject({ ok: false, problem: expect.stringMatching(/^kind: expected one of createVm, .*got "reboot"$/) });
    expect(op({ kind: 'setCr', vm: 0, vcpu: 0, reg: 'cr9', value: 0 })).toEqual({ ok: false, problem: 'reg: expected one of cr0, cr3, cr4, efer, got "cr9"' });
    expect(op({ kind: 'createVm' })).toMatchObject({ ok: false, problem: expect.stringMatching(/^vm: .*missing/) });
    expect(op(JSON.parse('{"kind":"createVm","vm":0,"__proto__":{"x":1}}'))).toEqual({ ok: false, problem: '(top level): unknown field "__proto__"' });
    expect(op({ kind: 'createVm', vm: 3 })).toEqual({ ok: true, value: { kind: 'createVm', vm: 3 } });
  });

  it('checks a case across fields', () => {
    const base = { format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', seed: 1, implementation: 'builtin', mutant: null, config: { vendor: 'vmx', tdp: false } };
    const ops = [{ kind: 'createVm', vm: 0 }];
    expect(check(CounterexampleSchema, { ...base, ops, threads: [0, 1] })).toMatchObject({ ok: false, problem: expect.stringMatching(/^threads: expected a thread for each of the 1 operations/) });
    expect(check(CounterexampleSchema, { ...base, ops, preemptions: [] })).toMatchObject({ ok: false, problem: 'preemptions: preemptions need "threads"' });
    expect(check(CounterexampleSchema, { ...base, ops, threads: [0], preemptions: [{ op: 5, after: 0, to: 1 }] })).toMatchObject({ ok: false, problem: expect.stringMatching(/^preemptions\[0\]\.op/) });
    expect(check(CounterexampleSchema, { ...base, ops })).toMatchObject({ ok: true });
  });
});
