import { describe, expect, it } from 'vitest';
import { SETUP_ORDER } from '../oracle/monitors/SETUP_ORDER.js';
import { SETUP_BALANCED } from '../oracle/monitors/SETUP_BALANCED.js';
import { firstComplaint, rec } from './records.js';

const MMU = ['pte_list_desc', 'kvm_mmu_page_header', 'kvm_total_used_mmu_pages'];
const LOAD = [rec.init(), rec.resetMasks(), rec.setup('vendor', 'vmx'), ...MMU.map((o) => rec.setup('mmu', o)), rec.initDone(0)];
const UNLOAD = [...MMU.map((o) => rec.unsetup('mmu', o)), rec.unsetup('vendor', 'vmx'), rec.exitDone()];

describe('SETUP_ORDER', () => {
  it('trips when vendor setup runs before the masks are reset, or a cache is created before it', () => {
    expect(firstComplaint(SETUP_ORDER, [rec.init(), rec.setup('vendor', 'vmx'), rec.resetMasks()])).toMatch(/before the PTE masks were reset/);
    expect(firstComplaint(SETUP_ORDER, [rec.init(), rec.resetMasks(), rec.setup('mmu', 'pte_list_desc')])).toMatch(/before vmx hardware_setup/);
  });

  it('accepts masks, vendor, then the MMU', () => {
    expect(firstComplaint(SETUP_ORDER, [...LOAD, ...UNLOAD, ...LOAD])).toBeNull();
  });
});

describe('SETUP_BALANCED', () => {
  it('trips on a failed load that leaves vendor setup, on a step undone out of order, and on one undone twice', () => {
    const failed = [rec.init(), rec.resetMasks(), rec.setup('vendor', 'vmx'), rec.setup('mmu', 'pte_list_desc', -12), rec.initDone(-12)];
    expect(firstComplaint(SETUP_BALANCED, [...UNLOAD, ...failed])).toMatch(/still set up: vendor vmx/);
    expect(firstComplaint(SETUP_BALANCED, [...UNLOAD, ...LOAD, rec.unsetup('vendor', 'vmx')])).toMatch(/set up after it/);
    expect(firstComplaint(SETUP_BALANCED, [...UNLOAD, ...LOAD, rec.unsetup('mmu', 'pte_list_desc'), rec.unsetup('mmu', 'pte_list_desc')])).toMatch(/undone twice/);
  });

  it('accepts balanced loads and unloads, and unwinding after a failure', () => {
    const unwound = [rec.init(), rec.resetMasks(), rec.setup('vendor', 'vmx'), rec.setup('mmu', 'pte_list_desc'), rec.setup('mmu', 'kvm_mmu_page_header', -12), rec.unsetup('mmu', 'pte_list_desc'), rec.unsetup('vendor', 'vmx'), rec.initDone(-12)];
    expect(firstComplaint(SETUP_BALANCED, [...UNLOAD, ...unwound, ...LOAD, ...UNLOAD])).toBeNull();
    // the other vendor's load is refused while this one is loaded: its steps stay
    expect(firstComplaint(SETUP_BALANCED, [...UNLOAD, ...LOAD, rec.init(), rec.initDone(-17), ...UNLOAD])).toBeNull();
  });
});
