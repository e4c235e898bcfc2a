import { describe, expect, it } from 'vitest';
import { BuiltinKvm } from '../impl/builtin.js';
import type { TraceEvent } from '../api/events.js';
import type { AllocSite, Op } from '../api/ops.js';
import { EAGAIN, EEXIST, ENODEV, ENOENT, ENOMEM } from '../api/errno.js';
import { spteFormatOf } from '../impl/setup/pte-masks.js';
import { op } from './helpers.js';

const steps = (es: TraceEvent[]): string[] =>
  es.flatMap((e) =>
    e.ev === 'kvmSetupStep' ? [`+${e.object}${e.ret ? ` ${e.ret}` : ''}`] : e.ev === 'kvmUnsetupStep' ? [`-${e.object}`] : e.ev === 'kvmResetPteMasks' ? ['reset masks'] : [],
  );
const apply = (kvm: BuiltinKvm, o: Op) => ({ result: kvm.apply(o), steps: steps(kvm.drainEvents()) });
const errno = (e: number) => ({ kind: 'errno', errno: e });

describe('impl: module load at boot', () => {
  it('is set up before the first operation, with the vendor\'s masks, and traces nothing', () => {
    const kvm = new BuiltinKvm({ vendor: 'vmx', tdp: true }, null);
    expect(kvm.drainEvents()).toEqual([]);
    expect(kvm.host.module).toMatchObject({ devRegistered: true, vendorOps: true, pteListDescCache: { name: 'pte_list_desc' } });
    expect(spteFormatOf(kvm.host.module.pteMasks)).toBe('ept');
  });
});

describe('impl: kvm_init and kvm_exit (seed 002)', () => {
  it('unloads in reverse order and loads in order: masks, vendor, then the MMU', () => {
    const kvm = new BuiltinKvm({ vendor: 'svm', tdp: false }, null);
    const pages = kvm.host.pages.allocated;
    expect(apply(kvm, op.unload()).steps).toEqual(['-pte_list_desc', '-kvm_mmu_page_header', '-kvm_total_used_mmu_pages', '-svm_hardware_setup']);
    expect(kvm.host.pages.allocated).toBe(pages - 1);
    expect(apply(kvm, op.load('vmx', true)).steps).toEqual([
      'reset masks', '+vmx_hardware_setup', '+pte_list_desc', '+kvm_mmu_page_header', '+kvm_total_used_mmu_pages',
    ]);
    expect(kvm.abstract().host).toEqual({ loaded: true, vendor: 'vmx', tdp: true, spte: 'ept' });
  });

  it.each<[AllocSite, string[]]>([
    ['vendorHardwareSetup', ['reset masks', '+vmx_hardware_setup -12']],
    ['pteListDescCache', ['reset masks', '+vmx_hardware_setup', '+pte_list_desc -12', '-vmx_hardware_setup']],
    ['mmuPageHeaderCache', ['reset masks', '+vmx_hardware_setup', '+pte_list_desc', '+kvm_mmu_page_header -12', '-pte_list_desc', '-vmx_hardware_setup']],
    ['percpuCounter', ['reset masks', '+vmx_hardware_setup', '+pte_list_desc', '+kvm_mmu_page_header', '+kvm_total_used_mmu_pages -12', '-pte_list_desc', '-kvm_mmu_page_header', '-vmx_hardware_setup']],
  ])('unwinds everything when %s fails', (site, expected) => {
    const kvm = new BuiltinKvm({ vendor: 'vmx', tdp: false }, null);
    kvm.apply(op.unload());
    const pages = kvm.host.pages.allocated;
    kvm.apply(op.fail(site));
    kvm.drainEvents();
    const r = apply(kvm, op.load());
    expect(r).toEqual({ result: errno(ENOMEM), steps: expected });
    expect(kvm.host.pages.allocated).toBe(pages);
    expect(kvm.host.module).toMatchObject({ vendorOps: false, devRegistered: false, vendorArea: null, pteListDescCache: null, totalUsedMmuPages: null });
    expect(apply(kvm, op.load()).result).toEqual({ kind: 'ok' });
  });

  it('answers like the module loader and /dev/kvm', () => {
    const kvm = new BuiltinKvm({ vendor: 'vmx', tdp: false }, null);
    expect(kvm.apply(op.load('vmx'))).toEqual(errno(EEXIST));
    expect(kvm.drainEvents()).toEqual([]);
    // the other vendor's init runs, and kvm_arch_init refuses it
    expect(kvm.apply(op.load('svm'))).toEqual(errno(EEXIST));
    expect(kvm.drainEvents().map((e) => e.ev)).toEqual(['kvmModuleInit', 'kvmModuleInitDone']);
    expect(kvm.abstract().host).toMatchObject({ loaded: true, vendor: 'vmx' });
    kvm.apply(op.createVm());
    expect(kvm.apply(op.unload())).toEqual(errno(EAGAIN));
    kvm.apply(op.destroyVm());
    kvm.apply(op.unload());
    expect(kvm.apply(op.unload())).toEqual(errno(ENOENT));
    expect(kvm.apply(op.createVm())).toEqual(errno(ENODEV));
  });
});
