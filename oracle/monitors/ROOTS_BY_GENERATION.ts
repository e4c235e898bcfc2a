/**
 * ROOTS_BY_GENERATION (upstream, model/rules.ts `rootsByGeneration`): the root lifecycle as
 * current Linux keeps it, read from the kernel's kvmmmu tracepoints (api/events-kernel.ts).
 * kvm_mmu_zap_all_fast() retires the VM's generation (it traces the old one, then toggles
 * mmu_valid_gen), and from then on:
 *  - kvm_mmu_get_page never hands out a page of the retired generation (for_each_valid_sp
 *    skips is_obsolete_sp()), and all pages it hands out carry one generation;
 *  - when the operation that ran it ends, no page of the retired generation is left
 *    un-zapped (kvm_zap_obsolete_pages()); a root still held is left invalid;
 *  - in a VM with one vCPU, no invalid root is held at the next kvm_entry
 *    (KVM_REQ_MMU_FREE_OBSOLETE_ROOTS: kvm_mmu_free_obsolete_roots() in vcpu_enter_guest()).
 * A page is its generation, gfn and role (what kvm_mmu_find_shadow_page() matches). The
 * events of concurrent operations are fed op by op, not in the kernel's order, so a VM
 * that operations of two harness threads have touched is not judged any more; nor is any
 * VM once an operation comes out of program order (its index skips one not yet seen: the
 * stream is a linearization in which another thread's operations, which the kernel may
 * have run first, come later; found on 6.18 with --vcpus 2, docs/KVM.md 17).
 */
import type { TraceRecord } from '../../api/events.js';
import { RULES, type Rules } from '../../model/rules.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

interface VmGen {
  /** the generation kvm_mmu_get_page hands out now, once seen */
  current: number | null;
  /** the generation the last kvm_mmu_zap_all_fast retired */
  obsolete: number | null;
  /** retired during the operation in flight: judged at its end */
  retiring: number | null;
  /** `${gen}:${gfn}:${role}` -> zapped while a root (invalid) */
  readonly live: Map<string, boolean>;
  readonly tids: Set<number>;
  vcpus: number;
}

const vmOf = (r: object): number | null => ('vm' in r && typeof r.vm === 'number' ? r.vm : null);

class RootsByGeneration implements Monitor {
  private judged = false;
  /** the index the next operation has in program order; -1 once one came out of it */
  private next = 0;
  private readonly vms = new Map<number, VmGen>();

  private vm(id: number): VmGen {
    let s = this.vms.get(id);
    if (!s) this.vms.set(id, (s = { current: null, obsolete: null, retiring: null, live: new Map(), tids: new Set(), vcpus: 0 }));
    return s;
  }

  observe(r: TraceRecord, tid: number): Violation | null {
    if (r.ev === 'hostConfig') this.judged = RULES[(r.config.rules ?? 'seeds') as Rules].rootsByGeneration;
    if (r.ev === 'opBegin') this.next = this.next >= 0 && r.index === this.next ? this.next + 1 : -1;
    if (!this.judged || this.next < 0) return null;
    if (r.ev === 'opBegin' || r.ev === 'opEnd') {
      const id = vmOf(r.op);
      if (id === null) return null;
      // a VM made anew under an old id starts at generation 0 with no pages
      if (r.ev === 'opEnd' && r.op.kind === 'createVm' && r.result.kind === 'ok') this.vms.delete(id);
      const s = this.vm(id);
      s.tids.add(tid);
      if (r.ev === 'opBegin') return null;
      if (r.op.kind === 'createVcpu' && r.result.kind === 'ok') s.vcpus++;
      if (r.op.kind === 'destroyVm' && r.result.kind === 'ok') this.vms.delete(id);
      return s.tids.size > 1 ? null : this.retired(id, s);
    }
    const id = vmOf(r);
    const s = id === null ? undefined : this.vms.get(id);
    if (s === undefined || s.tids.size > 1) return null;
    switch (r.ev) {
      case 'kvmMmuZapAllFast':
        if (s.current !== null && r.gen !== s.current) return because('zap retired another generation', `kvm_mmu_zap_all_fast of vm ${id} retired generation ${r.gen}, but the pages kvm_mmu_get_page handed out were of generation ${s.current}`);
        s.obsolete = s.retiring = r.gen;
        s.current = null;
        return null;
      case 'kvmMmuShadowPage': {
        const what = `kvm_mmu_get_page of vm ${id} handed out ${r.created ? 'a new' : 'an existing'} page (gfn 0x${r.gfn.toString(16)} ${r.role}) of generation ${r.gen}`;
        if (r.gen === s.obsolete) return because('obsolete page handed out', `${what}, which kvm_mmu_zap_all_fast made obsolete`);
        if (s.current !== null && r.gen !== s.current) return because('two generations live', `${what}, while the others are of generation ${s.current}`);
        s.current = r.gen;
        const key = `${r.gen}:${r.gfn}:${r.role}`;
        if (r.created || !s.live.has(key)) s.live.set(key, false);
        return null;
      }
      case 'kvmMmuPrepareZap': {
        const key = `${r.gen}:${r.gfn}:${r.role}`;
        if (r.rootCount === 0) s.live.delete(key);
        else s.live.set(key, true);
        return null;
      }
      case 'kvmVmEntry': {
        const held = [...s.live].filter(([, invalid]) => invalid).length;
        return s.vcpus === 1 && held > 0 ? because('entered holding an invalid root', `vCPU ${r.vcpu} of vm ${id} entered the guest while ${held} invalid root(s) were still held (kvm_mmu_free_obsolete_roots frees them first)`) : null;
      }
      default:
        return null;
    }
  }

  /** at the end of the operation that retired a generation: none of its pages is left valid */
  private retired(id: number, s: VmGen): Violation | null {
    const gen = s.retiring;
    s.retiring = null;
    if (gen === null) return null;
    const left = [...s.live].filter(([k, invalid]) => !invalid && k.startsWith(`${gen}:`)).map(([k]) => k);
    return left.length === 0 ? null : because('obsolete page left', `kvm_mmu_zap_all_fast of vm ${id} returned with ${left.length} page(s) of the retired generation ${gen} not zapped (kvm_zap_obsolete_pages), the first: gfn 0x${Number(left[0]!.split(':')[1]).toString(16)}`);
  }
}

export const ROOTS_BY_GENERATION: MonitorSpec = {
  id: 'ROOTS_BY_GENERATION',
  seed: '000',
  checkedAt: ['kvmMmuZapAllFast'],
  rule: 'upstream: after kvm_mmu_zap_all_fast no page of the retired generation is handed out or left un-zapped, and no invalid root is held at the next entry',
  needs: ['kvmMmuShadowPage', 'kvmMmuPrepareZap', 'kvmMmuZapAllFast'],
  create: () => new RootsByGeneration(),
};
