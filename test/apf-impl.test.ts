import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BuiltinKvm } from '../impl/builtin.js';
import type { KvmVcpu } from '../impl/x86/structs.js';
import type { Gfn, VcpuId, VmId } from '../api/ids.js';
import type { TraceEvent } from '../api/events.js';
import type { HostConfig, Op } from '../api/ops.js';
import { ASYNC_PF_PER_VCPU } from '../impl/apf/structs.js';
import { kvmAddAsyncPfGfn, kvmAsyncPfHashReset, kvmDelAsyncPfGfn, kvmFindAsyncPfGfn } from '../impl/apf/gfn-hash.js';
import { BASIC, SVM_TDP, op } from './helpers.js';

const boot = (ops: Op[], config: HostConfig = SVM_TDP): BuiltinKvm => {
  const kvm = new BuiltinKvm(config, null);
  for (const o of ops) kvm.apply(o);
  kvm.drainEvents();
  return kvm;
};
/** the tracepoints of one operation, lock tracepoints left out */
const events = (kvm: BuiltinKvm, o: Op): TraceEvent[] => (kvm.apply(o), kvm.drainEvents().filter((e) => !e.ev.startsWith('lock') && e.ev !== 'kvmGuestMem'));
const kinds = (es: TraceEvent[]): string[] => es.map((e) => e.ev);
const vcpu0 = (kvm: BuiltinKvm): KvmVcpu => kvm.vms.get(0 as VmId)!.vcpus.get(0 as VcpuId)!;

describe('impl: the async-PF gfn hash', () => {
  const hashOnly = (): KvmVcpu => {
    const v = { apf: { gfns: new Array<number>(ASYNC_PF_PER_VCPU) } } as unknown as KvmVcpu;
    kvmAsyncPfHashReset(v);
    return v;
  };

  it('finds exactly the gfns added and not deleted, whatever the collisions and order', () => {
    const gfns = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: ASYNC_PF_PER_VCPU });
    fc.assert(
      fc.property(gfns, fc.array(fc.nat()), (added, picks) => {
        const v = hashOnly();
        const live = new Set(added);
        for (const g of added) kvmAddAsyncPfGfn(v, g as Gfn);
        for (const p of picks) {
          if (live.size === 0) break;
          const g = [...live][p % live.size]!;
          kvmDelAsyncPfGfn(v, g as Gfn);
          live.delete(g);
          for (const x of [...added, 201, 202]) expect(kvmFindAsyncPfGfn(v, x as Gfn)).toBe(live.has(x));
        }
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('impl: async page faults (seed 001)', () => {
  it('unmaps a swapped-out page, so the next access faults and queues work', () => {
    const kvm = boot([...BASIC, op.run(0x5000)]);
    expect(kinds(events(kvm, op.swapOut(5)))).toEqual(['kvmUnmapGfn']);
    const es = events(kvm, op.runIf(0x5000));
    expect(es).toContainEqual({ ev: 'kvmPageFault', vm: 0, vcpu: 0, gfn: 5, write: false, noApf: false });
    expect(es).toContainEqual({ ev: 'kvmAsyncPfNotPresent', vm: 0, vcpu: 0, token: 0, gfn: 5 });
    expect(vcpu0(kvm).asyncPf.queued).toBe(1);
  });

  it('prefaults a completed page with no_apf before "page present", so the retry does not fault', () => {
    const kvm = boot([...BASIC, op.swapOut(5), op.runIf(0x5000)]);
    expect(events(kvm, op.apfDone(5))).toEqual([{ ev: 'kvmAsyncPfCompleted', vm: 0, vcpu: 0, token: 0, gfn: 5, errorPage: false }]);
    const ready = kinds(events(kvm, op.run())).filter((e) => e.startsWith('kvmAsyncPf') || e === 'kvmPageFault');
    expect(ready).toEqual(['kvmAsyncPfPrefault', 'kvmPageFault', 'kvmAsyncPfPresent']);
    expect(kinds(events(kvm, op.runIf(0x5000)))).not.toContain('kvmPageFault');
    expect(vcpu0(kvm).apf.gfns.every((g) => g === ~0)).toBe(true);
  });

  it('completes work for a gfn whose slot went away with an error page, and does not prefault it', () => {
    const kvm = boot([...BASIC, op.swapOut(5), op.runIf(0x5000), op.slot(0, 0, 0)]);
    expect(events(kvm, op.apfDone(5))).toContainEqual(expect.objectContaining({ ev: 'kvmAsyncPfCompleted', errorPage: true }));
    expect(kinds(events(kvm, op.run()))).not.toContain('kvmAsyncPfPrefault');
  });

  it('halts on a doublefault and cancels every work on INIT', () => {
    const kvm = boot([...BASIC, op.swapOut(5), op.runIf(0x5000), op.swapOut(6), op.runIf(0x6000)]);
    expect(kinds(events(kvm, op.runIf(0x5000)))).toContain('kvmAsyncPfDoublefault');
    expect(vcpu0(kvm).apf.halted).toBe(true);
    expect(kinds(events(kvm, op.reset())).filter((e) => e === 'kvmAsyncPfCancel')).toHaveLength(2);
    expect(vcpu0(kvm).asyncPf).toMatchObject({ queue: [], done: [], queued: 0 });
    expect(vcpu0(kvm).apf.halted).toBe(false);
  });
});
