/**
 * RMA_LPCR: the LPCR/HID4 and RMOR written at creation and by the RMA setup. Hand-made
 * traces break each field; real traces of the built-in implementation (VRMA on POWER7, an
 * RMO on POWER7 and on PPC970) pass, and fail once one register value in them is wrong.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import type { Op, PpcHvConfig } from '../api/ops.js';
import type { ThreadId, VmId } from '../api/ids.js';
import { RMA_LPCR } from '../oracle/monitors/RMA_LPCR.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { firstComplaint } from './records.js';
import { P7, P970, ppc } from './helpers-ppc.js';
import { VMX } from './helpers.js';

const vm = 0 as VmId;
const tid = 0 as ThreadId;
const begin = (c: PpcHvConfig): TraceRecord => ({ ev: 'opBegin', tid, index: 0, op: ppc.createVm(c) });
const lpcr = (v: bigint, rmor?: bigint): TraceRecord => ({ ev: 'kvmppcSetLpcr', tid, vm, lpcr: `0x${v.toString(16)}`, ...(rmor === undefined ? {} : { rmor: `0x${rmor.toString(16)}` }) });
const rmaSetup = (mode: 'rmo' | 'vrma', basePfn = 0, npages = 0): TraceRecord => ({ ev: 'kvmppcRmaSetup', tid, vm, mode, basePfn, npages });
/** POWER7 at creation: VPM0, VRMA_L, HDICE, DPFD 4, PECE|LPES from the host */
const P7_INIT = (1n << 63n) | (1n << 51n) | (4n << 52n) | 0x700dn;
const RMA_PFN = 0x10000;
const MB64 = (64 << 20) / 4096;

describe('RMA_LPCR', () => {
  it('accepts the POWER7 VRMA and RMO setups and a PPC970 RMO', () => {
    expect(firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT, 0n), rmaSetup('vrma'), lpcr(P7_INIT, 0n)])).toBeNull();
    const rmo = (P7_INIT & ~((1n << 63n) | (1n << 51n))) | (3n << 26n);
    expect(firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT, 0n), rmaSetup('rmo', RMA_PFN, MB64), lpcr(rmo, BigInt(RMA_PFN) << 12n)])).toBeNull();
    const hid4 = 0x700cn | (3n << 24n) | (BigInt(RMA_PFN >> 14) << 41n);
    expect(firstComplaint(RMA_LPCR, [begin(P970), lpcr(0x700cn, 0n), rmaSetup('rmo', RMA_PFN, MB64), lpcr(hid4, 0n)])).toBeNull();
  });
  it('trips on a POWER7 VM that does not start in virtual RMA mode, or keeps other host bits', () => {
    expect(firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT & ~(1n << 63n))])).toMatch(/at creation: POWER7 starts in virtual RMA mode/);
    expect(firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT | 0x100n)])).toMatch(/other than PECE\/LPES/);
    expect(firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT, 0x1000n)])).toMatch(/RMOR is not 0/);
  });
  it('trips on a VRMA setup that leaves VRMASD, drops VRMA_L or changes another bit', () => {
    const bad = (v: bigint) => firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT), rmaSetup('vrma'), lpcr(v)]);
    expect(bad(P7_INIT | (1n << 47n))).toMatch(/expected 0x804800000000700d/);
    expect(bad(P7_INIT & ~(1n << 51n))).toMatch(/VRMASD cleared, VRMA_L set/);
    expect(bad(P7_INIT | 2n)).toMatch(/expected/);
    // without the value at creation, the fields alone
    expect(firstComplaint(RMA_LPCR, [begin(P7), rmaSetup('vrma'), lpcr(P7_INIT | (1n << 48n))])).toMatch(/VRMASD is not cleared/);
  });
  it('trips on a POWER7 RMO with the wrong selector, VPM0 kept, or the wrong RMOR', () => {
    const bad = (v: bigint, rmor: bigint) => firstComplaint(RMA_LPCR, [begin(P7), lpcr(P7_INIT, 0n), rmaSetup('rmo', RMA_PFN, MB64), lpcr(v, rmor)]);
    const good = (P7_INIT & ~((1n << 63n) | (1n << 51n))) | (3n << 26n);
    expect(bad(good, BigInt(RMA_PFN) << 12n)).toBeNull();
    expect(bad((good & ~(0xfn << 26n)) | (7n << 26n), BigInt(RMA_PFN) << 12n)).toMatch(/RMLS 3/);
    expect(bad(good | (1n << 63n), BigInt(RMA_PFN) << 12n)).toMatch(/VPM0 and VRMA_L cleared/);
    expect(bad(good, BigInt(RMA_PFN))).toMatch(/RMOR should be 0x10000000/);
  });
  it('trips on a PPC970 RMO with a wrong RMOR field, a VRMA on PPC970, and an RMO size without a selector', () => {
    const hid4 = (rmorPfn: number) => 0x700cn | (3n << 24n) | (BigInt(rmorPfn >> 14) << 41n);
    expect(firstComplaint(RMA_LPCR, [begin(P970), lpcr(0x700cn), rmaSetup('rmo', RMA_PFN, MB64), lpcr(hid4(RMA_PFN * 4))])).toMatch(/RMLS 3 split, RMOR for pfn 0x10000/);
    expect(firstComplaint(RMA_LPCR, [begin(P970), rmaSetup('rmo', RMA_PFN, MB64), lpcr(hid4(RMA_PFN) | (1n << 61n))])).toMatch(/HID4's RMLS\/RMOR fields/);
    expect(firstComplaint(RMA_LPCR, [begin(P970), rmaSetup('vrma')])).toMatch(/VRMA on PPC970/);
    expect(firstComplaint(RMA_LPCR, [begin(P970), rmaSetup('rmo', RMA_PFN, (32 << 20) / 4096)])).toMatch(/no limit selector for on ppc970/);
  });
  it('trips on a value that is not hex', () => {
    expect(firstComplaint(RMA_LPCR, [begin(P7), { ev: 'kvmppcSetLpcr', tid, vm, lpcr: 'lots' }])).toMatch(/not a 64-bit hex value/);
  });
  it('ignores x86 VMs', () => {
    expect(firstComplaint(RMA_LPCR, [{ ev: 'opBegin', tid, index: 0, op: { kind: 'createVm', vm } }, lpcr(5n)])).toBeNull();
  });

  describe('on the built-in implementation', () => {
    const traceOf = (ops: Op[]) => runCase({ config: VMX, ops }, { factory: builtinFactory, mutant: null, keepTrace: true }).trace.map((t) => t.record);
    const rmo = (c: PpcHvConfig) => [ppc.createVm(c), ppc.slot(0, 0, 4), ppc.rma(0), ppc.vcpu(), ppc.run()];
    const cases: [string, Op[]][] = [
      ['a POWER7 VRMA', [ppc.createVm(P7), ppc.slot(0, 0, 1), ppc.map(0, 1), ppc.vcpu(), ppc.run()]],
      ['a POWER7 RMO', rmo(P7)],
      ['a PPC970 RMO', rmo(P970)],
    ];
    for (const [name, ops] of cases) {
      const trace = traceOf(ops);
      it(`passes ${name}, with the writes at creation and at setup in the trace`, () => {
        expect(trace.filter((r) => r.ev === 'kvmppcRmaSetup')).toHaveLength(1);
        expect(trace.filter((r) => r.ev === 'kvmppcSetLpcr')).toHaveLength(2);
        expect(firstComplaint(RMA_LPCR, trace)).toBeNull();
      });
      it(`fails ${name} when the setup writes one wrong bit`, () => {
        const last = trace.map((r) => r.ev).lastIndexOf('kvmppcSetLpcr');
        const w = trace[last] as Extract<TraceRecord, { ev: 'kvmppcSetLpcr' }>;
        const flipped = trace.map((r, i) => (i === last ? { ...w, lpcr: `0x${(BigInt(w.lpcr) ^ (1n << 30n)).toString(16)}` } : r));
        expect(firstComplaint(RMA_LPCR, flipped)).toMatch(/for its (RMO|VRMA)/);
      });
    }
  });
});
