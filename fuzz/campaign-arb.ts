/**
 * The arbitrary a campaign draws its cases from. One function, so the supervisor (which
 * shrinks) and every worker (which scans) build the same stream from the same shape.
 */
import type fc from 'fast-check';
import type { TestCase } from '../api/ops.js';
import { DEFAULT_SHAPE, testCaseArb, type CaseShape } from './arbitraries.js';

export const campaignArb = (shape: Partial<CaseShape> = {}): fc.Arbitrary<TestCase> =>
  testCaseArb({ maxOps: shape.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: shape.vcpus ?? DEFAULT_SHAPE.vcpus });
