/**
 * A walker that stops at the wrong level is caught (issue 18 item 3): a test-only variant
 * of the impl's walker (not a public mutant) treats every PDE as a 2 MiB leaf, ignoring
 * its PS bit, so a 4 KiB mapping resolves to the frame the PDE names plus the page's
 * index. With the guest's tables real trees (docs/OPERATIONS.md), a campaign of default
 * settings finds it through the conformance check; with every level in one page, as the
 * old layout had, it would give the same answer.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Gfn } from '../api/ids.js';

vi.mock('../impl/x86/paging-tmpl.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../impl/x86/paging-tmpl.js')>();
  type Walker = import('../impl/x86/paging-tmpl.js').GuestWalker;
  type Vcpu = Parameters<typeof real.walkAddr>[0];
  /** the planted bug: a 4 KiB leaf is taken from the PDE, as if it were a 2 MiB page */
  const stopAtPde = (w: Walker, gva: number): Walker =>
    w.gfn !== null && w.level === 1 ? { ...w, level: 2, gfn: (w.tableGfn[0]! + (Math.floor(gva / 4096) % 512)) as Gfn } : w;
  return {
    ...real,
    *walkAddr(vcpu: Vcpu, addr: number) {
      return stopAtPde(yield* real.walkAddr(vcpu, addr), addr);
    },
    *walkGfn(vcpu: Vcpu, gva: number) {
      if (!(vcpu.cr0 & 0x80000000)) return yield* real.walkGfn(vcpu, gva);
      return stopAtPde(yield* real.walkAddr(vcpu, gva), gva).gfn;
    },
  };
});

const { runCampaign } = await import('../fuzz/campaign/campaign.js');
const { builtinFactory } = await import('../impl/builtin.js');

describe('a planted wrong-level walker', () => {
  it('is found by the conformance check in a campaign of default settings', async () => {
    const r = await runCampaign({ factory: builtinFactory, mutant: null, seed: 1, runs: 1000, shrinkTimeMs: 5000 });
    expect(r.counterexample, 'no failure in 1000 runs').not.toBeNull();
    expect(r.counterexample!.invariant).toBe('CONFORMANCE');
    console.log(`planted wrong-level walker: first seen at run ${r.firstSeen}`);
  }, 600_000);
});
