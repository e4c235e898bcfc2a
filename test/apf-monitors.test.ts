import { describe, expect, it } from 'vitest';
import { APF_NO_RECURSION } from '../oracle/monitors/APF_NO_RECURSION.js';
import { APF_ONE_PER_GFN } from '../oracle/monitors/APF_ONE_PER_GFN.js';
import { APF_PRESENT_ONCE } from '../oracle/monitors/APF_PRESENT_ONCE.js';
import { APF_PREFAULT_SAFE } from '../oracle/monitors/APF_PREFAULT_SAFE.js';
import { APF_PREFAULT_MAPS } from '../oracle/monitors/APF_PREFAULT_MAPS.js';
import { firstComplaint, rec } from './records.js';
import { op } from './helpers.js';

/** work 0 for gfn 5 queued and its page arrived */
const ARRIVED = [rec.notPresent(0, 5), rec.completed(0, 5)];

describe('APF_NO_RECURSION', () => {
  it('trips when the ready-time prefault goes async, or a no_apf fault queues work', () => {
    expect(firstComplaint(APF_NO_RECURSION, [...ARRIVED, rec.prefault(0, 5, [0x1000]), rec.fault(5), rec.doublefault(5)])).toMatch(/inside the "page ready" prefault/);
    expect(firstComplaint(APF_NO_RECURSION, [rec.fault(6, true), rec.notPresent(1, 6)])).toMatch(/no_apf/);
  });

  it('accepts async work from ordinary faults, and a prefault that completes', () => {
    expect(firstComplaint(APF_NO_RECURSION, [rec.fault(5), ...ARRIVED, rec.prefault(0, 5, [0x1000]), rec.fault(5, true), rec.present(0, 5), rec.fault(6), rec.notPresent(1, 6)])).toBeNull();
  });
});

describe('APF_ONE_PER_GFN', () => {
  it('trips on a second work for a gfn that has one outstanding', () => {
    expect(firstComplaint(APF_ONE_PER_GFN, [...ARRIVED, rec.notPresent(1, 5)])).toMatch(/already has work/);
  });

  it('accepts a new work once the first got "page present"', () => {
    expect(firstComplaint(APF_ONE_PER_GFN, [...ARRIVED, rec.present(0, 5), rec.notPresent(1, 5), rec.notPresent(2, 6)])).toBeNull();
  });
});

describe('APF_PRESENT_ONCE', () => {
  it('trips on a second "page present", one before the page arrived, and work left at reset', () => {
    expect(firstComplaint(APF_PRESENT_ONCE, [...ARRIVED, rec.present(0, 5), rec.present(0, 5)])).toMatch(/not outstanding/);
    expect(firstComplaint(APF_PRESENT_ONCE, [rec.notPresent(0, 5), rec.present(0, 5)])).toMatch(/before its page arrived/);
    expect(firstComplaint(APF_PRESENT_ONCE, [rec.notPresent(0, 5), rec.vcpu()])).toMatch(/never got "page present"/);
  });

  it('accepts one "page present" per work, and cancellation at reset', () => {
    expect(firstComplaint(APF_PRESENT_ONCE, [...ARRIVED, rec.present(0, 5), rec.notPresent(1, 6), rec.cancel(1, 6), rec.vcpu()])).toBeNull();
  });
});

describe('APF_PREFAULT_SAFE', () => {
  // slot 0 backs gfns 0..31: a work for gfn 5 completes with its page, one for gfn 0x40 with an error page
  const slot0 = rec.opEnd(op.slot(0, 0, 32));
  const tdp = [rec.host(true), slot0, rec.vcpu(), rec.root(0x1000, true), ...ARRIVED];

  it('trips on a prefault without a valid root, with shadow paging, or for an error page', () => {
    expect(firstComplaint(APF_PREFAULT_SAFE, [...tdp, rec.prefault(0, 5, [-1])])).toMatch(/INVALID_PAGE/);
    const shadow = [rec.host(false), slot0, rec.vcpu(), rec.cr0(0x80000001), rec.root(0x2000, false), ...ARRIVED];
    expect(firstComplaint(APF_PREFAULT_SAFE, [...shadow, rec.prefault(0, 5, [0x2000])])).toMatch(/shadow paging/);
    expect(firstComplaint(APF_PREFAULT_SAFE, [...tdp, rec.completed(1, 0x40, true), rec.prefault(1, 0x40, [0x1000])])).toMatch(/error page/);
  });

  it('accepts a prefault on TDP with the live root', () => {
    expect(firstComplaint(APF_PREFAULT_SAFE, [...tdp, rec.prefault(0, 5, [0x1000])])).toBeNull();
  });
});

describe('APF_PREFAULT_MAPS', () => {
  const ready = [rec.opEnd(op.slot(0, 0, 32)), ...ARRIVED, rec.prefault(0, 5, [0x1000]), rec.fault(5, true), rec.present(0, 5)];

  it('trips when the next access faults on the prefaulted gfn', () => {
    expect(firstComplaint(APF_PREFAULT_MAPS, [...ready, rec.fault(5)])).toMatch(/right after "page ready"/);
  });

  it('accepts a fault after the page was unmapped, after the next access, or for a gfn no slot backs', () => {
    expect(firstComplaint(APF_PREFAULT_MAPS, [...ready, rec.unmap(5), rec.fault(5)])).toBeNull();
    expect(firstComplaint(APF_PREFAULT_MAPS, [...ready, rec.opEnd(op.run(0x5000)), rec.fault(5)])).toBeNull();
    expect(firstComplaint(APF_PREFAULT_MAPS, [...ready.slice(1), rec.fault(5)])).toBeNull();
  });

  it('accepts a write fault in a slot that logs dirty pages (the prefault is a read), but not a read fault', () => {
    const logging = [rec.opEnd(op.slot(0, 0, 32, 0, 1)), ...ready.slice(1)];
    const write = { ...rec.fault(5), write: true };
    expect(firstComplaint(APF_PREFAULT_MAPS, [...logging, write])).toBeNull();
    expect(firstComplaint(APF_PREFAULT_MAPS, [...logging, rec.fault(5)])).toMatch(/right after "page ready"/);
    expect(firstComplaint(APF_PREFAULT_MAPS, [...ready, write])).toMatch(/right after "page ready"/);
  });
});
