/**
 * The rule outcomes an implementation cannot express follow from its capabilities alone
 * (fuzz/report/expressible.ts), and spec coverage lists them apart from the outcomes never
 * reached, so that "never reached" is a gap of the generator.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../api/protocol.js';
import { builtinFactory } from '../impl/builtin.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { expressibleBy, inexpressible } from '../fuzz/report/expressible.js';
import { formatSpecCoverage, specCoverage } from '../fuzz/report/spec-coverage.js';
import { OUTCOME_NAMES } from '../model/outcomes/index.js';

/** what the real-KVM adapter declares on the development machine (docs/KVM.md) */
const KVM: Capabilities = {
  ops: ['createVm', 'destroyVm', 'setMemoryRegion', 'createVcpu', 'setCr', 'run', 'translate', 'getDirtyLog', 'setNrMmuPages'],
  events: [], stepping: false, wholeCase: true, realThreads: true, abstract: [], mutants: [], rules: ['upstream'],
  configs: [{ vendor: 'vmx', tdp: false }, { vendor: 'svm', tdp: false }], platforms: ['x86'], pagingModes: ['nonpaging', 'long'],
  limits: { slotIds: 32763, slotsPerVm: 64, vcpusPerVm: 64, vms: 64, reservedGfns: { gfn: 240, npages: 16 } },
};

describe('what an implementation cannot express', () => {
  it('the built-in implementation expresses every outcome', () => {
    expect(inexpressible(builtinFactory.capabilities, reachOf(builtinFactory.capabilities, 'builtin'), 'builtin')).toEqual({});
    expect(expressibleBy(builtinFactory.capabilities, reachOf(builtinFactory.capabilities, 'builtin'), 'builtin')).toBeUndefined();
  });

  it('real KVM: no operation it lacks, no paging mode it refuses, no slot id it keeps, no PPC', () => {
    const x = inexpressible(KVM, reachOf(KVM, 'kvm'), 'kvm');
    expect(x['emulate/read']).toMatch(/no emulate is generated for kvm/);
    expect(x['run/apf.queued']).toMatch(/needs swapOut/);
    expect(x['run/reload→ENOMEM']).toMatch(/needs failAlloc/);
    expect(x['createVm/noModule→ENODEV']).toMatch(/needs moduleUnload/);
    expect(x['setCr/enter.pae']).toMatch(/needs pae paging, and kvm runs only nonpaging, long/);
    expect(x['setCr/enter.nonpaging']).toMatch(/paging goes off only outside long mode/);
    expect(x['setMemoryRegion/slotId→EINVAL']).toMatch(/keeps slot ids from 32763 for itself/);
    expect(x['hEnter/inserted']).toMatch(/no PPC HV VM/);
    // what it can express
    for (const o of ['run/reexecuted', 'run/rootUnbacked→shutdown', 'setCr/enter.long', 'getDirtyLog/nonEmpty', 'vm.missing→EBADF', 'setCr/cr4.reserved→#GP'] as const) expect(x[o]).toBeUndefined();
  });

  it('--ops narrows it, and an implementation that neither steps nor runs threads cannot interleave', () => {
    expect(inexpressible(KVM, reachOf(KVM, 'kvm', undefined, ['getDirtyLog']), 'kvm')['getDirtyLog/nonEmpty']).toMatch(/--ops\/--skip-ops/);
    expect(inexpressible({ ...KVM, realThreads: false }, reachOf(KVM, 'kvm'), 'kvm')['run/reexecuted']).toMatch(/neither steps nor runs threads/);
    expect(inexpressible({ ...KVM, configs: [{ vendor: 'vmx', tdp: true }] }, reachOf({ ...KVM, configs: [{ vendor: 'vmx', tdp: true }] }, 'kvm'), 'kvm')['run/rootUnbacked→shutdown']).toMatch(/only TDP/);
  });

  it('spec coverage counts them apart: not among the never reached, nor in the exit status', () => {
    const x = expressibleBy(KVM, reachOf(KVM, 'kvm'), 'kvm')!;
    const c = specCoverage({ 'createVm/x86': 3 }, 3, 'upstream', x);
    expect(c.notExpressible.map((n) => n.name)).toContain('emulate/read');
    expect(c.never.map((n) => n.name)).not.toContain('emulate/read');
    expect(c.never.map((n) => n.name)).toContain('getDirtyLog/nonEmpty');
    expect(c.reached.length + c.never.length + c.notExpressible.length).toBe(OUTCOME_NAMES.length);
    const text = formatSpecCoverage(c);
    expect(text[0]).toMatch(new RegExp(`1 of ${OUTCOME_NAMES.length} rule outcomes reached, ${c.notExpressible.length} not expressible by kvm, \\d+ reachable ones never`));
    expect(text).toContain('    emulate/read: 0   <-- not expressible by kvm: no emulate is generated for kvm (it lacks it, or --ops/--skip-ops)');
  });
});
