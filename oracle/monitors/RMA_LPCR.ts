/**
 * RMA_LPCR (seed 004, kvmppc_hv_setup_rma and kvmppc_core_init_vm): the partitioning
 * registers say what real-mode area the guest has. A POWER7 VM starts in virtual RMA mode
 * (VPM0, VRMA_L, HDICE, DPFD 4, no RMLS, only PECE/LPES kept from the host, RMOR 0). A VRMA
 * setup clears VRMASD and sets VRMA_L, and changes nothing else. An RMO setup needs a size
 * lpcr_rmls() accepts and writes that selector: on POWER7 with VPM0 and VRMA_L cleared and
 * RMOR = the RMA's base address; on PPC970 into HID4's split RMLS field, with the RMO's
 * offset in HID4's RMOR field; nothing else changes. PPC970 has no VRMA.
 *
 * The VM's cpu is the createVm operation's; the RMA is the kvmppcRmaSetup event's (whose
 * pfns HPTE_BACKED and RMO_NEVER_PUT hold to the pages); the value before the setup is the
 * VM's previous kvmppcSetLpcr, when the implementation traced one.
 */
import type { TraceRecord } from '../../api/events.js';
import type { PpcCpu } from '../../api/ops.js';
import type { Monitor, MonitorSpec } from '../monitor.js';
import { HID4, P7, hexReg, parseReg, rmlsFor } from './ppc/lpcr-fields.js';

type Setup = Extract<TraceRecord, { ev: 'kvmppcRmaSetup' }>;
/** registers as the hex text of the trace: a monitor's memory is plain data (explore hashes it) */
interface Vm {
  readonly cpu: PpcCpu;
  lpcr: string | null;
  rmor: string | null;
  setup: Setup | null;
}

/** what the setup must have written: the exact value when the old one is known, else the fields */
const expectLpcr = (cpu: PpcCpu, s: Setup, old: bigint | null, v: bigint): string | null => {
  if (s.mode === 'vrma') {
    if (old !== null) return v === ((old & ~P7.VRMASD) | P7.VRMA_L) ? null : `expected ${hexReg((old & ~P7.VRMASD) | P7.VRMA_L)} (VRMASD cleared, VRMA_L set)`;
    return (v & P7.VRMASD) === P7.VRMA_L ? null : 'VRMASD is not cleared with VRMA_L set';
  }
  const rmls = BigInt(rmlsFor(cpu, s.npages * 4096)!);
  if (cpu === 'power7') {
    const want = old === null ? null : (old & ~(P7.VPM0 | P7.VRMA_L)) | (rmls << P7.RMLS_SH);
    if (want !== null) return v === want ? null : `expected ${hexReg(want)} (RMLS ${rmls}, VPM0 and VRMA_L cleared)`;
    return (v & P7.RMLS) >> P7.RMLS_SH === rmls && !(v & (P7.VPM0 | P7.VRMA_L)) ? null : `RMLS is not ${rmls} with VPM0 and VRMA_L cleared`;
  }
  const fields = ((rmls >> 2n) << HID4.RMLS0_SH) | ((rmls & 3n) << HID4.RMLS2_SH) | ((BigInt(s.basePfn >> 14) & 0xffffn) << HID4.RMOR_SH);
  const mask = (1n << HID4.RMLS0_SH) | (3n << HID4.RMLS2_SH) | HID4.RMOR;
  const want = old === null ? null : (old & ~((1n << HID4.RMLS0_SH) | (3n << HID4.RMLS2_SH))) | fields;
  if (want !== null) return v === want ? null : `expected ${hexReg(want)} (RMLS ${rmls} split, RMOR for pfn ${hexReg(BigInt(s.basePfn))})`;
  return (v & mask) === fields ? null : `HID4's RMLS/RMOR fields are not RMLS ${rmls} and the RMO at pfn ${hexReg(BigInt(s.basePfn))}`;
};

/** kvmppc_core_init_vm() on POWER7: virtual RMA mode, host bits other than PECE/LPES dropped */
const initProblem = (v: bigint): string | null => {
  const set = P7.VPM0 | P7.VRMA_L | P7.HDICE;
  if ((v & set) !== set || (v & P7.DPFD) !== 4n << 52n) return 'POWER7 starts in virtual RMA mode: VPM0, VRMA_L, HDICE and DPFD 4';
  return v & ~(set | P7.DPFD | P7.PECE | P7.LPES) ? 'bits other than PECE/LPES kept from the host or set' : null;
};

class RmaLpcr implements Monitor {
  private readonly vms = new Map<number, Vm>();
  /** PPC VMs being created: vm -> cpu */
  private readonly creating = new Map<number, PpcCpu>();

  observe(r: TraceRecord): string | null {
    switch (r.ev) {
      case 'opBegin':
        if (r.op.kind === 'createVm' && r.op.ppc) this.creating.set(r.op.vm, r.op.ppc.cpu);
        return null;
      case 'opEnd':
        if (r.op.kind === 'createVm') this.creating.delete(r.op.vm);
        return null;
      case 'kvmDestroyVm':
        this.vms.delete(r.vm);
        return null;
      case 'kvmppcRmaSetup':
        return this.setup(r);
      case 'kvmppcSetLpcr':
        return this.write(r);
      default:
        return null;
    }
  }

  private vm(id: number): Vm | null {
    const had = this.vms.get(id);
    if (had) return had;
    const cpu = this.creating.get(id);
    if (!cpu) return null;
    const v: Vm = { cpu, lpcr: null, rmor: null, setup: null };
    this.vms.set(id, v);
    return v;
  }

  private setup(r: Setup): string | null {
    const vm = this.vm(r.vm);
    if (!vm) return null;
    vm.setup = r;
    if (r.mode === 'vrma') return vm.cpu === 'ppc970' ? `vm ${r.vm} set up a VRMA on PPC970, which requires an RMO` : null;
    return rmlsFor(vm.cpu, r.npages * 4096) === null ? `vm ${r.vm} set up an RMO of ${r.npages * 4096} bytes, a size lpcr_rmls() has no limit selector for on ${vm.cpu}` : null;
  }

  private write(r: Extract<TraceRecord, { ev: 'kvmppcSetLpcr' }>): string | null {
    const vm = this.vm(r.vm);
    if (!vm) return null;
    const v = parseReg(r.lpcr);
    const rmor = r.rmor === undefined ? undefined : parseReg(r.rmor);
    if (v === null || rmor === null) return `vm ${r.vm}: LPCR ${r.lpcr}${r.rmor === undefined ? '' : ` / RMOR ${r.rmor}`} is not a 64-bit hex value`;
    const what = `vm ${r.vm} (${vm.cpu}) wrote LPCR ${r.lpcr}${r.rmor === undefined ? '' : `, RMOR ${r.rmor}`}`;
    const s = vm.setup;
    const bad = !s
      ? vm.lpcr === null && vm.cpu === 'power7' ? initProblem(v) ?? (rmor ? 'RMOR is not 0 at creation' : null) : null
      : expectLpcr(vm.cpu, s, vm.lpcr === null ? null : BigInt(vm.lpcr), v) ?? this.rmorProblem(vm, s, rmor);
    vm.lpcr = hexReg(v);
    if (rmor !== undefined) vm.rmor = hexReg(rmor);
    return bad && `${what} ${s ? `for its ${s.mode === 'rmo' ? 'RMO' : 'VRMA'}` : 'at creation'}: ${bad}`;
  }

  private rmorProblem(vm: Vm, s: Setup, rmor: bigint | undefined): string | null {
    if (rmor === undefined) return null;
    const want = vm.cpu === 'power7' && s.mode === 'rmo' ? BigInt(s.basePfn) << 12n : vm.rmor === null ? null : BigInt(vm.rmor);
    return want === null || rmor === want ? null : `RMOR should be ${hexReg(want)}`;
  }
}

export const RMA_LPCR: MonitorSpec = {
  id: 'RMA_LPCR',
  seed: '004',
  checkedAt: ['kvmppcSetLpcr'],
  rule: "the LPCR/HID4 and RMOR written at VM creation and by the RMA setup encode the guest's real-mode area: virtual RMA mode at creation (POWER7), VRMASD cleared with VRMA_L for a VRMA, the RMO's lpcr_rmls selector and base for an RMO; nothing else changes",
  needs: ['kvmppcRmaSetup', 'kvmppcSetLpcr'],
  scope: { platform: 'ppcHv' },
  create: () => new RmaLpcr(),
};
