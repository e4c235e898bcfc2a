/**
 * The arbitrary a campaign draws its cases from: the generator, cut to what the
 * implementation can run (fuzz/gen/reach.ts). One function, so the supervisor (which shrinks)
 * and every worker (which scans) build the same stream from the same shape and reach. The
 * reach crosses to a worker as plain JSON (WireReach).
 */
import type { Limits } from '../../api/limits.js';
import type fc from 'fast-check';
import type { HostConfig, OpKind, RegisterBits, TestCase } from '../../api/ops.js';
import type { Platform } from '../../api/protocol.js';
import type { PagingMode } from '../../model/x86/registers.js';
import type { Rules } from '../../model/rules.js';
import { DEFAULT_SHAPE, testCaseArb, type CaseShape } from './arbitraries.js';
import { restrictCase, type Reach } from './reach.js';

export const campaignArb = (shape: Partial<CaseShape>, reach: Reach): fc.Arbitrary<TestCase> => {
  const s = { maxOps: shape.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: shape.vcpus ?? DEFAULT_SHAPE.vcpus, platforms: [...reach.platforms] };
  return testCaseArb(s).map((tc) => restrictCase(tc, reach));
};

/** a Reach as JSON: its sets as arrays */
export interface WireReach {
  readonly ops: readonly OpKind[];
  readonly rules: Rules;
  readonly pagingModes?: readonly PagingMode[];
  readonly configs: readonly HostConfig[];
  readonly platforms: readonly Platform[];
  readonly limits?: Limits;
  readonly registerBits?: RegisterBits;
}

export const toWire = (r: Reach): WireReach => ({
  ops: [...r.ops],
  rules: r.rules,
  ...(r.pagingModes && { pagingModes: [...r.pagingModes] }),
  configs: r.configs,
  platforms: [...r.platforms],
  ...(r.limits && { limits: r.limits }),
  ...(r.registerBits && { registerBits: r.registerBits }),
});

export const fromWire = (w: WireReach): Reach => ({
  ops: new Set(w.ops),
  rules: w.rules,
  ...(w.pagingModes && { pagingModes: new Set(w.pagingModes) }),
  configs: w.configs,
  platforms: new Set(w.platforms),
  ...(w.limits && { limits: w.limits }),
  ...(w.registerBits && { registerBits: w.registerBits }),
});
