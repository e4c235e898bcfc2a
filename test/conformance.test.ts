import { describe, expect, it } from 'vitest';
import { checkResult, checkState, firstDifference } from '../oracle/conformance.js';
import { runCase } from '../fuzz/run/runner.js';
import type { ImplementationFactory } from '../api/implementation.js';
import { builtinFactory, BuiltinKvm } from '../impl/builtin.js';
import { BASIC, VMX, op } from './helpers.js';

describe('conformance check', () => {
  it('names the first differing path', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe('$.a[1].b: impl 2, model 3');
    expect(firstDifference({ kind: 'ok' }, { kind: 'ok' })).toBeNull();
    expect(checkResult({ kind: 'ok' }, { kind: 'errno', errno: -12 })).toMatch(/^result differs: result.kind/);
    expect(checkState({ vms: [] }, { vms: [{ vm: 0 }] })).toMatch(/state.vms\[0\]/);
  });

  it('catches an implementation whose result differs from the model', () => {
    // wrong by construction: reports a refused register write (#GP) as success
    const liar: ImplementationFactory = {
      name: 'liar',
      capabilities: builtinFactory.capabilities,
      create: (c) => {
        const k = new BuiltinKvm(c, null);
        return {
          apply: (o) => {
            const r = k.apply(o);
            return r.kind === 'gp' ? { kind: 'ok' } : r;
          },
          drainEvents: () => k.drainEvents(),
          abstract: () => k.abstract(),
        };
      },
    };
    const tc = { config: VMX, ops: [...BASIC, op.run(), op.setCr('cr0', 0x80000000)] };
    expect(runCase(tc, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    expect(runCase(tc, { factory: liar, mutant: null }).failure).toMatchObject({ id: 'CONFORMANCE', step: 4 });
  });

  it('reports an implementation that throws as IMPL_CRASH at that step', () => {
    const thrower: ImplementationFactory = {
      name: 'thrower',
      capabilities: builtinFactory.capabilities,
      create: () => ({
        apply: () => {
          throw new Error('boom');
        },
        drainEvents: () => [],
        abstract: () => ({ host: { loaded: false }, vms: [] }),
      }),
    };
    expect(runCase({ config: VMX, ops: [op.createVm()] }, { factory: thrower, mutant: null }).failure).toEqual({
      id: 'IMPL_CRASH',
      step: 0,
      message: 'boom',
    });
  });
});
